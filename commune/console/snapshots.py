"""Short-lived shared results: what every signed-in visitor sees alike (the Devices table,
a Broadcasts query) is built once per few seconds, not once per visitor.

Keys carry a time bucket of the console's clock (``bucket(now, ttl)``), so a result is
rebuilt at least every ``ttl`` seconds and at once when the clock jumps (tests). A build in
progress makes concurrent requests for the same key wait for it instead of building again.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 32


def bucket(now: dt.datetime, ttl_s: float) -> int:
    return int(now.timestamp() // ttl_s)


class Snapshots(Generic[T]):
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = build()
            with self._lock:
                self._values[key] = value
                self._building.pop(key, None)
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
            return value
