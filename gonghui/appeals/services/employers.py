"""A caller's employer that is not yet registered, typed by the operator at intake.

Rule (issue 4, "employer (search or new)"): the operator may register the employer in passing
(name, optional unified social credit code, division); it goes into the one employer register
through ``orgs.services.employer_create`` (which writes its own audit record), responsible to
the 属地 federation of its division, and the appeal is routed by that division. No duplicates:
a credit code that is already registered is that employer; an employer of the same name in the
same division is offered to the operator instead of being registered a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from gonghui.accounts.scoping import actor_can
from gonghui.core.models import Division
from gonghui.core.validators import normalise_uscc
from gonghui.orgs.choices import EmployerSize, Industry, Ownership
from gonghui.orgs.models import Employer
from gonghui.orgs.selectors import local_federation
from gonghui.orgs.services import employer_create

# The form fields these errors belong to (the console intake and walk-in forms use these names).
NAME_FIELD = "employer_name"
CODE_FIELD = "employer_credit_code"
DIVISION_FIELD = "employer_division"
EXISTS_CODE = "employer_exists"


@dataclass(frozen=True)
class NewEmployer:
    """A checked new employer: the name, the normalised credit code ('' if none) and the place.

    ``existing`` is the registered employer with the same credit code, if there is one: the
    appeal is linked to it and nothing is registered.
    """

    name: str
    credit_code: str
    division: Division
    existing: Employer | None = None


def _division(value: Any) -> Division | None:
    if isinstance(value, Division):
        return value
    code = str(value or "").strip()
    return Division.objects.filter(pk=code).first() if code else None


def new_employer_check(*, actor: Any, raw: dict[str, Any]) -> NewEmployer:
    """Check a typed new employer; every mistake names its field, in Chinese.

    ``raw``: ``name``, ``credit_code`` (optional) and ``division`` (code or Division).
    Raises a ValidationError with code ``employer_exists`` on the name field when an employer of
    that name is already registered in that division (the form then offers it).
    """
    errors: dict[str, str] = {}
    code = ""
    if str(raw.get("credit_code") or "").strip():
        try:
            code = normalise_uscc(raw["credit_code"])
        except ValidationError as error:
            errors[CODE_FIELD] = _("Employer's unified social credit code: %(error)s") % {
                "error": error.messages[0]
            }
    if code:
        # Credit codes are unique nationally: a registered one is that employer, whatever the
        # name typed (the register's name is kept).
        known = Employer.objects.select_related("division").filter(credit_code=code).first()
        if known is not None:
            return NewEmployer(known.name, code, known.division, existing=known)
    name = " ".join(str(raw.get("name") or "").split())[:150]
    if not name:
        errors[NAME_FIELD] = _("Employer: enter the name of the new employer.")
    division = _division(raw.get("division"))
    if division is None:
        errors[DIVISION_FIELD] = _("Employer's division: choose where the employer is.")
    if errors or division is None:
        raise ValidationError(errors)
    if Employer.objects.filter(name=name, division=division).exists():
        raise ValidationError(
            {
                NAME_FIELD: ValidationError(
                    _(
                        "Employer: “%(name)s” is already registered in %(division)s; "
                        "choose the registered employer instead of registering it again."
                    )
                    % {"name": name, "division": division.name},
                    code=EXISTS_CODE,
                )
            }
        )
    federation = local_federation(division)
    if federation is None:
        raise ValidationError(
            {
                DIVISION_FIELD: _(
                    "Employer's division: this division has no federation of trade unions yet, "
                    "so the employer cannot be registered."
                )
            }
        )
    if not actor_can(actor, "appeal.intake", federation.path):
        raise ValidationError(
            {
                DIVISION_FIELD: _(
                    "Employer's division: %(division)s is outside your area, so you cannot "
                    "register employers there; leave “register as a new employer” unticked to "
                    "record the name only."
                )
                % {"division": division.name}
            }
        )
    return NewEmployer(name, code, division)


def new_employer_register(*, actor: Any, new: NewEmployer) -> tuple[Employer, bool]:
    """The employer of ``new``: the registered one, or a new row of the register (True).

    Runs inside the intake's transaction. What the operator typed says nothing of industry,
    size or ownership; the 属地 federation completes them in the employer register.
    """
    if new.existing is not None:
        return new.existing, False
    try:
        employer = employer_create(
            actor=actor,
            capability="appeal.intake",
            name=new.name,
            credit_code=new.credit_code or None,
            division=new.division,
            industry=Industry.O,
            size=EmployerSize.SMALL,
            ownership=Ownership.OTHER,
            union=None,
            details_pending=True,  # placeholders until the 属地 federation completes them
        )
    except ValidationError as error:
        # The register's own checks name its fields; the intake form names them differently.
        fields = {"name": NAME_FIELD, "credit_code": CODE_FIELD, "division": DIVISION_FIELD}
        raise ValidationError(
            {
                fields.get(field, NAME_FIELD): messages
                for field, messages in error.message_dict.items()
            }
        ) from None
    except IntegrityError:
        # The same credit code registered a moment ago by another intake: that employer.
        known = Employer.objects.filter(credit_code=new.credit_code or None).first()
        if known is None or not new.credit_code:
            raise
        return known, False
    return employer, True
