"""The demo seed: a realistic mix of appeals, numbered like real ones, with open work."""

from __future__ import annotations

import random
import re

import pytest

from gonghui.appeals import seed as appeals_seed
from gonghui.appeals.choices import State
from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.core.management.commands.seed_demo import World
from gonghui.orgs import seed as orgs_seed

pytestmark = pytest.mark.django_db


def test_small_seed_builds_appeals_with_outcomes_and_open_work() -> None:
    world = World(scale="small", rng=random.Random(7))
    orgs_seed.seed(world)
    summary = appeals_seed.seed(world)
    total = Appeal.objects.count()
    assert 250 <= total <= 400, summary
    assert re.fullmatch(r"NX\d{4}-\d{6}", Appeal.objects.first().number)
    states = set(Appeal.objects.values_list("state", flat=True))
    assert State.CLOSED in states and states & {State.SIGNED, State.IN_PROGRESS}
    assert Appeal.objects.filter(flag="red").exists()
    assert AppealEvent.objects.count() >= 2 * total
    closed = Appeal.objects.filter(state=State.CLOSED)
    assert not closed.filter(closed_at__isnull=True).exists()
    assert Appeal.objects.first().phone.startswith("1")  # decrypts
    # the counter continues after the seeded numbers
    from gonghui.appeals import services
    from gonghui.appeals.tests.conftest import intake_data

    fresh = services.appeal_intake(actor=None, channel="web", data=intake_data())
    assert not Appeal.objects.exclude(pk=fresh.pk).filter(number=fresh.number).exists()


def test_seed_calendar_agrees_with_the_platform_calendar() -> None:
    import datetime

    from gonghui.core.workdays import add_working_days, working_days_between

    calendar = appeals_seed._Calendar(datetime.date(2024, 12, 1), datetime.date(2026, 3, 1))
    rng = random.Random(3)
    for _ in range(200):
        a = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        b = a + datetime.timedelta(days=rng.randrange(40))
        n = rng.randrange(1, 16)
        assert calendar.add(a, n) == add_working_days(a, n)
        assert calendar.between(a, b) == working_days_between(a, b)
