"""``village hub``: the commune hub's daemon, the one MQTT session of the commune's hub.

It publishes each device's signed manifest (retained) whenever a push changes it or a new
device appears, publishes queued commands, serves media blocks, and stores what devices
send (status, play logs, kiosk journal, command replies), acknowledging log records only
once they are on disk. Staff commands never talk MQTT: they write to the repository and the
daemon picks their work up within ``POLL_S``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from commune.block_server import BlockServer, DeviceLimits
from commune.broker import hub_user
from commune.desired import DesiredState, build_manifest, desired_state
from commune.errors import HubError
from commune.hubdata import HubData
from commune.intake import IntakeLimits, LogIntake
from commune.refusals import MESSAGE_REFUSED, RefusalCounter
from commune.repository import HubRepository
from village.config import Config
from village.systemd import Watchdog, notify
from village.wire import codec, limits
from village.wire.blocks import FetchRequest
from village.wire.commands import EVERY_DEVICE
from village.wire.errors import Refused, WireError
from village.wire.manifest import MediaRef
from village.wire.mqtt import Endpoint, Message, Outcome, Session
from village.wire.status import Reply, hub_status, parse_status
from village.wire.topics import CommuneTopics

log = logging.getLogger(__name__)

POLL_S = 0.25
SESSION_EXPIRY_S = 24 * 3600
INBOX = 10_000
COUNTS_EVERY_S = 5.0  # refusal counts reach the repository (and staff) this often

Event = Callable[[str, dict[str, Any]], None]


class Service(Protocol):
    """Something the hub process also runs (the web console): started after the daemon,
    stopped before it."""

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def alive(self) -> bool: ...


def endpoint_from(config: Config, default_user: str) -> Endpoint:
    mqtt = config.mqtt
    return Endpoint(
        host=mqtt.host,
        port=mqtt.port,
        username=mqtt.username or default_user,
        password=mqtt.password,
        ca_file=mqtt.ca_file,
        cert_file=mqtt.cert_file,
        key_file=mqtt.key_file,
        keepalive_s=mqtt.keepalive_s,
    )


class ManifestPublisher:
    """Keeps every device's retained manifest equal to its desired state."""

    def __init__(self, hub: HubData, session: Session, topics: CommuneTopics, block_size: int):
        self.hub = hub
        self.session = session
        self.topics = topics
        self.block_size = block_size
        self.key = hub.signing_key()
        self.published: dict[str, int] = {}
        self.media: dict[str, dict[str, MediaRef]] = {}  # device -> its media, as in its manifest
        self._sizes: dict[str, int] = {}
        self._seen: tuple[int, tuple[str, ...]] | None = None
        self._republish = False

    def forget(self) -> None:
        """After a reconnect: publish everything again (the broker may have lost it).

        Called on the network thread, so it only leaves a note for ``refresh``.
        """
        self._republish = True

    def refresh(self) -> list[tuple[str, int]]:
        """Publish what changed; returns the (device, version) pairs published.

        Every manifest goes out before any acknowledgement is awaited, so the devices of a
        commune-wide push start together (and share the media blocks).
        """
        repository = self.hub.repository
        if self._republish:
            self._republish = False
            self.published.clear()
            self._seen = None
        seen = (repository.latest_version(), tuple(repository.device_ids()))
        if seen == self._seen:
            return []
        entries = repository.entries()
        sent: list[tuple[str, int, Outcome]] = []
        for device in seen[1]:
            state = desired_state(entries, device)
            self.media[device] = {
                sha: MediaRef(sha, self.size_of(sha), self.block_size) for sha in state.media()
            }
            if state.version == 0 or self.published.get(device) == state.version:
                continue
            payload = self._payload(state, repository)
            if payload is None:
                self.published[device] = state.version
                continue
            outcome = self.session.publish(
                self.topics.device(device, "manifest"), payload, qos=1, retain=True
            )
            sent.append((device, state.version, outcome))
        done = []
        complete = True
        for device, version, outcome in sent:
            if outcome.ok(10):
                self.published[device] = version
                done.append((device, version))
                log.info("published manifest %d for %s", version, device)
            else:
                log.warning("manifest %d for %s not accepted by the broker", version, device)
                complete = False  # try again on the next poll
        if complete:
            self._seen = seen
        return done

    def _payload(self, state: DesiredState, repository: HubRepository) -> bytes | None:
        """The signed manifest of a state, or None if it is too large to send."""
        version = repository.version(state.version)
        manifest = build_manifest(
            state,
            self.topics.commune,
            version.created_at if version else "1970-01-01T00:00:00+00:00",
            self.block_size,
            self.size_of,
        )
        payload = self.key.seal(manifest.to_message())
        if len(payload) > limits.BROKER_PAYLOAD:
            log.error(
                "manifest %d for %s is %d bytes, over the broker's limit: not sent",
                state.version,
                state.device,
                len(payload),
            )
            return None
        if len(payload) > limits.MANIFEST_WARN:
            log.warning(
                "manifest %d for %s is %d bytes: devices refuse more than their "
                "[mqtt] max_manifest_kb (512 KiB unless raised)",
                state.version,
                state.device,
                len(payload),
            )
        return payload

    def size_of(self, sha256: str) -> int:
        """A media file's size (files are named by their hash: it never changes)."""
        size = self._sizes.get(sha256)
        if size is None:
            size = self._sizes[sha256] = self.hub.media_size(sha256)
        return size

    def refs(self, device: str) -> dict[str, MediaRef]:
        """The media a device's manifest names (what it may fetch)."""
        return self.media.get(device, {})


