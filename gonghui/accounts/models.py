"""Staff accounts, their role assignments on organisations, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.roles import ROLE_CHOICES
from gonghui.accounts.scoping import ScopedQuerySet


class User(AbstractUser):
    """A person who logs in: union staff, leadership, or a worker with an H5 account.

    What a user may see and do comes only from their ``RoleAssignment`` rows (deny by default);
    ``is_superuser`` is reserved for the platform operator.
    """

    full_name = models.CharField(_("Full name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("Users")

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username


class RoleAssignment(models.Model):
    """A role held on one organisation; it grants the role's capabilities on the subtree below."""

    user = models.ForeignKey(
        User, verbose_name=_("User"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("Role"), max_length=32, choices=ROLE_CHOICES)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("Organisation"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("Granted at"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("Granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "organisation__path"

    class Meta:
        verbose_name = _("Role assignment")
        verbose_name_plural = _("Role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class ApiToken(models.Model):
    """A hashed bearer token for an integration; it acts with its user's role assignments.

    Only the SHA-256 of the token is stored; the token itself is shown once, at creation.
    """

    user = models.ForeignKey(
        User, verbose_name=_("User"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Purpose"), max_length=100)
    prefix = models.CharField(_("Prefix"), max_length=12)
    key_hash = models.CharField(_("Digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("Expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
