"""Writes of the member registry: joining, review, state changes, transfers, card numbers.

Each service opens its transaction, checks the rule, writes the typed timeline event
(``MembershipEvent``) and the auditors' change record, and re-checks the actor's scope.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can, subtree_q
from gonghui.core import audit
from gonghui.core.counters import next_number, reserve_block
from gonghui.core.errors import Conflict, ScopeViolation
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.pii import blind_index
from gonghui.core.validators import ResidentId, normalise_phone, normalise_uscc, parse_resident_id
from gonghui.core.workdays import add_working_days
from gonghui.members.choices import (
    LIVE_STATES,
    ApplicationState,
    Education,
    EmploymentType,
    EventKind,
    MembershipState,
    Occupation,
    RetainReason,
    TransferCompletion,
    TransferOrigin,
    TransferState,
)
from gonghui.members.models import JoinApplication, Membership, MembershipEvent, Person, Transfer
from gonghui.members.rules import JOIN_REVIEW_WORKING_DAYS, format_card_number, name_initials
from gonghui.orgs.choices import EmployerSize, Industry, OrgStatus, Ownership
from gonghui.orgs.models import Employer, Organisation
from gonghui.orgs.selectors import local_federation
from gonghui.orgs.services import employer_create

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
def _require(actor: Any, capability: str, path: str) -> None:
    if not actor_can(actor, capability, path):
        raise ScopeViolation(_("This record is outside your jurisdiction; nothing was done."))


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
        raise ValidationError({field: error.messages}, code=error.code) from None


def clean_phone(raw: str, field: str = "phone") -> str:
    try:
        return normalise_phone(raw)
    except ValidationError as error:
        raise ValidationError({field: error.messages}, code=error.code) from None


def live_membership_of(id_number_hash: str) -> Membership | None:
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


# --- online joining -------------------------------------------------------------------------------
def clean_employer_credit_code(raw: str) -> str:
    """The typed credit code of a new employer, normalised; the message names the field, since
    the API answers with the messages alone."""
    try:
        return normalise_uscc(raw)
    except ValidationError as error:
        raise ValidationError(
            {
                "employer_credit_code": [
                    _("Employer's unified social credit code: %(error)s") % {"error": message}
                    for message in error.messages
                ]
            },
            code="uscc_invalid",
        ) from None


def _resolve_employer(
    employer: Employer | None, employer_name: str, credit_code: str
) -> tuple[Employer | None, str, str]:
    """A known employer wins; a typed credit code that matches one is that employer."""
    if employer is not None:
        return employer, employer.name, employer.credit_code or ""
    code = ""
    if credit_code.strip():
        code = clean_employer_credit_code(credit_code)
        known = Employer.objects.select_related("union", "organisation").filter(credit_code=code)
        if known:
            return known[0], known[0].name, code
    name = employer_name.strip()
    if not name:
        raise ValidationError({"employer_name": _("Enter the name of your employer.")})
    return None, name[:150], code


@transaction.atomic
def join_application_submit(
    *,
    name: str,
    id_number: str,
    phone: str,
    occupation: str,
    employer: Employer | None = None,
    employer_name: str = "",
    employer_credit_code: str = "",
    employer_division: Division | None = None,
    employment_type: str = "",
    ethnicity: str = "",
    education: str = "",
    today: datetime.date | None = None,
) -> JoinApplication:
    """A worker applies to join on H5 (public). Routed to the employer's union or the 属地
    federation, due in 3 working days. An already-live member is told to transfer instead,
    without being told which union holds the membership."""
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter your name.")]
    elif len(name) > 50:
        errors["name"] = [_("The name is too long (at most 50 characters).")]
    if occupation not in Occupation.values:
        errors["occupation"] = [_("Choose your occupation.")]
    if employment_type and employment_type not in EmploymentType.values:
        errors["employment_type"] = [_("Choose a valid employment type.")]
    if education and education not in Education.values:
        errors["education"] = [_("Choose a valid education level.")]
    resident = phone_number = None
    try:
        resident = clean_resident_id(id_number)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        phone_number = clean_phone(phone)
    except ValidationError as error:
        errors.update(error.message_dict)
    if employer is None and employer_credit_code.strip():
        # Checked with the other fields: a bad code must not reach the review (approval
        # registers the employer under it).
        try:
            clean_employer_credit_code(employer_credit_code)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    assert resident is not None and phone_number is not None
    id_hash = blind_index("id", resident.number)
    if live_membership_of(id_hash) is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "You are already a trade union member. To move to the union of a new "
                    "employer, ask for a membership transfer instead of joining again."
                )
            },
            code="already_member",
        )
    if JoinApplication.objects.filter(
        id_number_hash=id_hash, state=ApplicationState.PENDING
    ).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "An application with this ID number is already awaiting review; "
                    "check its progress instead."
                )
            },
            code="already_applied",
        )
    employer, employer_name, employer_credit_code = _resolve_employer(
        employer, employer_name, employer_credit_code
    )
    organisation = _route(employer, employer_division)
    application = JoinApplication.objects.create(
        name=name,
        id_number=resident.number,
        id_number_hash=id_hash,
        phone=phone_number,
        phone_hash=blind_index("phone", phone_number),
        sex=resident.sex,
        birth_date=resident.birth_date,
        id_division_code=resident.division_code,
        ethnicity=ethnicity.strip()[:20],
        education=education,
        employer=employer,
        employer_name=employer_name if employer is None else "",
        employer_credit_code=employer_credit_code if employer is None else "",
        employer_division=employer_division if employer is None else employer.division,
        occupation=occupation,
        employment_type=employment_type,
        organisation=organisation,
        due_on=add_working_days(today or _today(), JOIN_REVIEW_WORKING_DAYS),
    )
    _audit(
        None,
        ChangeRecord.Action.CREATE,
        "join_application_submit",
        application,
        organisation.path,
        after=audit.snapshot(application, masked=PII_FIELDS),
    )
    return application


def _person_for(application: JoinApplication) -> Person:
    """The registered person of this ID (a former member comes back), updated, or a new one."""
    person = Person.objects.select_for_update().filter(
        id_number_hash=application.id_number_hash
    ).first() or Person(id_number=application.id_number, id_number_hash=application.id_number_hash)
    person.name = application.name
    person.name_initials = name_initials(application.name)
    person.sex = application.sex
    person.birth_date = application.birth_date
    person.id_division_code = application.id_division_code
    person.phone = application.phone
    person.phone_hash = application.phone_hash
    person.ethnicity = application.ethnicity or person.ethnicity
    person.education = application.education or person.education
    person.save()
    return person


def _pending_application(actor: Any, application: JoinApplication) -> JoinApplication:
    row = (
        JoinApplication.objects.select_for_update()
        .select_related("organisation")
        .get(pk=application.pk)
    )
    _require(actor, "member.review", row.organisation.path)
    if row.state != ApplicationState.PENDING:
        raise Conflict(_("This application has already been reviewed."))
    return row


def _employer_for(actor: Any, row: JoinApplication) -> tuple[Employer | None, bool]:
    """The employer of an approved application, and whether it was registered just now.

    A picked employer stays. A typed one is matched as the mass import does: by credit code
    anywhere (it is unique nationally, so a second registration is impossible), else by exact
    name among the employers under the reviewing union; otherwise it is registered through
    ``orgs.services.employer_create`` (audited there), in this transaction, responsible to the
    reviewing union.
    """
    if row.employer_id is not None:
        return row.employer, False
    name = row.employer_name.strip()
    code = row.employer_credit_code.strip()
    if not name and not code:
        return None, False
    if code:
        known = Employer.objects.filter(credit_code=code).first()
    else:
        known = (
            Employer.objects.filter(subtree_q("organisation__path", row.organisation.path))
            .filter(name=name)
            .order_by("pk")
            .first()
        )
    if known is not None:
        return known, False
    organisation = row.organisation
    employer = employer_create(
        actor=actor,
        name=name or code,
        credit_code=code or None,
        division=row.employer_division or organisation.division,
        # What the worker typed says nothing of these; staff complete them in the register.
        industry=Industry.O,
        size=EmployerSize.SMALL,
        ownership=Ownership.OTHER,
        union=None if organisation.is_federation else organisation,
    )
    return employer, True


@transaction.atomic
def join_application_approve(
    *, actor: Any, application: JoinApplication, today: datetime.date | None = None
) -> Membership:
    """Approve: the person becomes an active member of the reviewing union with a card number,
    linked to the employer (a typed new employer is matched or registered, see ``_employer_for``)."""
    row = _pending_application(actor, application)
    if live_membership_of(row.id_number_hash) is not None:
        raise Conflict(
            _("This person is already a member elsewhere; a transfer is needed instead."),
            code="already_member",
        )
    person = _person_for(row)
    employer, employer_created = _employer_for(actor, row)
    membership = Membership.objects.create(
        person=person,
        organisation=row.organisation,
        employer=employer,
        occupation=row.occupation,
        employment_type=row.employment_type,
        state=MembershipState.ACTIVE,
        card_number=card_number_next(),
        joined_on=today or _today(),
    )
    _event(
        membership,
        EventKind.JOINED,
        actor,
        via="online",
        application=row.pk,
        employer_name=row.employer_name,
        employer=employer.pk if employer is not None else None,
        employer_created=employer_created,
    )
    before = {"state": ApplicationState.PENDING, "employer": row.employer_id}
    row.state = ApplicationState.APPROVED
    row.reviewed_by = actor
    row.reviewed_at = timezone.now()
    row.membership = membership
    row.employer = employer
    row.save(
        update_fields=[
            "state",
            "reviewed_by",
            "reviewed_at",
            "membership",
            "employer",
            "updated_at",
        ]
    )
    path = row.organisation.path
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "join_application_approve",
        row,
        path,
        before=before,
        after={
            "state": row.state,
            "membership": membership.pk,
            "employer": row.employer_id,
            "employer_created": employer_created,
        },
    )
    _audit(
        actor,
        ChangeRecord.Action.CREATE,
        "membership_create",
        membership,
        path,
        after=audit.snapshot(membership),
    )
    return membership


@transaction.atomic
def join_application_reject(
    *, actor: Any, application: JoinApplication, reason: str
) -> JoinApplication:
    """Reject with a reason the worker sees when checking progress."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    row = _pending_application(actor, application)
    row.state = ApplicationState.REJECTED
    row.reject_reason = reason[:500]
    row.reviewed_by = actor
    row.reviewed_at = timezone.now()
    row.save(update_fields=["state", "reject_reason", "reviewed_by", "reviewed_at", "updated_at"])
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "join_application_reject",
        row,
        row.organisation.path,
        before={"state": ApplicationState.PENDING},
        after={"state": row.state, "reject_reason": row.reject_reason},
    )
    return row


