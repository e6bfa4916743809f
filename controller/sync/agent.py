"""The sync agent: the device's one MQTT session with its commune hub.

It runs inside the controller (two threads of its own plus the MQTT network thread) and is
the controller's hand on the content store for remote changes: it fetches the signed
manifest, pulls the missing media in blocks, verifies them and switches the store in one
transaction; it sends the play log and the kiosk journal up until acknowledged; it checks
and carries out commands; it keeps a retained status with a last will of ``offline``.

Nothing here can hold up a broadcast: the controller only ever hands the agent a note
(``notify``, which never blocks), and the agent only asks the controller to queue a
broadcast or reload its content.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import shutil
import threading
import time
from typing import Any

from controller.sync.apply import MB, ContentApplier
from controller.sync.commands import CommandGate, CommandRefused, carry_out
from controller.sync.fetch import Fetcher
from controller.sync.host import DeviceHost
from controller.sync.session import AgentSession, OpenSession
from controller.sync.uplink import LogUplink, device_streams
from village import __version__
from village.config import Config
from village.errors import StoreError
from village.wire import codec, limits
from village.wire.blocks import FetchRequest
from village.wire.errors import Refused, WireError
from village.wire.manifest import Manifest, read_procedures_document
from village.wire.mqtt import Endpoint, Message, Outcome, Session
from village.wire.signing import VerifyKey
from village.wire.status import STATUS_TYPE, Reply, hub_is_online, offline_status, utc_iso
from village.wire.topics import CommuneTopics
from village.wire.uplink import Deferred, LogBatch, parse_answer

log = logging.getLogger(__name__)


INBOX = 512
COMMAND_INBOX = 32
BURST = 64  # inbox items handled between two rounds of periodic work
STATUS_MIN_GAP_S = 0.5
PROGRESS_EVERY_S = 1.0
LOG_CHECK_S = 2.0
STEPS = ("logged", "relay-on", "relay-off", "missed")


def device_endpoint(config: Config) -> Endpoint:
    mqtt = config.mqtt
    return Endpoint(
        host=mqtt.host,
        port=mqtt.port,
        username=mqtt.username or config.device.id,
        password=mqtt.password,
        ca_file=mqtt.ca_file,
        cert_file=mqtt.cert_file,
        key_file=mqtt.key_file,
        keepalive_s=mqtt.keepalive_s,
    )


def _went_out(outcome: Outcome) -> bool:
    """False only if the publish could not even be handed to the connection."""
    return not outcome.done or not outcome.codes or outcome.codes[0] >= 0


class DeviceAgent:
    def __init__(
        self, config: Config, host: DeviceHost, open_session: OpenSession = Session
    ) -> None:
        mqtt = config.mqtt
        if not mqtt.hub_key:
            raise WireError(
                "mqtt.hub_key is not set: without the hub's public key nothing it sends can "
                "be checked (print it with 'village hub init' on the hub)"
            )
        self.config = config
        self.host = host
        self.store = host.store
        self.key = VerifyKey.from_text(mqtt.hub_key)
        self.device = config.device.id
        self.commune = config.device.commune
        self.topics = CommuneTopics(self.commune)
        self.sync_dir = config.data_dir / "sync"
        self.max_manifest = mqtt.max_manifest_kb * 1024
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue(INBOX)
        self.command_inbox: queue.Queue[bytes | None] = queue.Queue(COMMAND_INBOX)
        self.stopping = threading.Event()
        self.hub_online = False
        self.applier = ContentApplier(self.store, mqtt.disk_reserve_mb * MB)
        self.fetcher = Fetcher(
            self.sync_dir / "partial",
            self.store.media_path,
            self._subscribe_media,
            self._unsubscribe_media,
            self._send_fetch,
            window=mqtt.fetch_window,
        )
        self.uplink = LogUplink(
            device_streams(config.data_dir),
            self.sync_dir / "uplink.json",
            self._send_batch,
            mqtt.log_batch,
        )
        self.gate = CommandGate(
            self.sync_dir / "commands.json", self.commune, self.device, self.key, host
        )
        self.version = 0
        self.target: Manifest | None = None
        self.sync: dict[str, Any] = {"state": "idle"}
        self.last_refusal: dict[str, Any] | None = None
        self.refusals: collections.Counter[str] = collections.Counter()
        self.dropped_blocks = 0
        self.garbage: set[str] | None = None  # media to keep, when a collection is due
        self._status_due = True
        self._status_at = 0.0
        self._uplink_due = True
        self._threads: list[threading.Thread] = []
        status_topic = self.topics.device(self.device, "status")
        self.session: AgentSession = open_session(
            device_endpoint(config),
            client_id=mqtt.username or self.device,
            clean_start=False,
            session_expiry_s=int(mqtt.session_expiry_h * 3600),
            will=Message(
                status_topic,
                codec.encode(offline_status(self.device, "connection lost")),
                retained=True,
            ),
            max_packet=limits.BROKER_PAYLOAD + 1024,
            on_message=self._on_message,
            on_connect=self._on_connect,
            on_disconnect=self._on_disconnect,
            reconnect_min_s=min(1.0, mqtt.reconnect_max_s),
            reconnect_max_s=mqtt.reconnect_max_s,
        )

    # -- hooks for the controller ------------------------------------------------------------

    def notify(self, kind: str) -> None:
        """A step of the host's (relay on or off, a record logged, a slot missed).

        Never blocks: a full inbox just means the agent is busy and will look anyway."""
        if kind in STEPS:
            with contextlib.suppress(queue.Full):
                self.inbox.put_nowait(("step", kind))

    def start(self) -> None:
        self.sync_dir.mkdir(parents=True, exist_ok=True)
        self.version = self.applier.current_version()
        self.sync = {"state": "idle", "version": self.version}
        for target, name in ((self._work, "sync-agent"), (self._run_commands, "sync-commands")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        self.session.start()
        log.info(
            "sync agent for %s/%s started (%s), content version %d",
            self.commune,
            self.device,
            self.session.endpoint.describe(),
            self.version,
        )

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(queue.Full):
            self.command_inbox.put_nowait(None)  # the command thread need not wait for one
        for thread in self._threads:
            thread.join(10)
        final = Message(
            self.topics.device(self.device, "status"),
            codec.encode(offline_status(self.device, "controller stopped")),
            retained=True,
        )
        self.session.close(final=final)
        log.info("sync agent stopped")

    def summary(self) -> dict[str, Any]:
        """For ``village status``."""
        return {
            "connected": self.session.connected,
            "hub_online": self.hub_online,
            "content_version": self.version,
            "sync": dict(self.sync),
            "pending_logs": self.uplink.pending,
            "last_refusal": self.last_refusal,
        }

    # -- network thread ----------------------------------------------------------------------

    def _on_connect(self, session_present: bool) -> None:
        t, d = self.topics, self.device
        self.session.subscribe(
            [
                (t.device(d, "manifest"), 1),
                (t.device(d, "cmd"), 1),
                (t.commune_command, 1),
                (t.device(d, "ack"), 1),
                (t.hub_status, 1),
            ]
        )
        self._put("connected", session_present)

    def _on_disconnect(self, reason: str) -> None:
        self._put("disconnected", reason)

    def _on_message(self, message: Message) -> None:
        t, d = self.topics, self.device
        sha = t.parse_media_topic(message.topic, d)
        if sha is not None:
            try:
                self.inbox.put_nowait(("block", (sha, message.payload)))
            except queue.Full:
                self.dropped_blocks += 1  # asked for again when the fetch stalls
            return
        if message.topic in (t.device(d, "cmd"), t.commune_command):
            try:
                self.command_inbox.put_nowait(message.payload)
            except queue.Full:
                log.error("too many commands waiting: one from the hub was dropped")
        elif message.topic == t.device(d, "manifest"):
            self._put("manifest", message.payload)
        elif message.topic == t.device(d, "ack"):
            self._put("ack", message.payload)
        elif message.topic == t.hub_status:
            self._put("hub", message.payload)

    def _put(self, kind: str, value: Any) -> None:
        try:
            self.inbox.put((kind, value), timeout=5)
        except queue.Full:
            log.error("sync agent stuck: %s message dropped", kind)

    # -- the worker thread -------------------------------------------------------------------

    def _work(self) -> None:
        next_log_check = 0.0
        while not self.stopping.is_set():
            try:
                item: tuple[str, Any] | None = self.inbox.get(timeout=0.1)
            except queue.Empty:
                item = None
            handled = 0
            while item is not None:
                try:
                    self._handle(*item)
                except Exception:  # the agent must keep running
                    log.exception("sync agent: %s not handled", item[0])
                handled += 1
                if handled >= BURST:
                    break
                try:
                    item = self.inbox.get_nowait()
                except queue.Empty:
                    item = None
            now = time.monotonic()
            if now >= next_log_check:
                next_log_check = now + LOG_CHECK_S
                if self.uplink.changed():
                    self._uplink_due = True
            try:
                self._advance(now)
            except Exception:
                log.exception("sync agent: periodic work failed")
        self.fetcher.close()

    def _handle(self, kind: str, value: Any) -> None:
        if kind == "block":
            self.fetcher.on_block(*value)
        elif kind == "manifest":
            if value:  # an empty retained message clears the topic: nothing to do
                self._on_manifest(value)
        elif kind == "ack":
            try:
                answer = parse_answer(codec.decode(value, limit=limits.ACK, what="ack"))
            except Refused as exc:
                self._refused("ack", exc)
                return
            if isinstance(answer, Deferred):
                self.uplink.on_deferred(answer)
            elif self.uplink.on_ack(answer):
                self._status_due = True
            self._uplink_due = True
        elif kind == "hub":
            self._on_hub_status(value)
        elif kind == "connected":
            self.fetcher.on_disconnect()  # subscribe to the media topic again
            self._status_due = self._uplink_due = True
        elif kind == "disconnected":
            self.hub_online = False
            self.fetcher.on_disconnect()
            self.uplink.resend_all()
        elif kind == "step":
            self._status_due = True
            self._uplink_due = self._uplink_due or value == "logged"

    def _on_hub_status(self, payload: bytes) -> None:
        try:
            message = codec.decode(payload, limit=limits.HUB_STATUS, what="hub status")
        except Refused:
            message = {}
        online = hub_is_online(message)
        if online and not self.hub_online:
            log.info("commune hub is online")
            self.uplink.resend_all()
            self.fetcher.on_disconnect()
            self._uplink_due = True
        elif not online and self.hub_online:
            log.info("commune hub is offline")
        self.hub_online = online

    def _advance(self, now: float) -> None:
        connected = self.session.connected
        can_talk = connected and self.hub_online
        if self.target is not None:
            before = self.fetcher.progress()
            self.fetcher.tick(can_talk)
            if self.fetcher.failed is not None:
                self._refuse_target(self.fetcher.failed)
            elif self.fetcher.done:
                self._finish_target()
            elif self.fetcher.progress() != before and now - self._status_at > PROGRESS_EVERY_S:
                self._status_due = True
        if self.garbage is not None and not self.host.device_status().get("relay"):
            self.applier.collect_garbage(self.garbage, self.host.media_in_use())
            self.garbage = None
        if self._uplink_due or (can_talk and self.uplink.resend_due()):
            sent = self.uplink.pump(can_talk)
            self._uplink_due = False
            if sent:
                self._status_due = True
        interval = self.config.mqtt.status_interval_s
        if connected and (
            (self._status_due and now - self._status_at >= STATUS_MIN_GAP_S)
            or now - self._status_at >= interval
        ):
            self._publish_status(now)

    # -- content ---------------------------------------------------------------------------

    def _on_manifest(self, payload: bytes) -> None:
        message: Any = None
        try:
            message = self.key.open(payload, limit=self.max_manifest, what="manifest")
            manifest = Manifest.parse(message)
            if manifest.commune != self.commune or manifest.device != self.device:
                raise Refused(
                    "wrong-address",
                    f"manifest for {manifest.commune}/{manifest.device}, "
                    f"not {self.commune}/{self.device}",
                )
            if manifest.version == self.version:
                log.debug("manifest %d already applied", manifest.version)
                return
            if manifest.version < self.version:
                raise Refused(
                    "stale",
                    f"manifest version {manifest.version} is older than the applied {self.version}",
                )
            if self.target is not None and manifest.version <= self.target.version:
                if manifest.version < self.target.version:
                    raise Refused(
                        "stale",
                        f"manifest version {manifest.version} is older than the one being "
                        f"fetched ({self.target.version})",
                    )
                return  # the one being fetched, delivered again after a reconnect
        except Refused as exc:
            if not self._refuse_version(message, exc):
                self._refused("manifest", exc)
            return
        self._begin(manifest)

    def _refuse_version(self, message: Any, exc: Refused) -> bool:
        """A signed manifest for this device, newer than what it has, with a plan it could
        not expand: that version is refused, as the hub then shows it."""
        if exc.code != "bad-plan" or not isinstance(message, dict):
            return False
        if (message.get("commune"), message.get("device")) != (self.commune, self.device):
            return False
        version = message.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version <= self.version:
            return False
        if self.target is not None and version <= self.target.version:
            return False
        self.sync = {
            "state": "refused",
            "version": version,
            "code": exc.code,
            "detail": exc.detail,
            "at": utc_iso(),
        }
        self._refused(f"content version {version}", exc)
        return True

    def _begin(self, manifest: Manifest) -> None:
        missing = self.applier.missing_media(manifest)
        try:
            self.applier.check_plans(manifest, self.host.policy(), self.host.now())
            self.applier.check_space(missing, self.fetcher.held_bytes(missing))
        except Refused as exc:
            self.target = manifest
            self._refuse_target(exc)
            return
        self.target = manifest
        self.applier.note_target(manifest)
        self.fetcher.set_target(missing)
        self.sync = {"state": "fetching", "version": manifest.version}
        self._status_due = True
        log.info(
            "content version %d: %d media file(s) to fetch (%d bytes)",
            manifest.version,
            len(missing),
            sum(ref.size for ref in missing),
        )

    def _finish_target(self) -> None:
        manifest = self.target
        assert manifest is not None
        try:
            procedures = None
            doc = manifest.procedures
            if doc and self.applier.meta().get("procedures_sha256") != doc.sha256:
                data = self.store.media_path(doc.sha256).read_bytes()
                procedures = read_procedures_document(data, doc.count)
            revision = self.applier.apply(manifest, procedures)
        except (Refused, StoreError, OSError) as exc:
            refusal = exc if isinstance(exc, Refused) else Refused("store", str(exc))
            self._refuse_target(refusal)
            return
        self.version = manifest.version
        self.target = None
        self.applier.note_target(None)
        self.fetcher.clear()
        self.garbage = {r["sha256"] for r in (*manifest.segments, *manifest.clips)}
        self.host.content_switched()
        self.sync = {"state": "applied", "version": manifest.version, "at": utc_iso()}
        self._status_due = True
        log.info(
            "content version %d applied (store revision %d): %d segments, %d clips, %d plans, "
            "%s procedures",
            manifest.version,
            revision,
            len(manifest.segments),
            len(manifest.clips),
            len(manifest.plans),
            manifest.procedures.count if manifest.procedures else 0,
        )

    def _refuse_target(self, exc: Refused) -> None:
        version = self.target.version if self.target else 0
        self.fetcher.clear()
        self.target = None
        self.applier.note_target(None)
        self.sync = {
            "state": "refused",
            "version": version,
            "code": exc.code,
            "detail": exc.detail,
            "at": utc_iso(),
        }
        self._refused(f"content version {version}", exc)

    def _refused(self, what: str, exc: Refused) -> None:
        log.warning("%s refused (%s): %s", what, exc.code, exc.detail)
        self.refusals[exc.code] += 1
        self.last_refusal = {"what": what, "code": exc.code, "detail": exc.detail, "at": utc_iso()}
        self._status_due = True

    # -- media fetching (called by the fetcher, on the worker thread) -----------------------

    def _subscribe_media(self, sha256: str) -> Outcome:
        return self.session.subscribe([(self.topics.device_media(self.device, sha256), 0)])

    def _unsubscribe_media(self, sha256: str) -> None:
        if self.session.connected:
            self.session.unsubscribe([self.topics.device_media(self.device, sha256)])

    def _send_fetch(self, fetch: FetchRequest) -> bool:
        outcome = self.session.publish(
            self.topics.device(self.device, "fetch"), codec.encode(fetch.to_message()), qos=0
        )
        return _went_out(outcome)

    # -- logs ------------------------------------------------------------------------------

    def _send_batch(self, batch: LogBatch) -> bool:
        if not (self.session.connected and self.hub_online):
            return False
        outcome = self.session.publish(
            self.topics.device(self.device, "log"), codec.encode(batch.to_message()), qos=1
        )
        return _went_out(outcome)

    # -- status ----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        host = self.host.device_status()
        sync = dict(self.sync)
        if sync.get("state") == "fetching":
            have, total = self.fetcher.progress()
            sync.update(have_bytes=have, total_bytes=total)
        try:
            disk_free = shutil.disk_usage(self.config.data_dir).free
        except OSError:
            disk_free = None
        return {
            "type": STATUS_TYPE,
            "device": self.device,
            "online": True,
            "at": utc_iso(self.host.now()),
            "content_version": self.version,
            "content_revision": host.get("content_revision"),
            "sync": sync,
            "state": host.get("state"),
            "relay": bool(host.get("relay")),
            "on_air": host.get("on_air"),
            "clock_synchronized": bool(host.get("clock_synchronized")),
            "disk_free_bytes": disk_free,
            "last_broadcast": host.get("last_broadcast"),
            "pending_logs": self.uplink.pending,
            "last_refusal": self.last_refusal,
            "agent": f"village {__version__}",
        }

    def _publish_status(self, now: float) -> None:
        self._status_due = False
        self._status_at = now
        payload = codec.encode(self.status())
        self.session.publish(self.topics.device(self.device, "status"), payload, qos=1, retain=True)

    # -- commands --------------------------------------------------------------------------

    def _run_commands(self) -> None:
        while not self.stopping.is_set():
            try:
                payload = self.command_inbox.get(timeout=0.5)
            except queue.Empty:
                continue
            if payload is None:  # stopping
                continue
            try:
                command = self.gate.admit(payload)
            except CommandRefused as exc:
                self._refused("command", exc)
                reply = Reply(exc.command.id, self.device, False, exc.code, exc.detail, utc_iso())
                self._publish_reply(reply)
                continue
            except Refused as exc:
                self._refused("command", exc)
                continue
            except Exception:  # e.g. the nonce file cannot be written
                log.exception("command not handled")
                continue
            reply = carry_out(command, self.host, self.device)
            log.info(
                "command %s from the hub (%s %s): %s",
                command.id[:8],
                command.action,
                command.priority,
                "done" if reply.ok else f"refused ({reply.code}: {reply.detail})",
            )
            self._publish_reply(reply)
            self._status_due = True

    def _publish_reply(self, reply: Reply) -> None:
        self.session.publish(
            self.topics.device(self.device, "reply"), codec.encode(reply.to_message()), qos=1
        )
