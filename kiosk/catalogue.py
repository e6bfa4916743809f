"""Every text the kiosk shows or says to people, in Vietnamese, in one place.

Keys are English; values are ``str.format`` templates. Code, comments and logs stay English.
"""

from __future__ import annotations

import datetime as dt

TEXTS: dict[str, str] = {
    # header and navigation
    "app_title": "Tra cứu thủ tục hành chính",
    "office": "Bộ phận Một cửa · {name}",
    "home": "Trang chủ",
    "back": "Quay lại",
    "larger_text": "Chữ to",
    "normal_text": "Chữ vừa",
    "feedback": "Góp ý",
    # home
    "fields_title": "Chọn lĩnh vực",
    "field_count": "{count} thủ tục",
    "search_title": "Tìm thủ tục",
    "search_hint": "Chạm vào đây để gõ tên thủ tục",
    "search_example": "Ví dụ: khai sinh, ket hon, so do",
    "recent_title": "Mới ban hành, sửa đổi",
    "clips_title": "Video hướng dẫn",
    "no_content": "Chưa có thủ tục nào. Xin mời Ông/Bà hỏi cán bộ Bộ phận Một cửa.",
    "no_recent": "Không có thủ tục mới thay đổi.",
    # a field
    "field_title": "Lĩnh vực {field}",
    "field_empty": "Lĩnh vực này hiện không có thủ tục.",
    # a procedure
    "code": "Mã thủ tục {code}",
    "level": "{level}",
    "status_new": "Mới ban hành",
    "status_amended": "Đã sửa đổi, bổ sung",
    "status_replaced": "Đã được thay thế",
    "status_abolished": "Đã bãi bỏ",
    "status_current": "Đang áp dụng",
    "effective_from": "Hiệu lực từ ngày {date}",
    "effective_since": "Từ ngày {date}",
    "section_steps": "Các bước thực hiện",
    "section_documents": "Hồ sơ cần mang theo",
    "section_time_limit": "Thời hạn giải quyết",
    "section_fees": "Phí, lệ phí",
    "section_submit_place": "Nơi nộp hồ sơ",
    "section_agency": "Cơ quan giải quyết",
    "section_channels": "Cách nộp hồ sơ",
    "section_result": "Kết quả nhận được",
    "section_subjects": "Ai được làm thủ tục này",
    "section_conditions": "Yêu cầu, điều kiện",
    "section_legal_basis": "Căn cứ pháp lý",
    "step": "Bước {number}",
    "no_info": "Xin hỏi cán bộ Bộ phận Một cửa.",
    "qr_caption": "Nộp hồ sơ trực tuyến: quét mã này bằng điện thoại",
    "qr_caption_site": "Xem thủ tục này trên điện thoại: quét mã này",
    "online": "Có thể nộp trực tuyến",
    "updated_here": "Nội dung thủ tục này vừa được cập nhật.",
    "procedure_gone": "Thủ tục «{name}» vừa được bãi bỏ hoặc thay thế, nên không còn hiển thị.",
    "procedure_removed": "Thủ tục này không còn trong danh mục.",
    # search
    "search_box_empty": "Gõ tên thủ tục, không cần dấu",
    "search_found": "Tìm thấy {count} thủ tục",
    "search_none": "Không tìm thấy thủ tục nào cho «{query}».",
    "search_none_help": "Xin thử gõ từ khác, hoặc hỏi cán bộ Bộ phận Một cửa.",
    "search_start": "Gõ vài chữ đầu của tên thủ tục, kết quả hiện ngay.",
    "search_partial": "Có thể bạn cần…",
    "search_only_partial": "Không có thủ tục nào khớp hết «{query}».",
    "key_space": "Dấu cách",
    "key_backspace": "Xóa",
    "key_clear": "Xóa hết",
    # clips
    "play": "Phát",
    "pause": "Tạm dừng",
    "replay": "Xem lại",
    "muted_for_broadcast": "Loa xã đang phát thanh: video tạm tắt tiếng.",
    "clip_missing": "Không mở được video này.",
    "minutes_seconds": "{minutes} phút {seconds} giây",
    "seconds": "{seconds} giây",
    # feedback
    "feedback_title": "Ông/Bà đánh giá thế nào về việc tra cứu, giải quyết thủ tục hôm nay?",
    "rating_5": "Rất hài lòng",
    "rating_4": "Hài lòng",
    "rating_3": "Bình thường",
    "rating_2": "Không hài lòng",
    "rating_1": "Rất không hài lòng",
    "reasons_title": "Điều gì chưa tốt? (có thể bỏ qua)",
    "reason_hard_to_understand": "Thủ tục khó hiểu",
    "reason_not_found": "Không tìm thấy thủ tục",
    "reason_text_too_small": "Chữ nhỏ khó đọc",
    "reason_long_wait": "Thời gian chờ lâu",
    "reason_staff_attitude": "Thái độ phục vụ chưa tốt",
    "send": "Gửi đánh giá",
    "choose_rating": "Xin chọn một mức đánh giá ở trên.",
    "thanks": "Cảm ơn Ông/Bà đã góp ý!",
    # attract loop and screen power
    "touch_to_start": "Chạm vào màn hình để tra cứu thủ tục hành chính",
    "attract_welcome": "Tra cứu {count} thủ tục hành chính",
    "attract_welcome_detail": "Xem hồ sơ cần mang theo, thời hạn, lệ phí và nơi nộp.",
    "attract_search": "Gõ tên thủ tục, không cần dấu",
    "attract_search_detail": "Ví dụ: «khai sinh», «ket hon», «so do».",
    "attract_new": "Thủ tục mới ban hành, sửa đổi",
    "attract_online": "Nộp hồ sơ trực tuyến",
    "attract_online_detail": "Nhiều thủ tục nộp được qua Cổng Dịch vụ công quốc gia.",
    "closed_title": "Ngoài giờ làm việc",
    "closed_hours": "Giờ làm việc: {hours}",
    "closed_touch": "Chạm vào màn hình để xem thủ tục",
    "always_open": "cả ngày",
    "weekday_0": "Thứ Hai",
    "weekday_1": "Thứ Ba",
    "weekday_2": "Thứ Tư",
    "weekday_3": "Thứ Năm",
    "weekday_4": "Thứ Sáu",
    "weekday_5": "Thứ Bảy",
    "weekday_6": "Chủ nhật",
    # staff panel
    "staff_title": "Khu vực cán bộ",
    "pin_prompt": "Nhập mã PIN của cán bộ",
    "pin_wrong": "Sai mã PIN.",
    "pin_locked": "Nhập sai nhiều lần. Xin thử lại sau một phút.",
    "pin_ok": "Đồng ý",
    "cancel": "Hủy",
    "close": "Đóng",
    "quit_app": "Thoát ứng dụng",
    "staff_device": "Thiết bị",
    "staff_revision": "Phiên bản nội dung",
    "staff_revision_value": "{revision} (cập nhật {updated})",
    "staff_counts": "Nội dung",
    "staff_counts_value": "{procedures} thủ tục, {clips} video",
    "staff_disk": "Bộ nhớ",
    "staff_disk_value": "còn trống {free} / {total}; kho nội dung {store}; nhật ký {journal}",
    "staff_broadcast": "Buổi phát thanh gần nhất",
    "staff_broadcast_none": "Chưa có buổi phát thanh nào",
    "staff_broadcast_value": "{start} «{title}» — {outcome}",
    "staff_relay": "Loa xã",
    "relay_on": "đang phát ({title})",
    "relay_off": "không phát",
    "staff_today": "Hôm nay",
    "staff_today_value": (
        "{views} lượt xem thủ tục, {searches} lượt tìm ({missed} không thấy), {feedback} đánh giá"
    ),
    "staff_not_found": "Tìm không thấy gần đây",
    "outcome_aired": "đã phát",
    "outcome_partial": "phát một phần",
    "outcome_missed": "bỏ lỡ",
    "unknown": "không rõ",
    # the village command (staff)
    "import_done": (
        "Đã nhập {file}: {added} thủ tục mới, {amended} sửa đổi, "
        "{status_changed} đổi trạng thái, {unchanged} không đổi."
    ),
    "search_header": "Mã thủ tục  Điểm    Lĩnh vực              Tên thủ tục",
    "search_nothing": "Không tìm thấy thủ tục nào cho «{query}».",
    "clip_imported": "Đã thêm video «{title}» (mã {id}): {duration}, {width}×{height}.",
    "screenshot_saved": "Đã lưu ảnh màn hình «{screen}» vào {path}.",
    # configuration ([kiosk] section)
    "config_opening_hours": (
        "phải có dạng 'T2-T6 07:00-17:00; T7 07:00-11:30' (ngày T2..T7, CN hoặc Mon..Sun; "
        "giờ đóng cửa sau giờ mở cửa), hoặc để trống nếu mở cửa cả ngày"
    ),
    "config_staff_pin": "phải gồm 4 đến 8 chữ số, hoặc để trống để tắt bảng cán bộ",
    "config_window_size": "phải có dạng 1280x800",
}


def t(key: str, /, **values: object) -> str:
    return TEXTS[key].format(**values)


def vn_date(iso: str) -> str:
    """'2024-07-01' -> '01/07/2024' (how dates are written in Vietnam)."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return iso


def duration_text(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    if not minutes:
        return t("seconds", seconds=secs)
    return t("minutes_seconds", minutes=minutes, seconds=secs)
