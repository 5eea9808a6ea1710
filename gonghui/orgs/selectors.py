"""Reads of the organisation tree and employers, already scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When
from django.db.models.functions import Substr

from gonghui.accounts.scoping import subtree_q
from gonghui.core.models import Division, DivisionLevel, division_prefix
from gonghui.orgs.choices import GRASSROOTS_KINDS, OrgKind, OrgStatus
from gonghui.orgs.models import Employer, Organisation


def organisation_list(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    status: str = "",
    division: str = "",
    within: Organisation | None = None,
) -> QuerySet[Organisation]:
    """Organisations the actor may see, filtered by name/code search, kind, status, subtree."""
    qs = Organisation.objects.visible_to(actor, "org.view").select_related("division", "parent")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code=q) | Q(credit_code=q.upper())
        )
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    if within is not None:
        qs = qs.filter(subtree_q("path", within.path))
    return qs


def organisation_get_for_actor(*, actor: Any, code: str) -> Organisation:
    """One organisation by code, or 404 when it does not exist or lies outside scope."""
    return Organisation.objects.select_related("division", "parent").get_for_actor(
        actor, "org.view", code=code
    )


def organisation_children(*, actor: Any, organisation: Organisation) -> QuerySet[Organisation]:
    """Direct children with the number of organisations in each child's subtree."""
    return (
        Organisation.objects.visible_to(actor, "org.view")
        .filter(parent=organisation)
        .select_related("division")
        # Federations, township and industry unions first; the many grassroots unions after.
        .order_by(Case(When(kind__in=GRASSROOTS_KINDS, then=1), default=0), "kind", "name")
    )


def grassroots_under(organisation: Organisation) -> QuerySet[Organisation]:
    """All grassroots-type unions in the subtree (one index range scan on ``path``)."""
    return Organisation.objects.filter(
        subtree_q("path", organisation.path), kind__in=GRASSROOTS_KINDS
    )


def subtree_counts(
    parents: list[Organisation], *, kinds: tuple[str, ...] = GRASSROOTS_KINDS
) -> dict[int, int]:
    """For each organisation, how many organisations of ``kinds`` lie in its subtree.

    One query: each row's path prefix of the parents' length is grouped and counted.
    """
    if not parents:
        return {}
    result: dict[int, int] = {}
    by_length: dict[int, dict[str, int]] = {}
    for parent in parents:
        by_length.setdefault(len(parent.path), {})[parent.path] = parent.pk
        result[parent.pk] = 0
    for length, paths in by_length.items():
        condition = Q()
        for path in paths:
            condition |= subtree_q("path", path)
        rows = (
            Organisation.objects.filter(condition, kind__in=kinds)
            .annotate(prefix=Substr("path", 1, length))
            .values("prefix")
            .annotate(n=Count("id"))
        )
        for row in rows:
            result[paths[row["prefix"]]] = row["n"]
    return result


def local_federation(division: Division) -> Organisation | None:
    """The federation responsible for a division (属地): its county federation, else the city's,
    else the region's."""
    candidates = [division.code]
    if division.level == DivisionLevel.COUNTY:
        candidates += [division.code[:4] + "00", division.code[:2] + "0000"]
    elif division.level == DivisionLevel.CITY:
        candidates += [division.code[:2] + "0000"]
    federations = {
        org.division_id: org
        for org in Organisation.objects.filter(
            division_id__in=candidates,
            kind__in=(
                OrgKind.COUNTY_FEDERATION,
                OrgKind.CITY_FEDERATION,
                OrgKind.REGION_FEDERATION,
            ),
            status=OrgStatus.ACTIVE,
        )
    }
    for code in candidates:
        if code in federations:
            return federations[code]
    return None


def employer_list(
    *,
    actor: Any,
    q: str = "",
    platform_only: bool = False,
    without_union: bool = False,
    pending_only: bool = False,
    division: str = "",
) -> QuerySet[Employer]:
    """Employers the actor may see: by name or credit code, platform companies, uncovered ones,
    those whose details are still pending (待完善)."""
    qs = Employer.objects.visible_to(actor, "employer.view").select_related(
        "division", "union", "organisation"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    if platform_only:
        qs = qs.exclude(platform_kind="")
    if without_union:
        qs = qs.filter(union__isnull=True)
    if pending_only:
        qs = qs.filter(details_pending=True)
    if division:
        qs = qs.filter(division__code__startswith=division_prefix(division))
    return qs


def employer_get_for_actor(*, actor: Any, pk: int) -> Employer:
    return Employer.objects.select_related("division", "union", "organisation").get_for_actor(
        actor, "employer.view", pk=pk
    )
