"""Issue 2 figures: the ningxia organisation seed, and subtree queries vs a naive recursive walk.

Run:  .venv/bin/python bench/bench_orgs.py [--database sqlite|postgres|both]

For each database it builds a fresh bench database, times the foundation's part of
``seed_demo --scale ningxia`` (organisations, employers, accounts), then times, best of 20:
  A. all grassroots unions under 银川市总工会 (materialized-path range scan)
  B. the number of grassroots unions under each city (one grouped query)
against the naive way measured in the same run: walking the tree level by level through
``parent_id`` (one query per level, children of all nodes of that level).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench_orgs")


def _child(database: str) -> None:
    """Runs in a fresh process so that DATABASE_URL is read before Django starts."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.accounts import seed as accounts_seed
    from gonghui.core.management.commands.seed_demo import World
    from gonghui.orgs import seed as orgs_seed
    from gonghui.orgs import selectors
    from gonghui.orgs.choices import GRASSROOTS_KINDS, OrgKind
    from gonghui.orgs.models import Organisation

    call_command("migrate", verbosity=0)
    world = World(scale="ningxia", rng=random.Random(2026))
    started = time.perf_counter()
    orgs_summary = orgs_seed.seed(world)
    accounts_seed.seed(world)
    seed_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    yinchuan = Organisation.objects.get(kind=OrgKind.CITY_FEDERATION, division_id="640100")
    cities = list(Organisation.objects.filter(kind=OrgKind.CITY_FEDERATION))

    def path_grassroots() -> int:
        return len(list(selectors.grassroots_under(yinchuan).values_list("id", flat=True)))

    def path_counts() -> dict[int, int]:
        return selectors.subtree_counts(cities)

    def walk_ids(root_ids: list[int]) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        level = root_ids
        while level:
            rows = list(Organisation.objects.filter(parent_id__in=level).values_list("id", "kind"))
            found += rows
            level = [pk for pk, _kind in rows]
        return found

    def walk_grassroots() -> int:
        return sum(1 for _pk, kind in walk_ids([yinchuan.pk]) if kind in GRASSROOTS_KINDS)

    def walk_counts() -> dict[int, int]:
        return {
            c.pk: sum(1 for _pk, kind in walk_ids([c.pk]) if kind in GRASSROOTS_KINDS)
            for c in cities
        }

    assert path_grassroots() == walk_grassroots()
    assert path_counts() == walk_counts()

    def best(fn, repeat: int = 20) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times) * 1000

    print(
        f"[{connection.vendor}] seed (orgs + employers + accounts): {seed_seconds:.1f} s — {orgs_summary}"
    )
    print(
        f"[{connection.vendor}] grassroots under 银川市总工会 ({path_grassroots()} rows):"
        f" path {best(path_grassroots):.2f} ms vs walk {best(walk_grassroots):.2f} ms"
        f" (×{best(walk_grassroots) / best(path_grassroots):.1f})"
    )
    print(
        f"[{connection.vendor}] count under each city: path {best(path_counts):.2f} ms"
        f" vs walk {best(walk_counts):.2f} ms (×{best(walk_counts) / best(path_counts):.1f})"
    )


def _run(database: str) -> None:
    env = dict(os.environ, GONGHUI_DEBUG="1")
    if database == "sqlite":
        path = ROOT / "var" / "bench" / "orgs.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        name = PG_URL.rsplit("/", 1)[1]
        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        env["DATABASE_URL"] = PG_URL
    subprocess.run([sys.executable, __file__, "--child", database], env=env, check=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child)
    else:
        for db in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
            _run(db)
