"""The public site's search in the browser: typed key by key in Chromium over 5,000
procedures, against the Python engine on the same procedures and queries.

    python -m bench.site_search_bench                      # 5,000 procedures
    python -m bench.site_search_bench --procedures 1000 --json

Content: the site benchmark's corpus (``bench.site_bench.procedures``: the shipped sample plus
generated procedures, every column filled), imported with the real importer. The search
index is made as ``village site build`` makes it (each step timed in CPU seconds) and the
search page is written with it; its size is measured for 50 procedures and for the count
asked, raw and gzip-compressed.

In Chromium (Debian's, headless, a 360 px phone's viewport), from ``file://``: the time from
navigation to the engine being ready, then both query sets (``tests/data/queries-tuning.tsv``,
``bench/data/queries-heldout.tsv``) typed into the search box one key at a time with
Playwright, the page recording for each keystroke (``performance.now()`` inside the page):
the search call alone, the search and rendering of the results from the input event's time
stamp, and the time to the next animation frame. Before each query the per-word caches are
emptied (as for the first citizen to type it), as the Python engine's benchmark does.

Baseline in the same run: the Python engine (``village.search``, as the kiosk runs it) on the
same procedures and the same keystrokes, its caches emptied the same way.

Quality: the top 3 of every keystroke and of every whole query, in the page against the
Python engine: the same codes in the same order (exact), the same codes (set), and every
place that differs holding equal scores and flags (tied: the Python engine keeps any of
several procedures tied at its cut). And the search's own quality on the query sets (top 1
and top 3 of the acceptable codes), which is the Python engine's when they agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import ViewportSize  # noqa: E402

from bench import machine  # noqa: E402
from bench.search_bench import QUERY_SETS, read_queries  # noqa: E402
from bench.site_bench import procedures as corpus_rows  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--enable-precise-memory-info",  # performance.memory in bytes, not in coarse steps
]
PHONE: ViewportSize = {"width": 360, "height": 740}
Top = list[list[Any]]  # [[code, score, partial], …]


def cpu(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.process_time()
    value = step()
    return value, time.process_time() - started


def import_content(rows: list[dict[str, Any]], work: Path) -> Any:
    from commune.site.source import from_store
    from village.procedures import import_procedures
    from village.store import ContentStore

    work.mkdir(parents=True, exist_ok=True)
    source = work / "thu-tuc.json"
    source.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    store = ContentStore(work / "store")
    import_procedures(store, source)
    return from_store(store)


def make_index(site_content: Any) -> tuple[bytes, dict[str, float], Any]:
    """The index as the build makes it, each step timed; and the Python engine it came from."""
    from commune.site.model import SiteModel
    from commune.site.search_index import index_data, index_inputs, index_script, search_engine
    from village.search import Synonyms, shipped_synonyms_path
    from village.search.export import index_tables

    procedures = list(site_content.procedures.values())
    model = SiteModel(site_content)
    synonyms = Synonyms.load(shipped_synonyms_path())
    times: dict[str, float] = {}
    _, times["inputs_hash"] = cpu(lambda: index_inputs(procedures, synonyms, model.path_of))
    engine, times["engine"] = cpu(lambda: search_engine(procedures, synonyms))
    tables, times["export"] = cpu(lambda: index_tables(engine))
    data, times["encode"] = cpu(
        lambda: index_script(index_data(tables, engine.docs, model.path_of))
    )
    times["total"] = times["engine"] + times["export"] + times["encode"]
    return data, times, engine


def write_search_page(site_content: Any, index: bytes, out: Path) -> Path:
    """The search page and the assets it needs, as the build writes them."""
    from commune.site.build import STATIC, SiteBuilder, SiteOptions
    from village.plan import Policy

    options = SiteOptions(
        office="UBND xã Thử Nghiệm", policy=Policy(), year=2026, now=dt.datetime.now(dt.UTC)
    )
    builder = SiteBuilder(site_content, options)
    (out / "assets").mkdir(parents=True, exist_ok=True)
    for name in ("site.css", "print.css", "search.js"):
        shutil.copy(STATIC / name, out / "assets" / name)
    (out / "assets" / "search-index.js").write_bytes(index)
    page = out / "tim-kiem.html"
    page.write_bytes(builder.search())
    return page


def size_of(data: bytes) -> dict[str, float]:
    return {"raw_kb": len(data) / 1000, "gzip_kb": len(gzip.compress(data, 9)) / 1000}


def spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": ordered[-1]}


def python_keystrokes(engine: Any, queries: list[str]) -> tuple[list[float], dict[str, Top]]:
    """The Python engine on every keystroke of every query: ms each, and the top 3."""
    times: list[float] = []
    tops: dict[str, Top] = {}
    for query in queries:
        engine.forget_typed()
        for end in range(1, len(query) + 1):
            typed = query[:end]
            started = time.perf_counter()
            hits = engine.search(typed)
            times.append((time.perf_counter() - started) * 1000)
            tops[typed] = [[h.code, h.score, h.partial] for h in hits[:3]]
    return times, tops


def agreement(js: dict[str, Top], python: dict[str, Top]) -> dict[str, float]:
    exact = same_set = tied = 0
    for query, theirs in python.items():
        ours = js[query]
        exact += [h[0] for h in ours] == [h[0] for h in theirs]
        same_set += {h[0] for h in ours} == {h[0] for h in theirs}
        tied += len(ours) == len(theirs) and all(
            a[0] == b[0] or (a[1] == b[1] and a[2] == b[2])
            for a, b in zip(ours, theirs, strict=True)
        )
    count = len(python)
    return {"queries": count, "exact": exact / count, "set": same_set / count, "tied": tied / count}


def quality(tops: dict[str, Top], queries: list[tuple[str, set[str], str]]) -> dict[str, float]:
    top1 = sum(1 for q, ok, _ in queries if tops[q][:1] and tops[q][0][0] in ok)
    top3 = sum(1 for q, ok, _ in queries if ok & {h[0] for h in tops[q]})
    return {"top1": top1 / len(queries), "top3": top3 / len(queries)}


PAGE_TOP3 = """queries => queries.map(q => villageSearch.search(q).slice(0, 3)
    .map(h => [h.code, h.score, h.partial]))"""


def in_browser(page_file: Path, queries: list[str]) -> dict[str, Any]:
    """Load the search page, type every query key by key, and read what the page measured."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(viewport=PHONE, locale="vi-VN")
            page = context.new_page()
            page.goto(page_file.as_uri())
            ready_ms = page.evaluate("() => villageSearch.load().then(() => performance.now())")
            # a citizen starts typing a moment after the page shows: the idle work is done
            warm_ms = page.evaluate("() => villageSearch.warm.then(() => performance.now())")
            engine_ms = page.evaluate(
                """() => { const t = performance.now();
                    new villageSearch.SearchEngine(window.VILLAGE_SEARCH_INDEX);
                    return performance.now() - t; }"""
            )
            heap_mb = page.evaluate("() => performance.memory.usedJSHeapSize / 1e6")
            page.evaluate("() => { villageSearch.timings = []; }")
            box = page.locator("input[name=q]")
            box.click()
            started = time.perf_counter()
            for query in queries:
                box.fill("")
                page.evaluate("() => { villageSearch.engine.index.forgetTyped(); }")
                box.press_sequentially(query)
            typing_s = time.perf_counter() - started
            page.wait_for_timeout(100)  # the last animation frame
            timings = page.evaluate("() => villageSearch.timings.filter(t => t.query !== '')")
            heap_after_mb = page.evaluate("() => performance.memory.usedJSHeapSize / 1e6")
            every = [q[:end] for q in queries for end in range(1, len(q) + 1)]
            tops = page.evaluate(PAGE_TOP3, every)
            shown = page.locator("#ket-qua ul.procedures a").count()
        finally:
            chromium.close()
    return {
        "ready_ms": ready_ms,
        "warm_ms": warm_ms,
        "engine_ms": engine_ms,
        "heap_mb": heap_mb,
        "heap_after_mb": heap_after_mb,
        "typing_s": typing_s,
        "timings": timings,
        "tops": dict(zip(every, tops, strict=True)),
        "last_results_shown": shown,
    }


