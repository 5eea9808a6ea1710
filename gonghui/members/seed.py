"""Demo members.

``ningxia``: join dates from 2015 to 2025 such that the registry holds 1,032,000 live members at
the end of 2018 and 1,290,000 at the end of 2025 (a few thousand who joined by 2018 left later),
55,000 of them in the new-employment-form occupations, enrolled mostly from 2021 on through the
sector unions and platform companies; the rest spread over the grassroots unions by employer
size. ``small``: the same shape with 3,000 members, plus a few pending applications and transfers.

Rows go in with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) with ids assigned here, in
chunks, so 1.3M people with two AES-GCM ciphertexts and two HMACs each take about a minute. On
PostgreSQL, into an empty registry, the three tables' secondary indexes and foreign keys are off
during the load and rebuilt once at the end (core.bulkload): maintaining seven or eight indexes
per row, two of them on random-order HMACs, and 6.5M deferred foreign-key triggers cost more
than the load itself.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
from collections.abc import Iterator
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from gonghui.core import bulkload
from gonghui.core.pii import blind_index_many, encrypt_many
from gonghui.core.validators import id_check_character
from gonghui.members.choices import (
    NEW_EMPLOYMENT_FORM_OCCUPATIONS,
    Education,
    EmploymentType,
    EventKind,
    MembershipState,
    Occupation,
)
from gonghui.members.models import PERSON_COLUMNS, Membership, MembershipEvent, Person
from gonghui.members.rules import name_initials
from gonghui.members.services import card_numbers
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Employer, Organisation

# live at the end of 2018, live at the end of 2025, left between, new-employment-form
TARGETS = {
    "ningxia": {"live_2018": 1_032_000, "live_2025": 1_290_000, "left": 12_000, "nef": 55_000},
    "small": {"live_2018": 2_400, "live_2025": 3_000, "left": 40, "nef": 150},
}
CHUNK = 20_000
RETAINED_SHARE = 0.02

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
# 马、杨、丁 and other surnames are common among Ningxia's Hui population: weigh them up.
_SURNAME_WEIGHTS = {"马": 8, "王": 7, "李": 6, "张": 5, "杨": 4, "刘": 4, "丁": 2}
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华红玉兰萍建国海燕宏志文斌鹏飞辉春梅云波宁雪琴晓东"
    "晨佳欣怡浩然子轩梓涵宇航一诺雨欣思雨俊杰博文梦瑶嘉怡振华永福福贵有才学成小龙亚楠彩霞"
)
_ETHNICITIES = ["汉族"] * 63 + ["回族"] * 36 + ["满族"]
# General occupations by the employer's industry section (GB/T 4754), so that a school's members
# are mostly teachers and a heating company's production workers; every employer also has some
# managers and clerks.
_OCC_EVERYWHERE = [(Occupation.MANAGER, 5), (Occupation.CLERK, 10), (Occupation.OTHER, 3)]
_OCC_BY_INDUSTRY: dict[str, list[tuple[Occupation, int]]] = {
    "A": [(Occupation.AGRICULTURE, 60), (Occupation.PRODUCTION, 15)],
    "B": [(Occupation.PRODUCTION, 60), (Occupation.PROFESSIONAL, 15)],
    "C": [(Occupation.PRODUCTION, 60), (Occupation.PROFESSIONAL, 15)],
    "D": [(Occupation.PRODUCTION, 50), (Occupation.PROFESSIONAL, 20)],
    "E": [(Occupation.PRODUCTION, 60), (Occupation.PROFESSIONAL, 15)],
    "F": [(Occupation.SERVICE, 55), (Occupation.PROFESSIONAL, 5)],
    "G": [(Occupation.PRODUCTION, 55), (Occupation.SERVICE, 10)],
    "H": [(Occupation.SERVICE, 70)],
    "I": [(Occupation.PROFESSIONAL, 55), (Occupation.SERVICE, 10)],
    "J": [(Occupation.PROFESSIONAL, 25), (Occupation.SERVICE, 35), (Occupation.CLERK, 10)],
    "K": [(Occupation.SERVICE, 40), (Occupation.PROFESSIONAL, 15)],
    "L": [(Occupation.SERVICE, 40), (Occupation.PROFESSIONAL, 15)],
    "M": [(Occupation.PROFESSIONAL, 60)],
    "N": [(Occupation.PRODUCTION, 30), (Occupation.SERVICE, 25), (Occupation.PROFESSIONAL, 10)],
    "O": [(Occupation.SERVICE, 55), (Occupation.PRODUCTION, 10)],
    "P": [(Occupation.TEACHER, 60), (Occupation.PROFESSIONAL, 10), (Occupation.SERVICE, 5)],
    "Q": [(Occupation.MEDICAL, 60), (Occupation.PROFESSIONAL, 5), (Occupation.SERVICE, 10)],
    "R": [(Occupation.PROFESSIONAL, 25), (Occupation.SERVICE, 35)],
    "S": [(Occupation.CLERK, 35), (Occupation.PROFESSIONAL, 15), (Occupation.SERVICE, 10)],
    "T": [(Occupation.CLERK, 30), (Occupation.PROFESSIONAL, 20)],
}


def _occupation_draws() -> dict[str, tuple[list[Occupation], list[int]]]:
    """Each industry's occupations and cumulative weights, for ``bisect`` on one random number."""
    draws = {}
    for industry, weights in _OCC_BY_INDUSTRY.items():
        pairs = [*weights, *_OCC_EVERYWHERE]
        draws[industry] = ([o for o, _w in pairs], list(itertools.accumulate(w for _o, w in pairs)))
    return draws


