"""What the ``village`` command says to staff, in Vietnamese (the CLI's catalogue).

Keys are English; values are format strings. Logs stay in English and do not come here.
"""

MESSAGES: dict[str, str] = {
    "error": "Lỗi: {detail}",
    "config_invalid": "Tệp cấu hình {source} có {count} lỗi:",
    "config_problem": "  - {key}: {message}",
    "command_twice": (
        "lệnh «village {name}» được đăng ký hai lần ({first} và {second}): "
        "gỡ bớt một gói hoặc đổi tên lệnh"
    ),
    # configuration: what a check says about a key ([section] key = value)
    "config_range": "phải trong khoảng {low} đến {high}",
    "config_at_least": "phải từ {low} trở lên",
    "config_gpio_pin": "phải là số chân GPIO (đánh số BCM) từ 0 đến 27",
    "config_one_of": "phải là một trong: {choices}",
    "config_time_zone": "múi giờ không tồn tại: {value}",
    "config_time_range": "phải có dạng 21:30-05:30 (giờ 24), hoặc để trống nếu không có",
    "config_holidays": "không phải ngày (YYYY-MM-DD, hoặc MM-DD cho mọi năm): {dates}",
    "config_base64": "phải là chuỗi base64 do lệnh 'village hub init' in ra",
    "config_key_length": "phải là khoá công khai Ed25519 32 byte, dạng base64",
    "config_identifier": "phải gồm 1-63 ký tự a-z, 0-9, '-' hoặc '_', bắt đầu bằng chữ hoặc số",
    "config_list": "phải là một danh sách",
    "config_every_item": "mọi phần tử {problem}",
    "config_bool": "phải là true hoặc false",
    "config_int": "phải là số nguyên",
    "config_finite": "phải là một số hữu hạn (không được là inf hay nan)",
    "config_number": "phải là một số",
    "config_str": "phải là chuỗi (trong dấu ngoặc kép)",
    "config_invisible": "chứa ký tự vô hình hoặc ký tự điều khiển {char}",
    "config_unknown_key": "khoá không có trong cấu hình",
    "config_unknown_section": "mục không có trong cấu hình",
    "config_not_a_section": "phải là một mục [tên_mục]",
    "config_unreadable": "không đọc được: {detail}",
    "config_too_big": "tệp lớn hơn {mb} MB: không phải tệp cấu hình",
    "config_not_utf8": "không phải văn bản UTF-8",
    "config_too_deep": "mảng hoặc bảng lồng nhau quá sâu",
    "config_long_int": "có số nguyên dài hơn 4.300 chữ số",
    # importing procedures (village.procedures): the kiosk's 'village import procedures', the
    # hub's 'village push procedures' and the console's preview say the importer's problems so
    "import_rejected": "Tệp {file} bị từ chối, kho nội dung không thay đổi. Có {count} lỗi:",
    "import_skipped": "Đã bỏ qua {count} dòng có lỗi:",
    "import_ignored_columns": "Các cột không dùng đến: {columns}",
    "import_problem_file": "  - {text}",
    "import_problem_row": "  - {where} {row}, cột «{column}»: {text}",
    "import_problem_row_only": "  - {where} {row}: {text}",
    "problem_where_row": "dòng",
    "problem_where_record": "mục",
    "problem_unknown": "{text}",  # a kind this catalogue does not know yet: the importer's words
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
    # media (village.media, library, clips) and the content store (store, storage, atomic)
    "media_no_tool": "chưa cài {tool} (gói Debian 'ffmpeg')",
    "media_probe_timeout": "{file}: đọc tệp quá lâu, đã dừng",
    "media_unreadable_because": "{file}: không đọc được tệp âm thanh/video này ({reason})",
    "media_unreadable": "{file}: không đọc được tệp âm thanh/video này",
    "media_decode_timeout": "{file}: giải mã tệp quá lâu, đã dừng",
    "media_corrupt": "{file}: tệp hỏng hoặc bị cắt cụt ({reason})",
    "media_no_loudness": "{file}: không đo được độ to",
    "media_missing": "{file}: không có tệp này",
    "media_kind_unknown": "không rõ",
    "media_wrong_type": "{file}: loại tệp không dùng được ({kind}); dùng {accepted}",
    "media_audio_formats": "OGG, MP3, WAV, FLAC hoặc M4A",
    "media_no_audio": "{file}: tệp không có âm thanh",
    "media_too_short": "{file}: quá ngắn ({duration:.2f} giây)",
    "media_silent": "{file}: chỉ có im lặng (độ to {lufs} LUFS)",
    "media_video_formats": "MP4 hoặc WebM",
    "media_no_video": "{file}: tệp không có hình",
    "media_text_too_long": "{what} dài {length} ký tự, quá {limit} ký tự",
    "media_long_word": "{what} có một «từ» dài hơn {limit} chữ cái ({word}…)",
    "media_title_invisible": "tên {kind} chỉ có ký tự vô hình: hãy gõ lại tên (--title)",
    "media_title_missing": "{kind} cần có tên (--title)",
    "media_title_of": "tên {kind}",
    "media_id_invisible": "mã {kind} chứa ký tự vô hình {char}: hãy gõ lại mã (--id)",
    "media_bad_id": "mã {kind} {id}: chỉ dùng a-z, 0-9, '-' và '_' (tối đa 64 ký tự)",
    "media_kind_segment": "bài phát thanh",
    "media_kind_clip": "video",
    "media_topic": "chủ đề",
    "media_description": "mô tả",
    "media_no_samples": (
        "không tìm thấy nội dung mẫu; đặt VILLAGE_MEDIA là thư mục media/ của dự án"
    ),
    "media_bad_catalogue": "không đọc được {file}: {detail}",
    "store_disk_full": "đầy ổ đĩa khi ghi {path}; bản trước vẫn được giữ nguyên",
    "store_write_failed": "không ghi được {path}: {detail}",
    "store_unreadable": "không đọc được {path}: {detail}",
    "store_corrupt": "{path} bị hỏng ({detail}); hãy khôi phục từ bản sao lưu",
    "store_not_tinydb": "{path} không phải kho nội dung TinyDB",
    "store_read_only": "{path} chỉ được mở để đọc",
    "store_bad_media_name": "tên tệp media không phải mã SHA-256: {name}",
    "store_hash_mismatch": "{file}: SHA-256 {got} không khớp với {expected}",
    "segment_imported": (
        "Đã thêm bài phát thanh «{title}» (mã {id}): {duration}, độ to {lufs:.1f} LUFS."
    ),
    "plans_imported": "Đã nhập {count} lịch phát thanh từ {file}:",
    "plan_line": "  - {id}: «{title}», {slot_minutes:g} phút/buổi, mức {priority}",
    "samples_kiosk": "Đã nạp {procedures} thủ tục hành chính và {clips} video mẫu cho kiosk.",
    "no_plans": "Chưa có lịch phát thanh nào trong kho nội dung.",
    "slots_suppressed": "{count} buổi bị bỏ qua:",
    "slot_suppressed": "  - {start} «{title}»: {reason}",
    "plan_changes": (
        "Lịch «{calendar}» ({file}): thêm {added}, thay {replaced}, bỏ {removed}, "
        "giữ nguyên {unchanged} lịch phát thanh."
    ),
    "plan_added": "  + {id}: «{title}», {slot_minutes:g} phút/buổi, mức {priority}",
    "plan_replaced": (
        "  ~ {id}: «{title}», {slot_minutes:g} phút/buổi, mức {priority} (thay bản cũ)"
    ),
    "plan_unchanged": "  = {id}: «{title}» (không đổi)",
    "plan_removed": "  - {id}: «{title}» (không còn trong lịch này, sẽ bị bỏ)",
    "plan_note": "  Ghi chú: {note}",
    "plan_first_slots": "Các buổi sắp tới:",
    "plan_first_slots_past": "Lịch không còn buổi nào từ hôm nay; các buổi đầu tiên của lịch:",
    "plan_no_slots": "Lịch không có buổi phát nào.",
    "plan_dry_run": "Chạy thử (--dry-run): chưa thay đổi gì.",
    "plans_import_done": "Đã nhập {count} lịch phát thanh từ {file}.",
    "slot_moved": " (dời từ {start}: {reason})",
    "moved_holiday": "trùng ngày lễ",
    "moved_rescheduled": "lịch đã dời",
    "plans_quarantined": "Cảnh báo: {count} lịch bị bỏ qua, không phát buổi nào:",
    "plan_quarantined": "  - {id} «{title}»: {reason}",
    "not_running": "Bộ điều khiển phát thanh không chạy ({detail}).",
    "relay_off_done": "Đã ngắt rơ-le loa (GPIO{pin}).",
    "relay_off_daemon": "Bộ điều khiển đã ngắt rơ-le loa.",
    "relay_off_guard": "Tiến trình bảo vệ rơ-le đã ngắt rơ-le loa.",
    "stopped": "Đã dừng buổi phát thanh đang phát.",
    "nothing_to_stop": "Không có buổi phát thanh nào đang phát.",
    "play_started": "Bắt đầu phát: {segments}",
    "no_log": "Nhật ký phát thanh còn trống.",
    "log_header": "Giờ dự kiến           Kết quả       Rơ-le bật → tắt        Buổi",
    "outcome_aired": "đã phát",
    "outcome_partial": "phát một phần",
    "outcome_missed": "bỏ lỡ",
    "status_line": "Trạng thái: {state}; rơ-le: {relay}; đồng hồ: {clock}",
    "status_next": "Buổi tới: {start} «{title}»",
    "status_last": "Buổi gần nhất: {start} «{title}» — {outcome}",
    "status_schedule_computing": "Đang tính các buổi phát từ lịch…",
    "status_quarantined": "Lịch bị tạm loại (các lịch khác vẫn phát): «{title}» ({plan}): {reason}",
    "on": "bật",
    "off": "tắt",
    "clock_ok": "đã đồng bộ",
    "clock_bad": "CHƯA đồng bộ",
    "segments_header": "Mã bài                       Thời lượng  Độ to     Tên bài",
    "demo_start": "== Trình diễn village: dữ liệu tại {data} ==",
    "demo_imported": "Đã nạp {count} bài phát thanh mẫu và lịch mặc định ({slots} buổi/năm 2021).",
    "demo_slot": (
        "Buổi phát thử bắt đầu lúc {start} (sau {seconds:.0f} giây), dài {length:.0f} giây."
    ),
    "demo_audio": "Âm thanh: trình điều khiển SDL «{driver}»{where}.",
    "demo_clock": "Đồng hồ máy chưa đồng bộ NTP: bản trình diễn tạm tin giờ hệ thống.",
    "step_ready": "[{at}] Bộ điều khiển sẵn sàng.",
    "step_relay_on": "[{at}] RƠ-LE BẬT — khởi động bộ khuếch đại ({title}).",
    "step_segment_start": "[{at}] ▶ Bắt đầu bài «{title}» ({segment}).",
    "step_segment_end": "[{at}] ■ Hết bài «{title}».",
    "step_segment_error": "[{at}] ✗ Không phát được «{title}»: {detail}",
    "step_fade_out": "[{at}] Giảm dần âm lượng: hết giờ của buổi phát.",
    "step_relay_off": "[{at}] RƠ-LE TẮT.",
    "step_missed": "[{at}] Bỏ lỡ buổi {slot}: {reason}",
    "step_clock_wait": "[{at}] Đồng hồ chưa đồng bộ: chờ trước khi phát buổi {slot}.",
    "step_logged": "[{at}] Đã ghi nhật ký: {outcome}{reason}.",
    "demo_pin_history": "Lịch sử chân GPIO{pin} (rơ-le, mức thấp = đóng): {states}",
    "demo_log": "== Nhật ký phát thanh ==",
    "demo_kiosk": "Kiosk: {procedures} thủ tục trên máy; ảnh màn hình trang chủ: {path}",
    "demo_kiosk_failed": "Không chụp được màn hình kiosk: {detail}",
    "demo_done": "Trình diễn xong.",
    "demo_failed": "Trình diễn không hoàn tất: {detail}",
    "provision_new": "Đã đăng ký thiết bị mới {device} của xã {commune}.",
    "provision_known": "Thiết bị {device} của xã {commune} đã có: cập nhật lại.",
    "provision_password_new": "Đã tạo mật khẩu máy chủ tin nhắn cho thiết bị.",
    "provision_password_kept": "Giữ mật khẩu cũ của thiết bị (--new-password để đổi).",
    "provision_broker": "Đã cập nhật mật khẩu và quyền truy cập (ACL) trong {folder}.",
    "provision_config": "Tệp cấu hình cho thiết bị: {path}",
    "provision_ca": "Chứng thư của xã (chép cùng tệp cấu hình vào /etc/village/): {path}",
    "provision_address": "Thiết bị sẽ kết nối tới {host}:{port} ({tls}).",
    "provision_tls_on": "có mã hoá TLS",
    "provision_tls_off": "không mã hoá",
    "provision_placeholder": (
        "Chú ý: máy chủ tin nhắn nghe trên mọi địa chỉ; sửa «host» trong {path} thành tên "
        "hoặc địa chỉ của máy chủ xã (hoặc chạy lại với --public-host)."
    ),
    "provision_reloaded": "Máy chủ tin nhắn (mosquitto) đã đọc lại mật khẩu và ACL.",
    "provision_reload_not_running": "Máy chủ tin nhắn (mosquitto) chưa chạy: khởi động nó.",
    "provision_reload_manual": (
        "Cho máy chủ tin nhắn đọc lại {folder}: sudo systemctl reload mosquitto "
        "(hoặc gửi SIGHUP cho mosquitto)."
    ),
    "provision_reload_failed": "Không nạp lại được mosquitto: {detail}",
    "provision_next": (
        "Chép {path} sang máy Pi rồi chạy: sudo scripts/install.sh --config village.toml "
        "(xoá bản chép khi xong: tệp chứa mật khẩu)."
    ),
    # recurrence rules (village.recurrence): why an RRULE is refused
    "rrule_parse_rule": "RRULE dài quá {max_rule_chars} ký tự",
    "rrule_parse_rule_2": "phần «{chunk}» của RRULE không có dạng TÊN=GIÁ TRỊ",
    "rrule_parse_rule_3": "RRULE có phần {key}, lịch phát thanh không dùng được",
    "rrule_parse_rule_4": "RRULE có {key} hai lần",
    "rrule_check_lists": "BYDAY={value}: «{day}» không phải thứ trong tuần (MO…SU)",
    "rrule_check_lists_2": "WKST={value} không phải thứ trong tuần (MO…SU)",
    "rrule_check_frequency": "RRULE thiếu FREQ (tần suất lặp)",
    "rrule_check_frequency_2": (
        "FREQ={freq}: buổi phát không thể lặp theo từng {value} (tối đa {max_slots_per_day} "
        "buổi một ngày)"
    ),
    "rrule_check_frequency_3": "FREQ={freq} không hợp lệ: dùng DAILY, WEEKLY, MONTHLY, YEARLY…",
    "rrule_check_limits": "INTERVAL={interval}: khoảng lặp phải từ 1 trở lên",
    "rrule_check_limits_2": "INTERVAL={interval} quá lớn với FREQ={freq}",
    "rrule_check_limits_3": "RRULE không được có cả COUNT và UNTIL",
    "rrule_check_limits_4": "COUNT={value}: số buổi phải từ 1 trở lên",
    "rrule_integer": "{key}={value} không phải số nguyên",
    "rrule_numbers": "{key}={value}: «{item}» không phải số",
    "rrule_numbers_2": "{key}={value}: {value2} nằm ngoài khoảng {low}…{high}",
    "rrule_duration_text": "{value:g} giờ",
    "rrule_duration_text_2": "{value:g} phút",
    "rrule_duration_text_3": "{seconds:g} giây",
    "rrule_density_problems": (
        "quy tắc lặp cho tới {per_day} buổi một ngày, quá giới hạn {max_slots_per_day} buổi "
        "một ngày"
    ),
    "rrule_density_problems_2": (
        "các buổi chỉ cách nhau {value}, ngắn hơn một buổi phát ({value2}): các buổi sẽ "
        "chồng lên nhau"
    ),
    "rrule_dates_problems": (
        "ngày {value} có {value2} buổi, quá giới hạn {max_slots_per_day} buổi một ngày"
    ),
    "rrule_dates_problems_2": (
        "buổi {a:%Y-%m-%d %H:%M} và {b:%H:%M} cách nhau {value}, ngắn hơn một buổi phát"
    ),
    "rrule_year_problem": "năm bắt đầu {year} nằm ngoài {first_year}…{last_year}",
    # calendar files (village.ics): why a calendar or an event is refused
    "ics_read_bounded": "{path}: không đọc được ({strerror})",
    "ics_too_big": (
        "{name}: tệp lịch {value:.1f} MB, quá giới hạn {value2:g} MB; hãy xuất riêng lịch "
        "phát thanh (không kèm lịch làm việc khác)"
    ),
    "ics_parse": "không phải tệp lịch iCalendar (.ics): {exc}",
    "ics_too_many": (
        "tệp lịch có {count} sự kiện, quá giới hạn {max_events}; hãy xuất riêng lịch phát "
        "thanh, hoặc chia thành nhiều tệp"
    ),
    "ics_parse_calendar": "tệp lịch không có sự kiện nào (VEVENT)",
    "ics_parse_calendar_2": "… và {value} sự kiện lỗi khác",
    "ics_label": "sự kiện UID {uid}",
    "ics_uid_invisible": (
        "UID có ký tự không nhìn thấy ({char}), nên trông giống một UID khác mà không phải; "
        "hãy xuất lại lịch từ ứng dụng lịch"
    ),
    "ics_makeup": "cách bù buổi «{value}»: dùng next-free-day (bù vào ngày kế tiếp) hoặc skip",
    "ics_moment": "không phải ngày giờ: {value!r}",
    "ics_property_moment": "{name} «{prop}» không phải ngày giờ",
    "ics_moments": "{name} «{item}» không phải ngày giờ",
    "ics_start_of": "thiếu giờ bắt đầu (DTSTART)",
    "ics_start_of_2": "sự kiện cả ngày (DTSTART không có giờ); buổi phát cần giờ bắt đầu",
    "ics_length_of": "DTEND không có giờ",
    "ics_length_of_2": "thiếu DTEND hoặc DURATION: không biết độ dài buổi phát",
    "ics_length_of_3": "sự kiện kết thúc trước hoặc ngay lúc bắt đầu (độ dài buổi phát là 0)",
    "ics_duration": "DURATION «{value}» không hợp lệ (ví dụ đúng: PT15M là 15 phút)",
    "ics_latest": (
        "có {count} sự kiện cùng UID, không có RECURRENCE-ID và cùng SEQUENCE nhưng khác "
        "nhau: không biết bản nào đúng"
    ),
    "ics_latest_2": "{value}: dùng bản mới nhất (SEQUENCE {value2}), bỏ {value3} bản cũ",
    "ics_plan": "{value}: đã hủy (STATUS:CANCELLED), lưu nhưng không phát",
    "ics_rule": (
        "sự kiện có {count} quy tắc lặp (RRULE); lịch phát thanh chỉ nhận một: hãy tách "
        "thành các sự kiện riêng"
    ),
    "ics_rule_2": "RRULE «{rule}» không hợp lệ",
    "ics_override": "RECURRENCE-ID;RANGE={scope} không được hỗ trợ",
    "ics_orphan": (
        "{value}: buổi dời ({rid}) không có chuỗi gốc trong tệp, nhập thành một buổi riêng"
    ),
    "ics_refuse_unsupported": "EXRULE (quy tắc loại trừ) không được hỗ trợ: hãy dùng EXDATE",
    "ics_refuse_unsupported_2": (
        "Outlook ghi quy tắc lặp theo lịch không phải dương lịch (X-MICROSOFT-RRULE): hãy "
        "đặt lịch lặp theo dương lịch rồi xuất lại"
    ),
    # plans (village.plan): why a plan is refused or a session left out
    "plan_parse": "mức ưu tiên không hợp lệ {value!r}: dùng thường, ưu tiên hoặc khẩn cấp",
    "plan_init": "lịch {plan_id}: {reason}",
    "plan_tick": "tính các buổi phát mất quá {max_seconds:g} giây (sau {steps} bước)",
    "plan_add_slots": "quá {max_slots} buổi phát trong khoảng thời gian được hỏi",
    "plan_local": "không phải ngày giờ địa phương (YYYY-MM-DDTHH:MM:SS): {text!r}",
    "plan_local_2": "giờ địa phương không ghi độ lệch UTC: {text!r}",
    "plan_from_value": "thay đổi buổi phát không hợp lệ: {value!r}",
    "plan_from_value_2": "trường thay đổi buổi không hợp lệ: {value}",
    "plan_problems": "buổi {recurrence_id}: độ dài buổi phát không hợp lệ",
    "plan_problems_2": "từ buổi {recurrence_id} cả chuỗi bị dời quá {days} ngày",
    "plan_problems_3": "buổi {recurrence_id} bị dời quá 10 năm",
    "plan_from_dict": "trường lịch không hợp lệ: {value}",
    "plan_from_dict_2": "lịch {value!r}: danh sách thay đổi buổi không hợp lệ",
    "plan_field_problems": "mã lịch {id!r} phải gồm 1-80 chữ, số, '.', '_' hoặc '-'",
    "plan_field_problems_2": "múi giờ không tồn tại: {timezone!r}",
    "plan_field_problems_3": "độ dài buổi phát phải lớn hơn 0 và không quá một ngày",
    "plan_field_problems_4": "cách bù buổi {makeup!r}: dùng {value}",
    "plan_date_problems": "ngày {text!r} không có dạng YYYY-MM-DD",
    "plan_date_problems_2": "thay đổi buổi phát không hợp lệ: {override!r}",
    "plan_rule_problems": "quy tắc lặp không bao giờ có buổi nào",
    "plan_rule_problems_2": "RRULE không hợp lệ {rrule!r}: {exc}",
    "plan_expand_or_quarantine": "không tính được các buổi phát: {exc}",
    # calendar time zones (village.ics_zones)
    "zone_lookup": "múi giờ (TZID) «{value}» không hợp lệ",
    "zone_lookup_2": (
        "múi giờ «{text}» có giờ mùa hè và không phải tên múi giờ chuẩn: hãy đặt múi giờ của "
        "lịch là tên IANA (ví dụ Asia/Ho_Chi_Minh) rồi xuất lại"
    ),
    "zone_lookup_3": "múi giờ (TZID) «{text}» không phải tên múi giờ",
    "zone_lookup_4": (
        "không nhận ra múi giờ «{text}» (không phải tên IANA như Asia/Ho_Chi_Minh, không "
        "phải tên múi giờ Windows, tệp không định nghĩa nó)"
    ),
}


def say(message_key: str, /, **values: object) -> str:
    return MESSAGES[message_key].format(**values)
