"""The public site's search in Chromium: it answers as the kiosk's engine does (top 3 of the
project's two query sets, against the Python engine on the same built site), typed key by key
in the real page, accessible (axe-core, a live region, labelled box, named links), on a
360 px phone, with markup in a name shown as text, the index loaded only when wanted, and
under the console's Content-Security-Policy.

Agreement, per query: ``exact`` when the first three codes are the Python engine's, in the
same order; ``set`` when they are the same codes in any order; ``tied`` when every place
that differs holds the same score and partial flag on both sides (the Python engine keeps
any of several procedures tied at its cut: NumPy's argpartition, whose choice depends on the
processor). Uses the shared browser fixtures of tests/browser.py.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commune.console.headers import CSP
from tests.browser import SCREENSHOTS, browser, needs_chromium  # noqa: F401
from tests.kiosk_helpers import REPO, SAMPLE_PROCEDURES
from tests.site_helpers import HOSTILE_NAME, build, content, fill
from tests.test_search import read_queries
from village.procedures import import_procedures
from village.search import SearchEngine, Synonyms, shipped_synonyms_path
from village.site_links import procedure_path
from village.store import ContentStore

pytestmark = needs_chromium

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
QUERY_SETS = {
    "tuning": REPO / "tests" / "data" / "queries-tuning.tsv",
    "held-out": REPO / "bench" / "data" / "queries-heldout.tsv",
}
KET_HON = "1.000894"
KHAI_SINH = "1.001193"
TOP3_IN_PAGE = """queries => villageSearch.load().then(() => queries.map(q =>
    villageSearch.search(q).slice(0, 3).map(h => [h.code, h.score, h.partial])))"""


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SearchEngine]:
    """The site of the shipped sample procedures, and the Python engine on the same content."""
    folder = tmp_path_factory.mktemp("sample-site")
    store = ContentStore(folder / "store")
    import_procedures(store, SAMPLE_PROCEDURES)
    out = folder / "site"
    build(store, out, folder / "cache")
    procedures = content(store).procedures.values()
    return out, SearchEngine(procedures, Synonyms.load(shipped_synonyms_path()))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture procedures and one whose every text is markup or script."""
    folder = tmp_path_factory.mktemp("hostile-site")
    out = folder / "site"
    build(fill(folder), out, folder / "cache")
    return out


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="vi-VN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def search_page(site: Path, query: str = "") -> str:
    uri = (site / "tim-kiem.html").as_uri()
    return f"{uri}?q={query}" if query else uri


def agreement(js: list[list[Any]], python: list[list[Any]]) -> tuple[bool, bool, bool]:
    """(exact, set, tied) for one query's top 3, each side [[code, score, partial], …]."""
    exact = [h[0] for h in js] == [h[0] for h in python]
    same_set = {h[0] for h in js} == {h[0] for h in python}
    tied = len(js) == len(python) and all(
        a[0] == b[0] or (a[1] == b[1] and a[2] == b[2]) for a, b in zip(js, python, strict=True)
    )
    return exact, same_set, tied


def test_the_top_3_agree_with_the_python_engine(
    sample_site: tuple[Path, SearchEngine],
    browser: Any,  # noqa: F811
) -> None:
    site, engine = sample_site
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(search_page(site))
    report = []
    for name, path in QUERY_SETS.items():
        queries = [query for query, _, _ in read_queries(path)]
        in_page = page.evaluate(TOP3_IN_PAGE, queries)
        python = [[[h.code, h.score, h.partial] for h in engine.search(q)[:3]] for q in queries]
        found = [agreement(j, p) for j, p in zip(in_page, python, strict=True)]
        exact, same_set, tied = (sum(f[i] for f in found) / len(found) for i in range(3))
        differ = [(q, j, p) for q, j, p, f in zip(queries, in_page, python, found, strict=True)]
        report.append((name, len(queries), exact, same_set, tied))
        assert exact >= 0.95, [d for d, f in zip(differ, found, strict=True) if not f[0]]
        assert tied == 1.0, [d for d, f in zip(differ, found, strict=True) if not f[2]]
        assert all(j for j in in_page), "a query of the set found nothing in the page"
    print("top-3 agreement (set, queries, exact order, same set, up to ties):", report)
    context.close()


