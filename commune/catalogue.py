"""What the hub's commands say to staff, in Vietnamese (the hub's catalogue).

Keys are English; values are format strings. Logs stay in English and do not come here.
"""

MESSAGES: dict[str, str] = {
    # broker
    "broker_written": "Đã ghi cấu hình Mosquitto cho xã {commune} vào {out}.",
    "broker_users": "Tài khoản: {hub} (máy chủ xã) và {count} thiết bị: {devices}.",
    "broker_tls": "Mã hoá TLS: bật (cổng {port}).",
    "broker_bad_ids": "mã không hợp lệ: {ids} (chỉ dùng a-z, 0-9, '-', '_')",
    "broker_device_twice": "một mã thiết bị được nêu hai lần",
    "broker_hub_user_as_device": "{user} là tên tài khoản của máy chủ xã, không phải mã thiết bị",
    "broker_tls_missing": "không có tệp TLS {file}",
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
    "push_unknown_devices": "không có thiết bị {devices} trong xã (các thiết bị đã biết: {known})",
    "push_no_devices_yet": "chưa có thiết bị nào",
    "push_no_plan": "{file}: lịch không có buổi phát thanh nào",
    "push_missing_segments": "thiết bị {device} chưa có bài {segments}",
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
    "reason_bad-plan": "có lịch phát thiết bị không tính được buổi phát",
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
    "devices_refused": "⚠ máy chủ đã từ chối: {what}",
    "refused_fetch-refused": "{count} yêu cầu tải tệp không được giao",
    "refused_fetch-over-limit": "{count} yêu cầu tải vượt hạn mức",
    "refused_blocks-over-limit": "{count} khối xin tải lại vượt hạn mức",
    "refused_log-over-quota": "{count} bản ghi vượt hạn mức ngày (thiết bị giữ lại)",
    "refused_log-deferred": "{count} bản ghi nhận sau (thiết bị gửi lại)",
    "refused_log-flagged": "{count} bản ghi bất thường (không tính vào báo cáo)",
    "refused_message-refused": "{count} tin nhắn sai giao thức",
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
    # report: staff commands
    "report_bad_date": (
        "Ngày «{text}» ở {option} không hợp lệ: viết theo dạng năm-tháng-ngày, ví dụ 2025-03-31."
    ),
    "report_to_before_from": (
        "Ngày kết thúc ({last}) ở trước ngày bắt đầu ({first}): --to phải từ --from trở đi."
    ),
    "report_future": (
        "Ngày {day} ở {option} chưa đến (hôm nay là {today}): chỉ báo cáo được những ngày đã qua."
    ),
    "report_bad_format": (
        "Không rõ định dạng báo cáo của «{out}»: chọn --format docx, pdf, csv hoặc html."
    ),
    "report_bad_number": "Số văn bản «{number}» không hợp lệ: chỉ gồm chữ số, ví dụ --number 15.",
    "report_empty": (
        "Không có dữ liệu nào từ ngày {first} đến ngày {last}: không thiết bị nào gửi nhật ký "
        "phát thanh hay nhật ký ki-ốt, không có hội nghị nào được ghi nhận và không có thay đổi "
        "kết nối nào{planned}. Chưa tạo báo cáo; thêm --allow-empty nếu vẫn cần báo cáo ghi "
        "«Không có dữ liệu»."
    ),
    "report_empty_planned": " ({planned} buổi phát theo kế hoạch chưa có bản ghi)",
    "report_written": "Đã tạo báo cáo {period} ({format}): {path}",
    "report_summary": (
        "Phát thanh: {aired}/{planned} buổi theo kế hoạch phát đầy đủ, {minutes} phút; "
        "hội nghị: {conferences}; ki-ốt: {views} lượt xem, {ratings} lượt đánh giá."
    ),
    "report_unconfigured": (
        "Lưu ý: chưa đặt tên xã ([report] commune_name trong tệp cấu hình), "
        "báo cáo để trống chỗ tên xã."
    ),
    "report_no_libreoffice": (
        "Không tìm thấy LibreOffice (lệnh soffice) để tạo tệp PDF: cài gói "
        "libreoffice-writer-nogui (sudo apt-get install libreoffice-writer-nogui), "
        "hoặc tạo báo cáo dạng docx."
    ),
    "report_convert_failed": "LibreOffice không chuyển được báo cáo sang PDF: {detail}",
    "conference_future": "Ngày hội nghị {day} chưa đến (hôm nay là {today}).",
    "conference_bad_attendees": "Số người dự phải từ 1 trở lên (đã nhập {value}).",
    "conference_no_topic": 'Cần ghi nội dung hội nghị (--topic "…").',
    "conference_long_topic": "Nội dung hội nghị quá dài (tối đa {limit} ký tự).",
    "conference_recorded": ("Đã ghi hội nghị ngày {day}: «{topic}», {attendees} người dự{place}."),
    "conference_place": ", tại {place}",
    # report: units and labels
    "unit_days": "{n} ngày",
    "unit_hours": "{n} giờ",
    "unit_minutes": "{n} phút",
    "rating_5": "Rất hài lòng",
    "rating_4": "Hài lòng",
    "rating_3": "Bình thường",
    "rating_2": "Không hài lòng",
    "rating_1": "Rất không hài lòng",
    "feedback_reason_hard_to_understand": "thủ tục khó hiểu",
    "feedback_reason_not_found": "không tìm thấy thủ tục",
    "feedback_reason_text_too_small": "chữ nhỏ khó đọc",
    "feedback_reason_long_wait": "thời gian chờ lâu",
    "feedback_reason_staff_attitude": "thái độ phục vụ chưa tốt",
    "verdict_met": "Đạt",
    "verdict_not-met": "Không đạt",
    "verdict_incomplete": "Chưa đủ dữ liệu",
    "verdict_no-data": "Không có dữ liệu",
    "verdict_no-plan": "—",
    # report: play-log reasons
    "why_not_running": "thiết bị tắt hoặc đang khởi động lại vào giờ phát",
    "why_too_late": "quá muộn để bắt đầu ({seconds} giây sau giờ dự kiến)",
    "why_busy": "đang phát buổi khác («{title}»)",
    "why_clock": "đồng hồ thiết bị chưa được đồng bộ vào giờ phát",
    "why_power": "bị gián đoạn: bộ điều khiển dừng hoặc mất điện khi đang phát",
    "why_preempted": "bị ngắt để phát tin {level}",
    "why_max_on": "loa bật quá thời gian tối đa cho phép",
    "why_stopping": "bộ điều khiển dừng hoạt động",
    "why_operator": "cán bộ dừng buổi phát",
    "why_button": "dừng bằng nút bấm",
    "why_relay_off": "cán bộ tắt loa",
    "why_nothing": "không có bài nào để phát",
    "why_unplayable": "không phát được bài nào",
    "why_skipped": "bỏ qua bài không phát được ({ids})",
    "why_late_cut": "bắt đầu muộn {seconds} giây, hết giờ trước khi phát xong",
    "why_cut": "hết giờ trước khi phát xong các bài",
    "why_late": "bắt đầu muộn {seconds} giây",
    "why_before_audio": " trước khi bắt đầu phát",
    # report: the document
    "doc_blank_name": "……",
    "doc_issuing_default": "ỦY BAN NHÂN DÂN\nXÃ {name}",
    "doc_number": "Số: {number}/{suffix}",
    "doc_number_blank": "\u00a0" * 8,
    "doc_motto_1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "doc_motto_2": "Độc lập - Tự do - Hạnh phúc",
    "doc_date_line": "{place}, ngày {day} tháng {month} năm {year}",
    "doc_title": "BÁO CÁO",
    "doc_month": "tháng {month} năm {year}",
    "doc_quarter": "quý {quarter} năm {year}",
    "doc_first_half": "6 tháng đầu năm {year}",
    "doc_second_half": "6 tháng cuối năm {year}",
    "doc_year": "năm {year}",
    "doc_from_to": "từ ngày {first} đến ngày {last}",
    "doc_recipients": "Nơi nhận:",
    "doc_recipient": "- {text};",
    "doc_recipient_last": "- {text}.",
    "doc_intro": (
        "Thực hiện kế hoạch tuyên truyền cải cách hành chính trên địa bàn xã {name}, kết quả "
        "tuyên truyền {period} trên hệ thống truyền thanh cơ sở, qua hội nghị và tại ki-ốt tra "
        "cứu thủ tục hành chính như sau:"
    ),
    "doc_sources": (
        "Số liệu phát thanh, ki-ốt và kết nối được tổng hợp từ nhật ký các thiết bị ({devices}) "
        "gửi về máy chủ của xã; số liệu hội nghị do cán bộ nhập."
    ),
    "doc_closing": "Trên đây là báo cáo {subject} {period}./.",
    "doc_total": "Cộng",
    "doc_dash": "—",
    "doc_untitled": "(không tên)",
    "doc_no_data": "Không có dữ liệu.",
    "doc_chart_number": "Biểu đồ {n}. {caption}",
    "doc_h_broadcast": "KẾT QUẢ TUYÊN TRUYỀN TRÊN HỆ THỐNG TRUYỀN THANH",
    "doc_h_sessions": "Số buổi phát so với kế hoạch",
    "doc_h_problems": "Các buổi phát một phần hoặc bị bỏ lỡ",
    "doc_h_special": "Phát thanh khẩn cấp và ưu tiên",
    "doc_h_segments": "Các bài đã phát",
    "doc_h_conferences": "TUYÊN TRUYỀN QUA HỘI NGHỊ",
    "doc_h_kiosk": "KẾT QUẢ SỬ DỤNG KI-ỐT TRA CỨU THỦ TỤC HÀNH CHÍNH",
    "doc_h_fields": "Lượt xem thủ tục theo lĩnh vực",
    "doc_h_procedures": "Các thủ tục được xem nhiều nhất",
    "doc_h_not_found": "Nội dung tìm kiếm không có kết quả",
    "doc_h_ratings": "Mức độ hài lòng của người dân",
    "doc_h_devices": "TÌNH TRẠNG KẾT NỐI CỦA THIẾT BỊ",
    "doc_lead_plan": "Kế hoạch: ",
    "doc_lead_done": "Thực hiện: ",
    "doc_lead_verdict": "Đánh giá: ",
    "doc_plan": (
        "{planned} buổi phát trong kỳ (tổng {planned_minutes} phút); chỉ tiêu {sessions} buổi "
        "mỗi tuần{devices_note}, mỗi buổi {minutes} phút."
    ),
    "doc_plan_devices": " trên {devices} thiết bị",
    "doc_no_plan": "Không có kế hoạch phát thanh nào áp dụng trong kỳ.",
    "doc_no_playlog": "Không có dữ liệu: không thiết bị nào gửi nhật ký phát thanh trong kỳ.",
    "doc_no_playlog_planned": (
        "Không có dữ liệu: không thiết bị nào gửi nhật ký phát thanh trong kỳ, nên chưa biết "
        "{planned} buổi theo kế hoạch đã được phát hay chưa."
    ),
    "doc_done": (
        "phát đầy đủ {aired}/{planned} buổi theo kế hoạch ({percent}%), phát một phần "
        "{partial} buổi, bỏ lỡ {missed} buổi"
    ),
    "doc_done_no_record": ", chưa có dữ liệu {count} buổi",
    "doc_done_extra": (
        "; ngoài kế hoạch phát thêm {unplanned} buổi. Tổng thời lượng phát: {minutes} phút."
    ),
    "doc_done_unplanned_only": (
        "phát {unplanned} buổi ngoài kế hoạch, tổng thời lượng {minutes} phút."
    ),
    "doc_verdict_met": "đạt chỉ tiêu kế hoạch (mọi buổi theo kế hoạch đều được phát đầy đủ).",
    "doc_verdict_not-met": "không đạt chỉ tiêu kế hoạch",
    "doc_verdict_weeks": " ({weeks} tuần không đạt).",
    "doc_verdict_incomplete": (
        "chưa đủ dữ liệu để đánh giá: một số buổi theo kế hoạch chưa có bản ghi từ thiết bị."
    ),
    "doc_verdict_no-data": "chưa đánh giá được vì không có dữ liệu phát thanh trong kỳ.",
    "doc_chart_sessions": "Số buổi phát theo tuần so với kế hoạch",
    "doc_chart_fields": "Lượt xem thủ tục tại ki-ốt theo lĩnh vực",
    "doc_week_label": "Tuần {number}\n({first}–{last})",
    "doc_weeks_note": (
        "Tuần tính từ thứ Hai đến Chủ nhật, cắt theo kỳ báo cáo. «Phát đủ»: buổi theo kế hoạch "
        "được phát trọn; «Chưa có dữ liệu»: buổi theo kế hoạch mà thiết bị chưa gửi bản ghi; "
        "«—»: tuần không có nhật ký phát thanh nào. Thời lượng là thời gian phát các bài, kể cả "
        "các buổi ngoài kế hoạch."
    ),
    "doc_no_record_list": "{count} buổi theo kế hoạch chưa có bản ghi: {sessions}",
    "doc_implausible": (
        "{count} bản ghi phát thanh bất thường không được tính vào các số liệu trên "
        "({reasons}); thiết bị: {devices}."
    ),
    "doc_lead_implausible": "Lưu ý: ",
    "doc_held_back": (
        "Máy chủ xã đã từ chối nhận các bản ghi vượt hạn mức mỗi ngày của thiết bị {devices} "
        "(thiết bị vẫn giữ các bản ghi đó): số liệu của thiết bị này có thể chưa đầy đủ."
    ),
    "implausible_future": "thời điểm ở tương lai",
    "implausible_old": "quá cũ",
    "implausible_no-time": "không có thời điểm",
    "implausible_outcome": "kết quả không hợp lệ",
    "implausible_unknown-plan": "kế hoạch chưa từng giao cho thiết bị",
    "implausible_slot": "buổi không khớp với kế hoạch",
    "implausible_unknown-segment": "bài chưa từng giao cho thiết bị",
    "implausible_duration": "thời lượng không thể có",
    "implausible_rating": "đánh giá không hợp lệ",
    "implausible_overlap": "trùng giờ với một buổi phát khác của thiết bị",
    "doc_and_more": " và {count} buổi khác",
    "doc_no_problems": "Không có buổi phát nào bị bỏ lỡ hoặc chỉ phát một phần.",
    "doc_no_special": "Không có buổi phát khẩn cấp hay ưu tiên nào trong kỳ.",
    "doc_special": "Trong kỳ có {emergency} buổi phát khẩn cấp và {priority} buổi phát ưu tiên:",
    "doc_no_segments": "Không có bài nào được phát.",
    "doc_segments": "{count} bài được phát, tổng cộng {plays} lượt:",
    "doc_no_conferences": "Không có hội nghị tuyên truyền nào được ghi nhận trong kỳ.",
    "doc_conferences": "Tổ chức {count} hội nghị với tổng số {attendees} lượt người tham dự:",
    "doc_no_kiosk": "Không có dữ liệu: không ki-ốt nào gửi nhật ký sử dụng trong kỳ.",
    "doc_no_usage": "Các ki-ốt chưa gửi số liệu lượt xem và tìm kiếm trong kỳ.",
    "doc_kiosk_summary": (
        "Trong {days} ngày có người sử dụng, ki-ốt ghi nhận {views} lượt xem {procedures} thủ "
        "tục, {clips} lượt xem video và {searches} lượt tìm kiếm, trong đó {not_found} lượt "
        "không tìm thấy kết quả."
    ),
    "doc_no_views": "Không có lượt xem thủ tục nào trong kỳ.",
    "doc_unknown_field": "Không rõ lĩnh vực",
    "doc_unknown_procedure": "(thủ tục không còn trong danh mục)",
    "doc_all_found": "Cả {searches} lượt tìm kiếm đều có kết quả.",
    "doc_not_found": (
        "{count}/{searches} lượt tìm kiếm ({percent}%) không có kết quả, gồm {distinct} nội dung "
        "khác nhau; đây là những điều người dân cần mà ki-ốt chưa đáp ứng:"
    ),
    "doc_no_ratings": "Không có lượt đánh giá nào trong kỳ.",
    "doc_ratings": (
        "Có {count} lượt đánh giá, điểm trung bình {average}/5; {satisfied} lượt hài lòng hoặc "
        "rất hài lòng ({percent}%)."
    ),
    "doc_reasons": "Các điểm chưa hài lòng được nêu: {reasons}.",
    "doc_no_presence": "Không có dữ liệu về trạng thái kết nối của thiết bị trong kỳ.",
    "doc_all_online": (
        "Các thiết bị ({devices}) kết nối liên tục với máy chủ xã trong suốt kỳ báo cáo."
    ),
    "doc_offline": "{count}/{devices} thiết bị có lúc mất kết nối với máy chủ xã:",
    "doc_spell": "{start} – {end} ({duration})",
    "doc_spell_before": ", mất kết nối từ trước kỳ báo cáo",
    "doc_spell_still": ", đến cuối kỳ chưa kết nối lại",
    "doc_rest_online": "Các thiết bị còn lại ({devices}) kết nối liên tục.",
    "doc_presence_unknown": "Chưa có dữ liệu trạng thái của thiết bị: {devices}.",
    "doc_presence_note": (
        "Thời gian mất kết nối tính theo máy chủ xã, từ khi máy chủ nhận tin thiết bị ngoại "
        "tuyến đến khi thiết bị kết nối lại, trong phạm vi kỳ báo cáo. Khi mất kết nối, thiết "
        "bị vẫn phát thanh theo lịch và gửi nhật ký khi kết nối lại."
    ),
    "doc_outcome_aired": "Phát đầy đủ",
    "doc_outcome_partial": "Phát một phần",
    "doc_outcome_missed": "Bỏ lỡ",
    "doc_outcome_no-record": "Chưa có dữ liệu",
    "doc_level_emergency": "Khẩn cấp",
    "doc_level_priority": "Ưu tiên",
    "doc_level_ordinary": "Thường",
    "doc_trigger_schedule": "Theo lịch",
    "doc_trigger_manual": "Phát trực tiếp",
    "doc_trigger_button": "Nút bấm",
    "doc_trigger_hub": "Lệnh từ máy chủ xã",
    "doc_trigger_emergency": "Lệnh khẩn cấp",
    "doc_col_week": "Tuần",
    "doc_col_planned": "Kế hoạch",
    "doc_col_aired": "Phát đủ",
    "doc_col_partial": "Phát một phần",
    "doc_col_missed": "Bỏ lỡ",
    "doc_col_no_record": "Chưa có dữ liệu",
    "doc_col_unplanned": "Ngoài kế hoạch",
    "doc_col_minutes": "Thời lượng (phút)",
    "doc_col_verdict": "Đánh giá",
    "doc_col_time": "Thời gian",
    "doc_col_device": "Thiết bị",
    "doc_col_session": "Buổi phát",
    "doc_col_outcome": "Kết quả",
    "doc_col_reason": "Lý do",
    "doc_col_content": "Nội dung",
    "doc_col_level": "Mức độ",
    "doc_col_trigger": "Hình thức",
    "doc_col_no": "STT",
    "doc_col_segment": "Bài phát thanh",
    "doc_col_plays": "Lượt phát",
    "doc_col_complete": "Phát trọn bài",
    "doc_col_date": "Ngày",
    "doc_col_topic": "Nội dung hội nghị",
    "doc_col_place": "Địa điểm",
    "doc_col_attendees": "Số người dự",
    "doc_col_field": "Lĩnh vực",
    "doc_col_views": "Lượt xem",
    "doc_col_share": "Tỷ lệ (%)",
    "doc_col_code": "Mã thủ tục",
    "doc_col_procedure": "Tên thủ tục",
    "doc_col_query": "Nội dung tìm kiếm",
    "doc_col_times": "Số lần",
    "doc_col_rating": "Mức độ hài lòng",
    "doc_col_count": "Số lượt",
    "doc_col_spells": "Số lần mất kết nối",
    "doc_col_offline": "Tổng thời gian",
    "doc_col_longest": "Lần mất kết nối dài nhất",
    "chart_aired": "Phát đầy đủ",
    "chart_partial": "Phát một phần",
    "chart_planned": "Kế hoạch",
    "chart_sessions": "Số buổi",
    "chart_week": "Tuần {number}",
    "chart_views": "Lượt xem",
    "chart_no_data": "không có\ndữ liệu",
    # public site (village site build) and notice board (village site print)
    "site_office": "UBND xã {name}",
    "site_tagline": "Thủ tục hành chính và cải cách hành chính",
    "site_skip": "Bỏ qua, đến nội dung chính",
    "site_nav_label": "Mục chính",
    "site_nav_home": "Trang chủ",
    "site_nav_fields": "Lĩnh vực",
    "site_nav_reform": "Cải cách hành chính",
    "site_nav_schedule": "Lịch phát thanh",
    "site_crumbs": "Vị trí của trang",
    "site_search_label": "Tìm thủ tục (không cần gõ dấu)",
    "site_search_placeholder": "Ví dụ: khai sinh, ket hon, 1.001193",
    "site_search_button": "Tìm",
    "site_updated": "Cập nhật ngày {date}",
    "site_footer": "Nội dung như màn hình tra cứu tại Bộ phận Một cửa, {office}.",
    "site_home_title": "Thủ tục hành chính",
    "site_home_intro": (
        "{count} thủ tục hành chính đang áp dụng tại {office}: hồ sơ cần mang theo, "
        "thời hạn, lệ phí và nơi nộp."
    ),
    "site_fields_title": "Chọn lĩnh vực",
    "site_field_count": "{count} thủ tục",
    "site_recent_title": "Mới ban hành, sửa đổi",
    "site_no_recent": "Không có thủ tục mới thay đổi.",
    "site_no_content": "Chưa có thủ tục nào được công bố.",
    "site_field_title": "Lĩnh vực {field}",
    "site_field_page": "trang {number}/{pages}",
    "site_page_number": "Trang {number}",
    "site_pages_label": "Các trang của lĩnh vực {field}",
    "site_field_empty": "Lĩnh vực này hiện không có thủ tục.",
    "site_code": "Mã thủ tục {code}",
    "site_status_new": "Mới ban hành",
    "site_status_amended": "Đã sửa đổi, bổ sung",
    "site_status_replaced": "Đã được thay thế",
    "site_status_abolished": "Đã bãi bỏ",
    "site_status_current": "Đang áp dụng",
    "site_effective_from": "Hiệu lực từ ngày {date}",
    "site_effective_since": "Từ ngày {date}",
    "site_procedure_description": "{name}: hồ sơ cần mang theo, thời hạn, lệ phí, nơi nộp.",
    "site_section_documents": "Hồ sơ cần mang theo",
    "site_section_submit_place": "Nơi nộp hồ sơ",
    "site_section_time_limit": "Thời hạn giải quyết",
    "site_section_fees": "Phí, lệ phí",
    "site_section_steps": "Các bước thực hiện",
    "site_section_channels": "Cách nộp hồ sơ",
    "site_section_result": "Kết quả nhận được",
    "site_section_subjects": "Ai được làm thủ tục này",
    "site_section_conditions": "Yêu cầu, điều kiện",
    "site_section_agency": "Cơ quan giải quyết",
    "site_section_legal_basis": "Căn cứ pháp lý",
    "site_no_info": "Xin hỏi cán bộ Bộ phận Một cửa.",
    "site_checklist_hint": "Đánh dấu từng giấy tờ khi đã chuẩn bị xong.",
    "site_online_title": "Nộp hồ sơ trực tuyến",
    "site_online_link": "Nộp hồ sơ thủ tục này trên Cổng Dịch vụ công",
    "site_online_qr": "Mã QR của trang nộp hồ sơ trực tuyến thủ tục {name}",
    "site_qr_caption": "Quét mã này bằng điện thoại để nộp hồ sơ trực tuyến.",
    "site_more_in_field": "Các thủ tục khác trong lĩnh vực {field}",
    "site_gone": "Thủ tục này không còn áp dụng. Xin hỏi cán bộ Bộ phận Một cửa thủ tục thay thế.",
    "site_gone_fields": "Xem các thủ tục đang áp dụng theo lĩnh vực",
    "site_reform_title": "Tuyên truyền cải cách hành chính",
    "site_reform_intro": (
        "Lịch phát thanh, các bài phát thanh để nghe lại, các hội nghị tuyên truyền và video "
        "hướng dẫn của {office}."
    ),
    "site_reform_teaser": "Bài phát thanh, hội nghị và video về cải cách hành chính",
    "site_toc": "Các mục của trang",
    "site_schedule_title": "Lịch phát thanh năm {year}",
    "site_schedule_summary": "Đài truyền thanh xã phát {sessions} buổi trong năm {year}.",
    "site_schedule_next": "Buổi tới: {time} ngày {date}, «{title}».",
    "site_schedule_open": "Xem lịch phát thanh năm {year}",
    "site_schedule_none": "Chưa có buổi phát thanh nào được lên lịch trong năm {year}.",
    "site_schedule_rules": (
        "Lịch đã trừ giờ nghỉ đêm ({quiet}) và các ngày lễ; giờ phát có thể thay đổi khi có "
        "tin khẩn cấp."
    ),
    "site_month": "Tháng {month}/{year}",
    "site_col_time": "Giờ phát",
    "site_col_programme": "Chương trình",
    "site_col_days": "Các ngày",
    "site_listen_title": "Nghe lại các bài phát thanh",
    "site_listen_intro": "Các bài đã được nén nhỏ để nghe trên điện thoại, tốn ít dung lượng mạng.",
    "site_download": "Tải về",
    "site_download_what": "«{title}»",
    "site_download_kind": "{kind}, {size}",
    "site_no_segments": "Chưa có bài phát thanh nào.",
    "site_conferences_title": "Hội nghị tuyên truyền năm {year}",
    "site_no_conferences": "Chưa có hội nghị tuyên truyền nào được ghi nhận trong năm {year}.",
    "site_col_date": "Ngày",
    "site_col_topic": "Nội dung",
    "site_col_place": "Địa điểm",
    "site_col_attendees": "Số người dự",
    "site_clips_title": "Video hướng dẫn",
    "site_no_clips": "Chưa có video nào.",
    "site_minutes_seconds": "{minutes} phút {seconds} giây",
    "site_seconds": "{seconds} giây",
    "site_search_title": "Tìm thủ tục",
    "site_search_fallback_title": "Tìm theo lĩnh vực",
    "site_search_fallback": (
        "Chọn lĩnh vực của thủ tục cần tìm để xem danh sách, hoặc hỏi cán bộ Bộ phận Một cửa."
    ),
    # the search results, as the kiosk's search screen words them (kiosk/catalogue.py)
    "site_search_found": "Tìm thấy {count} thủ tục",
    "site_search_none": "Không tìm thấy thủ tục nào cho «{query}».",
    "site_search_none_help": "Xin thử gõ từ khác, hoặc hỏi cán bộ Bộ phận Một cửa.",
    "site_search_partial": "Có thể bạn cần…",
    "site_search_only_partial": "Không có thủ tục nào khớp hết «{query}».",
    "site_built": (
        "Đã tạo trang công khai tại {out}: {pages} trang, {procedures} thủ tục "
        "({written} tệp ghi mới, {unchanged} giữ nguyên, {removed} xoá), {size} HTML, "
        "{seconds:.1f} giây."
    ),
    "site_warning": "Lưu ý: {warning}",
    "site_page_large": "trang {path} nặng {size}, quá 150 KB",
    "site_plan_left_out": "lịch «{title}» không đọc được nên không có trong lịch phát thanh",
    "site_segment_left_out": "không nén được bài «{title}» (thiếu tệp hoặc FFmpeg lỗi)",
    "site_clip_left_out": "thiếu tệp của video «{title}»",
    "site_out_not_folder": "{out} không phải là thư mục",
    "site_out_not_empty": (
        "thư mục {out} đã có tệp khác: chọn một thư mục trống (hoặc thư mục của lần tạo trước)"
    ),
    "site_no_source": (
        "không tìm thấy nội dung: dùng --hub THƯ_MỤC (máy chủ xã), --store THƯ_MỤC (kho của "
        "thiết bị) hoặc --samples (nội dung mẫu)"
    ),
    "site_unknown_codes": "không có thủ tục đang áp dụng với mã: {codes}",
    "site_no_pdf_engine": "không tìm thấy Chromium để in PDF (cài gói chromium)",
    "site_pdf_failed": "không in được PDF bằng {engine}: {detail}",
    "site_printed": "Đã in {pages} trang A4 ({sheets} tờ thủ tục) vào {out} bằng {engine}.",
    "site_print_list_title": "DANH MỤC THỦ TỤC HÀNH CHÍNH",
    "site_print_list_sub": "tiếp nhận tại Bộ phận Một cửa, {office}",
    "site_col_no": "STT",
    "site_col_code": "Mã thủ tục",
    "site_col_name": "Tên thủ tục",
    "site_col_time_limit": "Thời hạn giải quyết",
    "site_col_fees": "Phí, lệ phí",
    "site_print_total": "Tổng số: {count} thủ tục.",
    "site_print_scan_page": "Quét để xem thủ tục này trên điện thoại",
    "site_print_scan_online": "Quét để nộp hồ sơ trực tuyến",
    "site_print_marks": "Mới: thủ tục mới ban hành. Sửa đổi: thủ tục đã sửa đổi, bổ sung.",
    "site_mark_new_short": "Mới",
    "site_mark_amended_short": "Sửa đổi",
    # configuration ([site], [hub], [report], [console] sections)
    "config_web_address": "phải là địa chỉ bắt đầu bằng http:// hoặc https://, hoặc để trống",
}


def say(message_key: str, /, **values: object) -> str:
    return MESSAGES[message_key].format(**values)


def reason(code: str, detail: str = "") -> str:
    """A device's refusal in words staff understand, with the technical detail after it."""
    text = MESSAGES.get(f"reason_{code}", code or "?")
    return f"{text} ({detail})" if detail else text
