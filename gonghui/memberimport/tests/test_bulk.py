"""The background builder of import chunks (bulk.built_ahead)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from gonghui.memberimport.bulk import built_ahead


@pytest.mark.parametrize("background", [True, False])
def test_items_arrive_in_order(background: bool) -> None:
    assert list(built_ahead(iter(range(50)), background=background)) == list(range(50))


def test_builder_errors_reach_the_caller() -> None:
    def items() -> Iterator[int]:
        yield 1
        raise ValueError("broken row")

    received = []
    with pytest.raises(ValueError, match="broken row"):
        for item in built_ahead(items(), background=True):
            received.append(item)
    assert received == [1]


def test_builder_stops_when_the_caller_stops() -> None:
    built: list[int] = []

    def items() -> Iterator[int]:
        for n in range(1000):
            built.append(n)
            yield n

    chunks = built_ahead(items(), background=True)
    assert next(chunks) == 0
    chunks.close()  # e.g. the COPY failed: the builder must not run on to the end
    assert len(built) <= 3
    assert not [t for t in threading.enumerate() if t.name == "import-builder"]
