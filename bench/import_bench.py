"""Procedure import: time and peak memory by file size, and the hostile files.

    python -m bench.import_bench rows                       # 2,500 / 5,000 / 10,000 / 200,000
    python -m bench.import_bench rows --rows 2500,20000 --timeout 120
    python -m bench.import_bench attacks                    # the hostile files of the tests
    python -m bench.import_bench rows --tree /tmp/old-tree  # another checkout, same files
    python -m bench.import_bench rows --rows 10000 --format xlsx --long 3  # at the caps

Each import runs in a fresh child process (``village.procedures.import_procedures`` into an
empty store) under RLIMIT_AS (1.5 GiB unless ``--memory-mb``) and a wall-clock timeout, so
an old or regressed importer cannot swamp the machine. The child's peak RSS is its
``ru_maxrss``; its baseline is a child that only imports the same modules (the interpreter,
openpyxl and TinyDB), measured in the same run. The time the store's lock was held is the
time spent inside ``ContentStore.transaction``. ``--tree`` points at another checkout (e.g.
``git archive HEAD | tar -x -C /tmp/old-tree``) to measure before and after on the same files.

The rows are the 50 shipped sample procedures repeated with new codes and names, written as
the National Database's CSV (semicolons, Vietnamese headers, one list item a line), or as an
XLSX with the same cells (``--format xlsx``); ``--long N`` makes every text N times longer
(to reach the file-size cap with the row cap's number of rows).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402

SAMPLE = REPO / "media" / "procedures" / "thu-tuc-cap-xa.json"
HEADERS = [
    ("code", "Mã thủ tục"),
    ("name", "Tên thủ tục"),
    ("field", "Lĩnh vực"),
    ("level", "Cấp thực hiện"),
    ("steps", "Trình tự thực hiện"),
    ("channels", "Cách thức thực hiện"),
    ("documents", "Thành phần hồ sơ"),
    ("time_limit", "Thời hạn giải quyết"),
    ("fees", "Phí, lệ phí"),
    ("legal_basis", "Căn cứ pháp lý"),
    ("agency", "Cơ quan thực hiện"),
    ("result", "Kết quả thực hiện"),
    ("conditions", "Yêu cầu, điều kiện"),
    ("subjects", "Đối tượng thực hiện"),
    ("submit_place", "Nơi tiếp nhận hồ sơ"),
    ("online_url", "Dịch vụ công trực tuyến"),
]

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from village.procedures import import_procedures
from village.store import ContentStore
import openpyxl, tinydb
if sys.argv[1] == "--baseline":
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": 0.0, "locked": 0.0, "outcome": "baseline", "peak_mb": peak}))
    sys.exit(0)
store = ContentStore(sys.argv[2])
locked = [0.0]
original = ContentStore.transaction
import contextlib
@contextlib.contextmanager
def timed(self):
    start = time.perf_counter()
    try:
        with original(self) as tables:
            yield tables
    finally:
        locked[0] += time.perf_counter() - start
ContentStore.transaction = timed
start = time.perf_counter()
try:
    report = import_procedures(store, sys.argv[1])
    outcome = f"imported {len(report.added)}"
except MemoryError:
    outcome = "MemoryError"
except Exception as exc:
    outcome = f"refused: {type(exc).__name__}: " + str(exc).splitlines()[-1].strip()[:160]
import resource
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "locked": locked[0],
                  "outcome": outcome, "peak_mb": peak}))
"""


def sample_rows() -> list[dict]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def national_rows(count: int, long: int = 1) -> Iterator[list[str]]:
    """The header, then ``count`` procedures as the National Database exports them."""
    sample = sample_rows()
    yield [header for _, header in HEADERS]
    for index in range(count):
        record = dict(sample[index % len(sample)])
        record["code"] = f"9.{index:06d}"
        record["name"] = f"{record['name']} (mẫu {index})"
        cells = []
        for key, _ in HEADERS:
            value = record.get(key, "")
            if isinstance(value, list):
                cells.append("\n".join(item for item in value for _ in range(long)))
            elif key in ("code", "name", "field", "online_url"):
                cells.append(str(value))
            else:
                cells.append(" ".join([str(value)] * long))
        yield cells


