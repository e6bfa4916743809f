"""Procedure search: quality and latency against Tantivy and SQLite FTS5, same data, same run.

    python -m bench.search_bench                      # 5,000 procedures, both query sets
    python -m bench.search_bench --procedures 50      # the shipped sample alone
    python -m bench.search_bench --runs 3 --json

The corpus is the shipped sample (50 real commune procedures, the targets of the query sets)
plus generated procedures with realistic names, fields and bodies, some of them close
variants of the sample's ("… có yếu tố nước ngoài", "… tại cấp tỉnh") so the targets have
look-alikes to beat. Two query sets, as citizens type them: ``tests/data/queries-tuning.tsv``
(what the engine and the synonyms were tuned on) and ``bench/data/queries-heldout.tsv``
(never tuned on). Quality: a query is answered in the top 1 / top 3 when one of its
acceptable codes is first / among the first three; "empty" counts queries answered with
nothing at all. Latency: each query is typed one character at a time and every keystroke is
timed, and each whole query is timed once, with our per-word caches emptied before each
query (as for the first citizen to type it).

The others, written as one would use them:

- Tantivy (the ``tantivy`` package): name, field, code and body indexed with Tantivy's
  simple tokenizer, lower case and ASCII folding (which folds đ); each query word a fuzzy
  term query (distance 1 for words of four letters or more, as ours; the last word with
  ``prefix=True``) over the four fields, boosted 10/5/10/1, the words ANDed (``and``) or
  ORed (``or``, which never misses a word but ranks by BM25 alone).
- SQLite FTS5: ``tokenize = "unicode61 remove_diacritics 2"``, bm25 weighted 10/10/5/1
  (code/name/field/body), the words quoted and ANDed, the last one a prefix; and the same
  table with ``prefix = '1 2 3'`` indexes (latency only: the answers are the same).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402
from village.procedures import Procedure  # noqa: E402
from village.search import SearchEngine, Synonyms  # noqa: E402
from village.search.index import body_text  # noqa: E402

SAMPLE = REPO / "media" / "procedures" / "thu-tuc-cap-xa.json"
SYNONYMS = REPO / "media" / "synonyms.txt"
QUERY_SETS = {
    "tuning": REPO / "tests" / "data" / "queries-tuning.tsv",
    "held-out": REPO / "bench" / "data" / "queries-heldout.tsv",
}

Search = Callable[[str], list[str]]
Query = tuple[str, set[str], str]  # query, acceptable codes, kind

ACTIONS = [
    "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Thu hồi", "Xác nhận", "Đăng ký",
    "Đăng ký lại", "Đăng ký thay đổi", "Xóa đăng ký", "Thẩm định", "Phê duyệt", "Công nhận",
    "Hỗ trợ", "Giải quyết", "Thông báo", "Chứng nhận", "Cho phép", "Đình chỉ",
]  # fmt: skip
OBJECTS = [
    "giấy phép khai thác thủy sản", "chứng chỉ hành nghề dược", "giấy phép lái xe",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm", "giấy phép hoạt động giáo dục",
    "thẻ bảo hiểm y tế", "học bổng chính sách", "giấy phép kinh doanh vận tải",
    "giấy phép biểu diễn nghệ thuật", "giấy chứng nhận cơ sở chăn nuôi", "giấy phép xả thải",
    "quyết định thành lập trường mầm non", "giấy phép hoạt động khám bệnh, chữa bệnh",
    "giấy chứng nhận đăng ký xe máy", "giấy phép sử dụng vật liệu nổ công nghiệp",
    "danh hiệu gia đình văn hóa", "giấy phép karaoke", "chứng chỉ quy hoạch",
    "giấy phép khai thác tài nguyên nước", "trợ cấp thất nghiệp", "giấy phép lao động",
    "hồ sơ hưởng chế độ thai sản", "giấy chứng nhận nguồn gốc giống cây trồng",
    "giấy phép đào đường", "giấy phép treo biển quảng cáo", "phương án phòng cháy",
    "giấy chứng nhận làng nghề", "dự án đầu tư công", "quỹ khuyến học", "chợ nông thôn",
]  # fmt: skip
QUALIFIERS = [
    "", "cho tổ chức", "cho cá nhân", "có yếu tố nước ngoài", "trong trường hợp bị mất",
    "tại cấp tỉnh", "tại cấp huyện", "đối với doanh nghiệp nhỏ và vừa", "lần đầu",
    "thuộc thẩm quyền của Bộ", "cho người nước ngoài", "do thay đổi địa giới hành chính",
]  # fmt: skip
FIELDS = [
    "Giáo dục và đào tạo", "Y tế", "Giao thông vận tải", "Nông nghiệp", "Tài nguyên và môi trường",
    "Lao động", "Văn hóa", "Thông tin và truyền thông", "Công thương", "Tư pháp", "Thủy sản",
    "Phòng cháy, chữa cháy", "Đầu tư", "Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng",
    "Cư trú", "Hộ kinh doanh", "Bảo trợ xã hội",
]  # fmt: skip


def corpus(count: int, seed: int = 2024) -> list[Procedure]:
    """The sample plus generated procedures up to ``count``."""
    rng = random.Random(seed)
    sample = [Procedure.from_dict(r) for r in json.loads(SAMPLE.read_text(encoding="utf-8"))]
    sentences = [s for p in sample for s in (*p.steps, *p.documents)]
    procedures = list(sample)
    serial = 0
    while len(procedures) < count:
        serial += 1
        if rng.random() < 0.2:  # a look-alike of a sample procedure
            base = rng.choice(sample)
            qualifier = rng.choice(QUALIFIERS[1:])
            name, field = f"{base.name} {qualifier}", base.field
        else:
            name = " ".join(
                x for x in (rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if x
            )
            field = rng.choice(FIELDS)
        procedures.append(
            Procedure(
                code=f"{rng.choice((1, 2, 3))}.{100000 + serial:06d}",
                name=name,
                field=field,
                level=rng.choice(("Cấp xã", "Cấp huyện", "Cấp tỉnh")),
                steps=tuple(rng.sample(sentences, 3)),
                documents=tuple(rng.sample(sentences, 3)),
                time_limit="05 ngày làm việc",
                fees="Không",
            )
        )
    return procedures


def read_queries(path: Path) -> list[Query]:
    """A query set: query, acceptable codes, kind (tab-separated; '#' starts a comment)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, accepted, kind = line.split("\t")
            found.append((query, set(accepted.split(",")), kind))
    return found