def test_equal_scores_keep_the_same_procedures_as_the_python_engine(
    tmp_path: Path,
    browser: Any,  # noqa: F811
) -> None:
    """Thirty procedures answer equally well, stored out of code order: the browser shows
    the same ten, in the same order, as the kiosk."""
    record = json.loads(SAMPLE_PROCEDURES.read_text(encoding="utf-8"))[0]
    order = [*range(18, 31), *range(17, 0, -1)]
    same = [{**record, "code": f"9.{n:06d}", "name": "Thủ tục giống nhau"} for n in order]
    source = tmp_path / "giong-nhau.json"
    source.write_text(json.dumps(same, ensure_ascii=False), encoding="utf-8")
    store = ContentStore(tmp_path / "store")
    import_procedures(store, source)
    site = tmp_path / "site"
    build(store, site, tmp_path / "cache")
    engine = SearchEngine(
        content(store).procedures.values(), Synonyms.load(shipped_synonyms_path())
    )
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(search_page(site))
    in_page = page.evaluate(
        "q => villageSearch.load().then(() => villageSearch.search(q).map(h => h.code))",
        "thu tuc giong nhau",
    )
    context.close()
    expected = [f"9.{n:06d}" for n in range(1, 11)]
    assert [hit.code for hit in engine.search("thu tuc giong nhau")] == expected
    assert in_page == expected


def results(page: Any) -> list[tuple[str, str]]:
    """(name, href) of each result link on the search page, in order."""
    links = page.locator("#ket-qua ul.procedures a")
    return [(a.inner_text(), a.get_attribute("href")) for a in links.all()]


def test_typed_key_by_key_the_expected_procedures_appear(
    sample_site: tuple[Path, SearchEngine], phone: Any
) -> None:
    site, engine = sample_site
    phone.goto(search_page(site))
    box = phone.get_by_label("Tìm thủ tục (không cần gõ dấu)")
    assert phone.locator("#tim-theo-linh-vuc").is_visible()  # nothing typed: the fields
    phone.evaluate("() => villageSearch.load()")  # keys typed before are answered once loaded
    box.click()
    typed = "dang ky ket hon"
    for end in range(1, len(typed) + 1):
        box.press_sequentially(typed[end - 1])
        shown = results(phone)
        answer = phone.evaluate("q => villageSearch.search(q).map(h => h.name)", typed[:end])
        assert [name for name, _ in shown] == answer, typed[:end]  # what the engine answers
        if end >= len("dang ky ke"):  # the target in view from here on, as on the kiosk
            assert procedure_path(KET_HON) in [href for _, href in shown][:2], typed[:end]
    name, href = results(phone)[0]
    assert href == procedure_path(KET_HON) and name == engine.search(typed)[0].name
    assert not phone.locator("#tim-theo-linh-vuc").is_visible()  # results: the fields hidden
    status = phone.get_by_role("status")
    status.filter(has_text="Tìm thấy").wait_for()  # told once typing pauses
    count = len([h for h in engine.search(typed) if not h.partial])
    assert status.inner_text() == f"Tìm thấy {count} thủ tục"
    phone.get_by_role("link", name=name).click()
    assert phone.locator("main h1").inner_text() == name


def test_partial_matches_come_under_their_heading(
    sample_site: tuple[Path, SearchEngine], phone: Any
) -> None:
    site, engine = sample_site
    phone.goto(search_page(site, "giay+phep+karaoke"))  # as the form sends it from any page
    heading = phone.locator("#ket-qua h2.partial")
    heading.wait_for()
    assert heading.inner_text() == "Có thể bạn cần…"
    text = phone.locator("#ket-qua").inner_text()
    assert text.startswith("Không có thủ tục nào khớp hết «giay phep karaoke».")
    assert [name for name, _ in results(phone)] == [
        h.name for h in engine.search("giay phep karaoke")
    ]
    # full and partial matches: the full ones first, then the heading, then the partial ones
    box = phone.get_by_label("Tìm thủ tục (không cần gõ dấu)")
    query = "xoa tam tru"
    hits = engine.search(query)
    assert any(h.partial for h in hits) and not hits[0].partial, hits
    box.fill(query)
    text = phone.locator("#ket-qua").inner_text()
    heading_at = text.index("Có thể bạn cần…")
    assert all(text.index(h.name) < heading_at for h in hits if not h.partial)
    assert all(text.rindex(h.name) > heading_at for h in hits if h.partial)
    box.fill("zzzz qqqq")
    assert "Không tìm thấy thủ tục nào cho «zzzz qqqq»." in phone.locator("#ket-qua").inner_text()
    assert phone.locator("#tim-theo-linh-vuc").is_visible()  # nothing found: the fields again
    box.fill("giay phep karaoke")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "site-search-partial.png"), full_page=True)


