"""``village demo`` with Mosquitto: the samples travel through a private broker and hub, and
the broadcast's play log comes back to the hub."""

from __future__ import annotations

from tests.conftest import run_village
from tests.sync_helpers import needs_mosquitto


@needs_mosquitto
def test_demo_goes_through_a_broker_and_a_hub() -> None:
    proc = run_village(
        "demo",
        "--headless",
        timeout=240,
        env={"SDL_AUDIODRIVER": "dummy", "GPIOZERO_PIN_FACTORY": ""},
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    lines = out.splitlines()

    def index(prefix: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(prefix))

    broker = index("Máy chủ tin nhắn Mosquitto riêng: 127.0.0.1:")
    pushed = index("Gửi nội dung mẫu qua máy chủ xã: phiên bản")
    applied = index("Thiết bị pi-01 đã áp dụng phiên bản")
    relay_on = next(i for i, line in enumerate(lines) if "RƠ-LE BẬT" in line)
    at_hub = index("Máy chủ xã đã nhận 1 bản ghi nhật ký phát thanh từ pi-01")
    assert broker < pushed < applied < relay_on < at_hub
    assert "Buổi phát thử (rút gọn)" in lines[at_hub + 2]
    assert "đã phát" in lines[at_hub + 2]
