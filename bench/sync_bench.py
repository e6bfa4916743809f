"""Sync benchmarks, through a real Mosquitto on loopback and the real hub and agent code.

    python -m bench.sync_bench throughput --mb 64 --runs 3
    python -m bench.sync_bench catchup --records 10000
    python -m bench.sync_bench fanout --devices 200 --mb 5 --processes 4

``throughput``: one media file, device <- hub in blocks (the agent in this process, the hub
as ``village hub`` in its own), against ``mosquitto_pub -f`` to ``mosquitto_sub -C 1``
moving the same bytes as one message through the same broker, in the same run.
``catchup``: 10,000 play-log records waiting on a device that comes online; seconds until
the hub acknowledged them all, and how many the hub stored.
``fanout``: N simulated devices (the real agent, ``--processes`` processes of threads) on
one broker and one hub; one segment pushed to all; seconds until every device applied it,
with the hub's CPU and RSS over that time.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import getpass
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import cpu_seconds, machine, rss_mb  # noqa: E402
from commune.broker import BrokerPlan, hub_user, write_broker_config  # noqa: E402
from commune.hubdata import HubData  # noqa: E402
from controller.sync.agent import DeviceAgent  # noqa: E402
from village.config import SECTIONS, Config, parse_config  # noqa: E402
from village.jsonlog import AppendLog  # noqa: E402
from village.library import import_segment  # noqa: E402
from village.plan import Policy, Priority  # noqa: E402
from village.store import ContentStore  # noqa: E402
from village.wire.topics import CommuneTopics  # noqa: E402

COMMUNE = "xa-bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, step: float = 0.01):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(step)


def make_audio(folder: Path, megabytes: float) -> Path:
    """A WAV of about ``megabytes`` (44.1 kHz mono 16-bit noise: incompressible)."""
    seconds = megabytes * 1_000_000 / 88_200
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"bench-{megabytes:g}mb.wav"
    subprocess.run(
        ["sox", "-n", "-r", "44100", "-c", "1", "-b", "16", str(target),
         "synth", f"{seconds:.3f}", "whitenoise", "vol", "0.3"],
        check=True,
    )  # fmt: skip
    return target


class BenchHost:
    """A device with no loudspeakers: a content store and the system clock."""

    def __init__(self, data_dir: Path) -> None:
        self.store = ContentStore(data_dir)

    def device_status(self) -> dict[str, Any]:
        return {"state": "idle", "relay": False, "on_air": None, "clock_synchronized": True,
                "content_revision": 0, "last_broadcast": None}  # fmt: skip

    def play_now(self, segments: list[str], priority: Priority, title: str) -> dict[str, Any]:
        return {"ok": True}

    def stop_broadcast(self, reason: str) -> bool:
        return False

    def content_switched(self) -> None:
        pass

    def media_in_use(self) -> set[str]:
        return set()

    def policy(self) -> Policy:
        return Policy(quiet_hours="", holidays=())

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def agent_config(
    device: str, data_dir: Path, port: int, password: str, hub_key: str, **mqtt: Any
) -> Config:
    """A simulated device's configuration: the rig's broker on loopback, the hub's key."""
    return parse_config(
        {
            "device": {"id": device, "commune": COMMUNE},
            "paths": {"data": str(data_dir)},
            "mqtt": {
                "host": "127.0.0.1",
                "port": port,
                "username": device,
                "password": password,
                "hub_key": hub_key,
                "reconnect_max_s": 2.0,
                **mqtt,
            },
        }
    )


