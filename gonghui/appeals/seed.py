"""Demo appeals: ``ningxia`` ~31,000 a year for 2023–2025 plus the recent weeks; ``small`` a few
hundred over the last months.

Texts come from the labelled corpus of the subject, so what staff read is realistic. Rows are
bulk-inserted with their outcome already decided (dispatch, reply on time or late, callback,
closure, wages recovered); the recent weeks keep open appeals in every state, a few of them
overdue, so the queue, the SLA command and the KPI page all have real work.

Appeals are built as plain namespaces of column values (ids assigned here) and go in as tuples:
``COPY`` on PostgreSQL, ``executemany`` on SQLite, with every column the seed leaves out taking
the model field's default. ~95k appeals and ~400k events as model instances through
``bulk_create`` cost a minute of Python.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from gonghui.appeals.choices import Channel, EventKind, Flag, RequestType, Satisfaction, State
from gonghui.appeals.classify import load_corpus
from gonghui.appeals.models import Appeal, AppealEvent, Subject
from gonghui.appeals.rules import DEFAULT_REPLY_DAYS
from gonghui.appeals.services import number_prefix
from gonghui.core import bulkload
from gonghui.core.inserts import highest_key_taken
from gonghui.core.models import Counter
from gonghui.core.pii import EncryptedTextField, blind_index
from gonghui.core.workdays import is_working_day
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Employer, Organisation

SUBJECT_WEIGHTS = {
    "wage": 34,
    "contract": 12,
    "hours_leave": 8,
    "social_insurance": 12,
    "injury": 8,
    "safety": 4,
    "emergency": 0.5,
    "women_minor": 3,
    "membership": 5,
    "mutual_aid": 3,
    "hardship": 5,
    "suggestion": 5.5,
}
TYPE_WEIGHTS = {
    RequestType.CONSULTATION: 40,
    RequestType.HELP: 20,
    RequestType.COMPLAINT: 30,
    RequestType.LEGAL_AID: 7,
    RequestType.SUGGESTION: 3,
}
CHANNEL_WEIGHTS = {Channel.PHONE: 60, Channel.WEB: 30, Channel.WALK_IN: 10}
PER_YEAR = {"small": 0, "ningxia": 31_000}
RECENT = {"small": 320, "ningxia": 2_400}
RECENT_DAYS = {"small": 90, "ningxia": 45}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海燕晓东"
BATCH = 2_000


def _pick(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Calendar:
    """Working-day arithmetic over the seed's whole period, computed once from the one calendar
    (core.workdays): a running count of working days per date, so each question is a lookup."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.start = start
        self.cumulative: dict[datetime.date, int] = {}
        self.workdays: list[datetime.date] = []
        day, count = start, 0
        while day <= end:
            if day > start and is_working_day(day):
                count += 1
                self.workdays.append(day)
            self.cumulative[day] = count
            day += datetime.timedelta(days=1)

    def add(self, day: datetime.date, n: int) -> datetime.date:
        """Same as core.workdays.add_working_days for n ≥ 1."""
        return self.workdays[self.cumulative[day] + n - 1]

    def between(self, a: datetime.date, b: datetime.date) -> int:
        """Same as core.workdays.working_days_between."""
        return self.cumulative[b] - self.cumulative[a]


