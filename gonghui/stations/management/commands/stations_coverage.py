"""manage.py stations_coverage — the 15-minute circle figure as JSON.

Demand is the registry (members' workplaces weighted by member counts, else employers weighted by
employee counts) or a CSV of points (lat, lon[, weight]); stations are the open ones.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.core.models import Division
from gonghui.stations import selectors
from gonghui.stations.rules.coverage import WALK_RADIUS_M


class Command(BaseCommand):
    help = "Coverage of demand by open stations (JSON); --suggest K adds greedy new sites."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--division", default="", help="division code (county, city or region)")
        parser.add_argument("--radius", type=float, default=WALK_RADIUS_M, help="reach in metres")
        parser.add_argument("--points", default="", help="CSV of demand points: lat,lon[,weight]")
        parser.add_argument("--suggest", type=int, default=0, help="number of new sites to suggest")
        parser.add_argument("--kind", default="", help="only stations of this kind (e.g. outdoor)")
        parser.add_argument("--clusters", type=int, default=10, help="uncovered clusters to list")
        parser.add_argument("--grid", action="store_true", help="include the coverage grid")
        parser.add_argument(
            "--no-divisions", action="store_true", help="leave out the per-division figures"
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["radius"] <= 0:
            raise CommandError("--radius must be positive")
        division = options["division"]
        if division and not Division.objects.filter(code=division).exists():
            raise CommandError(f"unknown division code {division}")
        started = time.perf_counter()
        try:
            if options["points"]:
                path = Path(options["points"])
                if not path.exists():
                    raise CommandError(f"no such file: {path}")
                demand = selectors.csv_demand(path.read_bytes())
            else:
                demand = selectors.registry_demand(division)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        report = selectors.coverage_report(
            demand,
            radius_m=options["radius"],
            suggest=max(0, options["suggest"]),
            clusters=options["clusters"],
            kind=options["kind"],
            cell_m=max(500.0, options["radius"]),
        )
        if not options["grid"]:
            report.pop("grid")
        if options["no_divisions"]:
            report.pop("by_division", None)
        report["division"] = division or None
        report["seconds"] = round(time.perf_counter() - started, 3)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
