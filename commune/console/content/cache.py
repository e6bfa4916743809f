"""A small shared cache for what many staff see alike (a calendar month): a value is built
once per key, concurrent requests for the same key wait for that build, the oldest keys
are dropped past ``max_entries``. Keys that must age carry a time bucket (``bucket``)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


def bucket(now: dt.datetime, seconds: float) -> int:
    return int(now.timestamp() // seconds)


class SharedCache(Generic[T]):
    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
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