class HubDaemon:
    def __init__(
        self,
        config: Config,
        hub: HubData,
        on_event: Event | None = None,
        services: Sequence[Service] = (),
        *,
        device_limits: DeviceLimits | None = None,
        intake_limits: IntakeLimits | None = None,
    ) -> None:
        self.config = config
        self.services = list(services)
        self.hub = hub
        self.commune = hub.commune
        self.topics = CommuneTopics(self.commune)
        self.on_event = on_event or (lambda kind, data: None)
        self.shutdown = threading.Event()
        self.wake = threading.Event()  # set by staff work in this process: poll now
        self.inbox: queue.Queue[Message] = queue.Queue(INBOX)
        self._lock_fd: int | None = None
        self._threads: list[threading.Thread] = []
        self.refusals = RefusalCounter("messages")
        user = hub_user(self.commune)
        self.session = Session(
            endpoint_from(config, user),
            client_id=config.mqtt.username or user,
            clean_start=False,
            session_expiry_s=SESSION_EXPIRY_S,
            will=Message(self.topics.hub_status, codec.encode(hub_status(False)), retained=True),
            max_packet=limits.BROKER_PAYLOAD + 1024,
            on_message=self._on_message,
            on_connect=self._on_connect,
            reconnect_max_s=config.mqtt.reconnect_max_s,
        )
        self.manifests = ManifestPublisher(
            hub, self.session, self.topics, config.hub.block_kb * 1024
        )
        self.blocks = BlockServer(
            hub.library,
            lambda topic, payload: self.session.publish(topic, payload, qos=0),
            self.topics,
            self.manifests.refs,
            config.hub.rate_limit_kbps,
            device_limits,
        )
        quota = IntakeLimits(quota_per_day=config.hub.log_quota_per_day)
        self.intake = LogIntake(hub.repository, intake_limits or quota)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._lock_fd = self.hub.acquire_run_lock()
        self.blocks.start()
        for target, name in ((self._ingest, "hub-ingest"), (self._poll, "hub-poll")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        self.session.start()
        for service in self.services:
            service.start()
        log.info("hub for commune %s started (%s)", self.commune, self.session.endpoint.describe())

    def stop(self) -> None:
        self.shutdown.set()
        self.wake.set()
        for service in reversed(self.services):
            service.stop()
        offline = Message(self.topics.hub_status, codec.encode(hub_status(False)), retained=True)
        self.session.close(final=offline)
        self.blocks.stop()
        for thread in self._threads:
            thread.join(5)
        self.save_refusals()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        log.info("hub stopped")

    def run(self) -> int:
        def handle(signum: int, _frame: object) -> None:
            log.info("%s received: stopping", signal.Signals(signum).name)
            self.shutdown.set()

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
        self.start()
        watchdog = Watchdog(max_silence_s=30.0)
        watchdog.start()
        notify("READY=1", f"STATUS=hub of commune {self.commune}")
        try:
            while not self.shutdown.wait(1.0):
                if all(thread.is_alive() for thread in self._threads) and all(
                    service.alive() for service in self.services
                ):
                    watchdog.beat()  # a dead worker thread lets systemd restart the hub
        finally:
            notify("STOPPING=1")
            watchdog.stop()
            self.stop()
        return 0

    # -- network thread --------------------------------------------------------------------

    def _on_connect(self, session_present: bool) -> None:
        self.session.publish(
            self.topics.hub_status, codec.encode(hub_status(True)), qos=1, retain=True
        )
        self.session.subscribe(
            [
                (self.topics.any_device("status"), 1),
                (self.topics.any_device("log"), 1),
                (self.topics.any_device("reply"), 1),
                (self.topics.any_device("fetch"), 0),
            ]
        )
        self.manifests.forget()
        self.on_event("connected", {"session_present": session_present})

    def _on_message(self, message: Message) -> None:
        parsed = self.topics.parse_device_topic(message.topic)
        if parsed is None:
            return
        device, leaf = parsed
        if leaf == "fetch":  # served straight away: the block server has its own queue
            if not self.blocks.admit(device):
                return  # over its request rate: not even decoded
            try:
                fetch = FetchRequest.parse(
                    codec.decode(message.payload, limit=limits.FETCH, what="fetch")
                )
            except Refused as exc:
                self.refusals.note(device, MESSAGE_REFUSED, f"fetch: {exc}")
                return
            self.blocks.request(device, fetch)
            return
        try:
            self.inbox.put(message, timeout=30)  # back-pressure on the broker when swamped
        except queue.Full:
            log.error("hub inbox full: message on %s dropped", message.topic)

    # -- ingest thread ---------------------------------------------------------------------

    def _ingest(self) -> None:
        while not self.shutdown.is_set():
            try:
                message = self.inbox.get(timeout=0.5)
            except queue.Empty:
                continue
            device, leaf = self.topics.parse_device_topic(message.topic) or ("", "")
            if not message.payload:
                continue  # a cleared retained message
            try:
                if leaf == "status":
                    self._ingest_status(device, message.payload)
                elif leaf == "log":
                    self._ingest_log(device, message.payload)
                elif leaf == "reply":
                    self._ingest_reply(device, message.payload)
            except Refused as exc:
                self.refusals.note(device, MESSAGE_REFUSED, f"{leaf}: {exc}")
            except WireError as exc:
                log.error("%s from %s not handled: %s", leaf, device, exc)
            except Exception:  # one bad message must not stop the hub
                log.exception("%s from %s not handled", leaf, device)

    def _ingest_status(self, device: str, payload: bytes) -> None:
        status = parse_status(codec.decode(payload, limit=limits.STATUS, what="status"), device)
        new = self.hub.repository.register_device(device)
        self.hub.repository.save_status(device, status)
        if new:
            log.info("new device %s", device)
        self.on_event("status", {"device": device, "status": status, "new": new})

    def _ingest_log(self, device: str, payload: bytes) -> None:
        answers = self.intake.take(device, payload)
        for answer in answers.messages:
            self.session.publish(self.topics.device(device, "ack"), codec.encode(answer))
        log.debug("%s: %s", device, answers.summary)
        self.on_event(
            "records",
            {
                "device": device,
                "stream": answers.stream,
                "count": answers.held,
                "new": answers.added,
                "deferred": answers.deferred,
            },
        )

    def _ingest_reply(self, device: str, payload: bytes) -> None:
        reply = Reply.parse(codec.decode(payload, limit=limits.REPLY, what="reply"))
        if reply.device != device:
            raise Refused("wrong-address", "reply names another device than its topic")
        target = self.hub.repository.command_target(reply.command)
        if target is None:
            raise Refused("wrong-address", f"reply to command {reply.command}, never sent")
        if target not in (EVERY_DEVICE, device):
            raise Refused("wrong-address", f"reply to command {reply.command}, sent to {target}")
        self.hub.repository.save_reply(reply)
        self.on_event("reply", {"device": device, "reply": reply})

    # -- poll thread: pushes and commands from staff ---------------------------------------

    def _poll(self) -> None:
        counted_at = time.monotonic()
        while not self.shutdown.is_set():
            self.wake.wait(POLL_S)
            self.wake.clear()
            if self.shutdown.is_set():
                break
            if time.monotonic() - counted_at >= COUNTS_EVERY_S:
                counted_at = time.monotonic()
                self.save_refusals()
            if not self.session.connected:
                continue
            try:
                for device, version in self.manifests.refresh():
                    self.on_event("manifest", {"device": device, "version": version})
                self._publish_commands()
            except Exception:  # keep polling; the cause is logged
                log.exception("hub poll failed")

    def save_refusals(self) -> None:
        """Move what devices were refused into the repository, where staff see it."""
        try:
            for counter in (self.blocks.refusals, self.refusals, self.intake.refusals):
                for device, (counts, detail) in counter.take().items():
                    self.hub.repository.add_refusals(device, counts, detail)
        except Exception:  # counting must not stop the hub
            log.exception("refusal counts not saved")

    def _publish_commands(self) -> None:
        repository = self.hub.repository
        for command in repository.unpublished_commands():
            now = dt.datetime.now(dt.UTC)
            if command.expires_at <= now:
                repository.mark_command(command.id, "expired")
                continue
            topic = (
                self.topics.commune_command
                if command.device == EVERY_DEVICE
                else self.topics.device(command.device, "cmd")
            )
            payload = self.manifests.key.seal(command.to_message())
            remaining = int((command.expires_at - now).total_seconds()) + 1
            code = self.session.publish(topic, payload, qos=1, expiry_s=remaining).wait(10)
            if code is None:
                return  # no answer: try again on the next poll
            outcome = "published" if 0 <= code < 128 else f"refused by the broker ({code})"
            repository.mark_command(command.id, outcome)
            log.info("command %s %s to %s: %s", command.id[:8], command.action, topic, outcome)
            self.on_event("command", {"command": command, "outcome": outcome})


def run_hub(config: Config, hub: HubData) -> int:
    if not config.mqtt.host:
        raise HubError("no broker configured: set [mqtt] host (and the hub's user and password)")
    services: list[Service] = []
    if config.site.rebuild:
        from commune.site.hub import SiteRebuilder

        services.append(SiteRebuilder(hub, config))
    daemon = HubDaemon(config, hub, services=services)
    if config.console.enabled:
        from commune.console.service import console_service

        daemon.services.append(console_service(config, hub, on_command=daemon.wake.set))
    return daemon.run()