_OCC_NEF = [
    (Occupation.DELIVERY_RIDER, 30),
    (Occupation.COURIER, 28),
    (Occupation.TRUCK_DRIVER, 18),
    (Occupation.RIDE_HAILING_DRIVER, 12),
    (Occupation.DOMESTIC_WORKER, 4),
    (Occupation.SECURITY_GUARD, 4),
    (Occupation.CARE_WORKER, 3),
    (Occupation.LIVE_STREAMER, 1),
]
_PLATFORM_OCC = {
    "express": Occupation.COURIER,
    "delivery": Occupation.DELIVERY_RIDER,
    "freight": Occupation.TRUCK_DRIVER,
    "ride_hailing": Occupation.RIDE_HAILING_DRIVER,
}
_EDUCATION = [e for e in Education.values]
_EDUCATION_WEIGHTS = [4, 18, 20, 14, 20, 20, 3, 1]


def _initials_table() -> dict[str, str]:
    return {ch: name_initials(ch) for ch in set(_SURNAMES) | set(_GIVEN)}


class _People:
    """Deterministic names, unique valid ID numbers and phones from the world's generator."""

    def __init__(self, rng: Any, counties: list[str]) -> None:
        self.rng = rng
        self.counties = counties
        self.initials = _initials_table()
        self.surnames = list(_SURNAMES)
        self.surname_weights = list(
            itertools.accumulate(_SURNAME_WEIGHTS.get(s, 1) for s in self.surnames)
        )
        self.given = list(_GIVEN)
        self.seen: set[str] = set()
        first = datetime.date(1940, 1, 1)
        self.first_birth = first.toordinal()
        self.birth_days = [
            f"{datetime.date.fromordinal(self.first_birth + i):%Y%m%d}"
            for i in range((datetime.date(2010, 12, 31) - first).days + 1)
        ]

    def name(self) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_weights)[0]
        given = rng.choice(self.given)
        if rng.random() < 0.7:
            given += rng.choice(self.given)
        return surname + given

    def names(self, n: int) -> list[str]:
        rng = self.rng
        surnames = rng.choices(self.surnames, cum_weights=self.surname_weights, k=n)
        first = rng.choices(self.given, k=n)
        second = rng.choices(self.given, k=n)
        return [
            s + f + (t if rng.random() < 0.7 else "")
            for s, f, t in zip(surnames, first, second, strict=True)
        ]

    def phones(self, n: int) -> list[str]:
        rng = self.rng
        return [f"1{rng.choice('3456789')}{rng.getrandbits(30) % 10**9:09d}" for _ in range(n)]

    def name_initials(self, name: str) -> str:
        return "".join(self.initials[ch] for ch in name)

    def id_number(self, joined_year: int) -> str:
        """A unique valid ID of someone aged 18–55 in the year they joined."""
        rng = self.rng
        low, high = self._birth_range(joined_year)
        while True:
            birth = self.birth_days[rng.randrange(low, high)]
            body = f"{rng.choice(self.counties)}{birth}{rng.randrange(1000):03d}"
            if body not in self.seen:
                self.seen.add(body)
                return body + id_check_character(body)

    @functools.cache  # noqa: B019 - one small table per seeding run
    def _birth_range(self, year: int) -> tuple[int, int]:
        first = datetime.date(year - 55, 1, 1).toordinal() - self.first_birth
        last = datetime.date(year - 18, 12, 31).toordinal() - self.first_birth
        return first, last + 1

    def phone(self) -> str:
        rng = self.rng
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Person, Membership, MembershipEvent]
        ):
            cursor.execute(sql)


