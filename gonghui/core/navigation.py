"""The console's navigation: each entry shows only to users holding its capability.

An app adds its pages by appending a ``NavItem`` here (see docs/developers.md). An entry may
carry a to-do count (``badge``): pending work for the user, with how much of it is overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.scoping import actor_can


@dataclass(frozen=True)
class NavBadge:
    """A to-do count beside an entry: ``count`` waiting, ``overdue`` of them past their day;
    ``title`` says so in words (the app's own, translated)."""

    count: int
    overdue: int = 0
    title: str = ""


@dataclass(frozen=True)
class NavItem:
    label: Promise
    url_name: str
    capability: str
    icon: str = "circle"
    # "module:function" giving the entry's NavBadge for a user, imported when first asked for,
    # so this module names apps without importing them. Keep it to one cheap query: it runs on
    # every console page.
    badge: str = ""


CONSOLE_NAV: list[NavItem] = [
    NavItem(_("Union organisations"), "orgs:org_list", "org.view", "diagram-3"),
    NavItem(_("Employers"), "orgs:employer_list", "employer.view", "building"),
    NavItem(_("Members"), "members:member_list", "member.view", "person-vcard"),
    NavItem(
        _("Join applications"),
        "members:application_queue",
        "member.review",
        "person-check",
        badge="gonghui.members.todo:applications_badge",
    ),
    NavItem(
        _("Membership transfers"),
        "members:transfer_list",
        "member.transfer",
        "arrow-left-right",
        badge="gonghui.members.todo:transfers_badge",
    ),
    NavItem(
        _("Mass enrolment"), "memberimport:batch_list", "member.import", "file-earmark-arrow-up"
    ),
    NavItem(_("Staff"), "accounts:staff_list", "staff.manage", "people"),
    NavItem(_("Audit records"), "core:audit_list", "audit.view", "journal-text"),
    NavItem(_("Service stations"), "stations:station_list", "station.view", "geo-alt"),
    NavItem(_("Hotline intake"), "appeals:intake", "appeal.intake", "telephone"),
    NavItem(_("Walk-in registration"), "appeals:walk_in", "appeal.intake", "person-walking"),
    NavItem(_("My appeal queue"), "appeals:queue", "appeal.handle", "inbox"),
    NavItem(_("Extension requests"), "appeals:extensions", "appeal.dispatch", "hourglass-split"),
    NavItem(_("Appeals"), "appeals:list", "appeal.view", "chat-square-text"),
    NavItem(_("Appeal figures"), "appeals:kpi", "dashboard.view", "bar-chart"),
]


def _badge_function(path: str) -> Callable[[Any], NavBadge | None]:
    module, _sep, name = path.partition(":")
    function: Callable[[Any], NavBadge | None] = getattr(import_module(module), name)
    return function


def nav_badges(user: Any) -> dict[str, NavBadge]:
    """The to-do counts of the console entries ``user`` may open, by the entry's URL (an
    entry whose count is zero has none)."""
    badges: dict[str, NavBadge] = {}
    for item in CONSOLE_NAV:
        if not item.badge or not actor_can(user, item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        badge = _badge_function(item.badge)(user)
        if badge is not None and badge.count:
            badges[url] = badge
    return badges


@dataclass(frozen=True)
class H5Item:
    label: Promise
    url_name: str
    icon: str = "circle"


# The workers' services on the phone home page (/m/); each app appends its own.
H5_NAV: list[H5Item] = [
    H5Item(_("Nearby stations"), "stations:h5_map", "geo-alt"),
    H5Item(_("Join the union"), "members:join", "person-plus"),
    H5Item(_("Membership transfer"), "members:member_transfer", "arrow-left-right"),
    H5Item(_("File an appeal"), "appeals:h5_appeal", "megaphone"),
    H5Item(_("Track my appeal"), "appeals:h5_track", "search"),
]