class Fts5:
    """The same procedures in an SQLite FTS5 table, searched the way FTS5 is meant to be."""

    def __init__(self, procedures: list[Procedure], prefix_index: bool = False) -> None:
        self.db = sqlite3.connect(":memory:")
        prefix = ", prefix = '1 2 3'" if prefix_index else ""
        self.db.execute(
            "CREATE VIRTUAL TABLE p USING fts5(code, name, field, body, "
            f'tokenize = "unicode61 remove_diacritics 2"{prefix})'
        )
        self.db.executemany(
            "INSERT INTO p (code, name, field, body) VALUES (?, ?, ?, ?)",
            [
                (
                    p.code,
                    p.name,
                    p.field,
                    " ".join([*p.steps, *p.documents, *p.channels, p.result, p.subjects]),
                )
                for p in procedures
                if p.in_force
            ],
        )
        self.db.commit()

    @staticmethod
    def match_expression(query: str) -> str:
        words = re.findall(r"\w+", query)
        if not words:
            return ""
        quoted = [f'"{w}"' for w in words]
        if not query[-1:].isspace():
            quoted[-1] += "*"
        return " ".join(quoted)

    def search(self, query: str, limit: int = 10) -> list[str]:
        expression = self.match_expression(query)
        if not expression:
            return []
        rows = self.db.execute(
            "SELECT code FROM p WHERE p MATCH ? ORDER BY bm25(p, 10.0, 10.0, 5.0, 1.0) LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [row[0] for row in rows]


class Tantivy:
    """The same procedures in a Tantivy index in memory, searched with fuzzy term queries."""

    BOOSTS = {"code": 10.0, "name": 10.0, "field": 5.0, "body": 1.0}

    def __init__(self, procedures: list[Procedure], conjunctive: bool = True) -> None:
        import tantivy

        self.tantivy = tantivy
        self.conjunctive = conjunctive
        self.analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )
        builder = tantivy.SchemaBuilder()
        for name in self.BOOSTS:
            builder.add_text_field(name, stored=name == "code", tokenizer_name="vi_fold")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer("vi_fold", self.analyzer)
        writer = self.index.writer(heap_size=64 << 20, num_threads=1)
        for p in procedures:
            if p.in_force:
                writer.add_document(
                    tantivy.Document(code=p.code, name=p.name, field=p.field, body=body_text(p))
                )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _word(self, word: str, prefix: bool):
        t = self.tantivy
        distance = 1 if len(word) >= 4 else 0
        per_field = [
            (
                t.Occur.Should,
                t.Query.boost_query(
                    t.Query.fuzzy_term_query(self.schema, name, word, distance, True, prefix), boost
                ),
            )
            for name, boost in self.BOOSTS.items()
        ]
        return t.Query.boolean_query(per_field)

    def search(self, query: str, limit: int = 10) -> list[str]:
        t = self.tantivy
        words = self.analyzer.analyze(query)
        if not words:
            return []
        typing = not query[-1:].isspace()
        occur = t.Occur.Must if self.conjunctive else t.Occur.Should
        parts = [
            (occur, self._word(w, typing and i == len(words) - 1)) for i, w in enumerate(words)
        ]
        found = self.searcher.search(t.Query.boolean_query(parts), limit).hits
        return [self.searcher.doc(address)["code"][0] for _, address in found]


def keystrokes(query: str) -> list[str]:
    return [query[:end] for end in range(1, len(query) + 1)]


