"""The registry's to-do counts beside the console's navigation entries (``NavItem.badge``):
join applications to review and transfers to confirm, each one count query."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.navigation import NavBadge
from gonghui.members import selectors


def applications_badge(user: Any) -> NavBadge:
    backlog = selectors.applications_backlog(actor=user)
    words = _("%(count)d awaiting review, %(overdue)d past the deadline")
    return _badge(backlog, words)


def transfers_badge(user: Any) -> NavBadge:
    backlog = selectors.transfers_backlog(actor=user)
    words = _("%(count)d awaiting your confirmation, %(overdue)d due to complete by themselves")
    return _badge(backlog, words)


def _badge(backlog: selectors.Backlog, words: str) -> NavBadge:
    title = words % {"count": backlog.waiting, "overdue": backlog.overdue}
    return NavBadge(backlog.waiting, backlog.overdue, title)
