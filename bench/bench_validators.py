"""Benchmark of the per-row validators against python-stdnum (issue 2).

Run: ``.venv/bin/python bench/bench_validators.py [--rows 100000] [--repeat 5]``

Generates realistic import rows (mostly valid, some typed with spaces, lower-case x or full-width
digits, some with wrong check characters, impossible dates, unknown division codes, Excel-destroyed
numbers; phones in the usual spellings; credit codes), then times, per row:

- ``parse_resident_id``, ``normalise_phone``, ``normalise_uscc`` and ``looks_like_excel_number``;
- the peer: python-stdnum's ``cn.ric.validate`` on the same ID strings (and ``cn.uscc.validate``).

The best of ``--repeat`` runs is reported in microseconds per row. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from stdnum.cn import ric as stdnum_ric  # noqa: E402
from stdnum.cn import uscc as stdnum_uscc  # noqa: E402
from stdnum.exceptions import ValidationError as StdnumError  # noqa: E402

from gonghui.core import validators as v  # noqa: E402

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[-total % 31]


def make_rows(n: int, seed: int = 20250601) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    divisions = sorted(v.known_division_codes())
    ningxia = [code for code in divisions if code.startswith("64")]
    first_day = datetime.date(1940, 1, 1).toordinal()
    last_day = datetime.date(2007, 12, 31).toordinal()
    ids: list[str] = []
    for _ in range(n):
        division = rng.choice(ningxia) if rng.random() < 0.8 else rng.choice(divisions)
        birth = datetime.date.fromordinal(rng.randint(first_day, last_day))
        first17 = f"{division}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        number = first17 + id_check(first17)
        r = rng.random()
        if r < 0.03:  # a typo in one digit
            i = rng.randrange(17)
            number = number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]
        elif r < 0.04:  # 30 February
            first17 = f"{division}{birth.year}0230{rng.randint(0, 999):03d}"
            number = first17 + id_check(first17)
        elif r < 0.05:  # unknown division
            first17 = f"999999{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            number = first17 + id_check(first17)
        elif r < 0.06:  # destroyed by Excel
            number = f"{int(number[:15]) / 1e14:.14f}".rstrip("0") + "E+17"
        elif r < 0.08:  # short
            number = number[:17]
        elif r < 0.12:
            number = number.lower()
        elif r < 0.15:
            number = f" {number[:6]} {number[6:14]} {number[14:]} "
        elif r < 0.17:
            number = number.translate(FULL_WIDTH)
        ids.append(number)

    phones: list[str] = []
    for _ in range(n):
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        r = rng.random()
        if r < 0.05:
            phone = phone[:10]
        elif r < 0.07:
            phone = "2" + phone[1:]
        elif r < 0.15:
            phone = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
        elif r < 0.20:
            phone = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        elif r < 0.22:
            phone = phone.translate(FULL_WIDTH)
        phones.append(phone)

    usccs: list[str] = []
    for _ in range(n):
        first17 = (
            rng.choice("159")
            + rng.choice("123")
            + rng.choice(ningxia)
            + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
        )
        code = first17 + uscc_check(first17)
        if rng.random() < 0.05:
            code = code[:17] + rng.choice([c for c in USCC_ALPHABET if c != code[17]])
        usccs.append(code)
    return ids, phones, usccs


def run_ours(func, rows: list[str]) -> int:
    failures = 0
    for row in rows:
        try:
            func(row)
        except ValidationError:
            failures += 1
    return failures


def run_stdnum(func, rows: list[str]) -> int:
    failures = 0
    for row in rows:
        try:
            func(row)
        except StdnumError:
            failures += 1
    return failures


def run_plain(func, rows: list[str]) -> int:
    return sum(1 for row in rows if func(row))


def best_of(repeat: int, runner, func, rows: list[str]) -> tuple[float, int]:
    best = float("inf")
    result = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = runner(func, rows)
        best = min(best, time.perf_counter() - start)
    return best * 1e6 / len(rows), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    ids, phones, usccs = make_rows(args.rows)
    v.known_division_codes()  # load the table once, as a long-running process would
    stdnum_ric.is_valid("11010519491231002X")  # and let stdnum load its numdb

    print(
        f"python {platform.python_version()} on {platform.machine()}, {args.rows:,} rows, ", end=""
    )
    print(f"best of {args.repeat}")
    cases = [
        ("parse_resident_id", run_ours, v.parse_resident_id, ids),
        ("stdnum cn.ric.validate (peer)", run_stdnum, stdnum_ric.validate, ids),
        ("looks_like_excel_number", run_plain, v.looks_like_excel_number, ids),
        ("normalise_phone", run_ours, v.normalise_phone, phones),
        ("normalise_uscc", run_ours, v.normalise_uscc, usccs),
        ("stdnum cn.uscc.validate (peer)", run_stdnum, stdnum_uscc.validate, usccs),
    ]
    figures: dict[str, float] = {}
    for name, runner, func, rows in cases:
        per_row, count = best_of(args.repeat, runner, func, rows)
        figures[name] = per_row
        label = "flagged" if runner is run_plain else "rejected"
        print(f"{name:32s} {per_row:8.2f} µs/row   {label} {count:>7,} ({count / len(rows):.1%})")

    accepted = []
    for row in ids:
        with contextlib.suppress(ValidationError):
            accepted.append(v.parse_resident_id(row).number)
    birth_year_rule = sum(1 for number in accepted if not stdnum_ric.is_valid(number))
    print(
        f"valid IDs (after normalising) that stdnum cn.ric rejects: {birth_year_rule:,} of "
        f"{len(accepted):,} (division code created after the birth year, or abolished before it)"
    )
    ours = figures["parse_resident_id"]
    peer = figures["stdnum cn.ric.validate (peer)"]
    print(f"ratio: stdnum cn.ric.validate / parse_resident_id = {peer / ours:.1f}x")
    row_total = ours + figures["normalise_phone"] + figures["normalise_uscc"]
    total_ms = row_total * args.rows / 1000
    print(
        f"one row (ID + phone + USCC): {row_total:.2f} µs → {args.rows:,} rows in {total_ms:.0f} ms"
    )


if __name__ == "__main__":
    main()
