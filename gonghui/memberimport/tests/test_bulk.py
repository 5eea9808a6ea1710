"""The second process that checks and seals an import's rows (bulk.produced_apart), and SQLite's
checkpoint of the log moved off the import's commit (bulk.sqlite_checkpoint_after)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler
from django.utils import translation

from gonghui.memberimport.bulk import produced_apart, sqlite_checkpoint_after


def _pids(count: int) -> Iterator[tuple[int, int]]:
    for n in range(count):
        yield n, os.getpid()


@pytest.mark.parametrize("apart", [True, False])
def test_items_arrive_in_order_from_the_second_process(apart: bool) -> None:
    items = list(produced_apart(_pids, 50, apart=apart))
    assert [n for n, _pid in items] == list(range(50))
    assert {pid != os.getpid() for _n, pid in items} == {apart}
    assert not multiprocessing.active_children()


def _broken(kind: str) -> Iterator[int]:
    yield 1
    if kind == "invalid":
        from gonghui.memberimport.rules import iter_table

        next(iter_table("a.xlsx", b"not a workbook"))
    raise KeyError("row 7")


def test_a_validation_error_arrives_with_its_chinese_message_and_code() -> None:
    received = []
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        received.extend(produced_apart(_broken, "invalid"))
    assert received == [1]
    assert caught.value.code == "file_invalid" and "无法读取" in caught.value.messages[0]


def test_any_other_failure_arrives_as_an_error() -> None:
    with translation.override("zh-hans"), pytest.raises(RuntimeError) as caught:
        list(produced_apart(_broken, "other"))
    assert str(caught.value) == "检查文件的进程出错停止：KeyError: 'row 7'"
    assert not multiprocessing.active_children()


def _endless() -> Iterator[bytes]:
    while True:
        yield b"x" * 1_000_000  # fills the pipe: the child blocks until the caller reads


def test_the_second_process_ends_when_the_caller_stops() -> None:
    items = produced_apart(_endless)
    assert next(items) == b"x" * 1_000_000
    items.close()  # e.g. a COPY failed: the child must not run on
    assert not multiprocessing.active_children()


@pytest.fixture
def wal_database(tmp_path: Path) -> Iterator[tuple[BaseDatabaseWrapper, Path]]:
    """A SQLite database file in WAL mode, as the platform runs it, whichever database the suite
    itself runs on."""
    path = tmp_path / "wal.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"},
            }
        }
    )
    db = handler["default"]
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE rows (body BLOB)")
    yield db, path
    db.close()


def _insert_5mb(db: BaseDatabaseWrapper) -> None:
    """A committed write past SQLite's automatic checkpoint (1,000 pages of 4 KiB)."""
    with db.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
            " INSERT INTO rows SELECT randomblob(1000) FROM n"
        )


@pytest.mark.django_db
def test_a_big_commit_leaves_the_log_to_a_checkpoint_thread(
    wal_database: tuple[BaseDatabaseWrapper, Path],
) -> None:
    db, path = wal_database
    _insert_5mb(db)  # outside the block, the commit itself copies the log into the file
    after_first = path.stat().st_size
    assert after_first > 5_000_000
    with sqlite_checkpoint_after(db) as later:
        with sqlite_checkpoint_after(db) as inner:  # within another: nothing of its own
            _insert_5mb(db)
        assert inner.thread is None
        # Committed (another connection sees the rows) but still only in the log.
        other = db.get_new_connection(db.get_connection_params())
        assert other.execute("SELECT count(*) FROM rows").fetchone()[0] == 10_000
        other.close()
        assert path.stat().st_size == after_first
    assert later.thread is not None
    later.thread.join(timeout=30)
    assert path.stat().st_size > 2 * 5_000_000  # the thread moved the log into the file
    with db.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == 1000  # the connection's own setting is back


def test_a_required_column_left_out_is_refused() -> None:
    """Columns the rows leave out get their defaults; one without (here a person's name, text
    that may not be blank) must be given, not stored empty."""
    import datetime

    from gonghui.memberimport.bulk import RowWriter
    from gonghui.members.models import Person

    now = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    given = [f.name for f in Person._meta.concrete_fields if f.name not in ("name", "id")]
    with pytest.raises(ValueError, match=r"Person\.name needs a value"):
        RowWriter(Person, given, now=now)
    assert RowWriter(Person, [*given, "name"], now=now).tail == ()
