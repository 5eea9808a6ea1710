"""Pure rules of the 12351 appeals: transitions, time limits, flags, routing choice, uploads.

No ORM here: callers pass dates and a working-day function (core.workdays) in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gonghui.appeals.choices import RequestType, State

# The one table of allowed transitions (issue 4). Side paths: returned (wrong routing),
# extended (once), reopened (worker unsatisfied with the handling), merged (duplicate).
TRANSITIONS: dict[str, frozenset[str]] = {
    State.RECEIVED: frozenset({State.DISPATCHED, State.SIGNED, State.CLOSED, State.MERGED}),
    State.DISPATCHED: frozenset({State.DISPATCHED, State.SIGNED, State.RETURNED, State.MERGED}),
    State.RETURNED: frozenset({State.DISPATCHED, State.SIGNED, State.MERGED}),
    State.SIGNED: frozenset(
        {
            State.IN_PROGRESS,
            State.DISPATCHED,
            State.RETURNED,
            State.EXTENDED,
            State.REPLIED,
            State.MERGED,
        }
    ),
    State.IN_PROGRESS: frozenset({State.EXTENDED, State.REPLIED, State.MERGED}),
    State.EXTENDED: frozenset({State.REPLIED}),
    State.REPLIED: frozenset({State.CALLBACK, State.REOPENED}),
    State.CALLBACK: frozenset({State.CLOSED, State.REOPENED}),
    State.REOPENED: frozenset({State.IN_PROGRESS, State.EXTENDED, State.REPLIED}),
    State.CLOSED: frozenset(),
    State.MERGED: frozenset(),
}

MAX_EXTENSION_DAYS = 7
CALLBACK_MAX_ATTEMPTS = 3
# Supervision (督办) when still overdue this many working days after the first overdue day.
SUPERVISE_AFTER_WORKING_DAYS = 5
YELLOW_WORKING_DAYS_BEFORE = 1
MAX_ATTACHMENTS = 4
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_UPLOADS = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
}
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png"}

DEFAULT_REPLY_DAYS: dict[str, int] = {
    RequestType.CONSULTATION: 2,
    RequestType.HELP: 5,
    RequestType.COMPLAINT: 15,
    RequestType.LEGAL_AID: 15,
    RequestType.SUGGESTION: 15,
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def allowed_targets(current: str) -> frozenset[str]:
    return TRANSITIONS.get(current, frozenset())


AddWorkingDays = Callable[[datetime.date, int], datetime.date]
WorkingDaysBetween = Callable[[datetime.date, datetime.date], int]


@dataclass(frozen=True)
class Deadlines:
    sign_due: datetime.date
    reply_due: datetime.date


def deadlines(
    received: datetime.date, sign_days: int, reply_days: int, add: AddWorkingDays
) -> Deadlines:
    """Both deadlines counted in working days from the day of receipt (that day not counted)."""
    return Deadlines(sign_due=add(received, sign_days), reply_due=add(received, reply_days))


def flag_for(today: datetime.date, due: datetime.date | None, between: WorkingDaysBetween) -> str:
    """'' on time, 'yellow' from 1 working day before the deadline, 'red' once it has passed."""
    if due is None:
        return ""
    if today > due:
        return "red"
    if between(today, due) <= YELLOW_WORKING_DAYS_BEFORE:
        return "yellow"
    return ""


def needs_supervision(
    today: datetime.date, due: datetime.date, between: WorkingDaysBetween
) -> bool:
    """Overdue on a first day, then still overdue SUPERVISE_AFTER working days later."""
    return today > due and between(due, today) > SUPERVISE_AFTER_WORKING_DAYS


def yellow_horizon(today: datetime.date, add: AddWorkingDays) -> datetime.date:
    """The latest deadline that is yellow today: deadlines up to this date (and ≥ today)."""
    return add(today, YELLOW_WORKING_DAYS_BEFORE + 1) - datetime.timedelta(days=1)


def supervision_cutoff(today: datetime.date, between: WorkingDaysBetween) -> datetime.date:
    """The latest deadline that needs supervision today (walk back over the calendar)."""
    day = today - datetime.timedelta(days=1)
    while between(day, today) <= SUPERVISE_AFTER_WORKING_DAYS:
        day -= datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class RouteCandidate:
    subject_code: str | None
    division_code: str | None
    organisation_id: int


def pick_route(
    candidates: Iterable[RouteCandidate], subject_code: str, division_codes: list[str]
) -> RouteCandidate | None:
    """The most specific rule: subject+division, then division only, then subject only.

    ``division_codes`` runs from the most local (county) to the widest (city, region), and a
    nearer division beats a wider one at the same specificity.
    """
    rules = list(candidates)
    ranked: list[tuple[int, int, RouteCandidate]] = []
    for rule in rules:
        if rule.subject_code not in (None, subject_code):
            continue
        if rule.division_code is None:
            division_rank = len(division_codes)
        elif rule.division_code in division_codes:
            division_rank = division_codes.index(rule.division_code)
        else:
            continue
        specificity = (rule.subject_code is not None) + (rule.division_code is not None) * 2
        ranked.append((-specificity, division_rank, rule))
    if not ranked:
        return None
    ranked.sort(key=lambda item: (item[0], item[1]))
    return ranked[0][2]


def upload_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""
