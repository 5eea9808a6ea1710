"""Online joining (网上入会): application, review within 3 working days, approval and rejection."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import require_scope, subtree_q
from gonghui.core import audit
from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord, Division
from gonghui.core.pii import blind_index
from gonghui.core.validators import normalise_person_name, normalise_uscc
from gonghui.core.workdays import add_working_days
from gonghui.members.choices import (
    ApplicationState,
    Education,
    EmploymentType,
    EventKind,
    MembershipState,
    Occupation,
)
from gonghui.members.models import JoinApplication, Membership, MembershipEvent, Person
from gonghui.members.rules import (
    JOIN_REVIEW_WORKING_DAYS,
    MIN_MEMBER_AGE,
    below_member_age,
    name_initials,
)
from gonghui.members.services.common import (
    PII_FIELDS,
    _audit,
    _event,
    _route,
    _today,
    card_number_next,
    clean_identity,
    live_membership_of,
)
from gonghui.orgs.choices import EmployerSize, Industry, Ownership
from gonghui.orgs.models import Employer
from gonghui.orgs.services import employer_create


# --- online joining -------------------------------------------------------------------------------
def clean_employer_credit_code(raw: str) -> str:
    """The typed credit code of a new employer, normalised; refused on ``employer_credit_code``
    with the validator's own message (each page or answer puts the field's label before it
    once: the form's label, the API's ``_labelled``)."""
    try:
        return normalise_uscc(raw)
    except ValidationError as error:
        raise ValidationError(
            {
                "employer_credit_code": [
                    ValidationError(message, code="uscc_invalid") for message in error.messages
                ]
            }
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
    consent: bool = False,
    today: datetime.date | None = None,
) -> JoinApplication:
    """A worker applies to join on H5 (public). Routed to the employer's union or the 属地
    federation, due in 3 working days. An already-live member is told to transfer instead,
    without being told which union holds the membership. ``consent``: the worker agreed to
    the personal-information notice (the public form and API require it); the audit record
    keeps it as the proof (PIPL art. 14)."""
    # Lists of messages or of ValidationErrors (which keep their codes: uscc_invalid...).
    errors: dict[str, list[Any]] = {}
    try:
        name = normalise_person_name(name)
    except ValidationError as error:
        errors["name"] = [error]
    else:
        if not name:
            errors["name"] = [_("Enter your name.")]
    if occupation not in Occupation.values:
        errors["occupation"] = [_("Choose your occupation.")]
    if employment_type and employment_type not in EmploymentType.values:
        errors["employment_type"] = [_("Choose a valid employment type.")]
    if education and education not in Education.values:
        errors["education"] = [_("Choose a valid education level.")]
    resident, phone_number = clean_identity(id_number, phone, errors)
    if employer is None and employer_credit_code.strip():
        # Checked with the other fields: a bad code must not reach the review (approval
        # registers the employer under it).
        try:
            clean_employer_credit_code(employer_credit_code)
        except ValidationError as error:
            errors.update(error.error_dict)
    if resident is not None and below_member_age(resident.birth_date, today or _today()):
        errors["id_number"] = [
            _("Only workers aged %(age)d or over can join the union.") % {"age": MIN_MEMBER_AGE}
        ]
    if errors:
        raise ValidationError(errors)
    assert resident is not None and phone_number is not None
    id_hash = blind_index("id", resident.number)
    if live_membership_of(id_hash) is not None:
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _(
                        "You are already a trade union member. To move to the union of a new "
                        "employer, ask for a membership transfer instead of joining again."
                    ),
                    code="already_member",
                )
            }
        )
    if JoinApplication.objects.filter(
        id_number_hash=id_hash, state=ApplicationState.PENDING
    ).exists():
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _(
                        "An application with this ID number is already awaiting review; "
                        "check its progress instead."
                    ),
                    code="already_applied",
                )
            }
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
        after=audit.snapshot(application, masked=PII_FIELDS) | {"consent": consent},
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
    require_scope(actor, "member.review", row.organisation.path)
    if row.state != ApplicationState.PENDING:
        raise Conflict(_("This application has already been reviewed."), code="already_reviewed")
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
        # What the worker typed says nothing of these; staff complete them in the register,
        # which lists the employer as 待完善 until then.
        industry=Industry.O,
        size=EmployerSize.SMALL,
        ownership=Ownership.OTHER,
        details_pending=True,
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
    # The timeline starts where the worker did: applied (when), then joined (now).
    MembershipEvent.objects.create(
        membership=membership,
        kind=EventKind.APPLIED,
        at=row.created_at,
        data={"application": row.pk},
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
