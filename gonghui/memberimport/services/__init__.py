"""Writes of mass enrolment (集中入会): preview a file, apply it, undo a batch.

The apply path is built for 100k-row files and runs in one pass, a chunk at a time: the rows
read, checked and sealed (keyed hashes, encryption, initials), in a second process for large
files (``checked_chunks``, ``bulk.produced_apart``), with one registry query per chunk for the
people already registered (there too when its own connection sees the committed registry); then,
per chunk, employers matched once per distinct name/credit code, card numbers reserved as one
block from the locked counter, and persons, memberships and timeline events written with
``executemany`` or ``COPY`` (bulk.py); one audit record for the batch. All of it runs in one
transaction: in strict mode an error in any row leaves nothing behind.
"""

from gonghui.memberimport.services.apply import batch_apply, batch_submit
from gonghui.memberimport.services.chunks import CHUNK, CheckedChunk, checked_chunks
from gonghui.memberimport.services.common import (
    CAPABILITY,
    background_threshold,
    get_progress,
    kept_file,
    purge_kept_files,
    set_progress,
    sqlite_cache_mb,
    undo_days,
)
from gonghui.memberimport.services.preview import batch_import, batch_preview, prepare
from gonghui.memberimport.services.undo import batch_undo

__all__ = [
    "CAPABILITY",
    "CHUNK",
    "CheckedChunk",
    "background_threshold",
    "batch_apply",
    "batch_import",
    "batch_preview",
    "batch_submit",
    "batch_undo",
    "checked_chunks",
    "get_progress",
    "kept_file",
    "prepare",
    "purge_kept_files",
    "set_progress",
    "sqlite_cache_mb",
    "undo_days",
]
