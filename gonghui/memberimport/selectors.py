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


def importing_unions(*, actor: Any) -> QuerySet[Organisation]:
    """Unions the actor may import into (every organisation in scope)."""
    return Organisation.objects.visible_to(actor, CAPABILITY).filter(status="active")


def organisation_for_import(*, actor: Any, code: str) -> Organisation:
    return Organisation.objects.get_for_actor(actor, CAPABILITY, code=code)