class _Places:
    """Where members are: (organisation id, employer id) with weights, general and new-form."""

    def __init__(self) -> None:
        covered = Employer.objects.filter(
            union__isnull=False, union__kind=OrgKind.GRASSROOTS, platform_kind=""
        ).values_list("union_id", "pk", "industry", "employee_count")
        uncovered = Employer.objects.filter(union__isnull=True, platform_kind="").values_list(
            "organisation_id", "pk", "industry", "employee_count"
        )
        # (organisation, employer, industry section)
        self.general = [(o, e, i) for o, e, i, _n in covered] + [
            (o, e, i) for o, e, i, _n in uncovered
        ]
        # Workers of uncovered employers join the 属地 federation far less often.
        weights = [max(n, 5) for *_r, n in covered] + [max(n, 5) // 6 + 1 for *_r, n in uncovered]
        self.general_cum = list(itertools.accumulate(weights))
        platforms = list(
            Employer.objects.exclude(platform_kind="").values_list(
                "organisation_id", "pk", "platform_kind"
            )
        )
        self.platform = [(o, e) for o, e, _k in platforms]
        self.platform_kind = [k for *_r, k in platforms]
        sectors = list(
            Organisation.objects.filter(kind=OrgKind.SECTOR).values_list("pk", flat=True)
        )
        self.sectors = sectors or [o for o, _e, _i in self.general[:1]]


def _plan(
    targets: dict[str, int], rng: Any
) -> list[tuple[datetime.date, datetime.date | None, bool]]:
    """(joined_on, ended_on, new-employment-form) for every membership, in join order."""
    live_2018, live_2025, left, nef = (
        targets["live_2018"],
        targets["live_2025"],
        targets["left"],
        targets["nef"],
    )
    early = live_2018  # joined 2015–2018 (of whom ``left`` leave in 2019–2025)
    late = live_2025 - (live_2018 - left)  # joined 2019–2025
    nef_late = nef * 9 // 10  # the mass drives came after 2020
    plan: list[tuple[datetime.date, datetime.date | None, bool]] = []
    start_early = datetime.date(2015, 1, 1)
    days_early = (datetime.date(2018, 12, 31) - start_early).days + 1
    for i in range(early):
        joined = start_early + datetime.timedelta(days=rng.randrange(days_early))
        ended = None
        if i < left:
            ended = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(7 * 365))
        plan.append((joined, ended, left <= i < left + (nef - nef_late)))
    start_late = datetime.date(2019, 1, 1)
    days_late = (datetime.date(2025, 12, 31) - start_late).days + 1
    start_nef = datetime.date(2021, 1, 1)
    days_nef = (datetime.date(2025, 12, 31) - start_nef).days + 1
    for i in range(late):
        if i < nef_late:
            plan.append((start_nef + datetime.timedelta(days=rng.randrange(days_nef)), None, True))
        else:
            plan.append(
                (start_late + datetime.timedelta(days=rng.randrange(days_late)), None, False)
            )
    return plan


