"""The MQTT 5 adapter: the only module that imports paho.

``Session`` keeps one connection to the broker, reconnecting with back-off, and reports
connects, disconnects and messages through plain callbacks (run on its network thread:
keep them short). Publishing returns an ``Outcome`` whose ``wait`` gives the broker's
reason code (MQTT 5: 0 success, 135 not authorised, 151 quota exceeded, ...). Every paho
or socket error comes out as ``MqttError``.
"""

from __future__ import annotations

import logging
import os
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from village.wire import limits
from village.wire.errors import MqttError

log = logging.getLogger(__name__)

SUCCESS = 0
NOT_AUTHORIZED = 135
NO_MATCHING_SUBSCRIBERS = 16  # a success: nobody was subscribed


@dataclass(frozen=True)
class Endpoint:
    """Where the broker is and how to log in."""

    host: str
    port: int = 1883
    username: str = ""
    password: str = ""
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    keepalive_s: int = 60

    @property
    def tls(self) -> bool:
        return bool(self.ca_file)

    def describe(self) -> str:
        scheme = "mqtts" if self.tls else "mqtt"
        return f"{scheme}://{self.username or '-'}@{self.host}:{self.port}"


@dataclass(frozen=True)
class Message:
    topic: str
    payload: bytes
    retained: bool = False
    qos: int = 1


@dataclass
class Outcome:
    """The result of a publish or subscribe, once the broker has answered."""

    _done: threading.Event = field(default_factory=threading.Event)
    codes: list[int] = field(default_factory=list)

    def _set(self, codes: list[int]) -> None:
        self.codes = codes
        self._done.set()

    def wait(self, timeout: float | None = 10.0) -> int | None:
        """The (first) reason code, or None if the broker did not answer in time."""
        if not self._done.wait(timeout):
            return None
        return self.codes[0] if self.codes else None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def ok(self, timeout: float | None = 10.0) -> bool:
        code = self.wait(timeout)
        return code is not None and code < 128


def _code(reason: ReasonCode | int) -> int:
    return reason.value if isinstance(reason, ReasonCode) else int(reason)


class _Client(paho.Client):
    """paho's client, telling us why a connection attempt failed (paho retries silently)."""

    on_attempt_failed: Callable[[BaseException], None] = staticmethod(lambda exc: None)

    def reconnect(self):  # paho's signature
        try:
            return super().reconnect()
        except (OSError, ValueError) as exc:
            self.on_attempt_failed(exc)
            raise


