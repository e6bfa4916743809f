"""What the hub's commands say to staff, in Vietnamese (the hub's catalogue).

Keys are English; values are format strings. Logs stay in English and do not come here.
"""

MESSAGES: dict[str, str] = {
    # broker
    "broker_written": "Đã ghi cấu hình Mosquitto cho xã {commune} vào {out}.",
    "broker_users": "Tài khoản: {hub} (máy chủ xã) và {count} thiết bị: {devices}.",
    "broker_tls": "Mã hoá TLS: bật (cổng {port}).",
    "broker_plain": "Mã hoá TLS: tắt — chỉ dùng khi máy chủ tin nhắn nghe trên {host}.",
    "broker_credentials": (
        "Mật khẩu nằm trong {folder}: chép từng tệp sang đúng máy (gộp vào tệp cấu hình), "
        "rồi xoá đi."
    ),
    "broker_run": "Chạy máy chủ tin nhắn: mosquitto -c {config}",
    "ca_made": "Đã tạo tổ chức cấp chứng thư của xã: {cert} (giữ kín {key}).",
    "cert_made": "Đã tạo chứng thư {cert} và khoá {key}.",
    # hub
    "hub_initialised": "Đã khởi tạo máy chủ xã «{commune}» tại {data}.",
    "hub_key": "Khoá công khai của máy chủ xã (ghi vào [mqtt] hub_key của mỗi thiết bị):",
    "hub_key_line": "  {key}",
    "hub_devices": "Thiết bị đã đăng ký: {devices}.",
    "hub_no_devices": "Chưa đăng ký thiết bị nào; thiết bị sẽ được ghi nhận khi kết nối lần đầu.",
    "hub_not_running": (
        "Dịch vụ máy chủ xã («village hub») chưa chạy: thiết bị sẽ nhận khi dịch vụ chạy."
    ),
    # push
    "push_stored": "Đã lưu phiên bản nội dung {version}: {items}.",
    "push_all": "Gửi tới toàn xã ({count} thiết bị).",
    "push_some": "Gửi tới: {devices}.",
    "push_none": "Chưa có thiết bị nào trong xã: thiết bị sẽ nhận khi kết nối lần đầu.",
    "push_warning": "Lưu ý: {warning}",
    "procedures_report": (
        "Thủ tục trong tệp: {added} mới, {amended} sửa đổi, {status_changed} đổi trạng thái, "
        "{unchanged} không đổi."
    ),
    "progress_waiting": "  {device}: đang chờ thiết bị nhận…",
    "progress_offline": "  {device}: đang ngoại tuyến — sẽ nhận khi kết nối lại",
    "progress_fetching": "  {device}: đang tải {percent:.0f}% ({have} / {total})",
    "progress_applied": "  {device}: ✓ đã áp dụng phiên bản {version}",
    "progress_refused": "  {device}: ✗ từ chối phiên bản {version}: {reason}",
    "push_done": "Mọi thiết bị đã áp dụng phiên bản {version}.",
    "push_refused": "{count} thiết bị từ chối phiên bản {version} (xem lý do ở trên).",
    "push_pending": "{count} thiết bị chưa áp dụng xong; thiết bị sẽ nhận khi kết nối lại.",
    # send
    "send_queued": "Đã gửi lệnh «{action}» (mức {priority}) tới {target}; hiệu lực đến {expires}.",
    "send_ok": "  {device}: ✓ {detail}",
    "send_refused": "  {device}: ✗ {reason}",
    "send_offline": (
        "  {device}: ngoại tuyến — lệnh sẽ đến nếu thiết bị kết nối trước khi hết hạn"
    ),
    "send_no_reply": "  {device}: chưa trả lời",
    "send_expired": "  {device}: lệnh hết hạn trước khi gửi được",
    "send_started": "đã bắt đầu phát",
    "send_stopped": "đã dừng buổi phát",
    "send_idle": "không có buổi nào đang phát",
    "action_play-now": "phát ngay",
    "action_emergency": "phát khẩn cấp",
    "action_stop": "dừng phát",
    "priority_ordinary": "thường",
    "priority_priority": "ưu tiên",
    "priority_emergency": "khẩn cấp",
    "whole_commune": "toàn xã",
    # reasons (device refusal codes)
    "reason_disk-full": "không đủ dung lượng đĩa",
    "reason_hash-mismatch": "tệp tải về không khớp mã băm SHA-256",
    "reason_malformed": "nội dung không hợp lệ",
    "reason_oversized": "tin nhắn quá lớn",
    "reason_bad-signature": "chữ ký không hợp lệ",
    "reason_unsigned": "không có chữ ký",
    "reason_wrong-key": "ký bằng khoá khác",
    "reason_store": "không ghi được kho nội dung",
    "reason_unknown-segment": "thiết bị không có bài phát thanh này",
    "reason_quiet-hours": "đang trong giờ yên tĩnh (chỉ được phát khẩn cấp)",
    "reason_holiday": "ngày nghỉ lễ: không phát tin thường",
    "reason_busy": "đang phát một buổi cùng mức hoặc cao hơn",
    "reason_expired": "lệnh đã hết hạn",
    "reason_replayed": "lệnh đã nhận trước đó",
    "reason_wrong-address": "không gửi cho thiết bị này",
    "reason_stale": "phiên bản cũ hơn phiên bản đang dùng",
    # devices
    "devices_header": (
        "Thiết bị         Trạng thái   Lần cuối liên lạc    Phiên bản     Rơ-le  Đĩa trống  "
        "Đồng hồ       Buổi phát gần nhất"
    ),
    "devices_none": "Chưa có thiết bị nào.",
    "online": "trực tuyến",
    "offline": "ngoại tuyến",
    "relay_on": "BẬT",
    "relay_off": "tắt",
    "clock_ok": "đã đồng bộ",
    "clock_bad": "CHƯA đồng bộ",
    "unknown": "—",
    "sync_fetching": "đang tải bản {version}",
    "sync_refused": "từ chối bản {version}: {reason}",
    # logs
    "logs_none": "Chưa có bản ghi nào.",
    "logs_header": "Thiết bị         Giờ dự kiến          Kết quả        Rơ-le bật → tắt      Buổi",
    "journal_header": "Thiết bị         Thời điểm            Loại         Nội dung",
    "outcome_aired": "đã phát",
    "outcome_partial": "phát một phần",
    "outcome_missed": "bỏ lỡ",
    # demo
    "demo_broker": "Máy chủ tin nhắn Mosquitto riêng: 127.0.0.1:{port} (cấu hình tại {config}).",
    "demo_hub": "Máy chủ xã «{commune}» đang chạy; khoá công khai {key}.",
    "demo_push": "Gửi nội dung mẫu qua máy chủ xã: phiên bản {version} ({items}).",
    "demo_applied": (
        "Thiết bị {device} đã áp dụng phiên bản {version} ({segments} bài, {plans} lịch)."
    ),
    "demo_hub_records": "Máy chủ xã đã nhận {count} bản ghi nhật ký phát thanh từ {device}:",
    "demo_no_mosquitto": "Không có Mosquitto: bản trình diễn chạy không kết nối mạng.",
    "demo_sync_failed": "Đồng bộ qua máy chủ xã không hoàn tất: {detail}",
}


def say(message_key: str, /, **values: object) -> str:
    return MESSAGES[message_key].format(**values)


def reason(code: str, detail: str = "") -> str:
    """A device's refusal in words staff understand, with the technical detail after it."""
    text = MESSAGES.get(f"reason_{code}", code or "?")
    return f"{text} ({detail})" if detail else text