# --- state changes --------------------------------------------------------------------------------
def _locked_membership(actor: Any, membership: Membership, capability: str) -> Membership:
    row = (
        Membership.objects.select_for_update()
        .select_related("organisation", "person")
        .get(pk=membership.pk)
    )
    _require(actor, capability, row.organisation.path)
    return row


def _change_state(
    actor: Any,
    row: Membership,
    *,
    state: str,
    kind: str,
    verb: str,
    note: str,
    **data: Any,
) -> Membership:
    before = audit.snapshot(row, ["state", "organisation", "retained_reason", "ended_on"])
    row.state = state
    row.save()
    _event(row, kind, actor, note, previous_state=before["state"], **data)
    old, new = audit.changed_fields(
        before, audit.snapshot(row, ["state", "organisation", "retained_reason", "ended_on"])
    )
    _audit(
        actor, ChangeRecord.Action.UPDATE, verb, row, row.organisation.path, before=old, after=new
    )
    return row


@transaction.atomic
def membership_retain(
    *,
    actor: Any,
    membership: Membership,
    reason: str,
    note: str = "",
    keep_at: Organisation | None = None,
) -> Membership:
    """保留会籍 on retirement, unemployment or the unit closing; kept at the old union or moved up
    to one of its upper unions (``keep_at``)."""
    if reason not in RetainReason.values:
        raise ValidationError({"reason": _("Choose why the membership is retained.")})
    row = _locked_membership(actor, membership, "member.manage")
    if row.state != MembershipState.ACTIVE:
        raise Conflict(_("Only an active membership can be retained."))
    if keep_at is not None and keep_at.pk != row.organisation_id:
        if not row.organisation.path.startswith(keep_at.path):
            raise ValidationError(
                {"keep_at": _("A retained membership is kept at its union or an upper union.")}
            )
        row.organisation = keep_at
    row.retained_reason = reason
    row = _change_state(
        actor,
        row,
        state=MembershipState.RETAINED,
        kind=EventKind.RETAINED,
        verb="membership_retain",
        note=note,
        reason=reason,
    )
    _require(actor, "member.manage", row.organisation.path)
    return row


