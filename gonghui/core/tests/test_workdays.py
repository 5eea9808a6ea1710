"""The working-day calendar: chinesecalendar holidays and 调休, overrides, unknown years."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core import workdays
from gonghui.core.models import CalendarOverride

pytestmark = pytest.mark.django_db

FAST = settings(max_examples=200, deadline=None)
D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def override(day: datetime.date, is_workday: bool, note: str = "") -> None:
    CalendarOverride.objects.create(day=day, is_workday=is_workday, note=note)
    workdays.clear_cache()


# --- what the package knows ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 9, 26), True),  # Friday
        (D(2025, 9, 27), False),  # Saturday
        (D(2025, 9, 28), True),  # Sunday, make-up working day before National Day
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 3), False),  # a Friday inside the holiday
        (D(2025, 10, 6), False),  # Mid-Autumn / National Day week
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, make-up working day
        (D(2025, 10, 12), False),  # Sunday
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),  # Saturday, make-up working day before Spring Festival
        (D(2026, 2, 16), False),  # Monday of the Spring Festival week
        (D(2026, 2, 23), False),  # last day of the Spring Festival holiday
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, make-up working day after Spring Festival
        (D(2026, 3, 1), False),  # Sunday
    ],
)
def test_is_working_day(day, expected):
    assert workdays.is_working_day(day) is expected


def test_add_working_days_across_national_day_2025():
    assert workdays.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert workdays.add_working_days(D(2025, 9, 28), 1) == D(2025, 9, 29)
    assert workdays.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    # 9 Oct, 10 Oct, 11 Oct (Saturday, 调休), 13 Oct, 14 Oct
    assert workdays.add_working_days(D(2025, 9, 30), 5) == D(2025, 10, 14)
    # starting on a holiday: the holiday itself never counts
    assert workdays.add_working_days(D(2025, 10, 1), 1) == D(2025, 10, 9)


def test_add_working_days_across_spring_festival_2026():
    assert workdays.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert workdays.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert workdays.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # 24, 25, 26, 27 Feb and the make-up Saturday 28 Feb
    assert workdays.add_working_days(D(2026, 2, 23), 5) == D(2026, 2, 28)
    assert workdays.add_working_days(D(2026, 2, 23), 6) == D(2026, 3, 2)


def test_add_zero_working_days():
    assert workdays.add_working_days(D(2025, 9, 29), 0) == D(2025, 9, 29)
    assert workdays.add_working_days(D(2025, 9, 28), 0) == D(2025, 9, 28)  # make-up Sunday
    assert workdays.add_working_days(D(2025, 10, 1), 0) == D(2025, 10, 9)
    assert workdays.add_working_days(D(2025, 9, 27), 0) == D(2025, 9, 28)


def test_negative_n_is_rejected():
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2025, 1, 1), -1)


def test_working_days_in_whole_months():
    # October 2025: 23 weekdays − 6 holiday weekdays (1-3, 6-8 Oct) + Saturday 11 Oct = 18
    assert workdays.working_days_between(D(2025, 9, 30), D(2025, 10, 31)) == 18
    # February 2026: 20 weekdays − 6 holiday weekdays (16-20, 23 Feb) + 14 and 28 Feb = 16
    assert workdays.working_days_between(D(2026, 1, 31), D(2026, 2, 28)) == 16


def test_working_days_between_edges():
    a = D(2025, 9, 30)
    assert workdays.working_days_between(a, a) == 0
    assert workdays.working_days_between(a, D(2025, 10, 8)) == 0  # only holidays
    assert workdays.working_days_between(a, D(2025, 10, 9)) == 1
    assert workdays.working_days_between(D(2025, 10, 9), a) == -1


dates = st.dates(D(2004, 1, 1), D(2026, 12, 31))


@FAST
@given(dates, st.integers(1, 80))
def test_between_inverts_add(start, n):
    end = workdays.add_working_days(start, n)
    assert end > start
    assert workdays.is_working_day(end)
    assert workdays.working_days_between(start, end) == n
    assert workdays.working_days_between(end, start) == -n
    # one day earlier is one working day short
    assert workdays.working_days_between(start, end - datetime.timedelta(days=1)) == n - 1


@FAST
@given(dates)
def test_add_zero_is_the_first_working_day_from_start(start):
    end = workdays.add_working_days(start, 0)
    assert end >= start
    assert workdays.is_working_day(end)
    day = start
    while day < end:
        assert not workdays.is_working_day(day)
        day += datetime.timedelta(days=1)


offsets = st.integers(-200, 200).map(lambda days: datetime.timedelta(days=days))


@FAST
@given(dates, offsets, offsets)
def test_between_is_additive_and_antisymmetric(a, ab_offset, bc_offset):
    b, c = a + ab_offset, a + ab_offset + bc_offset
    ab = workdays.working_days_between(a, b)
    assert ab == -workdays.working_days_between(b, a)
    assert ab + workdays.working_days_between(b, c) == workdays.working_days_between(a, c)


@FAST
@given(dates, st.integers(1, 40), st.integers(1, 40))
def test_add_composes(start, m, n):
    assert workdays.add_working_days(workdays.add_working_days(start, m), n) == (
        workdays.add_working_days(start, m + n)
    )


# --- overrides win over the package -------------------------------------------------------------
def test_override_makes_a_holiday_a_working_day():
    assert not workdays.is_working_day(D(2025, 10, 1))
    override(D(2025, 10, 1), True, "test")
    assert workdays.is_working_day(D(2025, 10, 1))
    assert workdays.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 1)
    assert workdays.working_days_between(D(2025, 9, 30), D(2025, 10, 31)) == 19


def test_override_makes_a_working_day_a_holiday():
    assert workdays.is_working_day(D(2025, 9, 28))
    override(D(2025, 9, 28), False)
    assert not workdays.is_working_day(D(2025, 9, 28))
    assert workdays.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 29)


def test_override_is_seen_after_clear_cache_or_ttl(monkeypatch):
    day = D(2025, 10, 9)
    assert workdays.is_working_day(day)  # loads the (empty) overrides
    CalendarOverride.objects.create(day=day, is_workday=False)
    assert workdays.is_working_day(day)  # still cached
    now = workdays.time.monotonic()
    monkeypatch.setattr(workdays.time, "monotonic", lambda: now + 61)
    assert not workdays.is_working_day(day)  # the TTL has passed
    CalendarOverride.objects.filter(day=day).delete()
    workdays.clear_cache()
    assert workdays.is_working_day(day)


# --- years the package does not know ------------------------------------------------------------
def test_unknown_year_falls_back_to_weekdays():
    # 1 January 2099 is a Thursday; the package has no data for 2099
    assert workdays.is_working_day(D(2099, 1, 1))
    assert workdays.is_working_day(D(2099, 1, 2))  # Friday
    assert not workdays.is_working_day(D(2099, 1, 3))  # Saturday
    assert not workdays.is_working_day(D(2099, 1, 4))  # Sunday
    assert workdays.add_working_days(D(2099, 1, 2), 1) == D(2099, 1, 5)
    assert workdays.working_days_between(D(2098, 12, 31), D(2099, 1, 31)) == 22


def test_unknown_year_uses_overrides():
    override(D(2099, 1, 1), False, "元旦")
    override(D(2099, 1, 3), True, "调休")
    assert not workdays.is_working_day(D(2099, 1, 1))
    assert workdays.is_working_day(D(2099, 1, 3))
    assert workdays.add_working_days(D(2098, 12, 31), 2) == D(2099, 1, 3)


@FAST
@given(st.dates(D(2090, 1, 1), D(2120, 12, 31)))
def test_unknown_years_are_weekdays(day):
    assert workdays.is_working_day(day) is (day.weekday() < 5)


# --- datetimes ----------------------------------------------------------------------------------
def test_datetime_is_judged_by_its_local_day_and_sees_overrides():
    override(D(2025, 10, 9), False)
    assert not workdays.is_working_day(datetime.datetime(2025, 10, 9, 10, 0))
    # 8 Oct 17:00 UTC is 9 Oct 01:00 in Shanghai
    utc_evening = datetime.datetime(2025, 10, 8, 17, 0, tzinfo=datetime.UTC)
    assert not workdays.is_working_day(utc_evening)
    # 30 Sep 16:30 UTC is 1 Oct 00:30 in Shanghai: National Day
    assert not workdays.is_working_day(datetime.datetime(2025, 9, 30, 16, 30, tzinfo=datetime.UTC))
    assert workdays.is_working_day(datetime.datetime(2025, 9, 30, 15, 30, tzinfo=datetime.UTC))
    assert workdays.is_working_day(datetime.datetime(2025, 9, 30, 23, 30, tzinfo=SHANGHAI))
