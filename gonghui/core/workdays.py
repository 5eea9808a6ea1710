"""The one working-day calendar of the platform (DESIGN §4).

Chinese public holidays and make-up working days (调休) come from the chinesecalendar package;
``CalendarOverride`` rows win over it, for years the package does not know yet or days it gets
wrong. Without either, Saturday and Sunday are rest days. Every deadline counted in working days
(appeal time limits, joining reviews, transfers) goes through these two functions.
"""

from __future__ import annotations

import datetime
import functools
import time

import chinese_calendar
from django.utils import timezone

from gonghui.core.models import CalendarOverride

_ONE_DAY = datetime.timedelta(days=1)
# Overrides change a few times a year; each process re-reads them at most once a minute so an
# edit made through another app server is seen without a restart.
_OVERRIDES_TTL_SECONDS = 60.0
_cache: dict[str, object] = {"loaded_at": -_OVERRIDES_TTL_SECONDS, "days": {}}


def _overrides() -> dict[datetime.date, bool]:
    now = time.monotonic()
    if now - float(_cache["loaded_at"]) >= _OVERRIDES_TTL_SECONDS:  # type: ignore[arg-type]
        _cache["days"] = dict(CalendarOverride.objects.values_list("day", "is_workday"))
        _cache["loaded_at"] = now
    return _cache["days"]  # type: ignore[return-value]


def clear_cache() -> None:
    """Forget cached overrides (after an edit, and between tests)."""
    _cache["loaded_at"] = -_OVERRIDES_TTL_SECONDS


def is_working_day(day: datetime.date) -> bool:
    if isinstance(day, datetime.datetime):
        # A datetime never equals a date key, so an override would be silently skipped; an aware
        # one is judged by its local (Asia/Shanghai) calendar day, not its UTC day.
        day = (timezone.localtime(day) if timezone.is_aware(day) else day).date()
    override = _overrides().get(day)
    if override is not None:
        return override
    return _package_workday(day)


@functools.lru_cache(maxsize=4096)
def _package_workday(day: datetime.date) -> bool:
    """The package's answer, kept: it is fixed data, and deadlines ask for the same days all day."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # A year the package does not cover yet: weekdays work, weekends rest.
        return day.weekday() < 5


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date ``n`` working days after ``start`` (``n`` ≥ 0; ``start`` itself does not count).

    ``add_working_days(d, 0)`` is ``d`` if it is a working day, else the next working day.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += _ONE_DAY
        return day
    remaining = n
    while remaining:
        day += _ONE_DAY
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days in (a, b]: how many working days pass going from ``a`` to ``b``.

    Negative when ``b`` is before ``a``, so ``add_working_days(a, working_days_between(a, b))``
    is ``b`` whenever ``b`` is a working day after ``a``.
    """
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if is_working_day(day):
            count += 1
    return count
