"""The ERP reader runs one chunk ahead of landing: same chunks in order, its errors raised, closed on early stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ingestion.common.prefetch import prefetched


def test_chunks_arrive_in_order_and_are_read_by_another_thread() -> None:
    readers: set[str] = set()

    def chunks() -> Iterator[int]:
        for i in range(50):
            readers.add(threading.current_thread().name)
            yield i

    assert list(prefetched(chunks())) == list(range(50))
    assert readers == {"prefetch"}


def test_a_read_error_is_raised_to_the_consumer_after_the_chunks_before_it() -> None:
    def chunks() -> Iterator[int]:
        yield 1
        yield 2
        raise RuntimeError("erp: cannot read table VBAP (disk I/O error)")

    got: list[int] = []
    with pytest.raises(RuntimeError, match="cannot read table VBAP"):
        for c in prefetched(chunks()):
            got.append(c)
    assert got == [1, 2]


def test_stopping_early_stops_the_reader_and_closes_the_source() -> None:
    closed = threading.Event()
    read: list[int] = []

    def chunks() -> Iterator[int]:
        try:
            for i in range(1_000):
                read.append(i)
                yield i
        finally:
            closed.set()

    with pytest.raises(ValueError):
        for c in prefetched(chunks()):
            if c == 3:
                raise ValueError("landing failed")
    assert closed.is_set(), "the cursor's generator was closed"
    assert len(read) <= 6, "the reader stayed at most a chunk or two ahead"
