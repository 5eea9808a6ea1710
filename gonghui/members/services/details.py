"""Staff edit a member's details: phone, employer, occupation, education, employment type."""

from __future__ import annotations

import enum
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict
from gonghui.core.models import ChangeRecord
from gonghui.core.pii import blind_index, mask_phone
from gonghui.members.choices import (
    Education,
    EmploymentType,
    EventKind,
    MembershipState,
    Occupation,
)
from gonghui.members.models import Membership
from gonghui.members.services.common import _audit, _event, clean_phone
from gonghui.members.services.membership import _locked_membership
from gonghui.orgs.models import Employer


class _Keep(enum.Enum):
    KEEP = "keep"


# ``employer=KEEP`` leaves the employer as it is (``None`` clears it).
KEEP = _Keep.KEEP
EDITABLE_FIELDS = ("phone", "employer", "occupation", "education", "employment_type")


def _details(row: Membership) -> dict[str, Any]:
    """The editable details as the audit record shows them: the phone masked."""
    return {
        "phone": mask_phone(row.person.phone),
        "employer": row.employer_id,
        "occupation": row.occupation,
        "education": row.person.education,
        "employment_type": row.employment_type,
    }


def _check_choice(value: str | None, choices: list[str], field: str, errors: dict) -> None:
    if value and value not in choices:
        errors[field] = [ValidationError(_("Choose a value from the list."), code="invalid_choice")]


def _check_employer(row: Membership, employer: Employer | Literal[_Keep.KEEP] | None) -> None:
    """A member's employer is one the membership's union answers for: the union covering it,
    or, for an employer without a union, the federation responsible for it (属地). A job with
    another union's employer is a transfer (会籍接转), not an edit."""
    if employer is KEEP or employer is None or employer.pk == row.employer_id:
        return
    if row.organisation_id not in (employer.union_id, employer.organisation_id):
        raise ValidationError(
            {
                "employer": ValidationError(
                    _(
                        "This employer belongs to another union; ask for a membership transfer "
                        "instead."
                    ),
                    code="other_union",
                )
            }
        )


@transaction.atomic
def member_update(
    *,
    actor: Any,
    membership: Membership,
    phone: str | None = None,
    employer: Employer | Literal[_Keep.KEEP] | None = KEEP,
    occupation: str | None = None,
    education: str | None = None,
    employment_type: str | None = None,
) -> Membership:
    """Correct an active or retained member's details (member.manage over its union).

    ``None`` (``KEEP`` for the employer) leaves a detail as it is. The audit record holds the
    changed details before and after, the phone masked; the timeline event (UPDATED) names the
    changed fields only, never the values of personal data. Refused when nothing changes.
    """
    row = _locked_membership(actor, membership, "member.manage")
    if row.state not in (MembershipState.ACTIVE, MembershipState.RETAINED):
        raise Conflict(_("Only an active or retained membership can be edited."))
    errors: dict[str, list[Any]] = {}
    if phone is not None:
        try:
            phone = clean_phone(phone)
        except ValidationError as error:
            errors.update(error.error_dict)
    _check_choice(occupation, Occupation.values, "occupation", errors)
    _check_choice(education, Education.values, "education", errors)
    _check_choice(employment_type, EmploymentType.values, "employment_type", errors)
    if errors:
        raise ValidationError(errors)
    _check_employer(row, employer)
    before = _details(row)
    person = row.person
    # Compared in plain text: two numbers can share their masked form.
    new_phone = False
    if phone is not None and phone != person.phone:
        person.phone, person.phone_hash = phone, blind_index("phone", phone)
        new_phone = True
    if education is not None:
        person.education = education
    if employer is not KEEP:
        row.employer = employer
    if occupation is not None:
        row.occupation = occupation
    if employment_type is not None:
        row.employment_type = employment_type
    after = _details(row)
    changed = [
        field
        for field in EDITABLE_FIELDS
        if before[field] != after[field] or (field == "phone" and new_phone)
    ]
    if not changed:
        raise ValidationError(_("Nothing was changed."), code="unchanged")
    person.save()
    row.save()
    _event(row, EventKind.UPDATED, actor, fields=changed)
    _audit(
        actor,
        ChangeRecord.Action.UPDATE,
        "member_update",
        row,
        row.organisation.path,
        before={field: before[field] for field in changed},
        after={field: after[field] for field in changed},
    )
    return row