def _end(
    actor: Any,
    membership: Membership,
    *,
    state: str,
    kind: str,
    verb: str,
    note: str,
    today: datetime.date | None,
) -> Membership:
    """Leaving and expulsion both end an active or retained membership on ``today``."""
    row = _locked_membership(actor, membership, "member.manage")
    if row.state not in (MembershipState.ACTIVE, MembershipState.RETAINED):
        raise Conflict(_("Only an active or retained membership can end this way."))
    row.ended_on = today or _today()
    return _change_state(actor, row, state=state, kind=kind, verb=verb, note=note)


@transaction.atomic
def membership_leave(
    *, actor: Any, membership: Membership, note: str = "", today: datetime.date | None = None
) -> Membership:
    """退会: the member leaves, confirmed by the union's staff."""
    return _end(
        actor,
        membership,
        state=MembershipState.LEFT,
        kind=EventKind.LEFT,
        verb="membership_leave",
        note=note,
        today=today,
    )


@transaction.atomic
def membership_expel(
    *, actor: Any, membership: Membership, reason: str, today: datetime.date | None = None
) -> Membership:
    """Expulsion (除名), with the reason on the timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the expulsion.")})
    return _end(
        actor,
        membership,
        state=MembershipState.EXPELLED,
        kind=EventKind.EXPELLED,
        verb="membership_expel",
        note=reason,
        today=today,
    )


# --- transfers ------------------------------------------------------------------------------------
@transaction.atomic
def transfer_request(
    *,
    actor: Any,
    membership: Membership,
    to_employer: Employer | None = None,
    to_organisation: Organisation | None = None,
    origin: str = TransferOrigin.UNION,
    reason: str = "",
    today: datetime.date | None = None,
) -> Transfer:
    """会籍接转, asked by the new union (``actor`` holds member.transfer there) or by the member on
    H5 (``origin`` member, no actor: the view has checked ID number + phone). Goes to the new
    employer's union, else the local county federation; the old union confirms, or it completes
    by itself after the configured working days."""
    row = (
        Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    )
    if row.state not in (MembershipState.ACTIVE, MembershipState.RETAINED):
        raise Conflict(_("Only an active or retained membership can be transferred."))
    if to_employer is not None:
        target = _route(to_employer, to_employer.division)
    elif to_organisation is not None:
        target = to_organisation
    else:
        raise ValidationError({"to_employer": _("Choose the new employer or the new union.")})
    if target.status != OrgStatus.ACTIVE:
        raise ValidationError({"to_organisation": _("The new union is not active.")})
    if target.pk == row.organisation_id and (
        to_employer is None or to_employer.pk == row.employer_id
    ):
        raise ValidationError({"to_organisation": _("The member already belongs to this union.")})
    if origin == TransferOrigin.UNION:
        _require(actor, "member.transfer", target.path)
    transfer = Transfer.objects.create(
        membership=row,
        from_organisation=row.organisation,
        to_organisation=target,
        from_employer_id=row.employer_id,
        to_employer=to_employer,
        from_state=row.state,
        origin=origin,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        auto_complete_on=add_working_days(today or _today(), transfer_auto_days()),
        reason=(reason or "")[:500],
    )
    row.state = MembershipState.TRANSFERRING
    row.save(update_fields=["state", "updated_at"])
    _event(
        row,
        EventKind.TRANSFER_REQUESTED,
        actor,
        reason,
        transfer=transfer.pk,
        to=target.name,
        origin=origin,
    )
    _audit(
        actor,
        ChangeRecord.Action.CREATE,
        "transfer_request",
        transfer,
        target.path,
        after=audit.snapshot(transfer),
    )
    return transfer


def _apply_transfer(transfer: Transfer, actor: Any, completion: str) -> Membership:
    """Move the membership to the new union; the Transfer row and the events keep the history."""
    row = Membership.objects.select_for_update().get(pk=transfer.membership_id)
    before = audit.snapshot(row, ["organisation", "employer", "state"])
    row.organisation_id = transfer.to_organisation_id
    row.employer_id = transfer.to_employer_id
    row.state = MembershipState.ACTIVE
    row.retained_reason = ""
    row.save()
    _event(
        row,
        EventKind.TRANSFERRED,
        actor,
        transfer=transfer.pk,
        completion=completion,
        **{"from": transfer.from_organisation.name, "to": transfer.to_organisation.name},
    )
    old, new = audit.changed_fields(
        before, audit.snapshot(row, ["organisation", "employer", "state"])
    )
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "transfer_complete",
        row,
        transfer.to_organisation.path,
        before=old,
        after=new | {"completion": completion},
    )
    return row


def _pending_transfer(transfer: Transfer) -> Transfer:
    row = (
        Transfer.objects.select_for_update()
        .select_related("from_organisation", "to_organisation")
        .get(pk=transfer.pk)
    )
    if row.state != TransferState.PENDING:
        raise Conflict(_("This transfer has already been decided."))
    return row


@transaction.atomic
def transfer_confirm(*, actor: Any, transfer: Transfer) -> Transfer:
    """The old union confirms; the membership becomes active at the new union."""
    row = _pending_transfer(transfer)
    _require(actor, "member.transfer", row.from_organisation.path)
    row.state = TransferState.COMPLETED
    row.completion = TransferCompletion.CONFIRMED
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.save()
    _apply_transfer(row, actor, TransferCompletion.CONFIRMED)
    return row


@transaction.atomic
def transfer_reject(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """The old union refuses (e.g. wrong person); the membership returns to its former state."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    row = _pending_transfer(transfer)
    _require(actor, "member.transfer", row.from_organisation.path)
    return _close_transfer(actor, row, TransferState.REJECTED, EventKind.TRANSFER_REJECTED, reason)


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer, reason: str = "") -> Transfer:
    """The requesting (new) union withdraws its request."""
    row = _pending_transfer(transfer)
    _require(actor, "member.transfer", row.to_organisation.path)
    return _close_transfer(
        actor, row, TransferState.CANCELLED, EventKind.TRANSFER_CANCELLED, reason
    )