def bench(count: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="site-search-bench-"))
    try:
        result: dict[str, Any] = {"machine": machine(), "procedures": count}
        result["load_before"] = os.getloadavg()[0]
        small, _, _ = make_index(import_content(corpus_rows(50), work / "small"))
        result["size_50"] = size_of(small)
        site_content = import_content(corpus_rows(count), work / "large")
        index, result["index_cpu_s"], engine = make_index(site_content)
        result["size"] = size_of(index)
        page_file = write_search_page(site_content, index, work / "site")
        sets = {name: read_queries(path) for name, path in QUERY_SETS.items()}
        queries = [q for found in sets.values() for q, _, _ in found]
        browser = in_browser(page_file, queries)
        python_ms, python_tops = python_keystrokes(engine, queries)
        timings = browser.pop("timings")
        js_tops = browser.pop("tops")
        result["browser"] = browser
        result["keystrokes"] = len(timings)
        for key in ("search", "input", "frame"):
            values = [t[key] for t in timings if t[key] is not None]
            result[f"js_{key}_ms"] = spread(values)
        result["over_one_frame"] = sum(1 for t in timings if t["input"] > 16.0)
        slowest = sorted(timings, key=lambda t: -t["input"])[:5]
        result["slowest"] = [(t["query"], round(t["input"], 1)) for t in slowest]
        result["first_keystroke_ms"] = timings[0]["input"]
        result["python_ms"] = spread(python_ms)
        result["js_mean_ms"] = statistics.fmean(t["search"] for t in timings)
        result["python_mean_ms"] = statistics.fmean(python_ms)
        result["agreement_keystrokes"] = agreement(js_tops, python_tops)
        whole = set(queries)
        result["agreement_queries"] = {}
        result["quality"] = {}
        for name, found in sets.items():
            names = {q for q, _, _ in found}
            result["agreement_queries"][name] = agreement(
                {q: js_tops[q] for q in names}, {q: python_tops[q] for q in names}
            )
            result["quality"][name] = {
                "browser": quality(js_tops, found),
                "python": quality(python_tops, found),
            }
        assert whole <= set(js_tops)
        result["load_after"] = os.getloadavg()[0]
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(r: dict[str, Any]) -> str:
    def ms(s: dict[str, float]) -> str:
        return f"p50 {s['p50']:.2f}  p90 {s['p90']:.2f}  p99 {s['p99']:.2f}  max {s['max']:.1f} ms"

    b = r["browser"]
    t = r["index_cpu_s"]
    lines = [
        f"{r['procedures']} procedures on {r['machine']} (load {r['load_before']:.1f} before, "
        f"{r['load_after']:.1f} after)",
        f"index: {r['size']['raw_kb']:.0f} KB, {r['size']['gzip_kb']:.0f} KB gzip "
        f"(50 procedures: {r['size_50']['raw_kb']:.0f} KB, {r['size_50']['gzip_kb']:.0f} KB gzip)",
        f"index made in {t['total']:.2f} s CPU: engine {t['engine']:.2f}, export {t['export']:.2f},"
        f" encode {t['encode']:.2f} (inputs hash {t['inputs_hash']:.2f})",
        f"page: engine ready {b['ready_ms']:.0f} ms after navigation, one letter's matches "
        f"worked out (idle) at {b['warm_ms']:.0f} ms; engine built in "
        f"{b['engine_ms']:.0f} ms; JS heap {b['heap_mb']:.1f} MB, "
        f"{b['heap_after_mb']:.1f} MB after typing",
        f"{r['keystrokes']} keystrokes typed ({b['typing_s']:.0f} s with Playwright)",
        f"  search call in the page   {ms(r['js_search_ms'])}",
        f"  input event to rendered   {ms(r['js_input_ms'])}  ({r['over_one_frame']} over 16 ms)",
        f"  input event to next frame {ms(r['js_frame_ms'])}",
        f"  baseline: Python engine   {ms(r['python_ms'])}",
        f"  first keystroke after loading {r['first_keystroke_ms']:.1f} ms; slowest: "
        + ", ".join(f"{q!r} {t} ms" for q, t in r["slowest"]),
        f"  mean search: page {r['js_mean_ms']:.2f} ms, Python {r['python_mean_ms']:.2f} ms "
        f"(page {r['js_mean_ms'] / r['python_mean_ms']:.1f}x the Python engine)",
    ]
    a = r["agreement_keystrokes"]
    lines.append(
        f"top-3 agreement, every keystroke ({a['queries']}): exact {a['exact']:.1%}, "
        f"set {a['set']:.1%}, up to ties {a['tied']:.1%}"
    )
    for name, a in r["agreement_queries"].items():
        q = r["quality"][name]
        lines.append(
            f"top-3 agreement, {name} ({a['queries']} queries): exact {a['exact']:.1%}, "
            f"set {a['set']:.1%}, up to ties {a['tied']:.1%}; quality page top1 "
            f"{q['browser']['top1']:.1%} top3 {q['browser']['top3']:.1%}, Python top1 "
            f"{q['python']['top1']:.1%} top3 {q['python']['top3']:.1%}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = bench(args.procedures)
    print(json.dumps(result, indent=2) if args.json else report(result))


if __name__ == "__main__":
    main()