class Rig:
    """A broker with a generated configuration and a hub (``village hub``) for N devices."""

    def __init__(self, root: Path, devices: list[str], message_limit: int | None = None):
        self.root = root
        self.port = free_port()
        plan = BrokerPlan(
            out=root / "broker",
            commune=COMMUNE,
            devices=tuple(devices),
            port=self.port,
            run_as="root" if os.geteuid() == 0 else getpass.getuser(),
        )
        if message_limit:
            plan = dataclasses.replace(plan, message_limit=message_limit)
        self.files = write_broker_config(plan)
        self.broker = subprocess.Popen(
            ["mosquitto", "-c", str(self.files.config)],
            stdout=subprocess.DEVNULL,
            stderr=open(root / "mosquitto.log", "wb"),  # noqa: SIM115
        )
        wait_for(self._port_open, 10, "mosquitto")
        self.hub = HubData.init(root / "hub", COMMUNE, devices)
        self.hub_config = root / "hub.toml"
        user = hub_user(COMMUNE)
        self.hub_config.write_text(
            f'[device]\ncommune = "{COMMUNE}"\n'
            f'[mqtt]\nhost = "127.0.0.1"\nport = {self.port}\nusername = "{user}"\n'
            f'password = "{self.files.users[user]}"\nreconnect_max_s = 2.0\n'
            f'[hub]\ndata = "{root / "hub"}"\n'
        )
        # the sync figures are the hub's alone: no web console, no public site rebuilds
        extra = {"console": "enabled = false", "site": "rebuild = false"}
        for section, line in extra.items():
            if section in SECTIONS:
                text = self.hub_config.read_text()
                self.hub_config.write_text(text.replace("[hub]", f"[{section}]\n{line}\n[hub]"))
        self.hub_process: subprocess.Popen | None = None

    def _port_open(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def start_hub(self, block_kb: int = 256) -> subprocess.Popen:
        text = self.hub_config.read_text()
        if "block_kb" not in text:
            self.hub_config.write_text(text + f"block_kb = {block_kb}\n")
        env = {**os.environ, "VILLAGE_CONFIG": str(self.hub_config)}
        self.hub_process = subprocess.Popen(
            [sys.executable, "-m", "village.cli", "hub"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "hub.log", "ab"),  # noqa: SIM115
        )
        time.sleep(0.5)
        return self.hub_process

    def stop_hub(self) -> None:
        if self.hub_process is not None:
            self.hub_process.terminate()
            self.hub_process.wait(10)
            self.hub_process = None

    def device_config(self, device: str, data_dir: Path, **mqtt: Any) -> Config:
        return agent_config(
            device,
            data_dir,
            self.port,
            self.files.users[device],
            self.hub.public_key().text(),
            **mqtt,
        )

    def stop(self) -> None:
        for process in (self.hub_process, self.broker):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)


def start_agent(rig: Rig, device: str, data_dir: Path, **mqtt: Any) -> DeviceAgent:
    agent = DeviceAgent(rig.device_config(device, data_dir, **mqtt), BenchHost(data_dir))
    agent.start()
    wait_for(lambda: agent.session.connected and agent.hub_online, 30, f"{device} online")
    return agent


# --- throughput -------------------------------------------------------------------------------


def reference_run(rig: Rig, media: Path, device: str) -> float:
    """mosquitto_pub -> broker -> mosquitto_sub, the file as one message: seconds."""
    topics = CommuneTopics(COMMUNE)
    # a device may read blocks on its own topic only (on the shared one with a hub of before)
    topic = (
        topics.device_media(device, "f" * 64)
        if hasattr(topics, "device_media")
        else topics.media("f" * 64)
    )
    hub = hub_user(COMMUNE)
    out = rig.root / "reference.out"
    sub = subprocess.Popen(
        ["mosquitto_sub", "-V", "5", "-h", "127.0.0.1", "-p", str(rig.port), "-u", device,
         "-P", rig.files.users[device], "-t", topic, "-C", "1", "-N"],
        stdout=open(out, "wb"),  # noqa: SIM115
    )  # fmt: skip
    try:
        time.sleep(0.5)  # subscribed
        start = time.perf_counter()
        subprocess.run(
            ["mosquitto_pub", "-V", "5", "-h", "127.0.0.1", "-p", str(rig.port), "-u", hub,
             "-P", rig.files.users[hub], "-t", topic, "-f", str(media)],
            check=True,
        )  # fmt: skip
        sub.wait(120)
        elapsed = time.perf_counter() - start
    finally:
        if sub.poll() is None:
            sub.kill()
            sub.wait()
    if out.stat().st_size != media.stat().st_size:
        raise SystemExit("reference run lost bytes")
    return elapsed


