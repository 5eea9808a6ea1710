"""manage.py seed_demo --scale small|ningxia — build the deterministic demo world.

Each app that contributes demo data has a ``seed`` module with ``seed(world) -> str`` (a summary
line); they run in dependency order inside one transaction per app. ``small`` serves tests and
the first ``make run``; ``ningxia`` is the full-scale world the benchmarks run on.
"""

from __future__ import annotations

import importlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gonghui.orgs.models import Organisation

# Order matters: an app's seed may use what the apps before it created.
SEEDERS = [
    "gonghui.orgs.seed",
    "gonghui.accounts.seed",
    "gonghui.members.seed",
    "gonghui.stations.seed",
    "gonghui.appeals.seed",
]

SCALES = ("small", "ningxia")


@dataclass
class World:
    """What seeders share: the scale, one seeded random generator, and notes for later seeders."""

    scale: str
    rng: random.Random
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.scale == "ningxia"


class Command(BaseCommand):
    help = "Build the demo world (deterministic). Refuses to run on a database that has data."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (exit 0) when the database already has organisations",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if Organisation.objects.exists():
            if options["if_empty"]:
                self.stdout.write("database already has data; demo world not loaded")
                return
            raise CommandError(
                "The database already has organisations; seed_demo needs an empty one."
            )
        world = World(scale=options["scale"], rng=random.Random(options["seed"]))
        started = time.perf_counter()
        for name in SEEDERS:
            module = importlib.import_module(name)
            step = time.perf_counter()
            summary = module.seed(world)
            self.stdout.write(f"{name}: {summary} ({time.perf_counter() - step:.1f} s)")
        self.stdout.write(
            f"demo world '{world.scale}' built in {time.perf_counter() - started:.1f} s"
        )