class _Builder:
    def __init__(self, world: Any, blank: dict[str, Any]) -> None:
        """``blank``: an appeal's column values before the seed decides any (the defaults)."""
        self.rng: random.Random = world.rng
        self.blank = blank
        today = timezone.localdate()
        self.cal = _Calendar(datetime.date(2022, 12, 1), today + datetime.timedelta(days=120))
        self.subjects = {s.code: s for s in Subject.objects.all()}
        self.root = Organisation.objects.filter(kind=OrgKind.REGION_FEDERATION).order_by("path")[0]
        self.counties = {
            org.division_id: org
            for org in Organisation.objects.filter(kind=OrgKind.COUNTY_FEDERATION).select_related(
                "division"
            )
        }
        from gonghui.orgs.seed import COUNTY_WEIGHTS

        self.county_weights = {code: COUNTY_WEIGHTS.get(code, 1) for code in self.counties} or {
            self.root.division_id: 1
        }
        self.employers: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, name, division in Employer.objects.values_list("pk", "name", "division_id")[
            :20_000
        ]:
            self.employers[division].append((pk, name))
        texts: dict[str, list[str]] = defaultdict(list)
        for text, category in load_corpus():
            texts[category].append(text)
        self.texts = texts
        self.numbers: dict[int, int] = {}
        self.tz = timezone.get_current_timezone()
        self.next_id = highest_key_taken(Appeal) + 1

    def number(self, year: int) -> str:
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"{number_prefix()}{year}-{self.numbers[year]:06d}"

    def phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"

    def moment(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(
            day,
            datetime.time(self.rng.randint(8, 20), self.rng.randrange(60)),
            tzinfo=self.tz,
        )

    def appeal(self, day: datetime.date, today: datetime.date) -> tuple[Any, list[dict[str, Any]]]:
        """One appeal received on ``day`` with its outcome as of ``today``: the appeal's and its
        events' column values by attribute name."""
        rng = self.rng
        code = _pick(rng, SUBJECT_WEIGHTS)
        request_type = RequestType.SUGGESTION if code == "suggestion" else _pick(rng, TYPE_WEIGHTS)
        if code == "emergency":
            request_type = RequestType.HELP
        division = _pick(rng, self.county_weights)
        county = self.counties.get(division, self.root)
        employer = rng.choice(self.employers[division]) if self.employers[division] else None
        subject = self.subjects[code]
        phone = self.phone()
        received_at = self.moment(day)
        reply_days = DEFAULT_REPLY_DAYS[request_type]
        sign_due = self.cal.add(day, 1)
        reply_due = self.cal.add(day, reply_days)
        appeal = SimpleNamespace(**self.blank)
        vars(appeal).update(
            id=self.next_id,
            number=self.number(day.year),
            channel=_pick(rng, CHANNEL_WEIGHTS),
            received_at=received_at,
            received_on=day,
            caller_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
            phone=phone,
            phone_hash=blind_index("phone", phone),
            employer_id=employer[0] if employer else None,
            employer_name=employer[1] if employer else "",
            division_id=division,
            facts=rng.choice(self.texts[code]),
            demand="",
            request_type=request_type,
            subject_id=subject.pk,
            subject_confirmed=True,
            suggested_subject_id=(
                subject if rng.random() < 0.93 else rng.choice(list(self.subjects.values()))
            ).pk,
            suggestion_confidence=round(rng.uniform(0.45, 0.99), 3),
            suggestion_terms=[],
            urgent=code == "emergency",
            organisation_id=county.pk,
            dispatched_by_id=self.root.pk,
            routing_reason="默认：属地工会",
            sign_due=sign_due,
            reply_due=reply_due,
        )
        self.next_id += 1
        events = [self._event(appeal, EventKind.RECEIVED, received_at, "诉求已受理。", True)]
        elapsed = self.cal.between(day, today)
        if request_type == RequestType.CONSULTATION and rng.random() < 0.7:
            appeal.organisation_id = self.root.pk
            appeal.dispatched_by_id = None
            appeal.routing_reason = ""
            self._close(appeal, received_at, received_at, on_time=True, satisfaction="")
            events.append(
                self._event(appeal, EventKind.ANSWERED, received_at, "已当场解答。", True)
            )
            return appeal, events
        events.append(
            self._event(appeal, EventKind.DISPATCHED, received_at, f"分派至{county.name}。", True)
        )
        # How long the handling takes: mostly within the limit, some late.
        late = rng.random() < (0.2 if elapsed < 25 else 0.06)  # a few stuck ones to work on
        span = reply_days + rng.randint(1, 6) if late else rng.randint(1, max(1, reply_days))
        replied_day = self.cal.add(day, span)
        if replied_day > today:  # still open today
            self._open(appeal, day, today, elapsed)
            return appeal, events
        replied_at = self.moment(replied_day)
        closed_day = self.cal.add(replied_day, rng.randint(1, 3))
        roll = rng.random()
        satisfaction = (
            Satisfaction.SATISFIED
            if roll < 0.80
            else Satisfaction.BASIC
            if roll < 0.93
            else Satisfaction.UNREACHABLE
            if roll < 0.97
            else Satisfaction.UNSATISFIED
        )
        if code == "wage" and rng.random() < 0.6:
            appeal.wages_recovered = Decimal(rng.randrange(2_000, 80_000, 100))
        appeal.reply = "经协调，用人单位已按规定处理，详见办理记录。"
        events.append(self._event(appeal, EventKind.REPLIED, replied_at, appeal.reply, True))
        if closed_day > today:
            appeal.state = State.REPLIED
            appeal.replied_at = replied_at
            appeal.on_time = replied_day <= reply_due
            return appeal, events
        closed_at = self.moment(closed_day)
        self._close(
            appeal,
            replied_at,
            closed_at,
            on_time=replied_day <= reply_due,
            satisfaction=satisfaction,
        )
        appeal.working_days_to_close = self.cal.between(day, closed_day)
        events.append(
            self._event(
                appeal, EventKind.CALLBACK, closed_at, str(Satisfaction(satisfaction).label), False
            )
        )
        events.append(self._event(appeal, EventKind.CLOSED, closed_at, "已办结。", True))
        return appeal, events

    def _close(
        self,
        appeal: Any,
        replied_at: datetime.datetime,
        closed_at: datetime.datetime,
        *,
        on_time: bool,
        satisfaction: str,
    ) -> None:
        appeal.state = State.CLOSED
        appeal.signed_at = replied_at
        appeal.replied_at = replied_at
        appeal.closed_at = closed_at
        appeal.on_time = on_time
        appeal.satisfaction = satisfaction
        appeal.working_days_to_close = 0
        if not appeal.reply:
            appeal.reply = "已当场解答。"

    def _open(self, appeal: Any, day: datetime.date, today: datetime.date, elapsed: int) -> None:
        """An appeal still being handled: its state and running deadline as of today."""
        if elapsed == 0:
            appeal.state = State.DISPATCHED
            appeal.due_on = appeal.sign_due
        else:
            appeal.state = self.rng.choice([State.SIGNED, State.IN_PROGRESS, State.IN_PROGRESS])
            appeal.signed_at = self.moment(day)
            appeal.due_on = appeal.reply_due
        if appeal.due_on < today:
            appeal.flag = Flag.RED
            appeal.supervised = self.cal.between(appeal.due_on, today) > 5
        elif self.cal.between(today, appeal.due_on) <= 1:
            appeal.flag = Flag.YELLOW

    @staticmethod
    def _event(
        appeal: Any, kind: str, at: datetime.datetime, message: str, public: bool
    ) -> dict[str, Any]:
        return {
            "appeal_id": appeal.id,
            "kind": kind,
            "created_at": at,
            "message": message,
            "public": public,
        }


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


class _Columns:
    """The concrete columns of ``model`` in order (less ``exclude``), with what a row gets when
    the seed leaves a column out (the field's default, "now" for auto timestamps) and the
    conversion the backend needs for the few types its driver does not take as they are: what
    ``bulk_create`` would store, without a model instance per row."""

    PREPARED = (models.DateTimeField, models.DecimalField, models.JSONField, EncryptedTextField)

    def __init__(
        self, model: type[models.Model], now: datetime.datetime, exclude: tuple[str, ...] = ()
    ) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields if f.attname not in exclude]
        self.names = [f.column for f in fields]
        self.defaults: dict[str, Any] = {}
        self.prepare: list[tuple[int, Callable[[Any], Any]]] = []
        for position, f in enumerate(fields):
            self.defaults[f.attname] = bulkload.left_out_value(f, now)
            # PostgreSQL takes datetimes and decimals as they are; SQLite wants them as text.
            if isinstance(f, (models.JSONField, EncryptedTextField)) or (
                connection.vendor != "postgresql" and isinstance(f, self.PREPARED)
            ):
                self.prepare.append((position, self._preparer(f)))

    @staticmethod
    def _preparer(field: models.Field) -> Callable[[Any], Any]:
        return lambda value: field.get_db_prep_save(value, connection)

    def row(self, values: dict[str, Any]) -> tuple:
        defaults = self.defaults
        row = [values.get(name, default) for name, default in defaults.items()]
        for position, prepare in self.prepare:
            row[position] = prepare(row[position])
        return tuple(row)

    def check(self, values: dict[str, Any]) -> None:
        unknown = set(values) - set(self.defaults)
        if unknown:
            raise ValueError(f"{self.model.__name__} has no columns {sorted(unknown)}")


