"""The registry check of an import's rows: who in the file is already registered, and who of
them holds a live membership (already_member). One query per chunk on the unique hash index,
on the importing connection or, when it sees the same rows, on one of the second process's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from gonghui.core.pii import BLIND_INDEX_BYTES
from gonghui.memberimport.rules import (
    ParseResult,
    RowError,
)
from gonghui.memberimport.services.common import chunked
from gonghui.members.choices import LIVE_STATES
from gonghui.members.models import Membership, Person


def check_registry(
    parsed: ParseResult,
    rows: Sequence[int],
    hashes: Sequence[bytes],
    db: BaseDatabaseWrapper = connection,
) -> tuple[list[int], dict[bytes, int]]:
    """Flag the valid rows whose person already holds a live membership (already_member) in
    ``parsed``; return the positions of the rows that stay valid and the people registered
    before without one (ID hash → person id). ``rows`` are the valid rows' numbers, ``hashes``
    their ID hashes. One query per chunk on the unique hash index."""
    known: dict[bytes, tuple[int, bool]] = {}
    for pk, digest, is_live in registered(hashes, db):
        known[digest] = (pk, is_live)
    if not known:
        return list(range(len(rows))), {}
    kept: list[int] = []
    returning: dict[bytes, int] = {}
    label = parsed.header.label("id_number")
    for position, (row, digest) in enumerate(zip(rows, hashes, strict=True)):
        hit = known.get(digest)
        if hit is not None and hit[1]:
            parsed.add_error(
                RowError(
                    row,
                    label,
                    "already_member",
                    _(
                        "This person is already a union member; "
                        "ask their union for a membership transfer instead."
                    ),
                )
            )
            continue
        if hit is not None:
            returning[digest] = hit[0]
        kept.append(position)
    parsed.errors.sort(key=lambda error: error.row)
    return kept, returning


def registered(
    hashes: Sequence[bytes], db: BaseDatabaseWrapper = connection
) -> Iterator[tuple[int, bytes, bool]]:
    """(person id, ID hash, holds a live membership) of the registered people among ``hashes``.

    Plain SQL on the unique hash index: for 100k hashes the ORM's handling of each parameter
    costs more than the index lookups. PostgreSQL gets all of them in one parameter; SQLite
    takes chunks of ``IN``."""
    person, membership = Person._meta.db_table, Membership._meta.db_table
    states = [*LIVE_STATES]
    query = (
        f"SELECT p.id, p.id_number_hash, EXISTS (SELECT 1 FROM {membership} m"  # noqa: S608
        f" WHERE m.person_id = p.id AND m.state IN ({', '.join(['%s'] * len(states))}))"
        f" FROM {person} p WHERE p.id_number_hash"
    )
    postgres = db.vendor == "postgresql"
    # PostgreSQL: the hashes travel as one bytea and the server cuts it apart; a 100k-element
    # array parameter costs more on the client than the lookups on the server.
    size = BLIND_INDEX_BYTES
    unpacked = (
        f"SELECT substring(%s::bytea FROM g * {size} + 1 FOR {size})"  # noqa: S608 - no input
        " FROM generate_series(0, %s - 1) g"
    )
    with db.cursor() as cursor:
        for chunk in chunked(hashes, max(len(hashes), 1) if postgres else 5000):
            if postgres:
                cursor.execute(f"{query} IN ({unpacked})", [*states, b"".join(chunk), len(chunk)])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{query} IN ({marks})", [*states, *chunk])
            for pk, digest, live in cursor.fetchall():
                yield pk, bytes(digest), bool(live)


def seen_apart(db: BaseDatabaseWrapper = connection) -> bool:
    """Whether the second process of an import may check the rows against the registry on a
    connection of its own, which takes that work off the importing connection (~0.3 s of a
    100k-row import). It sees the committed registry, which is what the import's transaction
    sees too: people the import itself stores cannot come up again, as a file names each person
    once (duplicate_in_file), and anyone registered elsewhere meanwhile is still stopped by the
    unique constraints at the insert. Not inside a transaction (a test's, say, whose rows no
    other connection sees), nor for SQLite in memory or in a journal mode other than WAL, in
    which a reader may wait for the importing writer while the writer waits for it."""
    if db.in_atomic_block:
        return False
    if db.vendor != "sqlite":
        return True
    if db.is_in_memory_db():  # type: ignore[attr-defined]
        return False
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0] == "wal"
