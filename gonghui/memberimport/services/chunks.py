"""A file's rows checked and sealed a chunk at a time (``checked_chunks``): what the second
process of a large import runs, and what the importing process stores."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from gonghui.core.pii import blind_index_many, encrypt_many
from gonghui.memberimport import bulk
from gonghui.memberimport.rules import (
    ParseResult,
    education_value,
    iter_table,
    occupation_value,
    parse_chunks,
)
from gonghui.memberimport.services import registry
from gonghui.members.rules import bulk_name_initials

CHUNK = 5000
T = TypeVar("T")


@dataclass
class CheckedChunk:
    """A part of a file checked by the rules, its valid rows ready to store: each one's row
    number, ID hash, person columns (``PERSON_COLUMNS``, in database form: ID and mobile sealed,
    keyed hashes, initials; the importing process adds the id it reserves) and enrolment
    (credit code, employer name, occupation, join date). Plain tuples, not row objects: they
    cross from the second process, and unpickling objects would cost the importing process more
    than the rest of its Python work per row. ``returning`` is None until the chunk has been
    checked against the registry (``registry_checked``)."""

    parsed: ParseResult  # counts and errors; its valid rows travel as the lists below
    rows: list[int]
    hashes: list[bytes]
    people: list[tuple]
    enrolments: list[tuple[str, str, str, Any]]
    returning: dict[bytes, int] | None = None  # ID hash → person registered before, no live one

    def registry_checked(self, db: BaseDatabaseWrapper = connection) -> CheckedChunk:
        """The chunk with its live members flagged (already_member) and left out, and the
        people it brings back to the registry found (``check_registry``)."""
        kept, returning = registry.check_registry(self.parsed, self.rows, self.hashes, db)
        if len(kept) == len(self.rows):
            return replace(self, returning=returning)

        def pick(column: list[T]) -> list[T]:
            return [column[i] for i in kept]

        return CheckedChunk(
            self.parsed,
            pick(self.rows),
            pick(self.hashes),
            pick(self.people),
            pick(self.enrolments),
            returning,
        )


def checked_chunks(
    file_name: str, data: bytes, today: datetime.date, registry: bool = False
) -> Iterator[CheckedChunk]:
    """The file's rows checked and the valid ones sealed, ``CHUNK`` rows at a time, without the
    importing transaction's connection: this is what ``produced_apart`` runs in the second
    process. ``registry``: each chunk checked against the registry here too, on a connection of
    its own (see ``seen_apart``)."""
    db = connections.create_connection(DEFAULT_DB_ALIAS) if registry else None
    if db is not None and db.vendor == "sqlite":
        # SQLite's default page cache, not the platform's 64 MB: the lookups touch each index
        # page about once, which the system's file cache holds anyway; a large cache only
        # added ~10 MB to the import's peak memory.
        with db.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-2000")
    try:
        for chunk in _sealed_chunks(file_name, data, today):
            yield chunk if db is None else chunk.registry_checked(db)
    finally:
        if db is not None:
            db.close()


def _sealed_chunks(file_name: str, data: bytes, today: datetime.date) -> Iterator[CheckedChunk]:
    table = iter_table(file_name, data)
    date = bulk.date_adapter()
    for parsed in parse_chunks(table, today=today, occupation_of=occupation_value, size=CHUNK):
        valid, parsed.valid = parsed.valid, []
        numbers = [row.id_number for row in valid]
        hashes = blind_index_many("id", numbers)
        phones = [row.phone for row in valid if row.phone]
        sealed_phones = iter(
            zip(encrypt_many(phones), blind_index_many("phone", phones), strict=True)
        )
        initials = bulk_name_initials([row.name for row in valid])
        yield CheckedChunk(
            parsed=parsed,
            rows=[row.row for row in valid],
            hashes=hashes,
            people=[
                (
                    row.name,
                    initials[row.name],
                    sealed_id,
                    digest,
                    row.sex,
                    date(row.birth_date),
                    row.division_code,
                    row.ethnicity,
                    *(next(sealed_phones) if row.phone else ("", b"")),
                    education_value(row.education),
                )
                for row, sealed_id, digest in zip(valid, encrypt_many(numbers), hashes, strict=True)
            ],
            enrolments=[
                (row.credit_code, row.employer_name, row.occupation, date(row.joined_on))
                for row in valid
            ],
        )