def _rows(
    world: Any,
    plan: list[tuple[datetime.date, datetime.date | None, bool]],
    people: _People,
    places: _Places,
    first_person: int,
    cards: list[str],
) -> Iterator[tuple[list[tuple], list[tuple]]]:
    rng = world.rng
    # Timestamps and dates go in as text, formatted once here rather than by the driver for
    # every row (the same text either backend would store).
    moment = timezone.now()
    if connection.vendor == "postgresql":
        now = moment.isoformat()
    else:
        now = str(connection.ops.adapt_datetimefield_value(moment))
    general_jobs = _occupation_draws()
    nef_occ = [o for o, _w in _OCC_NEF]
    nef_w = list(itertools.accumulate(w for _o, w in _OCC_NEF))
    education_w = list(itertools.accumulate(_EDUCATION_WEIGHTS))
    for start in range(0, len(plan), CHUNK):
        chunk = plan[start : start + CHUNK]
        n = len(chunk)
        # Weighted draws for the whole chunk at once: random.choices with k is far cheaper.
        names = people.names(n)
        ids = [people.id_number(joined.year) for joined, _e, _n in chunk]
        phones = people.phones(n)
        id_cipher = encrypt_many(ids)
        phone_cipher = encrypt_many(phones)
        id_hash = blind_index_many("id", ids)
        phone_hash = blind_index_many("phone", phones)
        ethnicity = rng.choices(_ETHNICITIES, k=n)
        education = rng.choices(_EDUCATION, cum_weights=education_w, k=n)
        general_place = rng.choices(places.general, cum_weights=places.general_cum, k=n)
        nef_job = rng.choices(nef_occ, cum_weights=nef_w, k=n)
        persons: list[tuple] = []
        memberships: list[tuple] = []
        for offset, (joined, ended, nef) in enumerate(chunk):
            index = start + offset
            pk = first_person + index
            id_number = ids[offset]
            persons.append(
                (
                    pk,
                    names[offset],
                    people.name_initials(names[offset]),
                    id_cipher[offset],
                    id_hash[offset],
                    "M" if int(id_number[16]) % 2 else "F",
                    f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
                    id_number[:6],
                    ethnicity[offset],
                    phone_cipher[offset],
                    phone_hash[offset],
                    education[offset],
                    now,
                    now,
                )
            )
            if nef:
                if places.platform and rng.random() < 0.7:
                    spot = rng.randrange(len(places.platform))
                    organisation, employer = places.platform[spot]
                    occupation = _PLATFORM_OCC.get(places.platform_kind[spot], Occupation.COURIER)
                else:
                    organisation, employer = rng.choice(places.sectors), None
                    occupation = nef_job[offset]
                employment = EmploymentType.PLATFORM
            else:
                organisation, employer, industry = general_place[offset]
                jobs, cum = general_jobs.get(industry, general_jobs["O"])
                occupation = jobs[bisect.bisect(cum, rng.random() * cum[-1])]
                employment = (
                    EmploymentType.FULL_TIME if rng.random() < 0.85 else EmploymentType.DISPATCHED
                )
            if ended is not None:
                state, reason = MembershipState.LEFT, ""
            elif joined.year <= 2018 and rng.random() < RETAINED_SHARE:
                state, reason = MembershipState.RETAINED, "retirement"
            else:
                state, reason = MembershipState.ACTIVE, ""
            memberships.append(
                (
                    pk,
                    pk,
                    organisation,
                    employer,
                    str(occupation),
                    str(employment),
                    str(state),
                    reason,
                    cards[index],
                    joined.isoformat(),
                    None if ended is None else ended.isoformat(),
                    now,
                    now,
                )
            )
        yield persons, memberships


# The columns of the tuples ``_rows`` builds, in their order.
PERSON_ROW = ("id", *PERSON_COLUMNS, "created_at", "updated_at")
MEMBERSHIP_ROW = (
    "id",
    "person_id",
    "organisation_id",
    "employer_id",
    "occupation",
    "employment_type",
    "state",
    "retained_reason",
    "card_number",
    "joined_on",
    "ended_on",
    "created_at",
    "updated_at",
)


