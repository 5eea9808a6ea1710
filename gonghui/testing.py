"""The shared cast of the test suite: a small organisation tree and one persona per role.

Every app's tests use ``cast`` (a pytest fixture in the root conftest.py) instead of inventing
their own users, so that scope rules are exercised the same way everywhere:

- region (宁夏回族自治区总工会, 640000) → 银川市总工会 (640100) → 兴庆区总工会 (640104) → 兴庆 grassroots
                                                          → 金凤区总工会 (640106)
                                     → 固原市总工会 (640400) → 原州区总工会 (640402) → 原州 grassroots
- personas: nx_admin (federation_admin @ region), yc_staff (federation_admin @ 银川),
  xq_staff (org_staff @ 兴庆区), yz_staff (org_staff @ 原州区), hotline (hotline_operator @ region),
  auditor (auditor @ region), leader (leader @ region), nobody (no role), superuser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gonghui.accounts.models import RoleAssignment, User
from gonghui.core.divisions import DEFAULT_FILE, load_divisions
from gonghui.core.models import Division
from gonghui.core.validators import uscc_check_character
from gonghui.orgs.choices import Industry, OrgKind
from gonghui.orgs.models import Employer, Organisation, path_segment

PASSWORD = "Test-pass-2026"
_counter = {"org": 0, "uscc": 0}


def make_uscc(prefix: str = "91", division: str = "640104") -> str:
    """A valid, unique unified social credit code."""
    _counter["uscc"] += 1
    body = f"{prefix}{division}{_counter['uscc']:09d}"
    return body + uscc_check_character(body)


def make_org(
    name: str, kind: str, parent: Organisation | None, division: str, **extra: Any
) -> Organisation:
    _counter["org"] += 1
    org = Organisation.objects.create(
        code=f"{division}{_counter['org']:05d}",
        name=name,
        kind=kind,
        parent=parent,
        path=f"tmp{_counter['org']}",
        depth=parent.depth + 1 if parent else 0,
        division_id=division,
        **extra,
    )
    org.path = (parent.path if parent else "") + path_segment(org.pk)
    org.save(update_fields=["path"])
    return org


def make_employer(
    name: str,
    organisation: Organisation,
    *,
    union: Organisation | None = None,
    division: str | None = None,
    **extra: Any,
) -> Employer:
    return Employer.objects.create(
        name=name,
        division_id=division or organisation.division_id,
        industry=Industry.C,
        size="small",
        ownership="private",
        union=union,
        organisation=organisation,
        credit_code=make_uscc(division=division or organisation.division_id),
        **extra,
    )


def make_user(
    username: str, role: str | None = None, organisation: Organisation | None = None, **extra: Any
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username, **extra
    )
    if role and organisation:
        RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


@dataclass
class Cast:
    region: Organisation
    yinchuan: Organisation
    xingqing: Organisation
    jinfeng: Organisation
    guyuan: Organisation
    yuanzhou: Organisation
    xq_union: Organisation
    yz_union: Organisation
    xq_employer: Employer
    yz_employer: Employer
    nx_admin: User
    yc_staff: User
    xq_staff: User
    yz_staff: User
    hotline: User
    auditor: User
    leader: User
    nobody: User
    superuser: User


def ensure_divisions() -> None:
    """Reload the default divisions when a transactional test flushed the migration's data."""
    if not Division.objects.exists():
        load_divisions(Division, DEFAULT_FILE.read_text(encoding="utf-8"))


def build_cast() -> Cast:
    ensure_divisions()
    region = make_org("宁夏回族自治区总工会", OrgKind.REGION_FEDERATION, None, "640000")
    yinchuan = make_org("银川市总工会", OrgKind.CITY_FEDERATION, region, "640100")
    xingqing = make_org("银川市兴庆区总工会", OrgKind.COUNTY_FEDERATION, yinchuan, "640104")
    jinfeng = make_org("银川市金凤区总工会", OrgKind.COUNTY_FEDERATION, yinchuan, "640106")
    guyuan = make_org("固原市总工会", OrgKind.CITY_FEDERATION, region, "640400")
    yuanzhou = make_org("固原市原州区总工会", OrgKind.COUNTY_FEDERATION, guyuan, "640402")
    xq_union = make_org(
        "兴庆鑫盛机械制造有限公司工会委员会", OrgKind.GRASSROOTS, xingqing, "640104"
    )
    yz_union = make_org("原州六盘山食品有限公司工会委员会", OrgKind.GRASSROOTS, yuanzhou, "640402")
    return Cast(
        region=region,
        yinchuan=yinchuan,
        xingqing=xingqing,
        jinfeng=jinfeng,
        guyuan=guyuan,
        yuanzhou=yuanzhou,
        xq_union=xq_union,
        yz_union=yz_union,
        xq_employer=make_employer("兴庆鑫盛机械制造有限公司", xq_union, union=xq_union),
        yz_employer=make_employer("原州六盘山食品有限公司", yz_union, union=yz_union),
        nx_admin=make_user("nx_admin", "federation_admin", region),
        yc_staff=make_user("yc_staff", "federation_admin", yinchuan),
        xq_staff=make_user("xq_staff", "org_staff", xingqing),
        yz_staff=make_user("yz_staff", "org_staff", yuanzhou),
        hotline=make_user("hotline", "hotline_operator", region),
        auditor=make_user("auditor", "auditor", region),
        leader=make_user("leader", "leader", region),
        nobody=make_user("nobody"),
        superuser=make_user("root", is_superuser=True, is_staff=True),
    )