class Session:
    """One MQTT 5 session, kept up (reconnecting with back-off) by paho's network thread."""

    def __init__(
        self,
        endpoint: Endpoint,
        client_id: str,
        *,
        clean_start: bool = True,
        session_expiry_s: int = 0,
        will: Message | None = None,
        max_packet: int | None = None,
        on_message: Callable[[Message], None] | None = None,
        on_connect: Callable[[bool], None] | None = None,
        on_disconnect: Callable[[str], None] | None = None,
        reconnect_min_s: float = 1.0,
        reconnect_max_s: float = 30.0,
        max_payload: int = limits.BROKER_PAYLOAD,
    ) -> None:
        self.endpoint = endpoint
        self.max_payload = max_payload
        self.client_id = client_id
        self.clean_start = clean_start
        self.session_expiry_s = session_expiry_s
        self.on_message = on_message or (lambda message: None)
        self.on_connect = on_connect or (lambda session_present: None)
        self.on_disconnect = on_disconnect or (lambda reason: None)
        self.last_error = ""
        self._connected = threading.Event()
        self._attempted = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._pending: dict[int, Outcome] = {}
        self._early: dict[int, list[int]] = {}
        self._started = False
        client = _Client(
            paho.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=paho.MQTTv5,
        )
        client.on_attempt_failed = lambda exc: self._note_failure(f"{type(exc).__name__}: {exc}")
        client.reconnect_delay_set(max(1, round(reconnect_min_s)), max(1, round(reconnect_max_s)))
        if endpoint.username:
            client.username_pw_set(endpoint.username, endpoint.password or None)
        if endpoint.tls:
            for path in (endpoint.ca_file, endpoint.cert_file, endpoint.key_file):
                if path and not os.path.isfile(path):
                    raise MqttError(f"TLS file {path} does not exist")
            try:
                client.tls_set(
                    ca_certs=endpoint.ca_file,
                    certfile=endpoint.cert_file or None,
                    keyfile=endpoint.key_file or None,
                    cert_reqs=ssl.CERT_REQUIRED,
                    tls_version=ssl.PROTOCOL_TLS_CLIENT,
                )
            except (ssl.SSLError, OSError, ValueError) as exc:
                raise MqttError(f"TLS files unusable: {exc}") from exc
        if will is not None:
            client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retained)
        client.max_inflight_messages_set(100)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        client.on_subscribe = self._on_subscribe
        client.on_unsubscribe = self._on_subscribe
        self._connect_properties = Properties(PacketTypes.CONNECT)
        if session_expiry_s:
            self._connect_properties.SessionExpiryInterval = int(session_expiry_s)
        if max_packet:
            self._connect_properties.MaximumPacketSize = int(max_packet)
        self._client = client

    # -- life cycle ------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def start(self) -> None:
        """Connect in the background and stay connected (paho's network thread reconnects
        with back-off) until ``close``."""
        if self._started:
            return
        self._started = True
        try:
            self._client.connect_async(
                self.endpoint.host,
                self.endpoint.port,
                keepalive=self.endpoint.keepalive_s,
                clean_start=self.clean_start,
                properties=self._connect_properties,
            )
        except ValueError as exc:
            raise MqttError(f"cannot connect to {self.endpoint.describe()}: {exc}") from exc
        self._client.loop_start()

    def connect(self, timeout: float = 10.0) -> None:
        """Start and wait for the first connection; raises ``MqttError`` if it fails."""
        self.start()
        deadline = time.monotonic() + timeout
        while not self._connected.wait(0.05):
            if self._attempted.is_set() and self.last_error:
                error = self.last_error
                self.close()
                raise MqttError(f"cannot connect to {self.endpoint.describe()}: {error}")
            if time.monotonic() > deadline:
                self.close()
                raise MqttError(f"no connection to {self.endpoint.describe()} in {timeout:.0f} s")

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def close(self, final: Message | None = None, timeout: float = 5.0) -> None:
        """Publish ``final`` (if connected), disconnect cleanly (no will) and stop."""
        if self._closing.is_set():
            return
        if final is not None and self.connected:
            self.publish(final.topic, final.payload, qos=final.qos, retain=final.retained).wait(
                timeout
            )
        self._closing.set()
        try:
            self._client.disconnect()
        except Exception:  # closing must not fail
            log.debug("disconnect failed", exc_info=True)
        if self._started:
            self._client.loop_stop()
        self._connected.clear()

    def _note_failure(self, text: str) -> None:
        if text != self.last_error and not self._closing.is_set():
            log.warning("MQTT %s (%s): %s", self.client_id, self.endpoint.describe(), text)
        self.last_error = text
        self._attempted.set()

    # -- paho callbacks (network thread) ------------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self._note_failure(f"broker refused the connection: {reason_code}")
            return
        if self.last_error:
            log.info("MQTT %s connected to %s", self.client_id, self.endpoint.describe())
        self.last_error = ""
        self._connected.set()
        self._attempted.set()
        try:
            self.on_connect(bool(flags.session_present))
        except Exception:
            log.exception("on_connect handler failed")

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        was = self._connected.is_set()
        self._connected.clear()
        if was and not self._closing.is_set():
            log.info("MQTT %s disconnected: %s", self.client_id, reason_code)
        if was:
            try:
                self.on_disconnect(str(reason_code))
            except Exception:
                log.exception("on_disconnect handler failed")

    def _on_message(self, client, userdata, message) -> None:
        try:
            self.on_message(
                Message(message.topic, bytes(message.payload), bool(message.retain), message.qos)
            )
        except Exception:  # one bad message must not stop the session
            log.exception("message handler failed for %s", message.topic)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        self._resolve(mid, [_code(reason_code)])

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        self._resolve(mid, [_code(c) for c in reason_codes])

    def _resolve(self, mid: int, codes: list[int]) -> None:
        with self._lock:
            outcome = self._pending.pop(mid, None)
            if outcome is None:
                self._early[mid] = codes
        if outcome is not None:
            outcome._set(codes)

    def _track(self, mid: int, rc: int) -> Outcome:
        outcome = Outcome()
        if rc != paho.MQTT_ERR_SUCCESS:
            outcome._set([-abs(int(rc)) or -1])
            with self._lock:
                self._early.pop(mid, None)
            return outcome
        with self._lock:
            codes = self._early.pop(mid, None)
            if codes is None:
                self._pending[mid] = outcome
        if codes is not None:
            outcome._set(codes)
        return outcome

    # -- operations (any thread) ---------------------------------------------------------------

    def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        retain: bool = False,
        expiry_s: int | None = None,
    ) -> Outcome:
        """Publish; the Outcome's code is negative if it could not even be sent.

        A payload over the broker's limit raises ``MqttError`` here: handed to paho, it would
        make the broker drop the connection, and paho would send it again on every reconnect.
        """
        if len(payload) > self.max_payload:
            raise MqttError(
                f"{len(payload)} bytes for {topic}: over the broker's limit of {self.max_payload}"
            )
        properties = None
        if expiry_s:
            properties = Properties(PacketTypes.PUBLISH)
            properties.MessageExpiryInterval = int(expiry_s)
        if not self.connected:
            outcome = Outcome()
            outcome._set([-paho.MQTT_ERR_NO_CONN])
            return outcome
        try:
            info = self._client.publish(
                topic, payload, qos=qos, retain=retain, properties=properties
            )
        except (ValueError, OSError) as exc:
            raise MqttError(f"cannot publish to {topic}: {exc}") from exc
        return self._track(info.mid, info.rc)

    def subscribe(self, filters: list[tuple[str, int]]) -> Outcome:
        if not filters:
            done = Outcome()
            done._set([])
            return done
        try:
            rc, mid = self._client.subscribe([(topic, qos) for topic, qos in filters])
        except (ValueError, OSError) as exc:
            raise MqttError(f"cannot subscribe: {exc}") from exc
        return self._track(mid or 0, rc)

    def unsubscribe(self, topics: list[str]) -> Outcome:
        if not topics:
            done = Outcome()
            done._set([])
            return done
        try:
            rc, mid = self._client.unsubscribe(topics)
        except (ValueError, OSError) as exc:
            raise MqttError(f"cannot unsubscribe: {exc}") from exc
        return self._track(mid or 0, rc)
