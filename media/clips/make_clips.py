#!/usr/bin/env python3
"""Regenerate the kiosk's sample reform clips in media/clips/ from the slides kept below.

Each clip is a few slides (Vietnamese text drawn by FFmpeg's drawtext with Noto Sans) with an
espeak-ng Vietnamese voice-over; a slide lasts as long as its narration plus a short pause.
Output: 854x480 H.264 (15 frames/s) + AAC mono, well under 1.5 MB each. Run from the
repository root:

    python3 media/clips/make_clips.py

Needs the Debian packages ffmpeg, espeak-ng, sox and fonts-noto-core.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent
INDEX_FILE = OUT_DIR / "clips.json"
FONT_DIR = Path("/usr/share/fonts/truetype/noto")
FONT_BOLD = FONT_DIR / "NotoSans-Bold.ttf"
FONT_REGULAR = FONT_DIR / "NotoSans-Regular.ttf"
WIDTH, HEIGHT, FPS = 854, 480, 15
VOICE, SPEED_WPM, AMPLITUDE = "vi", 165, 60
RATE = 22050
PAUSE_S = 0.7
SPOKEN_FORMS = {
    "dichvucong.gov.vn": "dịch vụ công, chấm, gờ ô vê, chấm, vê nờ",
    "VNeID": "vê nờ e ích đi",
}


@dataclass(frozen=True)
class Slide:
    title: str  # drawn large (lines split with \n)
    text: str  # drawn below
    narration: str  # spoken
    background: str  # ffmpeg colour


@dataclass(frozen=True)
class ClipSpec:
    id: str
    title: str
    description: str
    slides: tuple[Slide, ...]


RED, BLUE, GREEN, BROWN = "0xA81A1A", "0x10548F", "0x1B6B34", "0x6B4410"

CLIPS = (
    ClipSpec(
        id="nop-ho-so-truc-tuyen",
        title="Nộp hồ sơ trực tuyến tại nhà",
        description="Dịch vụ công trực tuyến: nộp hồ sơ, theo dõi và nhận kết quả không cần "
        "đến Ủy ban.",
        slides=(
            Slide(
                "Nộp hồ sơ trực tuyến",
                "Không cần đến Ủy ban nhân dân xã",
                "Nhiều thủ tục hành chính nay có thể nộp hồ sơ trực tuyến, ngay tại nhà.",
                RED,
            ),
            Slide(
                "Bước 1",
                "Vào dichvucong.gov.vn\nĐăng nhập bằng tài khoản VNeID",
                "Bước một. Vào Cổng dịch vụ công quốc gia, dichvucong.gov.vn, và đăng nhập "
                "bằng tài khoản định danh điện tử VNeID.",
                BLUE,
            ),
            Slide(
                "Bước 2",
                "Chọn thủ tục, điền tờ khai\nTải ảnh giấy tờ lên",
                "Bước hai. Chọn thủ tục, điền tờ khai và tải ảnh giấy tờ lên.",
                GREEN,
            ),
            Slide(
                "Bước 3",
                "Theo dõi hồ sơ trên điện thoại\nNhận kết quả tại nhà hoặc tại Bộ phận Một cửa",
                "Bước ba. Theo dõi hồ sơ trên điện thoại, nhận kết quả qua bưu điện hoặc tại "
                "Bộ phận Một cửa.",
                BROWN,
            ),
        ),
    ),
    ClipSpec(
        id="bo-phan-mot-cua",
        title="Làm thủ tục tại Bộ phận Một cửa",
        description="Một nơi nhận hồ sơ, một nơi trả kết quả: chuẩn bị giấy tờ, nhận giấy "
        "hẹn, đánh giá sự hài lòng.",
        slides=(
            Slide(
                "Bộ phận Một cửa",
                "Một nơi nhận hồ sơ, một nơi trả kết quả",
                "Bộ phận Một cửa của Ủy ban nhân dân xã nhận hồ sơ và trả kết quả tại một nơi.",
                RED,
            ),
            Slide(
                "Chuẩn bị hồ sơ",
                "Xem giấy tờ cần mang theo ngay trên máy này\nMang theo bản chính để đối chiếu",
                "Trước khi nộp, xem giấy tờ cần mang theo ngay trên máy tra cứu này, và mang "
                "theo bản chính để đối chiếu.",
                BLUE,
            ),
            Slide(
                "Nhận giấy hẹn",
                "Giữ giấy hẹn để tra cứu và nhận kết quả",
                "Cán bộ kiểm tra hồ sơ và trao giấy hẹn. Giữ giấy hẹn để tra cứu và nhận kết quả.",
                GREEN,
            ),
            Slide(
                "Góp ý cho chúng tôi",
                "Chạm «Góp ý» để đánh giá sự hài lòng",
                "Xin ông bà chạm vào nút góp ý để đánh giá sự hài lòng. Xin cảm ơn.",
                BROWN,
            ),
        ),
    ),
)


def run(args: Sequence[str | Path]) -> str:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, args))}\n{proc.stderr[-2000:]}")
    return proc.stdout


def check_tools() -> None:
    missing = [n for n in ("espeak-ng", "sox", "ffmpeg", "ffprobe") if shutil.which(n) is None]
    if missing or not FONT_BOLD.is_file():
        sys.exit(
            f"missing: {', '.join(missing) or FONT_BOLD} "
            "(apt-get install ffmpeg espeak-ng sox fonts-noto-core)"
        )


def speakable(text: str) -> str:
    for written, spoken in SPOKEN_FORMS.items():
        text = text.replace(written, spoken)
    return text


def narrate(text: str, wav: Path) -> float:
    """Speak ``text`` into a mono WAV with a pause after it; returns its length in seconds."""
    raw = wav.with_suffix(".raw.wav")
    run(["espeak-ng", "-v", VOICE, "-s", str(SPEED_WPM), "-a", str(AMPLITUDE), "-w", raw,
         speakable(text)])  # fmt: skip
    run(["sox", "-R", "-D", "-V1", raw, "-r", str(RATE), "-c", "1", "-b", "16", wav,
         "pad", "0.4", str(PAUSE_S)])  # fmt: skip
    return float(run(["soxi", "-D", wav]).strip())


def drawtext(textfile: Path, font: Path, size: int, y: str, colour: str) -> str:
    path = str(textfile).replace("\\", "/").replace(":", "\\:")
    return (
        f"drawtext=fontfile={font}:textfile={path}:fontsize={size}:fontcolor={colour}"
        f":line_spacing=14:x=(w-text_w)/2:y={y}"
    )


def render_slide(slide: Slide, index: int, work: Path) -> Path:
    wav = work / f"slide{index}.wav"
    seconds = narrate(slide.narration, wav)
    title_file = work / f"title{index}.txt"
    text_file = work / f"text{index}.txt"
    title_file.write_text(slide.title, encoding="utf-8")
    text_file.write_text(slide.text, encoding="utf-8")
    filters = ",".join(
        [
            "drawbox=x=0:y=ih-36:w=iw:h=36:color=0xF5C518:t=fill",
            drawtext(title_file, FONT_BOLD, 50, "h*0.22", "0xFFE8A0"),
            drawtext(text_file, FONT_REGULAR, 32, "h*0.50", "white"),
            f"fade=t=in:st=0:d=0.4,fade=t=out:st={seconds - 0.4:.3f}:d=0.4",
        ]
    )
    out = work / f"slide{index}.mp4"
    run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"color=c={slide.background}:s={WIDTH}x{HEIGHT}:r={FPS}",
            "-i", wav,
            "-filter_complex", f"[0:v]{filters}[v]",
            "-map", "[v]", "-map", "1:a", "-t", f"{seconds:.3f}",
            "-c:v", "libx264", "-preset", "slow", "-crf", "30", "-pix_fmt", "yuv420p",
            "-tune", "stillimage", "-g", str(FPS * 4),
            "-c:a", "aac", "-b:a", "48k", "-ar", str(RATE), "-ac", "1",
            out,
        ]
    )  # fmt: skip
    return out


def render_clip(spec: ClipSpec, work: Path) -> Path:
    parts = [render_slide(slide, i, work) for i, slide in enumerate(spec.slides)]
    listing = work / "parts.txt"
    listing.write_text("".join(f"file '{p}'\n" for p in parts), encoding="utf-8")
    out = OUT_DIR / f"{spec.id}.mp4"
    run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
            "-i", listing, "-c", "copy", "-movflags", "+faststart",
            "-map_metadata", "-1", "-metadata", f"title={spec.title}",
            "-fflags", "+bitexact", out,
        ]
    )  # fmt: skip
    return out


def main() -> None:
    check_tools()
    entries = []
    for spec in CLIPS:
        with tempfile.TemporaryDirectory(prefix=f"clip-{spec.id}-") as folder:
            out = render_clip(spec, Path(folder))
        seconds = float(
            run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                 "default=nw=1:nk=1", out]).strip()
        )  # fmt: skip
        size = out.stat().st_size
        print(f"{out.name}: {seconds:.1f} s, {size / 1024:.0f} KiB")
        entries.append(
            {
                "id": spec.id,
                "file": out.name,
                "title": spec.title,
                "description": spec.description,
            }
        )
    INDEX_FILE.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
