"""Organisation endpoints, scoped like the console."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.api import PagePagination
from gonghui.orgs import selectors

router = Router(tags=["orgs"])


class OrganisationOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent_code: str | None
    division_code: str
    division_name: str
    credit_code: str | None
    chair_name: str
    contact_name: str
    contact_phone: str
    founded_on: datetime.date | None
    status: str
    depth: int

    @staticmethod
    def resolve_kind_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_code(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_division_code(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.division_id

    @staticmethod
    def resolve_division_name(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.division.name


@router.get("/", response=list[OrganisationOut], summary="工会组织列表")
@paginate(PagePagination)
def org_list(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    status: str = "",
    division: str = "",
    within: str = "",
):
    """Organisations in the caller's scope; ``within`` limits to the subtree of a code."""
    root = selectors.organisation_get_for_actor(actor=request.user, code=within) if within else None
    return selectors.organisation_list(
        actor=request.user, q=q, kind=kind, status=status, division=division, within=root
    )


@router.get("/{code}", response=OrganisationOut, summary="工会组织详情")
def org_detail(request: HttpRequest, code: str):
    return selectors.organisation_get_for_actor(actor=request.user, code=code)