def timed(search: Search, queries: list[str], reset: Callable[[], None] | None) -> dict:
    """Milliseconds for every keystroke of every query, and for every whole query."""
    per_key, per_query = [], []
    for query in queries:
        if reset:
            reset()
        for typed in keystrokes(query):
            start = time.perf_counter_ns()
            search(typed)
            per_key.append((time.perf_counter_ns() - start) / 1e6)
    for query in queries:
        if reset:
            reset()
        start = time.perf_counter_ns()
        search(query)
        per_query.append((time.perf_counter_ns() - start) / 1e6)
    return {"keystroke": np.asarray(per_key), "query": np.asarray(per_query)}


def percentiles(times: np.ndarray) -> dict[str, float]:
    return {
        "p50": round(float(np.percentile(times, 50)), 3),
        "p99": round(float(np.percentile(times, 99)), 3),
        "max": round(float(times.max()), 3),
    }


def quality(search: Search, cases: list[Query]) -> dict:
    top1 = top3 = empty = 0
    by_kind: dict[str, list[int]] = {}
    misses = []
    for query, accepted, kind in cases:
        found = search(query)
        first, three = bool(accepted & set(found[:1])), bool(accepted & set(found[:3]))
        top1, top3, empty = top1 + first, top3 + three, empty + (not found)
        counts = by_kind.setdefault(kind, [0, 0])
        counts[0] += three
        counts[1] += 1
        if not three:
            misses.append(query)
    return {
        "queries": len(cases),
        "top1": top1,
        "top3": top3,
        "empty": empty,
        "top3_by_kind": {kind: f"{a}/{n}" for kind, (a, n) in by_kind.items()},
        "misses": misses,
    }


def engines(procedures: list[Procedure]) -> tuple[dict[str, Search], dict, SearchEngine]:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        raise SystemExit("tantivy is not installed: .venv/bin/pip install -e '.[bench]'") from None
    synonyms = Synonyms.load(SYNONYMS)
    built: dict[str, float] = {}
    started = time.perf_counter()
    ours = SearchEngine(procedures, synonyms)
    built["village"] = time.perf_counter() - started
    started = time.perf_counter()
    tantivy_and = Tantivy(procedures)
    built["tantivy"] = time.perf_counter() - started
    tantivy_or = Tantivy(procedures, conjunctive=False)
    started = time.perf_counter()
    fts = Fts5(procedures)
    built["fts5"] = time.perf_counter() - started
    fts_prefix = Fts5(procedures, prefix_index=True)
    searches: dict[str, Search] = {
        "village": lambda q: [hit.code for hit in ours.search(q)],
        "tantivy (and)": tantivy_and.search,
        "tantivy (or)": tantivy_or.search,
        "fts5": fts.search,
        "fts5 prefix '1 2 3'": fts_prefix.search,
    }
    return searches, {k: round(v, 2) for k, v in built.items()}, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="timed passes (best p99 reported)")
    parser.add_argument("--json", action="store_true", help="only the JSON result")
    args = parser.parse_args()

    procedures = corpus(args.procedures)
    searches, built, ours = engines(procedures)
    sets = {name: read_queries(path) for name, path in QUERY_SETS.items()}
    typed = [q for cases in sets.values() for q, _, _ in cases]
    resets = {"village": ours.forget_typed}
    for name, search in searches.items():  # warm up the interpreter, the caches, the pages
        timed(search, typed, resets.get(name))
    runs: dict[str, list[dict]] = {name: [] for name in searches}
    for _ in range(args.runs):
        for name, search in searches.items():
            runs[name].append(timed(search, typed, resets.get(name)))
    latency = {}
    for name, passes in runs.items():
        best = min(passes, key=lambda r: float(np.percentile(r["keystroke"], 99)))
        latency[name] = {kind: percentiles(times) for kind, times in best.items()}
    answers = {
        set_name: {name: quality(search, cases) for name, search in searches.items()}
        for set_name, cases in sets.items()
    }
    result = {
        "machine": machine(),
        "procedures": len(procedures),
        "queries": {name: len(cases) for name, cases in sets.items()},
        "keystrokes": len(runs["village"][0]["keystroke"]),
        "build_s": built,
        "latency_ms": latency,
        "quality": answers,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.json:
        print(report(result))


def report(result: dict) -> str:
    """The figures as the Markdown tables of docs/benchmarks.md."""
    lines = [
        "| engine | keystroke p50 | keystroke p99 | query p50 | query p99 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, figures in result["latency_ms"].items():
        key, whole = figures["keystroke"], figures["query"]
        cells = [f"{key['p50']} ms", f"{key['p99']} ms", f"{whole['p50']} ms", f"{whole['p99']} ms"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for set_name, by_engine in result["quality"].items():
        lines += [
            "",
            f"{set_name}:",
            "",
            "| engine | top 1 | top 3 | empty |",
            "| --- | --- | --- | --- |",
        ]
        for name, q in by_engine.items():
            n = q["queries"]
            lines.append(
                f"| {name} | {q['top1']}/{n} ({q['top1'] / n:.0%}) | "
                f"{q['top3']}/{n} ({q['top3'] / n:.0%}) | {q['empty']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
