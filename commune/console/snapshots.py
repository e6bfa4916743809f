"""Short-lived shared results: what every signed-in visitor sees alike (the Devices table,
a Broadcasts query) is built once per few seconds, not once per visitor.

A result belongs to a time bucket of the console's clock (``bucket(now, ttl)``), so it is
rebuilt at least every ``ttl`` seconds and at once when the clock jumps (tests). The first
request of a new bucket builds it; requests that come while it is being built get the
previous bucket's result at once instead of queueing behind the build (twenty staff whose
pages reload together wait for one build, not twenty); with ``background``, the first
request too, the build running in a thread. A result older than that, or none at all, is
waited for.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)
MAX_ENTRIES = 32


def bucket(now: dt.datetime, ttl_s: float) -> int:
    return int(now.timestamp() // ttl_s)


class Snapshots(Generic[T]):
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()  # key -> (bucket, value)
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, period: int, build: Callable[[], T], background: bool = False
    ) -> T:
        """``key``'s result for the time bucket ``period``, built by ``build`` if need be.

        ``background``: the first request of a new bucket, too, gets the previous bucket's
        result, and the new one is built in a thread (no request waits for it)."""
        with self._lock:
            held = self._values.get(key)
            if held is not None and held[0] == period:
                return held[1]
            if held is not None and period - held[0] == 1:
                if key in self._building:
                    return held[1]  # the previous bucket's, while another builds this one
                if background:
                    self._building[key] = threading.Lock()
                    threading.Thread(
                        target=self._refresh, args=(key, period, build), daemon=True
                    ).start()
                    return held[1]
            building = self._building.setdefault(key, threading.Lock())
        return self._build(key, period, build, building)

    def _refresh(self, key: Hashable, period: int, build: Callable[[], T]) -> None:
        with self._lock:
            building = self._building.get(key)
        if building is None:
            return
        try:
            self._build(key, period, build, building)
        except Exception:
            log.exception("a shared result could not be rebuilt; the next request tries again")

    def _build(
        self, key: Hashable, period: int, build: Callable[[], T], building: threading.Lock
    ) -> T:
        with building:
            with self._lock:
                held = self._values.get(key)
                if held is not None and held[0] == period:
                    return held[1]
            try:
                value = build()
            except BaseException:
                with self._lock:
                    self._building.pop(key, None)
                raise
            with self._lock:
                self._building.pop(key, None)
                self._values[key] = (period, value)
                self._values.move_to_end(key)
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
            return value
