"""Small shared caches for what many staff see alike (a calendar month): a value is built
once per key, concurrent requests for the same key wait for that build, the oldest keys
are dropped past ``max_entries``; a ``RefreshingCache`` value is rebuilt in the background
when it is too old, while requests keep the previous one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


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

    def put(self, key: Hashable, value: T) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)


class RefreshingCache(Generic[T]):
    """A value per key that ages: past ``max_age_s`` it is rebuilt in the background while
    requests keep getting the previous value, so no request waits for a rebuild except
    the very first for a key. ``now`` is the clock ages are measured on."""

    def __init__(self, max_age_s: float, now: Callable[[], float], max_entries: int = 32) -> None:
        self.max_age_s = max_age_s
        self.now = now
        self._first: SharedCache[tuple[float, T]] = SharedCache(max_entries)
        self._lock = threading.Lock()
        self._refreshing: set[Hashable] = set()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        built_at, value = self._first.get(key, lambda: (self.now(), build()))
        if self.now() - built_at > self.max_age_s:
            self._refresh(key, build)
        return value

    def _refresh(self, key: Hashable, build: Callable[[], T]) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def rebuild() -> None:
            try:
                self._first.put(key, (self.now(), build()))
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=rebuild, name="cache-refresh", daemon=True).start()
