"""The pure rules: the transitions table, deadlines, flags, routing choice."""

from __future__ import annotations

import datetime
import itertools

from gonghui.appeals import rules
from gonghui.appeals.choices import State


def _add(day: datetime.date, n: int) -> datetime.date:
    """Monday–Friday calendar for the pure tests."""
    while n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _between(a: datetime.date, b: datetime.date) -> int:
    count, day = 0, a
    while day < b:
        day += datetime.timedelta(days=1)
        count += day.weekday() < 5
    return count


def test_the_main_path_is_allowed_step_by_step() -> None:
    path = [
        State.RECEIVED,
        State.DISPATCHED,
        State.SIGNED,
        State.IN_PROGRESS,
        State.REPLIED,
        State.CALLBACK,
        State.CLOSED,
    ]
    for current, target in itertools.pairwise(path):
        assert rules.can_transition(current, target), (current, target)


def test_forbidden_shortcuts_and_terminal_states() -> None:
    assert not rules.can_transition(State.RECEIVED, State.REPLIED)
    assert not rules.can_transition(State.DISPATCHED, State.REPLIED)
    assert not rules.can_transition(State.EXTENDED, State.EXTENDED)
    assert not rules.can_transition(State.REPLIED, State.CLOSED)
    assert rules.allowed_targets(State.CLOSED) == frozenset()
    assert rules.allowed_targets(State.MERGED) == frozenset()
    assert set(rules.TRANSITIONS) == set(State.values)


def test_side_paths() -> None:
    assert rules.can_transition(State.DISPATCHED, State.RETURNED)
    assert rules.can_transition(State.IN_PROGRESS, State.EXTENDED)
    assert rules.can_transition(State.REPLIED, State.REOPENED)
    assert rules.can_transition(State.CALLBACK, State.REOPENED)
    assert rules.can_transition(State.SIGNED, State.MERGED)


def test_deadlines_and_flags() -> None:
    friday = datetime.date(2026, 3, 6)
    due = rules.deadlines(friday, 1, 5, _add)
    assert due.sign_due == datetime.date(2026, 3, 9)
    assert due.reply_due == datetime.date(2026, 3, 13)
    assert rules.flag_for(datetime.date(2026, 3, 11), due.reply_due, _between) == ""
    assert rules.flag_for(datetime.date(2026, 3, 12), due.reply_due, _between) == "yellow"
    assert rules.flag_for(datetime.date(2026, 3, 13), due.reply_due, _between) == "yellow"
    assert rules.flag_for(datetime.date(2026, 3, 14), due.reply_due, _between) == "red"
    assert rules.yellow_horizon(datetime.date(2026, 3, 12), _add) == datetime.date(2026, 3, 15)
    # Friday 13th overdue; 5 more working days → supervision on Monday 23rd (6th working day).
    assert not rules.needs_supervision(datetime.date(2026, 3, 20), due.reply_due, _between)
    assert rules.needs_supervision(datetime.date(2026, 3, 23), due.reply_due, _between)
    # Deadlines up to Sunday 15th are 6 working days behind on the 23rd.
    assert rules.supervision_cutoff(datetime.date(2026, 3, 23), _between) == datetime.date(
        2026, 3, 15
    )


def test_pick_route_prefers_the_most_specific_rule() -> None:
    general = rules.RouteCandidate(None, "640100", 1)
    by_subject = rules.RouteCandidate("wage", None, 2)
    exact = rules.RouteCandidate("wage", "640104", 3)
    county = rules.RouteCandidate(None, "640104", 4)
    codes = ["640104", "640100", "640000"]
    assert rules.pick_route([general, by_subject, exact, county], "wage", codes) == exact
    assert rules.pick_route([general, by_subject, county], "wage", codes) == county
    assert rules.pick_route([general, by_subject], "wage", codes) == general
    assert rules.pick_route([by_subject], "wage", codes) == by_subject
    assert rules.pick_route([by_subject], "injury", codes) is None
