"""What the endpoints of the membership's changes share: the look-ups of what a request names
by id or code, each refused on the request's own field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.members import selectors
from gonghui.orgs.models import Employer, Organisation


def employer_named(actor: Any, pk: int | None, field: str) -> Employer | None:
    """The employer with id ``pk`` in the actor's scope (``None`` when none is named); a field
    error (code ``unknown_employer``) when the actor sees none with this id."""
    if pk is None:
        return None
    employer = selectors.employer_for_actor(actor=actor, pk=pk)
    if employer is None:
        message = _("No employer in your jurisdiction has this id.")
        raise ValidationError({field: ValidationError(message, code="unknown_employer")})
    return employer


def organisation_named(actor: Any, code: str, field: str, capability: str) -> Organisation | None:
    """The union with this organisation code where the actor holds ``capability`` (``None``
    when the code is empty); a field error (code ``unknown_organisation``) otherwise."""
    if not code.strip():
        return None
    found = selectors.filter_organisation(actor=actor, code=code, capability=capability)
    if found is None:
        message = _("No union in your jurisdiction has this code.")
        raise ValidationError({field: ValidationError(message, code="unknown_organisation")})
    return found


def renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """``error`` with its fields named as the request names them (a service's ``employer`` is the
    request's ``employer_id``); every message keeps its code."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )
