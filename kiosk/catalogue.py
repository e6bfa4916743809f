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
    "import_rejected": "Tệp {file} bị từ chối, kho nội dung không thay đổi. Có {count} lỗi:",
    "import_skipped": "Đã bỏ qua {count} dòng có lỗi:",
    "import_ignored_columns": "Các cột không dùng đến: {columns}",
    "import_problem_file": "  - {text}",
    "import_problem_row": "  - {where} {row}, cột «{column}»: {text}",
    "import_problem_row_only": "  - {where} {row}: {text}",
    "row": "dòng",
    "record": "mục",
    "problem_file_type": "không đọc được loại tệp «{value}»: dùng .csv, .xlsx hoặc .json",
    "problem_file_unreadable": "không đọc được tệp: {value}",
    "problem_xls": "tệp Excel kiểu cũ (.xls): xin lưu lại thành .xlsx",
    "problem_xlsx_corrupt": "tệp Excel (.xlsx) bị hỏng hoặc không phải tệp Excel ({value})",
    "problem_zip_as_csv": "đây là tệp Excel, không phải CSV: xin đổi đuôi thành .xlsx",
    "problem_utf16": "tệp mã hóa UTF-16: xin lưu lại dạng «CSV UTF-8»",
    "problem_encoding": "tệp không phải mã UTF-8 ({value}): xin lưu lại dạng «CSV UTF-8»",
    "problem_json_syntax": "tệp JSON sai cú pháp: {value}",
    "problem_json_shape": "tệp JSON phải là một danh sách thủ tục",
    "problem_no_header": "không thấy dòng tiêu đề có các cột thủ tục (Mã thủ tục, Tên thủ tục…)",
    "problem_missing_column": "thiếu cột bắt buộc «{column}»",
    "problem_duplicate_column": "cột «{column}» trùng với cột «{value}»",
    "problem_no_rows": "tệp không có thủ tục nào",
    "problem_not_object": 'không phải một thủ tục (cần dạng {{"code": …}})',
    "problem_empty": "ô bắt buộc đang để trống",
    "problem_bad_code": "mã thủ tục không hợp lệ «{value}»",
    "problem_duplicate_code": "mã {value} bị trùng (cũng có ở {where} {other})",
    "problem_bad_date": "ngày không hợp lệ «{value}» (viết 2024-07-01 hoặc 01/07/2024)",
    "problem_bad_status": (
        "trạng thái không rõ «{value}» (Mới, Sửa đổi, Thay thế, Bãi bỏ, Đang áp dụng)"
    ),
    "problem_bad_url": "địa chỉ web không hợp lệ «{value}» (phải bắt đầu bằng https://)",
    "problem_bad_value": "giá trị phải là chữ hoặc danh sách chữ",
    "problem_file_too_big": (
        "tệp nặng {value} MB, quá {limit} MB (một danh sách thủ tục không bao giờ lớn thế)"
    ),
    "problem_too_many_rows": "tệp có hơn {limit} dòng (một danh sách thủ tục không dài thế)",
    "problem_too_many_columns": "có hơn {limit} cột",
    "problem_too_many_cells": "tệp có hơn {limit} ô",
    "problem_xlsx_too_big": "phần «{value}» của tệp Excel giải nén ra hơn {limit} MB",
    "problem_xlsx_bomb": (
        "phần «{value}» của tệp Excel giải nén ra gấp hơn {limit} lần cỡ của nó (tệp độc hại?)"
    ),
    "problem_xlsx_parts": "tệp Excel có hơn {limit} phần bên trong",
    "problem_xlsx_strings": "tệp Excel chứa hơn {limit} đoạn chữ khác nhau",
    "problem_xlsx_unsafe": "tệp Excel chứa khai báo XML mà Excel không bao giờ ghi ({value})",
    "problem_json_depth": "tệp JSON lồng nhau sâu hơn {limit} tầng",
    "problem_json_number": "tệp JSON có một số dài hơn 4.300 chữ số",
    "problem_invisible_only": "ô chỉ có ký tự vô hình (không thấy được)",
    "problem_invisible_in_code": "mã thủ tục chứa ký tự vô hình {value}: xin gõ lại mã",
    "problem_cell_too_long": "ô dài hơn {limit} ký tự",
    "problem_text_too_long": "nội dung dài {value} ký tự, quá {limit} ký tự",
    "problem_item_too_long": "mục thứ {other} dài {value} ký tự, quá {limit} ký tự",
    "problem_too_many_items": "có hơn {limit} mục",
    "problem_record_too_long": "cả thủ tục dài {value} ký tự, quá {limit} ký tự",
    "problem_long_word": (
        "có một «từ» dài hơn {limit} chữ cái ({value}…): văn bản thật không có từ nào dài thế"
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
