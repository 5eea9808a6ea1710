"""Reads of mass enrolment, scoped to the actor's part of the tree (member.import)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gonghui.memberimport.models import ImportBatch
from gonghui.memberimport.services import CAPABILITY
from gonghui.orgs.models import Organisation


def batch_list(*, actor: Any, status: str = "") -> QuerySet[ImportBatch]:
    qs = (
        ImportBatch.objects.visible_to(actor, CAPABILITY)
        .select_related("organisation", "actor")
        .defer("file_sealed", "errors")
    )
    return qs.filter(status=status) if status else qs


def batch_get_for_actor(*, actor: Any, pk: int) -> ImportBatch:
    """The batch, or 404 when it does not exist or belongs to another area."""
    return ImportBatch.objects.select_related("organisation", "actor").get_for_actor(
        actor, CAPABILITY, pk=pk
    )


def suggested_unions(*, actor: Any, limit: int = 200) -> list[Organisation]:
    """The unions of the actor's own role assignments first, then others in scope, for the
    upload form's suggestions."""
    own = (
        list(Organisation.objects.filter(role_assignments__user=actor, status="active").distinct())
        if getattr(actor, "is_authenticated", False)
        else []
    )
    seen = {org.pk for org in own}
    more = (
        Organisation.objects.visible_to(actor, CAPABILITY)
        .filter(status="active")
        .exclude(pk__in=seen)
        .order_by("path")[: max(0, limit - len(own))]
    )
    return own + list(more)


def organisation_for_import(*, actor: Any, code: str) -> Organisation:
    return Organisation.objects.get_for_actor(actor, CAPABILITY, code=code)
