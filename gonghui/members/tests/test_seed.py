"""The demo world's registry: the figures the five-year review quotes, at small scale."""

from __future__ import annotations

import datetime
import random

from django.db.models import Count

from gonghui.accounts import seed as accounts_seed
from gonghui.core.management.commands.seed_demo import World
from gonghui.members import seed as members_seed
from gonghui.members.choices import NEW_EMPLOYMENT_FORM_OCCUPATIONS
from gonghui.members.models import JoinApplication, Membership, MembershipEvent, Person, Transfer
from gonghui.members.rules import name_initials
from gonghui.members.seed import TARGETS
from gonghui.members.selectors import member_count, person_by_id_number
from gonghui.orgs import seed as orgs_seed
from gonghui.orgs.models import Organisation


def test_small_seed_matches_targets(db) -> None:
    world = World(scale="small", rng=random.Random(2026))
    for module in (orgs_seed, accounts_seed, members_seed):
        module.seed(world)
    region = Organisation.objects.get(parent__isnull=True)
    targets = TARGETS["small"]
    assert member_count(region, on=datetime.date(2018, 12, 31)) == targets["live_2018"]
    assert member_count(region, on=datetime.date(2025, 12, 31)) == targets["live_2025"]
    live = Membership.objects.filter(state__in=("active", "retained", "transferring"))
    assert live.count() == targets["live_2025"]
    assert live.filter(occupation__in=NEW_EMPLOYMENT_FORM_OCCUPATIONS).count() == targets["nef"]
    # Encrypted at rest, found through the keyed hash, initials consistent with the rule.
    person = Person.objects.order_by("pk")[5]
    assert person_by_id_number(person.id_number) == person
    assert person.name_initials == name_initials(person.name)
    assert MembershipEvent.objects.filter(kind="joined").count() == Membership.objects.count()
    assert JoinApplication.objects.filter(state="pending").exists()
    assert Transfer.objects.filter(state="pending").exists()
    # Spread over the tree: no single union holds more than a tenth of the members.
    biggest = (
        Membership.objects.values("organisation")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert biggest["n"] < live.count() / 10
