"""Issue 3 figures: the registry at Ningxia scale (1.29M live members).

Run:  .venv/bin/python bench/bench_members.py [--database sqlite|postgres|both] [--rebuild]

The population is built once per database with ``seed_demo --scale ningxia`` (timed: the issue
asks for < 3 minutes) into var/bench/members.sqlite3 or the PostgreSQL database of
BENCH_MEMBERS_PG_URL, and reused by later runs unless --rebuild. Then, in the same run:
  A. live members under 银川市总工会 (~520k): ``member_count`` (one range scan of the organisation
     paths joined to the (organisation, state) index) vs a naive recursive walk (children through
     parent_id level by level, then one count per organisation) — best of 10.
  B. lookup by ID number, phone (both exact through the keyed hash) and card number — median of 200
     different members, through the scoped selector as a region administrator.
  C. name prefix and pinyin-initials prefix search, first page of 50 — median over 40 prefixes.
Targets: A ≤ 50 ms, B ≤ 10 ms, C ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQLITE_PATH = ROOT / "var" / "bench" / "members.sqlite3"
PG_URL = os.environ.get(
    "BENCH_MEMBERS_PG_URL", "postgres://postgres@127.0.0.1:5432/gonghui_bench_members"
)


def _child(database: str, rebuild: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.accounts.models import User
    from gonghui.members.choices import LIVE_STATES
    from gonghui.members.models import Membership
    from gonghui.members.selectors import member_count, member_list
    from gonghui.orgs.choices import OrgKind
    from gonghui.orgs.models import Organisation

    tag = f"[{connection.vendor}]"
    call_command("migrate", verbosity=0)
    if rebuild or not Membership.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", "--scale", "ningxia")
        print(f"{tag} seed_demo --scale ningxia: {time.perf_counter() - started:.1f} s")
        # What autovacuum does soon after a bulk load: statistics and the visibility map (which
        # PostgreSQL's index-only scans need).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    else:
        print(f"{tag} reusing the seeded database (pass --rebuild to time the seed)")

    city = Organisation.objects.get(kind=OrgKind.CITY_FEDERATION, division_id="640100")
    admin = User.objects.get(username="nx_admin")

    def fast_count() -> int:
        return member_count(city)

    def walk_count() -> int:
        total, level = 0, [city.pk]
        while level:
            total += sum(
                Membership.objects.filter(organisation_id=pk, state__in=LIVE_STATES).count()
                for pk in level
            )
            level = list(
                Organisation.objects.filter(parent_id__in=level).values_list("pk", flat=True)
            )
        return total

    def best(fn, repeat: int = 10) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times) * 1000

    n_fast = fast_count()
    assert n_fast == walk_count()
    fast_ms, walk_ms = best(fast_count), best(walk_count, 3)
    print(
        f"{tag} A. live members under {city.name} ({n_fast:,}): member_count {fast_ms:.1f} ms"
        f" vs recursive walk {walk_ms:.0f} ms (x{walk_ms / fast_ms:.0f}) — target <= 50 ms"
    )

    low = Membership.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Membership.objects.order_by("-pk").values_list("pk", flat=True).first()
    picks = random.Random(3).sample(range(low, high + 1), 400)
    sample = list(
        Membership.objects.filter(pk__in=picks, state="active").select_related("person")[:200]
    )

    def median_ms(queries: list[str]) -> tuple[float, float]:
        times = []
        for q in queries:
            t = time.perf_counter()
            rows = list(member_list(actor=admin, q=q)[:50])
            times.append(time.perf_counter() - t)
            assert rows, q
        return statistics.median(times) * 1000, max(times) * 1000

    for label, values in (
        ("ID number", [m.person.id_number for m in sample]),
        ("phone", [m.person.phone for m in sample]),
        ("card number", [m.card_number for m in sample]),
    ):
        med, worst = median_ms(values)
        print(
            f"{tag} B. lookup by {label}: median {med:.2f} ms, max {worst:.2f} ms — target <= 10 ms"
        )

    names = [m.person.name for m in sample[:40]]
    med, worst = median_ms([n[:2] for n in names])
    print(f"{tag} C. name prefix (2 chars), first 50: median {med:.1f} ms, max {worst:.1f} ms")
    med, worst = median_ms([n[:1] for n in names])
    print(f"{tag} C. surname (1 char), first 50: median {med:.1f} ms, max {worst:.1f} ms")
    med, worst = median_ms([m.person.name_initials for m in sample[:40]])
    print(
        f"{tag} C. pinyin initials, first 50: median {med:.1f} ms, max {worst:.1f} ms — target <= 100 ms"
    )


def _run(database: str, rebuild: bool) -> None:
    env = dict(os.environ, GONGHUI_DEBUG="1")
    if database == "sqlite":
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        name = PG_URL.rsplit("/", 1)[1]
        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        exists = subprocess.run(
            ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if rebuild or not exists:
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
            subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        env["DATABASE_URL"] = PG_URL
    subprocess.run(
        [sys.executable, __file__, "--child", database] + (["--rebuild"] if rebuild else []),
        env=env,
        check=True,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.rebuild)
    else:
        for db in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
            _run(db, args.rebuild)
