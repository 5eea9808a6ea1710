"""Pure rules of the organisation tree (no ORM)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.orgs.choices import OrgKind

_UNDER_FEDERATION = {
    OrgKind.TOWNSHIP,
    OrgKind.INDUSTRY,
    OrgKind.JOINT,
    OrgKind.SECTOR,
    OrgKind.GRASSROOTS,
}
CHILD_KINDS: dict[str, set[OrgKind]] = {
    OrgKind.REGION_FEDERATION: {OrgKind.CITY_FEDERATION, *_UNDER_FEDERATION},
    OrgKind.CITY_FEDERATION: {OrgKind.COUNTY_FEDERATION, *_UNDER_FEDERATION},
    OrgKind.COUNTY_FEDERATION: _UNDER_FEDERATION,
    OrgKind.TOWNSHIP: {OrgKind.JOINT, OrgKind.SECTOR, OrgKind.GRASSROOTS},
    OrgKind.INDUSTRY: {OrgKind.GRASSROOTS, OrgKind.JOINT},
    OrgKind.JOINT: {OrgKind.GRASSROOTS},
    OrgKind.SECTOR: {OrgKind.GRASSROOTS},
    OrgKind.GRASSROOTS: set(),
}


def allowed_child_kinds(parent_kind: str) -> set[OrgKind]:
    """Which kinds of union may be set up directly under a union of ``parent_kind``.

    Federations follow the administrative levels (region → city → county); township, industry,
    joint and sector unions sit under a federation; grassroots unions are leaves.
    """
    return CHILD_KINDS.get(parent_kind, set())


def check_union_credit_code(code: str, kind: str) -> str | None:
    """A union's credit code has registration authority 8 (工会); grassroots-type unions 81.

    Returns a Chinese message when the code does not fit, else None. ``code`` is already a valid
    GB 32100 code.
    """
    if not code.startswith("8"):
        return _(
            "A union’s unified social credit code starts with 8 (registration authority: trade unions)."
        )
    if kind in (OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.SECTOR) and not code.startswith("81"):
        return _("A grassroots union’s unified social credit code starts with 81.")
    return None
