"""The second process that checks and seals an import's rows (bulk.produced_apart)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from gonghui.memberimport.bulk import produced_apart


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
