"""Issue 5: time of the stations demo seed at ningxia scale (1,118 stations, a year of daily
counts = 408,070 rows, ~16,700 check-ins) on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_stations_seed.py [--database sqlite|postgres|both] [--rounds 3]``

Each round runs in its own process on a fresh database (a temporary SQLite file, or a PostgreSQL
database created for the round from ``BENCH_PG_ADMIN`` and dropped after): migrate, seed the demo
organisations (small), then time ``stations.seed.seed`` at ningxia scale including its commit.
Limit: a few seconds (the demo seed must stay quick).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = "gonghui_bench_stations_seed"
LIMIT_S = 5.0


def one_round() -> None:
    """In a child process with DATABASE_URL set: prepare, then time the seed."""
    import random

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django

    django.setup()
    from django.core.management import call_command

    from gonghui.core.management.commands.seed_demo import World
    from gonghui.orgs import seed as orgs_seed
    from gonghui.stations import seed as stations_seed

    call_command("migrate", verbosity=0)
    small = World(scale="small", rng=random.Random(2026))
    orgs_seed.seed(small)
    full = World(scale="ningxia", rng=random.Random(2026), notes=small.notes)
    started = time.perf_counter()
    summary = stations_seed.seed(full)  # atomic: the time includes the commit
    print(f"{time.perf_counter() - started:.3f}\t{summary}")


def run(database: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        env = dict(os.environ)
        tmp = tempfile.mkdtemp(prefix="bench-stations-seed-")
        if database == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/seed.sqlite3"
        else:
            subprocess.run(
                ["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"], check=True
            )
            subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_NAME}"], check=True)
            env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"
        try:
            out = (
                subprocess.run(
                    [sys.executable, __file__, "--one"],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
        finally:
            if database == "postgres":
                subprocess.run(
                    ["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"], check=True
                )
        seconds, summary = out.split("\t")
        times.append(float(seconds))
        print(f"  {database}: {summary} in {float(seconds):.2f} s")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_round()
        return
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f}")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        times = run(database, args.rounds)
        best = min(times)
        runs = " / ".join(f"{t:.2f}" for t in times)
        verdict = "within" if best <= LIMIT_S else "OVER"
        print(f"{database}: best {best:.2f} s (runs {runs}); {verdict} the {LIMIT_S:.0f} s limit")


if __name__ == "__main__":
    main()
