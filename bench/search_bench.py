"""Kiosk search: latency per keystroke and quality, against SQLite FTS5 on the same data.

    python -m bench.search_bench                # 5,000 procedures, the written query set
    python -m bench.search_bench --procedures 20000 --runs 3

The corpus is the shipped sample (50 real commune procedures, the targets of the query set)
plus generated procedures with realistic names, fields and bodies, some of them close
variants of the sample's ("… có yếu tố nước ngoài", "… tại cấp tỉnh") so the targets have
look-alikes to beat. Each query is typed one character at a time and every prefix is timed,
for our engine (fresh prefix cache for each query) and for FTS5 (``tokenize = "unicode61
remove_diacritics 2"``, bm25 with the name weighted 10, the field 5, the code 10, the body
1, prefix query on the last word, as one would write it). Quality is the share of queries
whose expected procedure is in the top 3 once the whole query is typed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import machine  # noqa: E402
from village.procedures import Procedure  # noqa: E402
from village.search import SearchEngine, Synonyms  # noqa: E402

SAMPLE = REPO / "media" / "procedures" / "thu-tuc-cap-xa.json"
SYNONYMS = REPO / "media" / "synonyms.txt"

# (query as a citizen types it, expected code, kind)
QUERIES: list[tuple[str, str, str]] = [
    ("dang ky khai sinh", "1.001193", "unaccented"),
    ("dang ky ket hon", "1.000894", "unaccented"),
    ("dang ky khai tu", "1.000656", "unaccented"),
    ("xac nhan tinh trang hon nhan", "1.004873", "unaccented"),
    ("dang ky tam tru", "1.004194", "unaccented"),
    ("khai bao tam vang", "1.003677", "unaccented"),
    ("thong bao luu tru", "2.001159", "unaccented"),
    ("chung thuc di chuc", "2.001019", "unaccented"),
    ("dang ky thanh lap ho kinh doanh", "1.001612", "unaccented"),
    ("hoa giai tranh chap dat dai", "1.012812", "unaccented"),
    ("giai quyet to cao", "2.002396", "unaccented"),
    ("tiep cong dan", "2.001909", "unaccented"),
    ("nuoi con nuoi", "2.001263", "unaccented"),
    ("Đăng ký giám hộ", "1.004837", "accents/case"),
    ("CHỨNG THỰC CHỮ KÝ", "2.000884", "accents/case"),
    ("Tách hộ", "1.010038", "accents/case"),
    ("Gia hạn tạm trú", "1.002755", "accents/case"),
    ("Xóa đăng ký tạm trú", "1.010028", "accents/case"),
    ("dang ky kahi sinh", "1.001193", "typo"),
    ("dang ky ket hoon", "1.000894", "typo"),
    ("chung thuc ban sao tu ban chinhh", "2.000815", "typo"),
    ("khai bao tam vnag", "1.003677", "typo"),
    ("xoa dang ky thuong truu", "1.003197", "typo"),
    ("ho tro chi phi mai tnag", "1.001731", "typo"),
    ("cham dut hoat dong ho kinh doang", "1.001266", "typo"),
    ("1.001193", "1.001193", "code"),
    ("001193", "1.001193", "code"),
    ("2.000815", "2.000815", "code"),
    ("000894", "1.000894", "code"),
    ("1.010041", "1.010041", "code"),
    ("XA-VPHC-01", "XA-VPHC-01", "code"),
    ("ho khau", "1.004222", "synonym"),
    ("giay khai sinh", "1.001193", "synonym"),
    ("cong chung", "2.000815", "synonym"),
    ("mat so do", "1.012786", "synonym"),
    ("lam nha", "1.009994", "synonym"),
    ("xay nha", "1.009994", "synonym"),
    ("dang ky kinh doanh", "1.001612", "synonym"),
    ("giay doc than", "1.004873", "synonym"),
    ("tro cap nguoi gia", "1.001776", "synonym"),
    ("nop phat", "XA-VPHC-01", "synonym"),
    ("tach khau", "1.010038", "synonym"),
    ("sao y ban chinh", "2.000815", "synonym"),
    ("mo quan", "1.001612", "synonym"),
    ("dang ky ket h", "1.000894", "as-you-type"),
    ("khai s", "1.001193", "as-you-type"),
    ("tam v", "1.003677", "as-you-type"),
    ("thong bao luu", "2.001159", "as-you-type"),
    ("chung thuc di", "2.001019", "as-you-type"),
    ("xac nhan thong tin ve cu", "1.010041", "as-you-type"),
]

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


def keystrokes(query: str) -> list[str]:
    return [query[:end] for end in range(1, len(query) + 1)]


def time_engine(search, queries: list[str], reset=None) -> list[float]:  # noqa: ANN001
    """Milliseconds for every keystroke of every query."""
    times = []
    for query in queries:
        if reset:
            reset()
        for typed in keystrokes(query):
            start = time.perf_counter_ns()
            search(typed)
            times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def quality(search, cases: list[tuple[str, str, str]]) -> tuple[float, dict[str, str]]:  # noqa: ANN001
    by_kind: dict[str, list[bool]] = {}
    for query, expected, kind in cases:
        by_kind.setdefault(kind, []).append(expected in search(query)[:3])
    hits = [h for values in by_kind.values() for h in values]
    detail = {kind: f"{sum(v)}/{len(v)}" for kind, v in by_kind.items()}
    return sum(hits) / len(hits), detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="timed passes (best p99 reported)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    procedures = corpus(args.procedures)
    synonyms = Synonyms.load(SYNONYMS)
    started = time.perf_counter()
    engine = SearchEngine(procedures, synonyms)
    ours_build = time.perf_counter() - started
    started = time.perf_counter()
    fts = Fts5(procedures)
    fts_build = time.perf_counter() - started
    fts_prefix = Fts5(procedures, prefix_index=True)  # FTS5 tuned for prefixes

    def ours(query: str) -> list[str]:
        return [hit.code for hit in engine.search(query)]

    def reset() -> None:
        engine.forget_typed()  # each query as the first citizen to type it

    typed = [q for q, _, _ in QUERIES]
    time_engine(ours, typed, reset)  # warm up the interpreter and SQLite's pages
    time_engine(fts.search, typed)
    time_engine(fts_prefix.search, typed)
    runs = []
    for _ in range(args.runs):
        a = np.asarray(time_engine(ours, typed, reset))
        b = np.asarray(time_engine(fts.search, typed))
        c = np.asarray(time_engine(fts_prefix.search, typed))
        runs.append((a, b, c))
    ours_times, fts_times, tuned_times = min(runs, key=lambda r: np.percentile(r[0], 99))
    ours_quality, ours_detail = quality(ours, QUERIES)
    fts_quality, fts_detail = quality(fts.search, QUERIES)
    result = {
        "machine": machine(),
        "procedures": len(procedures),
        "queries": len(QUERIES),
        "keystrokes": len(ours_times),
        "build_s": {"ours": round(ours_build, 2), "fts5": round(fts_build, 2)},
        "ours_ms": {
            "p50": round(float(np.percentile(ours_times, 50)), 3),
            "p99": round(float(np.percentile(ours_times, 99)), 3),
            "max": round(float(ours_times.max()), 3),
        },
        "fts5_ms": {
            "p50": round(float(np.percentile(fts_times, 50)), 3),
            "p99": round(float(np.percentile(fts_times, 99)), 3),
            "max": round(float(fts_times.max()), 3),
        },
        "fts5_prefix_index_ms": {
            "p50": round(float(np.percentile(tuned_times, 50)), 3),
            "p99": round(float(np.percentile(tuned_times, 99)), 3),
            "max": round(float(tuned_times.max()), 3),
        },
        "p99_ratio_ours_to_fts5": round(
            float(np.percentile(ours_times, 99) / np.percentile(fts_times, 99)), 2
        ),
        "top3": {
            "ours": round(ours_quality, 3),
            "fts5": round(fts_quality, 3),
            "ours_by_kind": ours_detail,
            "fts5_by_kind": fts_detail,
        },
        "misses": {
            "ours": [q for q, e, _ in QUERIES if e not in ours(q)[:3]],
            "fts5": [q for q, e, _ in QUERIES if e not in fts.search(q)[:3]],
        },
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