def serious_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_the_search_page_is_accessible_and_fits_a_phone(
    sample_site: tuple[Path, SearchEngine], phone: Any
) -> None:
    site, _ = sample_site
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(search_page(site, "khai+sinh"))
    phone.locator("#ket-qua ul.procedures a").first.wait_for()
    box = phone.locator("input[name=q]")
    assert box.input_value() == "khai sinh"
    label = phone.locator("label[for=tim]").inner_text()
    assert phone.get_by_label(label).count() == 1  # the box has its label
    status = phone.locator("#so-ket-qua")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live")
    for link in phone.locator("#ket-qua a").all():
        assert link.inner_text().strip()  # each result link says where it goes
    assert KHAI_SINH in [href.split("/")[-1][:-5] for _, href in results(phone)][:3]
    status.filter(has_text="Tìm thấy").wait_for()
    problems = serious_violations(phone)
    assert not problems, problems
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the search page is {width} px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "site-search.png"), full_page=True)
    assert not errors, errors


def test_markup_in_a_name_is_shown_as_text_in_results(hostile_site: Path, phone: Any) -> None:
    dialogs: list[str] = []

    def dialog_opened(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    phone.on("dialog", dialog_opened)
    phone.goto(search_page(hostile_site))
    box = phone.locator("input[name=q]")
    box.click()
    box.press_sequentially("thu tuc la dam")
    link = phone.locator("#ket-qua a").first
    link.wait_for()
    assert link.inner_text() == HOSTILE_NAME
    assert phone.locator("#ket-qua script, #ket-qua b, #ket-qua img").count() == 0
    field = phone.locator("#ket-qua .code").first.inner_text()
    assert field.startswith("<img src=x onerror=alert('linh-vuc')>Lĩnh vực lạ")
    assert not dialogs, dialogs


class CspHandler(http.server.SimpleHTTPRequestHandler):
    """Files as a web server sends them, under the console's Content-Security-Policy."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_other_pages_load_the_index_at_the_first_focus_under_the_csp(
    sample_site: tuple[Path, SearchEngine],
    browser: Any,  # noqa: F811
) -> None:
    site, engine = sample_site
    handler = functools.partial(CspHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    fetched: list[str] = []
    refused: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda exc: refused.append(str(exc)))
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        page.goto(base + procedure_path(KHAI_SINH))
        page.wait_for_load_state("networkidle")
        assert "search.js" in fetched and "search-index.js" not in fetched
        box = page.locator("input[name=q]")
        box.click()
        box.press_sequentially("so do")
        panel = page.locator("#goi-y")
        panel.locator("a").first.wait_for()
        assert "search-index.js" in fetched
        expected = [h.name for h in engine.search("so do")]
        assert [a.inner_text() for a in panel.locator("a").all()] == expected
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the panel makes the page {width} px wide"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "site-search-header.png"))
        panel.locator("a").first.click()  # relative links from a page in thu-tuc/
        assert page.locator("main h1").inner_text() == expected[0]
        box = page.locator("input[name=q]")
        box.fill("ket hon")
        box.press("Enter")  # the form leads to the search page, which answers at once
        page.wait_for_url("**/tim-kiem.html?q=ket+hon")
        page.locator("#ket-qua a").first.wait_for()
        assert page.locator("#ket-qua a").first.get_attribute("href") == procedure_path(KET_HON)
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert not refused, refused


def test_the_index_holds_the_engine_constants(sample_site: tuple[Path, SearchEngine]) -> None:
    # no constant of the engine is written twice: the script reads every one from the index
    site, _ = sample_site
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8-sig")
    data = json.loads(text.split("=", 1)[1].rstrip().removesuffix(";"))
    from village.search import engine as python_engine

    assert data["constants"]["RELATIVE_CUT"] == python_engine.RELATIVE_CUT
    assert data["size"] == 48 and len(data["docs"]["codes"]) == 48
    script = (site / "assets" / "search.js").read_text(encoding="utf-8")
    for name in data["constants"]:
        assert f"c.{name}" in script or f"this.c.{name}" in script, name
