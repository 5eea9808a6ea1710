"""Writes of staff accounts, role assignments, API tokens and audited reveals."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import ApiToken, RoleAssignment, User
from gonghui.accounts.roles import ROLES
from gonghui.accounts.scoping import actor_can, forget_scope, require_scope
from gonghui.core import audit
from gonghui.core.api import hash_token
from gonghui.core.models import ChangeRecord


def _require_staff_manager(actor: Any, organisation: Any) -> None:
    require_scope(
        actor,
        "staff.manage",
        organisation.path,
        _("This organisation is outside your jurisdiction; nothing was done."),
    )


def _check_role_grantable(actor: Any, role: str, organisation: Any) -> None:
    """An actor may grant a role only with capabilities they hold themselves on that node."""
    if role not in ROLES:
        raise ValidationError({"role": _("Unknown role.")})
    missing = [
        cap for cap in ROLES[role].capabilities if not actor_can(actor, cap, organisation.path)
    ]
    if missing:
        raise ValidationError(
            {"role": _("You cannot grant a role with more permissions than your own.")}
        )


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    password: str,
    role: str,
    organisation: Any,
    email: str = "",
) -> User:
    """Create a staff account with its first role, inside the actor's own subtree only."""
    _require_staff_manager(actor, organisation)
    _check_role_grantable(actor, role, organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(username=username, full_name=full_name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="staff_create",
        obj=user,
        after={"username": username, "full_name": full_name},
        organisation_path=organisation.path,
    )
    role_assign(actor=actor, user=user, role=role, organisation=organisation)
    return user


@transaction.atomic
def role_assign(*, actor: Any, user: User, role: str, organisation: Any) -> RoleAssignment:
    """Give ``user`` a role on ``organisation`` (within the actor's subtree, no escalation)."""
    _require_staff_manager(actor, organisation)
    _check_role_grantable(actor, role, organisation)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, organisation=organisation, defaults={"created_by": actor}
    )
    if created:
        audit.record(
            actor=actor,
            action=ChangeRecord.Action.CREATE,
            verb="role_assign",
            obj=assignment,
            after={"user": user.username, "role": role, "organisation": organisation.code},
            organisation_path=organisation.path,
        )
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    """Withdraw one role assignment; the user keeps any others."""
    _require_staff_manager(actor, assignment.organisation)
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.DELETE,
        verb="role_revoke",
        obj=assignment,
        before={
            "user": assignment.user.username,
            "role": assignment.role,
            "organisation": assignment.organisation.code,
        },
        organisation_path=assignment.organisation.path,
    )
    assignment.delete()
    forget_scope(assignment.user)


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user`` (the actor themselves, or a superuser for anyone).

    Returns the row and the token text, which is shown once and never stored.
    """
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("You can only create tokens for your own account."))
    token = "gh_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name, prefix=token[:10], key_hash=hash_token(token)
    )
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.CREATE,
        verb="api_token_create",
        obj=row,
        after={"user": user.username, "name": name, "prefix": row.prefix},
    )
    return row, token


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token at once; only its owner (or a superuser) may."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action=ChangeRecord.Action.UPDATE,
            verb="api_token_revoke",
            obj=token,
            after={"prefix": token.prefix},
        )
    return token


@transaction.atomic
def pii_reveal(*, actor: Any, obj: models.Model, field: str, organisation_path: str) -> str:
    """Return the plaintext of a personal-data field and write the audit row (PIPL).

    Only actors holding ``pii.reveal`` over the record's organisation may reveal.
    """
    if not actor_can(actor, "pii.reveal", organisation_path):
        raise PermissionDenied(_("You do not have permission to view plain text."))
    audit.record(
        actor=actor,
        action=ChangeRecord.Action.REVEAL,
        verb=f"reveal:{field}",
        obj=obj,
        after={"field": field},
        organisation_path=organisation_path,
    )
    return str(getattr(obj, field) or "")
