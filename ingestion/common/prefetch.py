"""Read the next chunk of a source while the current one is conformed and landed.

Reading a chunk (a database cursor's rows turned into a frame) is mostly Python; landing it is mostly
DuckDB, which releases the GIL. A reader thread one chunk ahead overlaps the two.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_ITEM, _DONE, _ERROR = "item", "done", "error"


def prefetched(chunks: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Yield `chunks` in order, read by a thread up to `depth` chunks ahead; its errors are raised here.

    When the consumer stops early (an error while landing), the reader stops and closes `chunks`.
    """
    q: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(kind: str, value: object) -> bool:
        while not stop.is_set():
            try:
                q.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not put(_ITEM, chunk):
                    break
            else:
                put(_DONE, None)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(_ERROR, exc)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="prefetch", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = q.get()
            if kind == _ITEM:
                yield value  # type: ignore[misc]
            elif kind == _ERROR:
                assert isinstance(value, BaseException)
                raise value
            else:
                return
    finally:
        stop.set()
        reader.join()
