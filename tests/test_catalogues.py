"""What staff read comes from the owning catalogue, in Vietnamese: the importer's problems said
alike by the kiosk's 'village import procedures' and the hub's 'village push procedures' (one
text, in the core), and the hub's refusals of an unknown device or a missing segment."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_village
from village.procedures import PROBLEM_TEXTS


def _bad_procedures(tmp_path: Path) -> Path:
    bad = tmp_path / "thu-tuc.json"
    good = {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch"}
    rows = [good, {**good, "code": "1.000894", "name": ""}, "not a procedure"]
    bad.write_text(json.dumps(rows), "utf-8")
    return bad


def _english(kind: str) -> str:
    return PROBLEM_TEXTS[kind].split("{")[0].strip()


def test_push_procedures_says_the_importers_problems_as_the_kiosk_does(tmp_path: Path) -> None:
    bad = _bad_procedures(tmp_path)
    hub = tmp_path / "hub"
    run_village("hub", "init", "--data", str(hub), "--commune", "xa-test", check=True)
    pushed = run_village("hub", "push", "procedures", str(bad), "--data", str(hub), "--no-wait")
    imported = run_village("--data", str(tmp_path / "pi"), "import", "procedures", str(bad))
    assert pushed.returncode == imported.returncode == 2
    assert pushed.stderr.startswith(f"Tệp {bad} bị từ chối, kho nội dung không thay đổi.")
    assert "  - mục 2, cột «name»: ô bắt buộc đang để trống" in pushed.stderr
    assert "  - mục 3: không phải một thủ tục" in pushed.stderr
    assert pushed.stderr == imported.stderr  # one text for both
    for kind in ("empty", "not_object"):
        assert _english(kind) not in pushed.stderr


def test_the_hub_refuses_an_unknown_device_in_words(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    run_village(
        "hub", "init", "--data", str(hub), "--commune", "xa-test", "--device", "pi-01", check=True
    )
    sent = run_village("hub", "send", "stop", "--device", "pi-09", "--data", str(hub))
    assert sent.returncode != 0
    assert sent.stderr.strip() == (
        "Lỗi: không có thiết bị pi-09 trong xã (các thiết bị đã biết: pi-01)"
    )


def test_a_segment_that_cannot_be_aired_is_refused_in_the_cores_words(tmp_path: Path) -> None:
    import wave

    silent = tmp_path / "im-lang.wav"
    with wave.open(str(silent), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000)
    data = str(tmp_path / "pi")
    missing = run_village(
        "--data", data, "import", "segment", str(tmp_path / "x.wav"), "--title", "X"
    )
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"Lỗi: {tmp_path / 'x.wav'}: không có tệp này"
    quiet = run_village("--data", data, "import", "segment", str(silent), "--title", "Im lặng")
    assert quiet.returncode == 2
    assert quiet.stderr.startswith("Lỗi: im-lang.wav: chỉ có im lặng (độ to")
    untitled = run_village("--data", data, "import", "segment", str(silent), "--title", " ")
    assert untitled.stderr.strip() == "Lỗi: bài phát thanh cần có tên (--title)"