def _insert(
    rows: list[tuple[Any, list[dict[str, Any]]]], appeals: _Columns, events: _Columns
) -> int:
    """A chunk of appeals (ids assigned by the builder) and their events (ids from the
    sequence, in the same order as ``bulk_create`` gave them)."""
    appeals.check(vars(rows[0][0]))
    events.check(rows[0][1][0])
    bulkload.copy_rows(appeals.model, appeals.names, [appeals.row(vars(a)) for a, _e in rows])
    bulkload.copy_rows(
        events.model, events.names, [events.row(event) for _a, evs in rows for event in evs]
    )
    return len(rows)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Appeal]):
            cursor.execute(sql)


def _refresh_statistics() -> None:
    """After a bulk load the planner needs fresh statistics (and PostgreSQL a vacuumed visibility
    map for index-only scans of the KPI index); autovacuum would get there, later."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for table in ("appeals_appeal", "appeals_appealevent"):
            cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {table}")


def seed(world: Any) -> str:
    now = timezone.now()
    appeals, events = _Columns(Appeal, now), _Columns(AppealEvent, now, exclude=("id",))
    builder = _Builder(world, blank=appeals.defaults)
    today = timezone.localdate()
    total = 0
    per_year = PER_YEAR[world.scale]
    plan: list[datetime.date] = []
    for year in (2023, 2024, 2025):
        if not per_year:
            break
        days = _days(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        plan += sorted(world.rng.choices(days, k=per_year))
    recent = _days(today - datetime.timedelta(days=RECENT_DAYS[world.scale]), today)
    plan += sorted(world.rng.choices(recent, k=RECENT[world.scale]))
    chunk: list[tuple[Any, list[dict[str, Any]]]] = []
    with transaction.atomic():
        # PostgreSQL, no appeals yet: indexes built once and foreign keys checked once at the end.
        with bulkload.indexes_dropped(Appeal, AppealEvent):
            for day in plan:
                chunk.append(builder.appeal(day, today))
                if len(chunk) >= BATCH:
                    total += _insert(chunk, appeals, events)
                    chunk = []
            if chunk:
                total += _insert(chunk, appeals, events)
        _reset_sequences()
        for year, last in builder.numbers.items():
            Counter.objects.update_or_create(
                key=f"appeal:{number_prefix()}{year}", defaults={"value": last}
            )
    _refresh_statistics()
    open_count = Appeal.objects.exclude(state__in=[State.CLOSED, State.MERGED]).count()
    return f"{total} appeals ({open_count} open)"
