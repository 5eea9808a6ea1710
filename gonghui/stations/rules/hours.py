"""Opening hours: a weekly schedule plus a 24-hour flag, evaluated in the display time zone.

A schedule is a list of seven day entries (Monday first); each entry is a list of
``["HH:MM", "HH:MM"]`` intervals. An interval whose end is not after its start runs past
midnight into the next day (a night shift "20:00"–"06:00"); "24:00" means the end of the day.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
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


DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# A day as a clerk types it: 周一/星期一/礼拜一 (日 and 天 for Sunday), or English Mon…Sun.
_DAY_WORDS = {
    **{
        f"{prefix}{digit}": i
        for prefix in ("周", "星期", "礼拜")
        for i, digit in enumerate("一二三四五六日")
    },
    "周天": 6,
    "星期天": 6,
    "礼拜天": 6,
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}
_DAY_GROUPS = {
    "每天": range(7),
    "每日": range(7),
    "天天": range(7),
    "全周": range(7),
    "daily": range(7),
    "工作日": range(5),
    "周末": range(5, 7),
    "双休日": range(5, 7),
}
_DAY = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_GROUP = "|".join(sorted(_DAY_GROUPS, key=len, reverse=True))
_DAY_ITEM = rf"(?:{_GROUP}|(?:{_DAY})(?:\s*[-–—~至到]\s*(?:{_DAY}))?)"
_DAY_SPEC = re.compile(
    rf"^((?:{_DAY_ITEM})(?:\s*[、,/和及]\s*(?:{_DAY_ITEM}))*)\s*:?\s*(.*)$", re.I
)
_DAY_SPLIT = re.compile(r"\s*[、,/和及]\s*")
_DAY_RANGE = re.compile(rf"^({_DAY})\s*[-–—~至到]\s*({_DAY})$", re.I)
_ALL_DAY = {"24h", "24小时", "全天", "24/7", "全天候"}
_CLOSED = {"休息", "闭馆", "关闭", "不开放", "停止开放", "closed", "-"}
_TIME_RANGE = re.compile(r"(\d{1,2}:\d{2})\s*(?:-|–|—|~|至|到)\s*(\d{1,2}:\d{2})")
_FULL_DAY = [["00:00", "24:00"]]
# shorthand days: "周一至五" and "周一、三、五" repeat the prefix; "周六日" is Saturday and Sunday
_BARE_DAY = re.compile(
    r"(周|星期|礼拜)([一二三四五六日天])((?:\s*[-–—~至到、,/和及]\s*[一二三四五六日天](?![天小]))+)"
)
_SAT_SUN = re.compile(r"(周|星期|礼拜)六日")
# a new part may also start after a comma or space, right after hours or 休息: "…20:00，周六 …"
_PART_BREAK = re.compile(
    rf"[;\n]|(?:(?<=\d)|(?<=休息)|(?<=闭馆)|(?<=关闭)|(?<=小时)|(?<=全天)|(?<=closed))"
    rf"\s*[,、\s]\s*(?={_DAY_ITEM})",
    re.I,
)


def _expand_days(value: str) -> str:
    value = _SAT_SUN.sub(r"\1六、\1日", value)
    return _BARE_DAY.sub(
        lambda m: m[1] + m[2] + re.sub(r"([一二三四五六日天])", m[1] + r"\1", m[3]), value
    )


def parse_hours_text(text: str) -> tuple[Schedule, bool]:
    """Read opening hours as a federation clerk types them in a form or a spreadsheet cell.

    * "24小时" (also 24h, 全天): open around the clock;
    * "08:00-20:00" or "08:00-12:00，14:00-18:00": the same hours every day;
    * a weekly schedule, parts separated by "；" (or a line break), each part days then hours:
      "周一至周五 08:00-20:00；周六、周日 09:00-17:00", "每天 07:00-22:00",
      "工作日 8:30-17:30；周末 休息". Days not named are closed; a day named twice is an error.

    Full-width characters are read as their ASCII forms. Returns (schedule, is_24h); seven days
    of 00:00-24:00 count as 24 hours. Raises ``HoursError`` naming the part it cannot read.
    """
    value = unicodedata.normalize("NFKC", text or "").strip()
    if value.lower() in _ALL_DAY:
        return [[] for _ in range(7)], True
    if not value:
        raise HoursError(_("Opening hours are missing."))
    parts = [p.strip() for p in _PART_BREAK.split(_expand_days(value)) if p.strip()]
    with_days = [_DAY_SPEC.match(part) for part in parts]
    if not any(with_days):  # the same hours every day (ranges may also be split by ";")
        intervals = [iv for part in parts for iv in _ranges(part, value)]
        if not intervals:
            return [[] for _ in range(7)], False
        return _canonical(validate_schedule([list(intervals) for _ in range(7)]))
    schedule: list[list[list[str]] | None] = [None] * 7
    for part, match in zip(parts, with_days, strict=True):
        if match is None:
            raise HoursError(
                _("Say which days “%(part)s” is for, like 周六 09:00-17:00.") % {"part": part}
            )
        days = _days(match[1])
        hours_part = match[2].strip()
        intervals = _FULL_DAY if hours_part.lower() in _ALL_DAY else _ranges(hours_part, part)
        for day in days:
            if schedule[day] is not None:
                raise HoursError(
                    _("%(day)s is given more than once in “%(value)s”.")
                    % {"day": DAY_NAMES[day], "value": text}
                )
            schedule[day] = [list(iv) for iv in intervals]
    return _canonical(validate_schedule([day or [] for day in schedule]))


def parse_day_hours(text: str) -> list[list[str]]:
    """One day's hours as typed in the console form's field for that day: "08:00-12:00,
    14:00-18:00", "24小时" (the whole day) or "休息"/blank (closed)."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value or value.lower() in _CLOSED:
        return []
    if value.lower() in _ALL_DAY:
        return [list(iv) for iv in _FULL_DAY]
    try:
        intervals = _ranges(value, value)
    except HoursError:
        raise HoursError(
            _("Opening hours “%(value)s” should look like 08:00-20:00 or 24h.") % {"value": text}
        ) from None
    return validate_schedule([intervals] + [[]] * 6)[0]


