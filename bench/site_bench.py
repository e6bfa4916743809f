"""The public site for 5,000 procedures: build time, size, page sizes; the notice board.

    python -m bench.site_bench                    # 5,000 procedures
    python -m bench.site_bench --procedures 1000 --no-print --json

Content: the search benchmark's corpus (the shipped sample plus generated procedures with
realistic names and fields), filled out as the National Database publishes them (legal
basis, agency, result, channels, where to submit; an online-service address for about 60 %,
so that many pages carry a QR code; about 10 % new or amended), imported with the real
importer into a content store. Every build is ``village site build --no-audio`` in its own
process (wall time and that process's peak RSS):

- cold: empty output folder, empty cache (every QR code made: the encoder tries 8 masks);
- full: empty output folder, warm cache (every page rendered and written);
- unchanged: the same content again (every page rendered, none written);
- one amended: one procedure re-imported with a new fee, then a build.

Baseline in the same run: ``cp -r`` of the finished site into an empty folder (the cost of
writing the same bytes), against which the full build is a ratio. The notice board: the list
of all procedures and 50 sheets, printed by Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402
from bench.search_bench import corpus  # noqa: E402

VILLAGE = [sys.executable, "-m", "village.cli"]
BUDGET = 150_000


def procedures(count: int, seed: int = 7) -> list[dict]:
    """The corpus as import rows, every column a commune's file would have."""
    rng = random.Random(seed)
    sample = json.loads((REPO / "media/procedures/thu-tuc-cap-xa.json").read_text("utf-8"))
    rows = []
    for p in corpus(count):
        model = rng.choice(sample)
        row = p.to_dict()
        row.pop("updated", None)
        for key in ("legal_basis", "agency", "result", "channels", "submit_place", "subjects"):
            row[key] = row.get(key) or model[key]
        row["fees"] = model["fees"] if row["fees"] in ("", "Không") else row["fees"]
        row["time_limit"] = model["time_limit"]
        if rng.random() < 0.6:
            row["online_url"] = (
                "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
                f"?ma_thu_tuc={row['code']}"
            )
        draw = rng.random()
        row["status"] = "new" if draw < 0.05 else "amended" if draw < 0.1 else "current"
        row["effective_date"] = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        rows.append(row)
    return rows


