"""Opening hours: a weekly schedule plus a 24-hour flag, evaluated in the display time zone.

A schedule is a list of seven day entries (Monday first); each entry is a list of
``["HH:MM", "HH:MM"]`` intervals. An interval whose end is not after its start runs past
midnight into the next day (a night shift "20:00"–"06:00"); "24:00" means the end of the day.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from typing import Any

from django.utils.translation import gettext as _

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
Schedule = list[list[list[str]]]
_TIME = re.compile(r"^([01]?\d|2[0-4])[:：]([0-5]\d)$")
_RANGE = re.compile(r"^\s*(\S+)\s*[-–—~至到]\s*(\S+)\s*$")


class HoursError(ValueError):
    """A schedule or hours text that cannot be read; the message is for the user."""


def minutes(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise HoursError(_("Time “%(value)s” is not in the form HH:MM.") % {"value": text})
    value = int(match[1]) * 60 + int(match[2])
    if value > 24 * 60:
        raise HoursError(_("Time “%(value)s” is not in the form HH:MM.") % {"value": text})
    return value


def validate_schedule(schedule: Any) -> Schedule:
    """Return the schedule in canonical form or raise ``HoursError``."""
    if not isinstance(schedule, list) or len(schedule) != 7:
        raise HoursError(_("The weekly schedule must have seven days."))
    clean: Schedule = []
    for day in schedule:
        if not isinstance(day, list):
            raise HoursError(_("The weekly schedule must have seven days."))
        intervals = []
        for interval in day:
            if not isinstance(interval, list | tuple) or len(interval) != 2:
                raise HoursError(_("An opening interval needs a start and an end."))
            start, end = minutes(str(interval[0])), minutes(str(interval[1]))
            if start == end:
                raise HoursError(_("An opening interval cannot start and end at the same time."))
            intervals.append([_fmt(start), _fmt(end)])
        clean.append(intervals)
    return clean


def _fmt(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def daily(start: str, end: str) -> Schedule:
    """The same hours every day of the week."""
    return validate_schedule([[[start, end]] for _ in range(7)])


def parse_hours_text(text: str) -> tuple[Schedule, bool]:
    """Read hours typed in a form or a spreadsheet: "24小时"/"24h", or "08:00-20:00" (every day),
    or several ranges separated by "," (every day). Returns (schedule, is_24h)."""
    value = (text or "").strip()
    if value.lower() in {"24h", "24小时", "全天", "24/7", "全天候"}:
        return [[] for _ in range(7)], True
    if not value:
        raise HoursError(_("Opening hours are missing."))
    intervals = []
    for part in re.split(r"[,，;；、]", value):
        match = _RANGE.match(part)
        if not match:
            raise HoursError(
                _("Opening hours “%(value)s” should look like 08:00-20:00 or 24h.")
                % {"value": text}
            )
        intervals.append([match[1], match[2]])
    return validate_schedule([list(intervals) for _ in range(7)]), False


def hours_text(schedule: Schedule, is_24h: bool) -> str:
    """A short human form: "24h", one range list when every day is equal, else per day."""
    if is_24h:
        return "24h"
    days = [", ".join(f"{a}-{b}" for a, b in day) for day in schedule]
    if len(set(days)) == 1:
        return days[0] or "-"
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return "; ".join(f"{names[i]} {d or '-'}" for i, d in enumerate(days))


def is_open(schedule: Schedule, is_24h: bool, when: datetime.datetime) -> bool:
    """Is the station open at ``when`` (an aware datetime; naive ones are read as Shanghai time)?"""
    if is_24h:
        return True
    local = when.astimezone(SHANGHAI) if when.tzinfo else when.replace(tzinfo=SHANGHAI)
    weekday, now = local.weekday(), local.hour * 60 + local.minute
    for start, end in (tuple(map(minutes, iv)) for iv in schedule[weekday] if schedule):
        if start < end and start <= now < end:
            return True
        if end < start and now >= start:  # overnight interval, evening part
            return True
    yesterday = schedule[(weekday - 1) % 7] if schedule else []
    for start, end in (tuple(map(minutes, iv)) for iv in yesterday):
        if end < start and now < end:  # overnight interval from yesterday, morning part
            return True
    return False


WEEK_MINUTES = 7 * 24 * 60


def minute_of_week(when: datetime.datetime) -> int:
    """Minutes since Monday 00:00 in Shanghai time."""
    local = when.astimezone(SHANGHAI) if when.tzinfo else when.replace(tzinfo=SHANGHAI)
    return local.weekday() * 1440 + local.hour * 60 + local.minute


def week_intervals(schedule: Schedule, is_24h: bool) -> list[tuple[int, int]]:
    """The schedule as half-open [start, end) minute-of-week intervals, overnight ones split at
    midnight and Sunday-night ones wrapped to Monday, so "open at minute m" is a range test that
    can be vectorised over all stations (``is_open`` gives the same answer)."""
    if is_24h:
        return [(0, WEEK_MINUTES)]
    out: list[tuple[int, int]] = []
    for day, intervals in enumerate(schedule or []):
        base = day * 1440
        for interval in intervals:
            start, end = minutes(interval[0]), minutes(interval[1])
            if start < end:
                out.append((base + start, base + end))
            else:  # runs past midnight into the next day
                out.append((base + start, base + 1440))
                nxt = (base + 1440) % WEEK_MINUTES
                if end:
                    out.append((nxt, nxt + end))
    return out