def _days(spec: str) -> list[int]:
    """Weekday numbers (Monday 0) of "周一至周五、周日"; a range may wrap (周五至周一)."""
    out: list[int] = []
    for item in _DAY_SPLIT.split(spec.strip()):
        key = item.lower()
        if key in _DAY_GROUPS:
            out.extend(_DAY_GROUPS[key])
            continue
        match = _DAY_RANGE.match(key)
        if match:
            first, last = _DAY_WORDS[match[1].lower()], _DAY_WORDS[match[2].lower()]
            out.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            out.append(_DAY_WORDS[key])
    return out


def _ranges(part: str, whole: str) -> list[list[str]]:
    """The time ranges of one part: "08:00-12:00, 14:00-18:00" (separated by commas, 、 or
    spaces), or an empty list for 休息/closed; anything else left over is an error."""
    if part.lower() in _CLOSED:
        return []
    intervals = [[m[1], m[2]] for m in _TIME_RANGE.finditer(part)]
    if not intervals or _TIME_RANGE.sub("", part).strip(" ,、"):
        if part == whole.strip():
            raise HoursError(
                _(
                    "Cannot read the opening hours “%(value)s”: write them like "
                    "周一至周五 08:00-20:00；周六、周日 09:00-17:00, or 每天 07:00-22:00, or 24小时."
                )
                % {"value": part}
            )
        raise HoursError(
            _(
                "Cannot read the hours “%(part)s” in “%(value)s”: write them like "
                "周一至周五 08:00-20:00；周六、周日 09:00-17:00, or 24小时."
            )
            % {"part": part, "value": whole}
        )
    return intervals


def _canonical(schedule: Schedule) -> tuple[Schedule, bool]:
    if all(day == _FULL_DAY for day in schedule):
        return [[] for _ in range(7)], True
    return schedule, False


def format_hours(schedule: Schedule, is_24h: bool) -> str:
    """The clerk's form that ``parse_hours_text`` reads back: "24小时", "每天 07:00-22:00" or
    "周一至周五 08:00-20:00；周六、周日 休息" (days with equal hours grouped, runs of three or more
    days written 至, closed days written 休息)."""
    if is_24h:
        return "24小时"
    texts = [",".join(f"{a}-{b}" for a, b in day) or "休息" for day in schedule]
    if len(set(texts)) == 1:
        return f"每天 {texts[0]}"
    parts = []
    for text in dict.fromkeys(texts):  # first-seen order: groups start Monday-most
        days = [i for i, t in enumerate(texts) if t == text]
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = []
        for run in runs:
            if len(run) >= 3:
                names.append(f"{DAY_NAMES[run[0]]}至{DAY_NAMES[run[-1]]}")
            else:
                names.extend(DAY_NAMES[d] for d in run)
        parts.append(f"{'、'.join(names)} {text}")
    return "；".join(parts)


def hours_text(schedule: Schedule, is_24h: bool) -> str:
    """How hours are shown to workers, staff and the map platforms: the Chinese clerk's form
    ("周一至周五 08:00-20:00；周六、周日 休息"), which the import reads back as well."""
    return format_hours(schedule, is_24h)


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