def _events_from_memberships(first: int) -> None:
    """The timeline's "joined" (and "left") events, written by the database in one statement."""
    table = MembershipEvent._meta.db_table
    source = Membership._meta.db_table
    if connection.vendor == "postgresql":
        joined_at = "(joined_on + time '09:00') AT TIME ZONE 'Asia/Shanghai'"
        ended_at = "(ended_on + time '17:00') AT TIME ZONE 'Asia/Shanghai'"
        data = '\'{"via": "seed"}\'::jsonb'
    else:
        joined_at = "joined_on || ' 01:00:00'"
        ended_at = "ended_on || ' 09:00:00'"
        data = '\'{"via": "seed"}\''
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (membership_id, kind, at, note, data) "  # noqa: S608
            f"SELECT id, %s, {joined_at}, '', {data} FROM {source} WHERE id >= %s ORDER BY id",
            [EventKind.JOINED, first],
        )
        cursor.execute(
            f"INSERT INTO {table} (membership_id, kind, at, note, data) "  # noqa: S608
            f"SELECT id, %s, {ended_at}, '', {data} FROM {source} "
            f"WHERE id >= %s AND ended_on IS NOT NULL ORDER BY id",
            [EventKind.LEFT, first],
        )


def _demo_workflow(world: Any) -> str:
    """A few pending applications and transfers, through the services, for the small world."""
    from gonghui.members import services

    rng = world.rng
    employers = list(
        Employer.objects.filter(union__isnull=False).select_related("union", "organisation")[:40]
    )
    today = timezone.localdate()
    people = _People(rng, [e.division_id for e in employers[:5]] or ["640104"])
    jobs = _occupation_draws()
    submitted = 0
    for i, employer in enumerate(employers[:12]):
        occupations, cum = jobs.get(employer.industry, jobs["O"])
        occupation = rng.choices(occupations, cum_weights=cum)[0]
        services.join_application_submit(
            name=people.name(),
            id_number=people.id_number(today.year),
            phone=people.phone(),
            occupation=occupation,
            employer=employer,
            # Some applications are already past their 3-working-day deadline.
            today=today - datetime.timedelta(days=7 if i % 4 == 0 else 0),
        )
        submitted += 1
    moved = 0
    live = Membership.objects.filter(state=MembershipState.ACTIVE).order_by("pk")[:6]
    for membership, employer in zip(live, reversed(employers), strict=False):
        if employer.pk == membership.employer_id:
            continue
        services.transfer_request(
            actor=None, membership=membership, to_employer=employer, origin="member"
        )
        moved += 1
    return f"{submitted} pending applications, {moved} pending transfers"


@transaction.atomic
def seed(world: Any) -> str:
    targets = TARGETS["ningxia" if world.full else "small"]
    counties = sorted(
        Organisation.objects.filter(kind=OrgKind.COUNTY_FEDERATION).values_list(
            "division_id", flat=True
        )
    ) or ["640104"]
    people = _People(world.rng, counties)
    places = _Places()
    if not places.general:
        return "no employers: no members"
    plan = _plan(targets, world.rng)
    if connection.vendor == "sqlite":
        # Random-order index inserts (the keyed hashes) thrash SQLite's default 2 MB page cache.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    first = max(_next_id(Person), _next_id(Membership))
    cards = card_numbers(len(plan))
    # PostgreSQL, empty registry: indexes built once and foreign keys checked once at the end.
    with bulkload.indexes_dropped(Person, Membership, MembershipEvent):
        for persons, memberships in _rows(world, plan, people, places, first, cards):
            bulkload.copy_rows(Person, PERSON_ROW, persons)
            bulkload.copy_rows(Membership, MEMBERSHIP_ROW, memberships)
        _events_from_memberships(first)
    _reset_sequences()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -2000")
    extra = "" if world.full else "; " + _demo_workflow(world)
    live = sum(1 for _j, ended, _n in plan if ended is None)
    nef = sum(1 for _j, ended, n in plan if n and ended is None)
    return f"{len(plan)} memberships ({live} live, {nef} new-employment-form){extra}"


__all__ = ["NEW_EMPLOYMENT_FORM_OCCUPATIONS", "seed"]
