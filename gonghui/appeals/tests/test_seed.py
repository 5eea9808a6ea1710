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
    from gonghui.appeals.tests.conftest import intake_data
    from gonghui.appeals import services

    fresh = services.appeal_intake(actor=None, channel="web", data=intake_data())
    assert not Appeal.objects.exclude(pk=fresh.pk).filter(number=fresh.number).exists()