def _close_transfer(actor: Any, row: Transfer, state: str, kind: str, reason: str) -> Transfer:
    row.state = state
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.note = reason[:500]
    row.save()
    membership = Membership.objects.select_for_update().get(pk=row.membership_id)
    membership.state = row.from_state
    membership.save(update_fields=["state", "updated_at"])
    _event(membership, kind, actor, reason, transfer=row.pk)
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        f"transfer_{state}",
        row,
        row.from_organisation.path,
        before={"state": TransferState.PENDING},
        after={"state": state, "note": row.note},
    )
    return row


def transfers_complete_due(*, today: datetime.date | None = None) -> int:
    """Complete every pending transfer whose day has come (idempotent: each row is claimed with a
    conditional UPDATE, so a second run, or two runs at once, complete nothing twice)."""
    today = today or _today()
    done = 0
    due = Transfer.objects.filter(
        state=TransferState.PENDING, auto_complete_on__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = Transfer.objects.filter(pk=pk, state=TransferState.PENDING).update(
                state=TransferState.COMPLETED,
                completion=TransferCompletion.AUTOMATIC,
                decided_at=timezone.now(),
            )
            if not claimed:
                continue
            transfer = Transfer.objects.select_related("from_organisation", "to_organisation").get(
                pk=pk
            )
            _apply_transfer(transfer, None, TransferCompletion.AUTOMATIC)
            done += 1
    return done