def run(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one command, run to completion.

    CPU time (user and system, of the process and the children it waited for: the QR
    workers, Chromium) is the figure to trust on a busy machine; wall time waits for the
    other work too.

    The RSS is the largest of the process and the children it waited for (Chromium's, for
    the notice board), as ``wait4`` reports it."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        said = process.stderr.read().decode()[-2000:] if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed: {said}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def page_sizes(out: Path) -> dict[str, list[int]]:
    kinds: dict[str, list[int]] = {"procedure": [], "field": [], "other": []}
    for page in out.rglob("*.html"):
        rel = page.relative_to(out).as_posix()
        kind = "procedure" if rel.startswith("thu-tuc/") else "field" if "/" in rel else "other"
        kinds[kind].append(page.stat().st_size)
    return kinds


def spread(values: list[int]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> int:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "pages": len(ordered),
        "p50_kb": at(0.5) / 1000,
        "p90_kb": at(0.9) / 1000,
        "p99_kb": at(0.99) / 1000,
        "max_kb": ordered[-1] / 1000,
        "mean_kb": statistics.fmean(ordered) / 1000,
    }


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build(store: Path, out: Path, cache: Path) -> list[str]:
    return [*VILLAGE, "site", "build", "--store", str(store), "--out", str(out),
            "--cache", str(cache), "--no-audio"]  # fmt: skip


def bench(count: int, with_print: bool) -> dict:
    from village.procedures import import_procedures
    from village.store import ContentStore

    work = Path(tempfile.mkdtemp(prefix="site-bench-"))
    try:
        rows = procedures(count)
        source = work / "thu-tuc.json"
        source.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        store = ContentStore(work / "store")
        import_procedures(store, source)
        cache, out = work / "cache", work / "site"
        result: dict = {"machine": machine(), "procedures": count}
        result["load_before"] = os.getloadavg()[0]
        result["cold_s"], result["cold_cpu_s"], result["cold_rss_mb"] = run(
            build(store.data_dir, out, cache)
        )
        shutil.rmtree(out)
        result["full_s"], result["full_cpu_s"], result["full_rss_mb"] = run(
            build(store.data_dir, out, cache)
        )
        result["unchanged_s"], result["unchanged_cpu_s"], _ = run(build(store.data_dir, out, cache))
        one = dict(rows[count // 2], fees="Lệ phí: 10.000 đồng (đã sửa)")
        (work / "one.json").write_text(json.dumps([one], ensure_ascii=False), "utf-8")
        import_procedures(store, work / "one.json")
        result["one_amended_s"], result["one_amended_cpu_s"], _ = run(
            build(store.data_dir, out, cache)
        )
        copy = work / "copy"
        result["baseline_cp_s"], result["baseline_cp_cpu_s"], _ = run(
            ["sh", "-c", f"cp -r '{out}' '{copy}' && sync"]
        )
        result["full_vs_cp"] = result["full_s"] / result["baseline_cp_s"]
        result["load_after"] = os.getloadavg()[0]
        sizes = page_sizes(out)
        every = [s for kind in sizes.values() for s in kind]
        result["html_mb"] = sum(every) / 1e6
        result["site_mb"] = folder_bytes(out) / 1e6
        result["over_budget"] = sum(1 for s in every if s > BUDGET)
        result["sizes"] = {kind: spread(values) for kind, values in sizes.items() if values}
        result["sizes"]["all"] = spread(every)
        if with_print:
            pdf = work / "bang-tin.pdf"
            chosen = [f"--code={r['code']}" for r in rows[:50]]
            command = [*VILLAGE, "site", "print", "--store", str(store.data_dir),
                       "--out", str(pdf), "--cache", str(cache), *chosen]  # fmt: skip
            result["print_s"], result["print_cpu_s"], result["print_rss_mb"] = run(command)
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            result["print_pages"] = int(info.split("Pages:")[1].split()[0])
            result["print_mb"] = pdf.stat().st_size / 1e6
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(r: dict) -> str:
    def row(name: str, key: str, rss: bool = False) -> str:
        line = f"{name:<30} {r[key + '_s']:7.1f} s wall {r[key + '_cpu_s']:7.1f} s CPU"
        return line + (f"   peak RSS {r[key + '_rss_mb']:.0f} MiB" if rss else "")

    lines = [
        f"{r['procedures']} procedures on {r['machine']} (load {r['load_before']:.1f} before, "
        f"{r['load_after']:.1f} after)",
        row("cold build (QR codes made)", "cold", rss=True),
        row("full build (warm cache)", "full", rss=True),
        row("unchanged rebuild", "unchanged"),
        row("one procedure amended", "one_amended"),
        row("baseline: cp -r of the site", "baseline_cp")
        + f"   (full build {r['full_vs_cp']:.1f}x)",
        f"HTML {r['html_mb']:.1f} MB, whole site {r['site_mb']:.1f} MB, "
        f"{r['over_budget']} page(s) over 150 KB",
        "page sizes (KB):   pages    p50    p90    p99    max",
    ]
    for kind, s in r["sizes"].items():
        lines.append(
            f"  {kind:<14} {s['pages']:7d} {s['p50_kb']:6.1f} {s['p90_kb']:6.1f} "
            f"{s['p99_kb']:6.1f} {s['max_kb']:6.1f}"
        )
    if "print_s" in r:
        lines.append(
            f"notice board (list + 50 sheets): {r['print_pages']} A4 pages, "
            f"{r['print_mb']:.1f} MB, {r['print_s']:.1f} s ({r['print_cpu_s']:.1f} s CPU), "
            f"peak RSS {r['print_rss_mb']:.0f} MiB"
            " (the largest process: Chromium's)"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--no-print", action="store_true", help="leave out the notice board")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = bench(args.procedures, not args.no_print)
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