def write_national_csv(path: Path, count: int, long: int = 1) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerows(national_rows(count, long))
    return path


def write_national_xlsx(path: Path, count: int, long: int = 1) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Thủ tục")
    for row in national_rows(count, long):
        sheet.append(row)
    book.save(path)
    return path


def limit_memory(megabytes: int, cpu_seconds: int) -> Callable[[], None]:
    """A preexec_fn capping the child's address space and CPU time."""

    def apply() -> None:
        size = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    return apply


def run_child(tree: Path, file: str, timeout: float, memory_mb: int) -> dict:
    """Import ``file`` in a child process; its figures and peak RSS (MiB)."""
    with tempfile.TemporaryDirectory(prefix="import-bench-store-") as store:
        env = dict(os.environ, PYTHONPATH=str(tree))
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, file, store],
            cwd=tree,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=limit_memory(memory_mb, int(timeout) + 5),
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {
                "seconds": time.perf_counter() - started,
                "locked": float("nan"),
                "outcome": f"did not finish in {timeout:.0f} s",
                "peak_mb": float("nan"),
            }
        if proc.returncode != 0 or not out.strip():
            tail = (err.strip().splitlines() or ["?"])[-1]
            return {
                "seconds": time.perf_counter() - started,
                "locked": float("nan"),
                "outcome": f"crashed ({proc.returncode}): {tail[:160]}",
                "peak_mb": float("nan"),
            }
        return json.loads(out.strip().splitlines()[-1])


def print_row(label: str, result: dict, baseline_mb: float) -> None:
    peak = result["peak_mb"]
    print(
        f"| {label} | {result['seconds']:.2f} | {result['locked']:.2f} | {peak:.0f} | "
        f"{peak - baseline_mb:+.0f} | {result['outcome']} |",
        flush=True,
    )


def bench_rows(args: argparse.Namespace) -> None:
    tree = Path(args.tree).resolve()
    baseline = run_child(tree, "--baseline", 60, args.memory_mb)
    print(f"{machine()}; tree {tree}; RLIMIT_AS {args.memory_mb} MiB")
    print(f"baseline child (imports only): peak RSS {baseline['peak_mb']:.0f} MiB\n")
    print("| rows | file MB | import s | lock held s | peak RSS MiB | over baseline | outcome |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        for count in (int(n) for n in args.rows.split(",")):
            write = write_national_xlsx if args.format == "xlsx" else write_national_csv
            path = write(Path(folder) / f"national-{count}.{args.format}", count, args.long)
            size = path.stat().st_size / 1e6
            result = run_child(tree, str(path), args.timeout, args.memory_mb)
            print_row(f"{count:,} | {size:.1f}", result, baseline["peak_mb"])
            path.unlink()


def bench_attacks(args: argparse.Namespace) -> None:
    from tests import hostile_files

    tree = Path(args.tree).resolve()
    baseline = run_child(tree, "--baseline", 60, args.memory_mb)
    print(f"{machine()}; tree {tree}; RLIMIT_AS {args.memory_mb} MiB")
    print(f"baseline child (imports only): peak RSS {baseline['peak_mb']:.0f} MiB\n")
    print("| attack | import s | lock held s | peak RSS MiB | over baseline | outcome |")
    print("|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        for name, make in hostile_files.ATTACKS.items():
            path = make(Path(folder))
            result = run_child(tree, str(path), args.timeout, args.memory_mb)
            print_row(name, result, baseline["peak_mb"])
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("rows", "attacks"))
    parser.add_argument("--rows", default="2500,5000,10000,200000")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--long", type=int, default=1, help="texts this many times longer")
    parser.add_argument("--tree", default=str(REPO), help="checkout whose importer is measured")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per import")
    parser.add_argument("--memory-mb", type=int, default=1536, help="RLIMIT_AS of each import")
    args = parser.parse_args()
    if args.what == "rows":
        bench_rows(args)
    else:
        bench_attacks(args)


if __name__ == "__main__":
    main()
