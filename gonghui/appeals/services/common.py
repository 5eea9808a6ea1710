"""Helpers shared by the appeal services: events, time limits, where appeals start."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can, scope_paths
from gonghui.appeals import rules
from gonghui.appeals.models import (
    Appeal,
    AppealEvent,
    SlaPolicy,
)
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Organisation

logger = logging.getLogger("gonghui.appeals")

PII_FIELDS = frozenset({"phone", "id_number"})


def _conflict_message() -> str:
    return _("Another user has just changed this appeal. Reload the page and try again.")


def number_prefix() -> str:
    return getattr(settings, "GONGHUI_APPEAL_NUMBER_PREFIX", "NX")


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.full_name or actor.username


def _event(
    appeal: Appeal,
    kind: str,
    *,
    actor: Any = None,
    message: str = "",
    public: bool = False,
    from_state: str = "",
    to_state: str = "",
    actor_name: str | None = None,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor) if actor_name is None else actor_name,
        organisation_name=appeal.organisation.name if appeal.organisation_id else "",
        message=message,
        public=public,
        from_state=from_state,
        to_state=to_state,
    )


def sla_days(request_type: str, complexity: str) -> tuple[int, int]:
    """(sign days, reply days) from the editable policy table, else the issue's defaults."""
    policy = (
        SlaPolicy.objects.filter(request_type=request_type, complexity=complexity)
        .values_list("sign_days", "reply_days")
        .first()
    )
    if policy:
        return policy
    return 1, rules.DEFAULT_REPLY_DAYS.get(request_type, 15)


def root_organisation() -> Organisation:
    """The regional federation that runs the 12351 centre and receives H5 appeals."""
    org = (
        Organisation.objects.filter(
            kind=OrgKind.REGION_FEDERATION, division_id=settings.GONGHUI_REGION_CODE
        ).first()
        or Organisation.objects.filter(parent__isnull=True).order_by("path").first()
    )
    if org is None:
        raise ValidationError(_("No regional federation is set up to receive appeals."))
    return org


def intake_organisation(actor: Any) -> Organisation:
    """Where an appeal entered by ``actor`` starts: the highest level where they take appeals."""
    paths = scope_paths(actor, "appeal.intake")
    if paths is None:
        return root_organisation()
    if not paths:
        raise Http404
    return Organisation.objects.get(path=min(paths, key=len))


def _require(actor: Any, capability: str, appeal: Appeal) -> None:
    """Outside the actor's scope an appeal does not exist (404, never 403)."""
    if not actor_can(actor, capability, appeal.organisation.path):
        raise Http404
