"""Demo organisation tree and employers.

``ningxia``: the region federation, 5 city and 22 county federations, township unions, industry
unions, sector unions for couriers, riders and drivers in every city, ~20,000 grassroots unions
spread over the 22 counties roughly by population, and employers (including platform companies).
``small``: the same shape with a few hundred unions. Rows are bulk-inserted with ids assigned
here, so the materialized paths are known before insertion.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction

from gonghui.core.models import Counter, Division, DivisionLevel
from gonghui.core.validators import uscc_check_character
from gonghui.orgs.choices import EmployerSize, OrgKind, Ownership, PlatformKind
from gonghui.orgs.models import Employer, Organisation, path_segment

# Relative weight of each county-level division (roughly its population share).
COUNTY_WEIGHTS = {
    "640104": 9,
    "640105": 6,
    "640106": 7,
    "640121": 3,
    "640122": 3,
    "640181": 3,
    "640202": 3,
    "640205": 2,
    "640221": 3,
    "640302": 4,
    "640303": 2,
    "640323": 2,
    "640324": 2,
    "640381": 3,
    "640402": 4,
    "640422": 2,
    "640423": 1,
    "640424": 1,
    "640425": 2,
    "640502": 3,
    "640521": 3,
    "640522": 2,
}
GRASSROOTS_TOTAL = {"small": 220, "ningxia": 20_000}
UNCOVERED_SHARE = 0.35  # employers registered without a union of their own

_WORDS = [
    "鑫盛",
    "宏达",
    "恒泰",
    "新华",
    "金桥",
    "瑞丰",
    "伟业",
    "长城",
    "塞上",
    "贺兰山",
    "六盘山",
    "黄河",
    "沙湖",
    "星光",
    "正阳",
    "永兴",
    "宁安",
    "丰源",
    "博远",
    "嘉禾",
    "华宇",
    "汇通",
    "天成",
    "东方",
    "凯旋",
    "中宁",
    "盛世",
    "万达",
    "同心",
    "银杏",
    "枸杞",
    "明珠",
    "西部",
    "朔方",
    "神华",
    "宝丰",
    "锦绣",
    "凤城",
    "新源",
    "润泽",
    "安达",
    "通达",
    "荣华",
    "兴隆",
    "聚鑫",
    "宏图",
    "远航",
    "中天",
    "福顺",
    "大地",
    "和顺",
]
_TRADES = [
    ("C", "机械制造", "有限公司"),
    ("C", "食品", "有限公司"),
    ("C", "化工", "股份有限公司"),
    ("C", "枸杞制品", "有限公司"),
    ("C", "新材料", "有限公司"),
    ("E", "建筑工程", "有限公司"),
    ("E", "建设", "集团有限公司"),
    ("F", "商贸", "有限公司"),
    ("F", "超市", "有限公司"),
    ("H", "餐饮管理", "有限公司"),
    ("H", "酒店", "有限公司"),
    ("G", "物流", "有限公司"),
    ("G", "运输", "有限公司"),
    ("I", "信息技术", "有限公司"),
    ("K", "物业服务", "有限公司"),
    ("O", "家政服务", "有限公司"),
    ("Q", "医院", ""),
    ("P", "中学", ""),
    ("P", "小学", ""),
    ("B", "煤业", "有限公司"),
    ("D", "热力", "有限公司"),
    ("A", "农牧", "有限公司"),
    ("R", "文化传媒", "有限公司"),
    ("N", "环境卫生服务", "有限公司"),
    ("J", "农村商业银行支行", ""),
]
_PLATFORMS = [
    (PlatformKind.DELIVERY, "即时配送服务有限公司", "外卖配送"),
    (PlatformKind.EXPRESS, "快递有限公司", "快递"),
    (PlatformKind.EXPRESS, "速运有限公司", "快递"),
    (PlatformKind.RIDE_HAILING, "网约车服务有限公司", "网约车"),
    (PlatformKind.FREIGHT, "货运物流有限公司", "货车司机"),
]
_SURNAMES = "王李张刘陈杨马周吴赵黄孙何高罗郭田丁海"
_GIVEN = [
    "建国",
    "海燕",
    "志强",
    "秀英",
    "文军",
    "丽娟",
    "宏伟",
    "玉兰",
    "晓东",
    "春梅",
    "国庆",
    "学军",
    "彩霞",
    "永红",
    "明亮",
    "慧敏",
]


class _Ids:
    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _uscc(rng: Any, prefix: str, division: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = prefix + division + "".join(rng.choice(alphabet[:10]) for _ in range(8))
    body += rng.choice(alphabet)
    return body + uscc_check_character(body)


def _person(rng: Any) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _phone(rng: Any) -> str:
    return f"0951-{rng.randrange(5000000, 8000000)}"


class _Builder:
    """Collects unsaved organisations and employers with their ids and paths."""

    def __init__(self, world: Any) -> None:
        self.rng = world.rng
        self.org_ids = _Ids(
            (Organisation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        )
        self.employer_ids = _Ids(
            (Employer.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        )
        self.orgs: list[Organisation] = []
        self.employers: list[Employer] = []
        self.codes: set[str] = set()
        self.org_seq: dict[str, int] = {}

    def org(
        self, name: str, kind: str, parent: Organisation | None, division: str, **extra: Any
    ) -> Organisation:
        pk = self.org_ids.take()
        seq = self.org_seq.get(division, 0) + 1
        self.org_seq[division] = seq
        prefix = "81" if kind in (OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.SECTOR) else "89"
        code = _uscc(self.rng, prefix, division)
        while code in self.codes:
            code = _uscc(self.rng, prefix, division)
        self.codes.add(code)
        org = Organisation(
            pk=pk,
            code=f"{division}{seq:05d}",
            name=name,
            kind=kind,
            parent=parent,
            path=(parent.path if parent else "") + path_segment(pk),
            depth=parent.depth + 1 if parent else 0,
            division_id=division,
            credit_code=code,
            chair_name=_person(self.rng),
            contact_name=_person(self.rng),
            contact_phone=_phone(self.rng),
            founded_on=datetime.date(
                self.rng.randrange(1985, 2026), self.rng.randrange(1, 13), self.rng.randrange(1, 29)
            ),
            **extra,
        )
        self.orgs.append(org)
        return org

    def employer(
        self,
        name: str,
        division: str,
        industry: str,
        union: Organisation | None,
        responsible: Organisation,
        platform: str = "",
    ) -> Employer:
        code = _uscc(self.rng, "91", division)
        while code in self.codes:
            code = _uscc(self.rng, "91", division)
        self.codes.add(code)
        size = self.rng.choices(list(EmployerSize.values), weights=[50, 30, 15, 5])[0]
        employer = Employer(
            pk=self.employer_ids.take(),
            name=name,
            credit_code=code,
            division_id=division,
            industry=industry,
            size=size,
            ownership=self.rng.choices(list(Ownership.values), weights=[8, 3, 70, 2, 1, 10, 4, 2])[
                0
            ],
            employee_count={"micro": 8, "small": 60, "medium": 400, "large": 2500}[size]
            + self.rng.randrange(0, 50),
            platform_kind=platform,
            union=union,
            organisation=responsible,
        )
        self.employers.append(employer)
        return employer


def _spread(total: int, weights: dict[str, int]) -> dict[str, int]:
    whole = sum(weights.values())
    counts = {code: total * weight // whole for code, weight in weights.items()}
    for code in list(weights)[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


def _build(world: Any) -> _Builder:
    b = _Builder(world)
    rng = b.rng
    divisions = {d.code: d for d in Division.objects.all()}
    region_code = next(code for code, d in divisions.items() if d.level == DivisionLevel.PROVINCE)
    region_name = divisions[region_code].name
    region = b.org(
        f"{region_name}总工会", OrgKind.REGION_FEDERATION, None, region_code, short_name="区总工会"
    )
    for industry_name, _trade in (
        ("教科文卫体工会", "P"),
        ("能源化工工会", "B"),
        ("交通运输工会", "G"),
        ("农林水利工会", "A"),
    ):
        b.org(f"{region_name}{industry_name}", OrgKind.INDUSTRY, region, region_code)
    world.notes["industry_unions"] = [o for o in b.orgs if o.kind == OrgKind.INDUSTRY]
    cities = sorted(
        (d for d in divisions.values() if d.level == DivisionLevel.CITY), key=lambda d: d.code
    )
    counties_of = {
        c.code: sorted(
            (d for d in divisions.values() if d.parent_id == c.code), key=lambda d: d.code
        )
        for c in cities
    }
    county_feds: dict[str, Organisation] = {}
    townships: dict[str, list[Organisation]] = {}
    sectors: dict[str, list[Organisation]] = {}
    for city in cities:
        city_fed = b.org(f"{city.name}总工会", OrgKind.CITY_FEDERATION, region, city.code)
        sectors[city.code] = [
            b.org(f"{city.name}{label}", kind, city_fed, city.code)
            for label, kind in (
                ("快递行业联合工会", OrgKind.SECTOR),
                ("外卖配送行业工会", OrgKind.SECTOR),
                ("货车司机工会联合会", OrgKind.SECTOR),
                ("网约车行业工会", OrgKind.SECTOR),
            )
        ]
        for county in counties_of[city.code]:
            fed = b.org(
                f"{city.name}{county.name}总工会"
                if not county.name.startswith(city.name[:2])
                else f"{county.name}总工会",
                OrgKind.COUNTY_FEDERATION,
                city_fed,
                county.code,
            )
            county_feds[county.code] = fed
            n_town = 3 if not world.full else 8
            townships[county.code] = [
                b.org(
                    f"{county.name}{rng.choice(_WORDS)}{'街道' if county.name.endswith('区') else '镇'}工会",
                    OrgKind.TOWNSHIP,
                    fed,
                    county.code,
                )
                for _ in range(n_town)
            ]
    weights = {
        code: w for code, w in COUNTY_WEIGHTS.items() if code in county_feds
    } or dict.fromkeys(county_feds, 1)
    for county_code, count in _spread(GRASSROOTS_TOTAL[world.scale], weights).items():
        county = divisions[county_code]
        fed = county_feds[county_code]
        for _ in range(count):
            industry, trade, form = rng.choice(_TRADES)
            employer_name = f"{county.name.rstrip('区县市')}{rng.choice(_WORDS)}{trade}{form}"
            roll = rng.random()
            parent = (
                fed
                if roll < 0.6
                else rng.choice(townships[county_code])
                if roll < 0.9
                else rng.choice(world.notes["industry_unions"])
            )
            union = b.org(f"{employer_name}工会委员会", OrgKind.GRASSROOTS, parent, county_code)
            b.employer(employer_name, county_code, industry, union, union)
            if rng.random() < UNCOVERED_SHARE:
                industry, trade, form = rng.choice(_TRADES)
                b.employer(
                    f"{county.name.rstrip('区县市')}{rng.choice(_WORDS)}{trade}{form}",
                    county_code,
                    industry,
                    None,
                    fed,
                )
    for city in cities:
        for kind, suffix, _label in _PLATFORMS:
            for county in counties_of[city.code][: 3 if world.full else 1]:
                sector = next(
                    s
                    for s in sectors[city.code]
                    if (
                        ("快递" in s.name and kind == PlatformKind.EXPRESS)
                        or ("外卖" in s.name and kind == PlatformKind.DELIVERY)
                        or ("货车" in s.name and kind == PlatformKind.FREIGHT)
                        or ("网约车" in s.name and kind == PlatformKind.RIDE_HAILING)
                    )
                )
                covered = rng.random() < 0.5
                name = f"{county.name.rstrip('区县市')}{rng.choice(_WORDS)}{suffix}"
                industry = "G" if kind != PlatformKind.DELIVERY else "I"
                b.employer(
                    name,
                    county.code,
                    industry,
                    sector if covered else None,
                    sector if covered else county_feds[county.code],
                    platform=kind,
                )
    world.notes["county_federations"] = county_feds
    world.notes["org_seq"] = b.org_seq
    return b


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organisation, Employer]):
            cursor.execute(sql)


@transaction.atomic
def seed(world: Any) -> str:
    b = _build(world)
    Organisation.objects.bulk_create(b.orgs, batch_size=2000)
    Employer.objects.bulk_create(b.employers, batch_size=2000)
    Counter.objects.bulk_create(
        [Counter(key=f"org:{division}", value=seq) for division, seq in b.org_seq.items()],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["value"],
    )
    _reset_sequences()
    grassroots = sum(1 for o in b.orgs if o.kind == OrgKind.GRASSROOTS)
    platforms = sum(1 for e in b.employers if e.platform_kind)
    return f"{len(b.orgs)} organisations ({grassroots} grassroots), {len(b.employers)} employers ({platforms} platform)"
