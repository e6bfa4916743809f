"""The public site as files: pages, links, sizes, escaping, incremental rebuilds, audio for
phones, the year's schedule, conferences, and the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from commune.site.model import PER_FIELD_PAGE, SiteModel
from commune.site.writer import MANIFEST
from tests.site_helpers import (
    HOSTILE_CODE,
    HOSTILE_NAME,
    KHAI_SINH,
    REPO,
    build,
    content,
    fill,
    fixture_file,
    html_pages,
    links_of,
)
from village.procedures import import_procedures
from village.site_links import procedure_path, procedure_slug, procedure_url
from village.store import ContentStore

VILLAGE = [sys.executable, "-m", "village.cli"]


def test_procedure_paths_are_stable_and_safe() -> None:
    assert procedure_path("1.001193") == "thu-tuc/1.001193.html"
    assert procedure_slug("2.002165.000.00.00.H56") == "2.002165.000.00.00.h56"
    assert procedure_slug("A/1_b-c") == "a~1_b-c"
    for hostile in ("../../etc/passwd", ".hidden", "a b<c>", "/"):
        slug = procedure_slug(hostile)
        assert "/" not in slug and not slug.startswith(".") and slug, slug
    assert (
        procedure_url("https://tanlap.gov.vn/thu-tuc/", "1.001193")
        == "https://tanlap.gov.vn/thu-tuc/thu-tuc/1.001193.html"
    )
    assert procedure_url("", "1.001193") == ""


def test_fields_counts_and_recent_as_on_the_kiosk(tmp_path: Path) -> None:
    import commune.site.model as site_model
    import kiosk.content as kiosk_content
    from kiosk.content import KioskContent
    from village.procedures import ordering

    # the hub may not import the kiosk: both order fields and names by the core's one rule
    assert site_model.field_rank is kiosk_content.field_rank is ordering.field_rank
    assert site_model.sort_name is kiosk_content.sort_name is ordering.sort_name
    store = ContentStore(tmp_path / "store")
    import_procedures(store, REPO / "media" / "procedures" / "thu-tuc-cap-xa.json")
    kiosk = KioskContent.from_snapshot(store.snapshot())
    site = SiteModel(content(store))
    assert [(f.name, f.count) for f in site.fields] == [(f.name, f.count) for f in kiosk.fields]
    for entry in site.fields:
        assert [p.code for p in entry.procedures] == [p.code for p in kiosk.by_field[entry.name]]
    assert [p.code for p in site.recent] == [p.code for p in kiosk.recent]


def test_every_link_is_relative_and_reaches_a_page(tmp_path: Path) -> None:
    store = fill(tmp_path, plan=True, clip=True)
    out = tmp_path / "site"
    result = build(store, out, tmp_path / "cache")
    assert result.procedures == 11 and not result.warnings, result.warnings
    pages = html_pages(out)
    assert len(pages) == result.pages
    for page in pages:
        found = links_of(page)
        for link in found.links:
            parts = urlsplit(link)
            if link == "data:,":  # the empty favicon: no request for /favicon.ico
                continue
            if parts.scheme in ("http", "https"):
                assert "dichvucong.gov.vn" in link, f"{page.name}: outside link {link}"
                continue
            assert not parts.scheme and not link.startswith("/"), f"{page}: {link}"
            target = (page.parent / parts.path).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(out)} links to missing {link}"
            if parts.fragment:
                assert parts.fragment in links_of(target).ids, f"{page.name}: {link}"
    # the procedure page holds what the kiosk shows
    text = (out / procedure_path(KHAI_SINH)).read_text(encoding="utf-8")
    for expected in (
        "Hồ sơ cần mang theo",
        'type="checkbox"',
        "Giấy chứng sinh",
        "Thời hạn giải quyết",
        "Miễn lệ phí",
        "Luật Hộ tịch số 60/2014/QH13",
        "Bộ phận Một cửa, Ủy ban nhân dân xã",
        "Đã sửa đổi, bổ sung",
        "Hiệu lực từ ngày 01/07/2024",
        '<svg class="qr"',
        'lang="vi"',
    ):
        assert expected in text, expected
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Hộ tịch" in home and "3 thủ tục" in home and 'role="search"' in home


def test_pages_stay_small_and_a_large_field_is_paged(tmp_path: Path) -> None:
    many = [
        {"code": f"8.{i:06d}", "name": f"Thủ tục thử số {i}", "field": "Hộ tịch"}
        for i in range(PER_FIELD_PAGE * 2 + 10)
    ]
    store = ContentStore(tmp_path / "store")
    import_procedures(store, fixture_file(tmp_path, many))
    out = tmp_path / "site"
    result = build(store, out, tmp_path / "cache")
    for path, size in result.page_sizes.items():
        assert size <= 150_000, f"{path}: {size} bytes"
    first, second, third = (out / "linh-vuc" / f"ho-tich{s}.html" for s in ("", "-2", "-3"))
    assert first.is_file() and second.is_file() and third.is_file()
    assert not (out / "linh-vuc" / "ho-tich-4.html").exists()
    assert any(link.endswith("ho-tich-3.html") for link in links_of(first).links)
    assert "trang 2/3" in second.read_text(encoding="utf-8")


def test_markup_in_a_procedure_stays_text_everywhere(tmp_path: Path) -> None:
    from commune.site.notice import NoticeRequest, notice_html
    from tests.site_helpers import options

    store = fill(tmp_path)
    with store.transaction() as tables:  # a store filled by some other tool: a script link
        record = tables.get("procedures", HOSTILE_CODE, key="code")
        assert record is not None
        record["online_url"] = "javascript:alert('url')"
        tables.upsert("procedures", record, key="code")
    out = tmp_path / "site"
    build(store, out, tmp_path / "cache")
    printed = notice_html(content(store), options(tmp_path / "cache"), NoticeRequest())
    documents = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in html_pages(out)
    }
    documents["(notice board)"] = printed
    for name, html in documents.items():
        for raw in (
            "<script>alert",
            "<img src=x",
            "<b>đậm",
            "<iframe",
            "<style>body",
            "</li></ul><h1>",
        ):
            assert raw not in html, f"{name} holds raw {raw!r}"
        assert 'href="javascript:' not in html, name  # shown as text, never a link
    page = documents[procedure_path(HOSTILE_CODE)]
    assert "&lt;script&gt;alert(&#34;ten&#34;)&lt;/script&gt;" in page
    # JSON embedded in the page: no way out of its <script> element
    data = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and json.loads(data)["name"] == json.loads(data)["name"]
    assert json.loads(data)["name"].startswith('<script>alert("ten")')


def test_a_rebuild_writes_only_what_changed(tmp_path: Path) -> None:
    store = fill(tmp_path)
    out = tmp_path / "site"
    first = build(store, out, tmp_path / "cache")
    (out / "logo-cua-cong.png").write_bytes(b"portal's own file")
    untouched = out / procedure_path("1.000656")
    inode = untouched.stat().st_ino
    again = build(store, out, tmp_path / "cache")
    assert again.written == 0 and again.unchanged == first.written

    # the only procedure of 'Xây dựng' is abolished: its field page goes, its page says so
    changed = tmp_path / "changed.json"
    changed.write_text(
        json.dumps(
            [{"code": "1.009994", "name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
              "field": "Xây dựng", "status": "abolished", "effective_date": "2021-03-05"}],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )  # fmt: skip
    import_procedures(store, changed)
    third = build(store, out, tmp_path / "cache")
    assert 1 <= third.written <= 4, third  # the page itself, home, search, nothing else
    assert third.removed == 1 and not (out / "linh-vuc" / "xay-dung.html").exists()
    gone = (out / procedure_path("1.009994")).read_text(encoding="utf-8")
    assert "Đã bãi bỏ" in gone and "không còn áp dụng" in gone
    assert untouched.stat().st_ino == inode, "an unchanged page was rewritten"
    assert (out / "logo-cua-cong.png").read_bytes() == b"portal's own file"
    # what every page shows changed: every page is made again, none is left behind
    renamed = build(store, out, tmp_path / "cache", office="UBND xã Tân Lập")
    # unchanged: the two stylesheets, the search script and the search index
    assert renamed.written == renamed.pages and renamed.unchanged == 4
    for page in html_pages(out):
        assert "UBND xã Tân Lập" in page.read_text(encoding="utf-8"), page


def read_index(out: Path) -> dict:
    text = (out / "assets" / "search-index.js").read_text(encoding="utf-8-sig")
    assert text.startswith("window.VILLAGE_SEARCH_INDEX=") and text.endswith(";\n")
    return json.loads(text.split("=", 1)[1].removesuffix(";\n"))


def test_the_search_index_is_the_engines_and_made_again_only_when_it_must(
    tmp_path: Path,
) -> None:
    from village.search import SearchEngine, Synonyms, shipped_synonyms_path

    store = fill(tmp_path)
    out = tmp_path / "site"
    build(store, out)
    data = read_index(out)
    engine = SearchEngine(
        content(store).procedures.values(), Synonyms.load(shipped_synonyms_path())
    )
    assert data["docs"]["codes"] == engine.codes  # in force only, in the kiosk's order
    assert data["terms"] == engine.index.terms
    assert [len(postings) > 0 for postings in data["postings"]] == [True] * len(engine.index.terms)
    assert HOSTILE_NAME in data["docs"]["names"]  # as data: the script shows it as text
    index = out / "assets" / "search-index.js"
    inode = index.stat().st_ino
    build(store, out, office="UBND xã Tân Lập")  # every page changes, the index does not
    assert index.stat().st_ino == inode
    rules = tmp_path / "synonyms.txt"
    rules.write_text("lời trăn trối | trăng trối = di chúc\n", encoding="utf-8")
    build(store, out, synonyms=rules)  # the kiosk's synonyms file changed: the index too
    assert index.stat().st_ino != inode
    phrases = [["loi", "tran", "troi"], ["trang", "troi"]]
    assert read_index(out)["synonyms"] == [[phrases, [["di", "chuc"]], 1]]


def test_the_search_results_speak_as_the_kiosk(tmp_path: Path) -> None:
    from commune.catalogue import MESSAGES
    from kiosk.catalogue import TEXTS

    for name in ("found", "none", "none_help", "partial", "only_partial"):
        assert MESSAGES[f"site_search_{name}"] == TEXTS[f"search_{name}"], name
    store = fill(tmp_path)
    build(store, tmp_path / "site")
    assert read_index(tmp_path / "site")["texts"]["found"] == "Tìm thấy {count} thủ tục"


def test_an_interrupted_build_is_redone_whole(tmp_path: Path) -> None:
    store = fill(tmp_path)
    out = tmp_path / "site"
    first = build(store, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["finished"] = False  # as a power cut in the middle of a build leaves it
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "index.html").write_bytes(b"")  # a page the cut left empty
    again = build(store, out)
    assert again.written == first.written
    assert b"<h1>" in (out / "index.html").read_bytes()


def test_segments_are_compressed_for_phones_once(tmp_path: Path, make_tone) -> None:
    from village.library import import_segment

    store = fill(tmp_path)
    import_segment(store, make_tone("talk.wav", seconds=4), "Bài nói thử", topic="one-stop")
    import_segment(store, make_tone("jingle.ogg", seconds=1), "Nhạc hiệu", topic="jingle")
    cache = tmp_path / "cache"
    out = tmp_path / "site"
    build(store, out, cache)
    audio = sorted((out / "am-thanh").iterdir(), key=lambda p: p.suffix)
    assert [p.suffix for p in audio] == [".m4a", ".opus"], audio  # the jingle is not a talk
    for path, codec in zip(audio, ("aac", "opus"), strict=True):
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-of", "json",
             "-show_entries", "stream=codec_name,channels:format=bit_rate", str(path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        info = json.loads(probe.stdout)
        assert info["streams"][0]["codec_name"] == codec and info["streams"][0]["channels"] == 1
        assert int(info["format"]["bit_rate"]) <= 40_000
    reform = (out / "cai-cach-hanh-chinh.html").read_text(encoding="utf-8")
    assert reform.count("<source ") == 2 and "Bài nói thử" in reform and "Nhạc hiệu" not in reform
    cached = {p.name: p.stat().st_mtime_ns for p in (cache / "audio").iterdir()}
    build(store, tmp_path / "site-2", cache)  # another site from the same cache: no encoding
    assert {p.name: p.stat().st_mtime_ns for p in (cache / "audio").iterdir()} == cached


def test_the_years_schedule_and_the_conferences(tmp_path: Path) -> None:
    from commune.hubdata import HubData
    from commune.site.source import from_hub
    from tests.site_helpers import options
    from village.library import import_plans
    from village.plan import Plan, build_schedule

    hub = HubData.init(tmp_path / "hub", "xa-thu", [])
    import_procedures(hub.library, fixture_file(tmp_path))
    import_plans(hub.library, REPO / "media" / "plans" / "ke-hoach-2021.ics", "Asia/Ho_Chi_Minh")
    for day, topic in (("2021-04-02", "Hội nghị về Luật Cư trú"), ("2020-11-20", "Hội nghị cũ")):
        hub.repository.add_conference(
            {"id": day, "day": day, "topic": topic, "attendees": 85, "place": "Nhà văn hóa thôn 2"}
        )
    from commune.site.build import build_site

    out = tmp_path / "site"
    build_site(from_hub(hub.root), options(None, audio=False), out)
    schedule = (out / "lich-phat-thanh.html").read_text(encoding="utf-8")
    plans = [Plan.from_dict(r) for r in hub.library.snapshot().plans.values()]
    zone = options(None).policy.zone
    begin, end = (dt.datetime(y, 1, 1, tzinfo=zone) for y in (2021, 2022))
    kept = build_schedule(plans, begin, end, {}, options(None).policy).slots
    assert len(kept) > 50  # what the controller will air, quiet hours and holidays applied
    assert f"Đài truyền thanh xã phát {len(kept)} buổi trong năm 2021" in schedule
    assert "Tháng 3/2021" in schedule and "06:30–06:45" in schedule
    assert "1, 3, 5, 8, 10, 12, 15" in schedule  # Mondays, Wednesdays and Fridays of March
    assert "Buổi tới: 06:30 ngày 12/03/2021" in schedule  # after 10 March, 09:00
    reform = (out / "cai-cach-hanh-chinh.html").read_text(encoding="utf-8")
    assert "Hội nghị về Luật Cư trú" in reform and "02/04/2021" in reform and "85" in reform
    assert "Hội nghị cũ" not in reform  # another year's
    build_site(from_hub(hub.root), options(None, audio=False, year=2022), out)
    assert "Chưa có buổi phát thanh nào" in (out / "lich-phat-thanh.html").read_text("utf-8")


def test_the_command_line(tmp_path: Path) -> None:
    store = fill(tmp_path)
    config = tmp_path / "village.toml"
    config.write_text('[report]\ncommune_name = "Tân Lập"\n', encoding="utf-8")
    out = tmp_path / "site"
    done = subprocess.run(
        [*VILLAGE, "--config", str(config), "site", "build", "--store", str(store.data_dir),
         "--out", str(out), "--no-audio", "--cache", str(tmp_path / "cache")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Đã tạo trang công khai" in done.stdout and "11 thủ tục" in done.stdout
    assert "UBND xã Tân Lập" in (out / "index.html").read_text(encoding="utf-8")

    foreign = tmp_path / "portal"
    foreign.mkdir()
    (foreign / "trang-chu.html").write_text("portal", encoding="utf-8")
    refused = subprocess.run(
        [*VILLAGE, "--config", str(config), "site", "build", "--store", str(store.data_dir),
         "--out", str(foreign), "--no-audio"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.startswith("Lỗi:"), refused.stderr
    assert "thư mục" in refused.stderr and sorted(p.name for p in foreign.iterdir()) == [
        "trang-chu.html"
    ]
    nothing = subprocess.run(
        [*VILLAGE, "--config", str(config), "--data", str(tmp_path / "empty"), "site", "build",
         "--out", str(tmp_path / "x")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert nothing.returncode == 2 and "--samples" in nothing.stderr, nothing.stderr


@pytest.mark.parametrize("office", ["", "UBND xã Tân Lập"])
def test_the_office_name_comes_from_the_configuration(office: str) -> None:
    from commune.site.settings import office_name
    from village.config import parse_config

    raw: dict = {"report": {"commune_name": "Hòa Bình"}}
    if office:
        raw["site"] = {"office": office}
    assert office_name(parse_config(raw)) == (office or "UBND xã Hòa Bình")
