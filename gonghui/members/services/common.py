"""Shared pieces of the registry services: card numbers, scope checks, events, audit, routing."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.counters import next_number, reserve_block
from gonghui.core.models import Division
from gonghui.core.validators import ResidentId, normalise_phone, parse_resident_id
from gonghui.members.choices import (
    LIVE_STATES,
)
from gonghui.members.models import Membership, MembershipEvent
from gonghui.members.rules import format_card_number
from gonghui.orgs.choices import OrgStatus
from gonghui.orgs.models import Employer, Organisation
from gonghui.orgs.selectors import local_federation

CARD_COUNTER = "members.card"
PII_FIELDS = frozenset({"id_number", "phone"})
# Working days after which an unanswered transfer completes by itself (configurable).
DEFAULT_TRANSFER_AUTO_DAYS = 10


def transfer_auto_days() -> int:
    return int(getattr(settings, "GONGHUI_MEMBER_TRANSFER_AUTO_DAYS", DEFAULT_TRANSFER_AUTO_DAYS))


# --- card numbers ---------------------------------------------------------------------------------
def card_number_next() -> str:
    """One card number from the locked counter; call inside the caller's transaction."""
    return format_card_number(next_number(CARD_COUNTER))


def card_numbers(count: int) -> list[str]:
    """``count`` consecutive card numbers reserved in one UPDATE, for bulk enrolment."""
    if count <= 0:
        return []
    first = reserve_block(CARD_COUNTER, count)
    return [format_card_number(first + offset) for offset in range(count)]


# --- helpers --------------------------------------------------------------------------------------
def _today() -> datetime.date:
    return timezone.localdate()


def _event(
    membership: Membership, kind: str, actor: Any, note: str = "", **data: Any
) -> MembershipEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return MembershipEvent.objects.create(
        membership=membership, kind=kind, actor=user, note=note[:500], data=data
    )


def _audit(actor: Any, action: str, verb: str, obj: Any, path: str, **kwargs: Any) -> None:
    audit.record(actor=actor, action=action, verb=verb, obj=obj, organisation_path=path, **kwargs)


def clean_resident_id(raw: str, field: str = "id_number") -> ResidentId:
    try:
        return parse_resident_id(raw)
    except ValidationError as error:
        raise ValidationError({field: error}) from None  # the field keeps its code


def clean_phone(raw: str, field: str = "phone") -> str:
    try:
        return normalise_phone(raw)
    except ValidationError as error:
        raise ValidationError({field: error}) from None  # the field keeps its code


def clean_identity(
    id_number: str, phone: str, errors: dict[str, list[Any]]
) -> tuple[ResidentId | None, str | None]:
    """A worker's ID number and mobile checked together (a public form's identity): what is
    wrong goes into ``errors`` on its field, with its code, and comes back as None."""
    resident = phone_number = None
    try:
        resident = clean_resident_id(id_number)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        phone_number = clean_phone(phone)
    except ValidationError as error:
        errors.update(error.error_dict)
    return resident, phone_number


def live_membership_of(id_number_hash: bytes) -> Membership | None:
    return (
        Membership.objects.filter(person__id_number_hash=id_number_hash, state__in=LIVE_STATES)
        .select_related("organisation")
        .first()
    )


def _route(employer: Employer | None, division: Division | None) -> Organisation:
    """The union that reviews an application: the employer's responsible union (its own union,
    else the 属地 federation kept on the employer), or for a new employer the county federation
    of its division."""
    if employer is not None:
        union = employer.union
        if union is not None and union.status == OrgStatus.ACTIVE:
            return union
        return employer.organisation
    federation = local_federation(division) if division is not None else None
    if federation is None:
        raise ValidationError(
            {"employer_division": _("Choose the district or county where the employer is located.")}
        )
    return federation


def employer_after_move(
    employer: Employer | None, union: Organisation, named: Employer | None = None
) -> Employer | None:
    """The employer of a membership that moves to ``union`` (a transfer, a reactivation).

    - An employer named with the move is the employer.
    - Otherwise the current employer stays when ``union`` is that employer's union: the union
      covering it or, for an employer without a union, the federation responsible for it (属地).
    - It also stays when ``union`` covers no employer of its own (a federation): nothing says
      the member changed jobs, so the employer on record is still the best knowledge.
    - Otherwise ``union`` is another employer's union, so the old employer is certainly wrong:
      the member now works for ``union``'s employer when it covers exactly one, else the
      employer is unknown (``None``) until the staff fill it in.
    """
    if named is not None:
        return named
    if employer is not None and union.pk in (employer.union_id, employer.organisation_id):
        return employer
    own = list(Employer.objects.filter(union=union).order_by("pk")[:2])
    if not own:
        return employer
    return own[0] if len(own) == 1 else None
