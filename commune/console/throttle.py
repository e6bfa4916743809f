"""Login throttling: too many failures for one account, or from one address, within a
window blocks further attempts until the oldest failure leaves the window.

Kept in memory (a restart forgets it) and bounded: at most ``MAX_KEYS`` accounts and
addresses are tracked, the oldest forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 10_000


@dataclass(frozen=True)
class Limit:
    failures: int
    window_s: float


ACCOUNT_LIMIT = Limit(5, 900.0)
ADDRESS_LIMIT = Limit(20, 900.0)


class LoginThrottle:
    def __init__(
        self,
        now: Callable[[], float],
        account: Limit = ACCOUNT_LIMIT,
        address: Limit = ADDRESS_LIMIT,
    ) -> None:
        self.now = now
        self.limits = {"account": account, "address": address}
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_s(self, account: str, address: str) -> float:
        """Seconds until an attempt is allowed again (0: allowed now)."""
        now = self.now()
        with self._lock:
            return max(
                self._wait(("account", account.lower()), now),
                self._wait(("address", address), now),
            )

    def _wait(self, key: tuple[str, str], now: float) -> float:
        limit = self.limits[key[0]]
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and now - times[0] > limit.window_s:
            times.popleft()
        if len(times) < limit.failures:
            return 0.0
        return times[-limit.failures] + limit.window_s - now

    def failed(self, account: str, address: str) -> None:
        now = self.now()
        with self._lock:
            for key in (("account", account.lower()), ("address", address)):
                times = self._failures.setdefault(key, deque(maxlen=64))
                times.append(now)
                self._failures.move_to_end(key)
            while len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(("account", account.lower()), None)