def bench_throughput(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    media = make_audio(root, args.mb)
    size = media.stat().st_size
    # each run is a new device (a first download: the hub gives a device only a few whole
    # copies of a file an hour before its resend allowance pays)
    devices = [f"dev-{run}" for run in range(args.runs)]
    rig = Rig(root, devices, message_limit=size + 1024 * 1024)
    try:
        reference = [reference_run(rig, media, "dev-0") for _ in range(args.runs)]
        segment = import_segment(rig.hub.library, media, "Bench", segment_id="bench")
        rig.start_hub(block_kb=args.block_kb)
        ours: list[float] = []
        transfer: list[float] = []
        for run in range(args.runs):
            data_dir = root / f"device-{run}"
            agent = start_agent(
                rig, devices[run], data_dir, fetch_window=args.window, status_interval_s=60
            )
            version = rig.hub.repository.add_version(
                [("segments", segment.id, segment.to_dict())], [devices[run]], f"run {run}"
            ).version
            wait_for(lambda a=agent: a.sync.get("state") == "fetching", 30, "fetch start", 0.001)
            start = time.perf_counter()
            wait_for(lambda a=agent, v=version: a.version == v, 300, "applied", 0.001)
            ours.append(time.perf_counter() - start)
            fetcher = agent.fetcher
            transfer.append(fetcher.last_received - fetcher.opened_at)
            agent.stop()
        rig.stop_hub()  # mosquitto_pub logs in as the hub: the two must not meet
        reference += [reference_run(rig, media, "dev-0") for _ in range(args.runs)]
    finally:
        rig.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    mb = size / 1e6
    median_ours, median_ref = statistics.median(ours), statistics.median(reference)
    return {
        "bytes": size,
        "block_kib": args.block_kb,
        "window": args.window,
        "ours_s (fetch start to version applied)": [round(x, 3) for x in ours],
        "ours_transfer_s (first request to last block)": [round(x, 3) for x in transfer],
        "reference_s": [round(x, 3) for x in reference],
        "ours_mb_s": round(mb / median_ours, 1),
        "ours_transfer_mb_s": round(mb / statistics.median(transfer), 1),
        "reference_mb_s": round(mb / median_ref, 1),
        "ratio (medians)": round(median_ref / median_ours, 2),
        "ratio_transfer_only": round(median_ref / statistics.median(transfer), 2),
    }


# --- catch-up -----------------------------------------------------------------------------------


def broadcast_record(index: int, day: dt.datetime, device: str = "dev-0") -> dict[str, Any]:
    start = day + dt.timedelta(minutes=10 * index)
    return {
        "id": os.urandom(16).hex(), "kind": "broadcast", "device": device,
        "slot": f"plan@{start:%Y%m%dT%H%M%SZ}", "plan": "tin-sang", "title": "Bản tin buổi sáng",
        "priority": "ordinary", "trigger": "schedule", "planned_start": start.isoformat(),
        "planned_end": (start + dt.timedelta(minutes=15)).isoformat(),
        "relay_on": start.isoformat(), "relay_off": (start + dt.timedelta(minutes=14)).isoformat(),
        "segments": [{"id": "nhac-hieu", "title": "Nhạc hiệu", "start": start.isoformat(),
                      "end": start.isoformat(), "complete": True, "error": ""}],
        "outcome": "aired", "reason": "", "content_revision": 3, "late_s": 0.002,
    }  # fmt: skip


def bench_catchup(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    rig = Rig(root, ["dev-0"])
    try:
        data_dir = root / "device"
        log = AppendLog(data_dir / "log", "playlog")
        # a backlog that ends yesterday: 144 broadcasts a day (every 10 minutes)
        day = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        day -= dt.timedelta(days=args.records // 144 + 1)
        records = [broadcast_record(i, day) for i in range(args.records)]
        for i in range(0, len(records), 1000):
            log.append_many(records[i : i + 1000])
        log.close()
        size = sum(p.stat().st_size for p in (data_dir / "log").iterdir())
        rig.start_hub()
        agent = start_agent(rig, "dev-0", data_dir, log_batch=args.batch)
        start = time.perf_counter()
        wait_for(
            lambda: agent.uplink.sent_records and agent.uplink.pending == 0
            and not agent.uplink.in_flight,
            600, "all acked", 0.005,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        agent.stop()
        stored = rig.hub.repository.count_records("playlog", "dev-0")
    finally:
        rig.stop()
        shutil.rmtree(root, ignore_errors=True)
    return {
        "records": args.records,
        "log_bytes": size,
        "batch": args.batch,
        "seconds": round(elapsed, 2),
        "records_per_s": round(args.records / elapsed),
        "hub_stored": stored,
    }


# --- fan-out --------------------------------------------------------------------------------------


def swarm(args: argparse.Namespace) -> None:
    """A process of simulated devices (real agents), until stdin closes."""
    rig_info = json.loads(args.rig)
    config_base = Path(rig_info["root"])
    users = json.loads((config_base / "users.json").read_text())
    agents = []
    for index in range(args.first, args.first + args.count):
        device = f"dev-{index:03d}"
        data_dir = config_base / "devices" / device
        config = agent_config(
            device, data_dir, rig_info["port"], users[device], rig_info["key"], status_interval_s=60
        )
        agent = DeviceAgent(config, BenchHost(data_dir))
        agent.start()
        agents.append(agent)
    for agent in agents:
        wait_for(lambda a=agent: a.session.connected and a.hub_online, 120, "online", 0.05)
    print("ready", flush=True)
    sys.stdin.read()
    for agent in agents:
        agent.stop()
    stats = {
        "dropped_blocks": sum(a.dropped_blocks for a in agents),
        "ignored_blocks": sum(a.fetcher.ignored_blocks for a in agents),
        "rounds": sum(a.fetcher.round for a in agents),
        "requested_blocks": sum(a.fetcher.requested_blocks for a in agents),
    }
    print(json.dumps(stats), file=sys.stderr, flush=True)


def bench_fanout(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    devices = [f"dev-{i:03d}" for i in range(args.devices)]
    rig = Rig(root, devices)
    swarms: list[subprocess.Popen] = []
    try:
        media = make_audio(root, args.mb)
        size = media.stat().st_size
        segment = import_segment(rig.hub.library, media, "Bench", segment_id="bench")
        (root / "users.json").write_text(json.dumps(rig.files.users))
        hub = rig.start_hub()
        info = json.dumps({"root": str(root), "port": rig.port, "key": rig.hub.public_key().text()})
        per = -(-args.devices // args.processes)
        for first in range(0, args.devices, per):
            swarms.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.sync_bench",
                        "swarm",
                        "--rig",
                        info,
                        "--first",
                        str(first),
                        "--count",
                        str(min(per, args.devices - first)),
                    ],
                    cwd=REPO,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
            )
        for process in swarms:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        wait_for(
            lambda: sum(r.online for r in rig.hub.repository.devices()) == args.devices,
            60, "every device online at the hub", 0.1,
        )  # fmt: skip
        time.sleep(1.0)
        rss_before = rss_mb(hub.pid)
        cpu_before = cpu_seconds(hub.pid)
        broker_cpu_before = cpu_seconds(rig.broker.pid)
        swarm_cpu_before = sum(cpu_seconds(p.pid) for p in swarms)
        peak = [rss_before]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], rss_mb(hub.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        version = rig.hub.repository.add_version(
            [("segments", segment.id, segment.to_dict())], ["*"], "fan-out"
        ).version

        def applied() -> int:
            return sum(
                int(r.status.get("content_version") or 0) >= version
                for r in rig.hub.repository.devices()
            )

        wait_for(lambda: applied() == args.devices, 600, "every device applied", 0.1)
        elapsed = time.perf_counter() - start
        done.set()
        hub_cpu = cpu_seconds(hub.pid) - cpu_before
        broker_cpu = cpu_seconds(rig.broker.pid) - broker_cpu_before
        swarm_cpu = sum(cpu_seconds(p.pid) for p in swarms) - swarm_cpu_before
        hwm = rss_mb(hub.pid, "VmHWM")
    finally:
        for process in swarms:
            if process.poll() is None and process.stdin is not None:
                process.stdin.close()
        for process in swarms:
            process.wait(60)
        rig.stop()
        served = _served_from_log(rig)  # what the hub says it published, when it stopped
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return {
        **served,
        "devices": args.devices,
        "processes": args.processes,
        "bytes": size,
        "seconds_until_all_applied": round(elapsed, 2),
        "hub_cpu_s": round(hub_cpu, 2),
        "hub_cpu_percent_of_one_core": round(100 * hub_cpu / elapsed, 1),
        "hub_rss_mb_before": round(rss_before, 1),
        "hub_rss_mb_peak": round(peak[0], 1),
        "hub_vmhwm_mb": round(hwm, 1),
        "broker_cpu_s": round(broker_cpu, 2),
        "devices_cpu_s": round(swarm_cpu, 2),
    }


# --- one hostile device: fetch flood and log flood ------------------------------------------

BLOCK_SIZES = (4096, 16384, 65536, 131072, 262144, 524288)


def hostile(args: argparse.Namespace) -> None:
    """(internal) A device's real credentials used to flood the hub; prints what happened.

    ``--fetches N``: N block requests as fast as possible for the file in its manifest, each
    with a new round: every other one asks for every block of the file in the manifest's
    block size, the others for blocks ``[0, 256)`` in block sizes cycling through every
    size the protocol allows; counts the block bytes it then receives (on the commune's
    shared media topic and its own), until ``--quiet`` seconds pass without one.
    ``--records N``: N play-log records in batches as large as the protocol allows (QoS 1),
    then waits for the hub's answer to every batch.
    """
    from village.wire.mqtt import Endpoint, Session

    info = json.loads(args.rig)
    topics = CommuneTopics(COMMUNE)
    received = {"blocks": 0, "bytes": 0, "answers": 0, "last": time.monotonic()}
    answers: list[dict[str, Any]] = []
    manifest: dict[str, Any] = {}
    lock = threading.Lock()

    def on_message(message: Any) -> None:
        with lock:
            if message.topic.endswith("/manifest") and message.payload:
                manifest.update(json.loads(json.loads(message.payload)["signed"]))
            elif "/media/" in message.topic:
                received["blocks"] += 1
                received["bytes"] += max(0, len(message.payload) - 20)
                received["last"] = time.monotonic()
            elif message.topic.endswith("/ack"):
                received["answers"] += 1
                answers.append(json.loads(message.payload))

    session = Session(
        Endpoint("127.0.0.1", info["port"], args.device, info["password"]),
        args.device,
        on_message=on_message,
        max_packet=2 * 1024 * 1024,
    )
    session.connect(10)
    session.subscribe(
        [
            (topics.device(args.device, "manifest"), 1),
            (topics.device(args.device, "ack"), 1),
            (f"{topics.prefix}/media/#", 0),  # the shared topic (refused by a newer ACL)
            (f"{topics.prefix}/device/{args.device}/media/#", 0),  # its own (newer hubs)
        ]
    ).wait()
    result: dict[str, Any] = {"device": args.device}
    if args.fetches:
        result.update(_flood_fetches(args, session, topics, manifest, received))
    if args.records:
        result.update(_flood_records(args, session, topics, answers, lock))
    session.close()
    print(json.dumps(result), flush=True)


def _flood_fetches(
    args: argparse.Namespace,
    session: Any,
    topics: CommuneTopics,
    manifest: dict[str, Any],
    received: dict[str, Any],
) -> dict[str, Any]:
    """``--fetches``: the block requests, sent as fast as the session takes them."""
    from village.wire import codec

    wait_for(lambda: manifest.get("media"), 20, "the hostile device's manifest")
    media = manifest["media"][0]
    sha, blocks = media["sha256"], -(-media["size"] // media["block_size"])
    fetch_topic = topics.device(args.device, "fetch")
    try:  # where blocks go: a hub of before knows only the shared topic
        from village.wire.blocks import DELIVER_DEVICE as deliver
    except ImportError:
        deliver = ""
    payloads = []
    for i in range(args.fetches):
        fetch = {"type": "fetch", "sha256": sha, "block_size": media["block_size"],
                 "ranges": [[0, blocks]], "round": i + 1}  # fmt: skip
        if i % 2:  # every other one: another block size, and every block it allows
            fetch.update(block_size=BLOCK_SIZES[i % len(BLOCK_SIZES)], ranges=[[0, 256]])
        if deliver:
            fetch["deliver"] = deliver
        payloads.append(codec.encode(fetch))
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    for payload in payloads:
        session.publish(fetch_topic, payload, qos=0)
    sent_s = time.monotonic() - start
    received["last"] = time.monotonic()
    while time.monotonic() - received["last"] < args.quiet:
        time.sleep(0.1)
    return dict(
        fetches=args.fetches,
        fetch_bytes=sum(len(p) for p in payloads),
        publish_s=round(sent_s, 3),
        blocks_received=received["blocks"],
        block_bytes_received=received["bytes"],
        seconds_until_quiet=round(received["last"] - start, 2),
    )


def _flood_records(
    args: argparse.Namespace,
    session: Any,
    topics: CommuneTopics,
    answers: list[dict[str, Any]],
    lock: threading.Lock,
) -> dict[str, Any]:
    """``--records``: the play-log batches, then the hub's answer to every one."""
    from village.wire import codec

    log_topic = topics.device(args.device, "log")
    day = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    batches: list[bytes] = []
    records: list[dict[str, Any]] = []
    size = 0
    for i in range(args.records):
        record = broadcast_record(i % 144, day, device=args.device)
        record["slot"] = f"tin-gia@{i:08d}"  # a slot no plan holds
        record["trigger"] = "manual"
        encoded = len(codec.encode(record))
        if len(records) == 1000 or size + encoded > 250 * 1024:  # what a batch may hold
            batches.append(_log_batch(records))
            records, size = [], 0
        records.append(record)
        size += encoded
    if records:
        batches.append(_log_batch(records))
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    outcomes = [session.publish(log_topic, b, qos=1) for b in batches]
    for outcome in outcomes:
        outcome.wait(60)

    def acks() -> int:
        with lock:
            return sum(1 for a in answers if a.get("type") == "ack")

    wait_for(lambda: acks() >= len(batches), 120, "an ack of every batch", 0.01)
    elapsed = time.monotonic() - start
    acked = sum(len(a.get("ids", [])) for a in answers if a.get("type") == "ack")
    return dict(
        records=args.records,
        batches=len(batches),
        log_bytes=sum(len(b) for b in batches),
        seconds_until_every_batch_answered=round(elapsed, 2),
        records_acked=acked,
        answers_by_type=dict(collections.Counter(str(a.get("type")) for a in answers)),
    )


def _log_batch(records: list[dict[str, Any]]) -> bytes:
    from village.wire import codec

    message = {"type": "log", "stream": "playlog", "batch": os.urandom(16).hex(),
               "records": records}  # fmt: skip
    return codec.encode(message)


def _hostile_process(rig: Rig, device: str, *extra: str) -> subprocess.Popen:
    info = json.dumps({"port": rig.port, "password": rig.files.users[device]})
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.sync_bench", "hostile", "--rig", info, "--device", device,
         *extra],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "ready":
        raise SystemExit(f"the hostile device did not start: {line!r}")
    return process


def _hostile_result(process: subprocess.Popen) -> dict[str, Any]:
    out, _ = process.communicate(timeout=300)
    return json.loads(out.strip().splitlines()[-1])


def _push_time(rig: Rig, agent: DeviceAgent, segment: Any, device: str) -> float:
    start = time.perf_counter()
    version = rig.hub.repository.add_version(
        [("segments", segment.id, segment.to_dict())], [device], f"push {segment.id}"
    ).version
    wait_for(lambda: agent.version >= version, 300, f"{device} to apply {segment.id}", 0.005)
    return time.perf_counter() - start


class CpuWatch:
    """A process's CPU time over a stretch, and how long it stayed busy (> 10 % of a core)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.start_cpu = cpu_seconds(pid)
        self.start = time.monotonic()

    def until_idle(self, quiet_s: float = 1.0, timeout: float = 300) -> dict[str, float]:
        last_busy = time.monotonic()
        previous = (time.monotonic(), cpu_seconds(self.pid))
        while time.monotonic() - last_busy < quiet_s and time.monotonic() - self.start < timeout:
            time.sleep(0.25)
            now = (time.monotonic(), cpu_seconds(self.pid))
            if (now[1] - previous[1]) / (now[0] - previous[0]) > 0.10:
                last_busy = now[0]
            previous = now
        busy = last_busy - self.start
        used = cpu_seconds(self.pid) - self.start_cpu
        return {"hub_busy_s": round(busy, 2), "hub_cpu_s": round(used, 2),
                "hub_cpu_percent_while_busy": round(100 * used / max(busy, 0.25), 1)}  # fmt: skip


def _served_from_log(rig: Rig) -> dict[str, Any]:
    """The hub's own account of what it served, from the line it logs when it stops."""
    import re

    text = (rig.root / "hub.log").read_text(errors="replace")
    found = re.findall(r"served (\d+) blocks \(([\d.]+) MB\)", text)
    if not found:
        return {}
    blocks, mb = found[-1]
    return {"hub_blocks_served": int(blocks), "hub_mb_served": float(mb)}


def bench_flood(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    rig = Rig(root, ["dev-ok", "dev-evil"])
    agent = None
    try:
        files = [make_audio(root / name, args.mb) for name in ("evil", "ok1", "ok2", "ok3")]
        evil, *ok = [
            import_segment(rig.hub.library, f, f"Bench {i}", segment_id=f"bench-{i}")
            for i, f in enumerate(files)
        ]
        rig.hub.repository.add_version(
            [("segments", evil.id, evil.to_dict())], ["dev-evil"], "the hostile device's content"
        )
        hub = rig.start_hub()
        agent = start_agent(rig, "dev-ok", root / "dev-ok", status_interval_s=60)
        result: dict[str, Any] = {"file_bytes": files[0].stat().st_size}
        baseline = [_push_time(rig, agent, ok[0], "dev-ok")]

        # 1. amplification: a thousand requests, and what the hub published for them
        attacker = _hostile_process(rig, "dev-evil", "--fetches", str(args.fetches))
        watch = CpuWatch(hub.pid)
        assert attacker.stdin is not None
        attacker.stdin.write("go\n")
        attacker.stdin.flush()
        result["amplification"] = {**_hostile_result(attacker), **watch.until_idle()}

        # 2. a burst of ten thousand while another device receives a push
        attacker = _hostile_process(rig, "dev-evil", "--fetches", str(args.burst), "--quiet", "3")
        watch = CpuWatch(hub.pid)
        assert attacker.stdin is not None
        attacker.stdin.write("go\n")
        attacker.stdin.flush()
        time.sleep(0.2)  # the flood is on
        under_flood = _push_time(rig, agent, ok[1], "dev-ok")
        burst = {**_hostile_result(attacker), **watch.until_idle()}
        baseline.append(_push_time(rig, agent, ok[2], "dev-ok"))
        burst.update(
            other_device_push_s_under_flood=round(under_flood, 2),
            other_device_push_s_without=[round(b, 2) for b in baseline],
            ratio_under_flood_to_without=round(under_flood / statistics.mean(baseline), 2),
        )
        result["burst"] = burst
        agent.stop()
        agent = None
        rig.stop_hub()
        result["hub_log"] = _served_from_log(rig)
    finally:
        if agent is not None:
            agent.stop()
        rig.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return result


def _db_bytes(hub: HubData) -> int:
    return sum(p.stat().st_size for p in hub.root.glob("hub.sqlite*"))


def bench_logflood(args: argparse.Namespace) -> dict:
    root = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    rig = Rig(root, ["dev-ok", "dev-evil"])
    try:
        hub = rig.start_hub()
        time.sleep(1.0)
        before = _db_bytes(rig.hub)
        attacker = _hostile_process(rig, "dev-evil", "--records", str(args.records))
        watch = CpuWatch(hub.pid)
        assert attacker.stdin is not None
        attacker.stdin.write("go\n")
        attacker.stdin.flush()
        flood = _hostile_result(attacker)
        flood.update(watch.until_idle())
        rig.stop_hub()  # checkpoints the WAL into the database file
        stored = rig.hub.repository.count_records("playlog", "dev-evil")
        growth = _db_bytes(rig.hub) - before
        flood.update(hub_records_stored=stored, hub_db_growth_mb=round(growth / 1e6, 2))
        flood.update(_report_figures(rig.hub))
    finally:
        rig.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return flood


def _report_figures(hub: HubData) -> dict[str, Any]:
    """What this month's district report says about the flooded device."""
    from commune.report.model import build_report
    from commune.report.period import Period

    config = parse_config({"hub": {"data": str(hub.root)}})
    today = dt.datetime.now(dt.UTC).date()
    period = Period(today.replace(day=1), today, config.schedule.timezone)
    report = build_report(hub, config, period, dt.datetime.now(dt.UTC))
    total = report.broadcasts.total
    figures: dict[str, Any] = {"report_unplanned_sessions": total.unplanned}
    flagged = getattr(report.broadcasts, "implausible", None)
    if flagged is not None:
        figures["report_records_flagged_implausible"] = len(flagged)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="bench", required=True)
    through = sub.add_parser("throughput")
    through.add_argument("--mb", type=float, default=64)
    through.add_argument("--runs", type=int, default=3)
    through.add_argument("--window", type=int, default=16)
    through.add_argument("--block-kb", type=int, default=256)
    through.add_argument("--keep", action="store_true", help="keep the folder (logs) afterwards")
    catch = sub.add_parser("catchup")
    catch.add_argument("--records", type=int, default=10_000)
    catch.add_argument("--batch", type=int, default=500)
    fan = sub.add_parser("fanout")
    fan.add_argument("--devices", type=int, default=200)
    fan.add_argument("--mb", type=float, default=5)
    fan.add_argument("--processes", type=int, default=4)
    fan.add_argument("--keep", action="store_true", help="keep the folder (logs) afterwards")
    flood = sub.add_parser("flood")
    flood.add_argument("--mb", type=float, default=5)
    flood.add_argument("--fetches", type=int, default=1000)
    flood.add_argument("--burst", type=int, default=10_000)
    flood.add_argument("--keep", action="store_true", help="keep the folder (logs) afterwards")
    logs = sub.add_parser("logflood")
    logs.add_argument("--records", type=int, default=100_000)
    logs.add_argument("--keep", action="store_true", help="keep the folder (logs) afterwards")
    bad = sub.add_parser("hostile", help="(internal) one device flooding the hub")
    bad.add_argument("--rig", required=True)
    bad.add_argument("--device", required=True)
    bad.add_argument("--fetches", type=int, default=0)
    bad.add_argument("--records", type=int, default=0)
    bad.add_argument("--quiet", type=float, default=3.0)
    sw = sub.add_parser("swarm", help="(internal) a process of simulated devices")
    sw.add_argument("--rig", required=True)
    sw.add_argument("--first", type=int, required=True)
    sw.add_argument("--count", type=int, required=True)
    args = parser.parse_args()
    if args.bench in ("swarm", "hostile"):
        {"swarm": swarm, "hostile": hostile}[args.bench](args)
        return
    handler = {
        "throughput": bench_throughput,
        "catchup": bench_catchup,
        "fanout": bench_fanout,
        "flood": bench_flood,
        "logflood": bench_logflood,
    }
    result = handler[args.bench](args)
    print(json.dumps({"bench": args.bench, "machine": machine(), **result}, indent=2))


if __name__ == "__main__":
    main()
