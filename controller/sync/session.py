"""What the sync agent needs of its MQTT session (``village.wire.mqtt.Session`` in use; a
recording session in the agent's unit tests). The agent opens it with ``OpenSession``,
handing over its callbacks (``on_message``, ``on_connect``, ``on_disconnect``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from village.wire.mqtt import Endpoint, Message, Outcome


class AgentSession(Protocol):
    @property
    def endpoint(self) -> Endpoint: ...

    @property
    def connected(self) -> bool: ...

    def start(self) -> None: ...

    def close(self, final: Message | None = None, timeout: float = 5.0) -> None: ...

    def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
        expiry_s: int | None = None,
    ) -> Outcome: ...

    def subscribe(self, filters: list[tuple[str, int]]) -> Outcome: ...

    def unsubscribe(self, topics: list[str]) -> Outcome: ...


# called as Session is: (endpoint, client_id=…, will=…, on_message=…, on_connect=…, …)
OpenSession = Callable[..., AgentSession]
