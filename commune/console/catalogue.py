"""Everything the console says to staff, in Vietnamese: the console's one catalogue.

Keys are English; values are ``str.format`` strings. Device refusal reasons and play-log
outcomes are the hub's own words (``commune.catalogue``), looked up through ``reason`` and
``t`` here so that pages and commands say the same thing.
"""

from __future__ import annotations

from commune import catalogue as hub_catalogue

MESSAGES: dict[str, str] = {
    # frame
    "app_name": "Bảng điều khiển xã",
    "app_commune": "Xã {commune}",
    "skip_to_content": "Bỏ qua menu",
    "menu": "Menu",
    "signed_in_as": "{name}",
    "logout": "Đăng xuất",
    "my_account": "Tài khoản",
    "noscript_refresh": "Trang không tự cập nhật khi tắt JavaScript: tải lại trang để xem mới.",
    # menu
    "nav_devices": "Thiết bị",
    "nav_broadcasts": "Nhật ký phát thanh",
    "nav_send": "Phát ngay",
    "nav_report": "Báo cáo",
    "nav_users": "Người dùng",
    "nav_audit": "Nhật ký thao tác",
    # refusals
    "refused_title": "Không thực hiện được",
    "refused_session": "Phiên làm việc đã hết hạn hoặc chưa đăng nhập. Hãy đăng nhập lại.",
    "refused_role": "Tài khoản của bạn không có quyền dùng chức năng này.",
    "refused_csrf": (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ (mã bảo vệ không khớp). Tải lại trang rồi thử lại."
    ),
    "refused_origin": "Yêu cầu không đến từ trang của bảng điều khiển nên bị từ chối.",
    "refused_internal": "Đã xảy ra lỗi trong máy chủ xã. Thử lại sau; nếu vẫn lỗi, báo quản trị.",
    "refused_not_found": "Không tìm thấy trang này.",
    "back_home": "Về trang chính",
    "login_again": "Đăng nhập",
    # forms and uploads
    "form_too_large": "Biểu mẫu quá lớn.",
    "form_malformed": "Biểu mẫu gửi lên không đúng định dạng.",
    "form_too_many_fields": "Biểu mẫu có quá nhiều trường.",
    "form_too_many_files": "Mỗi lần chỉ được tải lên tối đa {count} tệp.",
    "form_field_too_large": "Một trường của biểu mẫu quá dài.",
    "upload_too_large": (
        "Tệp quá lớn: chỉ nhận tệp đến {limit} MB. Tệp chưa được lưu; hãy chọn tệp nhỏ hơn "
        "hoặc nhờ quản trị tăng giới hạn ([console] upload_mb)."
    ),
    "upload_too_large_client": "Tệp «{name}» lớn hơn {limit} MB nên không tải lên được.",
    # login
    "login_title": "Đăng nhập",
    "login_name": "Tên đăng nhập",
    "login_password": "Mật khẩu",
    "login_submit": "Đăng nhập",
    "login_failed": "Sai tên đăng nhập hoặc mật khẩu.",
    "login_throttled": (
        "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút, hoặc nhờ quản trị giúp."
    ),
    "login_expired": "Phiên làm việc đã hết hạn. Hãy đăng nhập lại.",
    "login_out": "Bạn đã đăng xuất.",
    "totp_title": "Mã xác thực",
    "totp_prompt": "Nhập mã 6 chữ số trong ứng dụng xác thực trên điện thoại.",
    "totp_code": "Mã xác thực",
    "totp_submit": "Xác nhận",
    "totp_failed": "Mã xác thực không đúng hoặc đã dùng.",
    # account
    "account_title": "Tài khoản của tôi",
    "account_roles": "Vai trò",
    "account_password_title": "Đổi mật khẩu",
    "account_password_current": "Mật khẩu hiện tại",
    "account_password_new": "Mật khẩu mới",
    "account_password_again": "Nhập lại mật khẩu mới",
    "account_password_submit": "Đổi mật khẩu",
    "account_password_changed": "Đã đổi mật khẩu.",
    "account_password_wrong": "Mật khẩu hiện tại không đúng.",
    "account_password_mismatch": "Hai lần nhập mật khẩu mới không giống nhau.",
    "account_must_change": "Quản trị đã đặt mật khẩu cho bạn: hãy đổi mật khẩu trước khi làm việc.",
    "account_totp_title": "Xác thực hai bước",
    "account_totp_on": "Đang bật: mỗi lần đăng nhập cần mã từ ứng dụng xác thực.",
    "account_totp_off_state": "Đang tắt.",
    "account_totp_enrol": "Bật xác thực hai bước",
    "account_totp_scan": (
        "Quét mã QR bằng ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…), "
        "hoặc nhập khoá dưới đây, rồi nhập mã 6 chữ số ứng dụng hiện ra."
    ),
    "account_totp_secret": "Khoá",
    "account_totp_confirm": "Xác nhận và bật",
    "account_totp_enabled": "Đã bật xác thực hai bước.",
    "account_totp_disable": "Tắt xác thực hai bước",
    "account_totp_disabled": "Đã tắt xác thực hai bước.",
    "account_bad_name": (
        "Tên đăng nhập «{name}» không hợp lệ: dùng 2–32 ký tự a-z, 0-9, '.', '-', '_', "
        "bắt đầu bằng chữ hoặc số."
    ),
    "account_short_password": "Mật khẩu phải có ít nhất {count} ký tự.",
    "account_long_password": "Mật khẩu dài quá {count} ký tự.",
    "account_password_is_name": "Mật khẩu không được trùng tên đăng nhập.",
    "account_no_roles": "Tài khoản cần ít nhất một vai trò.",
    "account_exists": "Tài khoản «{name}» đã có.",
    "account_unknown": "Không có tài khoản «{name}».",
    "account_bad_role": "Vai trò không hợp lệ: {value}. Chọn trong: {roles}.",
    "account_last_admin": "Không thể bỏ quyền hay khoá quản trị viên cuối cùng.",
    # roles
    "role_admin": "Quản trị",
    "role_publisher": "Đăng thủ tục, video",
    "role_radio": "Phát thanh",
    "role_emergency": "Phát khẩn cấp",
    "role_viewer": "Xem, báo cáo",
    # devices
    "devices_title": "Thiết bị",
    "devices_none": "Chưa có thiết bị nào kết nối với máy chủ xã.",
    "devices_summary": "{online}/{total} thiết bị trực tuyến · {alerts} cảnh báo",
    "devices_updated": "Cập nhật lúc {time}",
    "col_device": "Thiết bị",
    "col_state": "Trạng thái",
    "col_last_seen": "Liên lạc lần cuối",
    "col_version": "Phiên bản nội dung",
    "col_relay": "Loa",
    "col_disk": "Đĩa trống",
    "col_clock": "Đồng hồ",
    "col_last_broadcast": "Buổi phát gần nhất",
    "col_alerts": "Cảnh báo",
    "state_online": "Trực tuyến",
    "state_offline": "Ngoại tuyến",
    "relay_on": "Đang phát",
    "relay_on_title": "Đang phát «{title}»",
    "relay_off": "Tắt",
    "clock_ok": "Đã đồng bộ",
    "clock_bad": "Chưa đồng bộ",
    "unknown": "—",
    "version_applied": "{version}",
    "version_pending": "{applied} (cần {wanted})",
    "alert_offline": "Ngoại tuyến từ {since} ({duration})",
    "alert_missed": "Bỏ lỡ buổi phát «{title}» lúc {time}{why}",
    "alert_partial": "Chỉ phát một phần buổi «{title}» lúc {time}{why}",
    "alert_why": ": {reason}",
    "alert_refused": "Không áp dụng phiên bản {version}: {reason}",
    "alert_fetching": "Đang tải phiên bản {version} ({percent}%)",
    "alert_waiting": "Chưa nhận phiên bản {version}",
    "alert_waiting_offline": "Chưa nhận phiên bản {version} (thiết bị ngoại tuyến)",
    "alert_clock": "Đồng hồ chưa đồng bộ: các buổi phát thường bị hoãn",
    "duration_minutes": "{n} phút",
    "duration_hours": "{h} giờ {m} phút",
    "duration_days": "{d} ngày {h} giờ",
    # broadcasts
    "broadcasts_title": "Nhật ký phát thanh",
    "filter_device": "Thiết bị",
    "filter_all_devices": "Tất cả thiết bị",
    "filter_from": "Từ ngày",
    "filter_to": "Đến ngày",
    "filter_outcome": "Kết quả",
    "filter_all_outcomes": "Tất cả",
    "filter_submit": "Lọc",
    "download_csv": "Tải về (CSV)",
    "broadcasts_count": "{count} buổi phát",
    "broadcasts_shown": "{count} buổi phát; hiện {shown} buổi gần nhất (tải CSV để xem hết).",
    "broadcasts_none": "Không có buổi phát nào khớp bộ lọc.",
    "broadcasts_bad_date": "Ngày «{text}» không hợp lệ: chọn ngày trên lịch hoặc viết 2025-03-31.",
    "broadcasts_bad_range": "«Đến ngày» phải từ «Từ ngày» trở đi.",
    "col_planned": "Giờ dự kiến",
    "col_title": "Buổi phát",
    "col_priority": "Mức",
    "col_trigger": "Hình thức",
    "col_outcome": "Kết quả",
    "col_relay_times": "Loa bật → tắt",
    "col_reason": "Ghi chú",
    "col_segments": "Bài đã phát",
    "csv_name": "nhat-ky-phat-thanh-{first}-{last}.csv",
    # send
    "send_title": "Phát ngay",
    "send_devices": "Thiết bị nhận lệnh",
    "send_all_devices": "Toàn xã (mọi thiết bị)",
    "send_all_devices_hint": "Không chọn thiết bị nào nghĩa là gửi tới toàn xã.",
    "send_segments": "Bài phát",
    "send_no_segments": "Máy chủ xã chưa có bài phát thanh nào: hãy thêm bài trước.",
    "send_title_field": "Tiêu đề buổi phát",
    "send_priority": "Mức",
    "send_play": "Phát ngay",
    "send_stop": "Dừng phát",
    "send_stop_help": "Dừng buổi đang phát trên các thiết bị đã chọn.",
    "send_emergency_title": "Phát khẩn cấp",
    "send_emergency_help": (
        "Phát khẩn cấp ngắt mọi buổi đang phát và phát cả trong giờ yên tĩnh. Cần ghi rõ lý do; "
        "bước sau sẽ hỏi xác nhận."
    ),
    "send_reason": "Lý do",
    "send_emergency_next": "Tiếp tục…",
    "send_need_segments": "Chọn ít nhất một bài để phát.",
    "send_need_reason": "Phát khẩn cấp cần ghi lý do.",
    "send_unknown_devices": "Không có thiết bị {devices} trong xã.",
    "send_missing_segments": (
        "Thiết bị {device} chưa có bài {segments}: hãy gửi bài tới thiết bị trước, hoặc chọn "
        "thiết bị khác."
    ),
    "send_confirm_title": "Xác nhận phát khẩn cấp",
    "send_confirm_lead": "Bạn sắp phát khẩn cấp. Loa sẽ bật ngay, kể cả trong giờ yên tĩnh.",
    "send_confirm_button": "Xác nhận phát khẩn cấp",
    "send_confirm_cancel": "Huỷ",
    "send_confirm_expired": "Bước xác nhận đã hết hạn hoặc không hợp lệ: hãy làm lại từ đầu.",
    "send_result_title": "Kết quả gửi lệnh",
    "send_result_lead": "{action} (mức {priority}) lúc {time} — {actor}",
    "send_result_reason": "Lý do: {reason}",
    "send_result_expires": "Lệnh còn hiệu lực đến {time}.",
    "send_answer_waiting": "Đang chờ trả lời…",
    "send_answer_offline": "Ngoại tuyến — lệnh sẽ đến nếu thiết bị kết nối trước khi hết hạn",
    "send_answer_expired": "Lệnh hết hạn trước khi thiết bị nhận",
    "send_answer_no_reply": "Không trả lời",
    "send_answer_started": "✓ Đã bắt đầu phát",
    "send_answer_stopped": "✓ Đã dừng buổi phát",
    "send_answer_idle": "✓ Không có buổi nào đang phát",
    "send_answer_refused": "✗ Từ chối: {reason}",
    "send_hub_not_running": (
        "Dịch vụ máy chủ xã không chạy: lệnh đã lưu và sẽ được gửi khi dịch vụ chạy lại."
    ),
    "send_recent": "Các lệnh gần đây",
    "send_none_recent": "Chưa gửi lệnh nào.",
    "banner_emergency": "ĐANG PHÁT KHẨN CẤP: «{title}» — {actor}, lúc {time}",
    "banner_reason": "Lý do: {reason}",
    "banner_on_air": "Loa đang bật: {devices}",
    "banner_valid": "Lệnh còn hiệu lực đến {time}",
    "banner_details": "Xem chi tiết",
    "action_play-now": "Phát ngay",
    "action_stop": "Dừng phát",
    "action_emergency": "Phát khẩn cấp",
    # report
    "report_title": "Báo cáo tuyên truyền",
    "report_period": "Kỳ báo cáo",
    "report_from": "Từ ngày",
    "report_to": "Đến ngày",
    "report_format": "Định dạng",
    "report_number": "Số văn bản (nếu có)",
    "report_allow_empty": "Vẫn tạo khi không có dữ liệu",
    "report_submit": "Tạo báo cáo",
    "report_help": "Báo cáo được tạo từ nhật ký thiết bị gửi về và các hội nghị nhập dưới đây.",
    "report_busy": "Đang tạo một báo cáo khác: hãy thử lại sau ít phút.",
    "report_failed": "Không tạo được báo cáo: {detail}",
    "report_timeout": "Tạo báo cáo quá lâu nên đã dừng.",
    "format_docx": "Word (DOCX)",
    "format_pdf": "PDF",
    "format_html": "Trang web (HTML)",
    "format_csv": "Bảng số liệu (CSV, nén ZIP)",
    "conference_title": "Hội nghị tuyên truyền",
    "conference_date": "Ngày",
    "conference_attendees": "Số người dự",
    "conference_topic": "Nội dung",
    "conference_place": "Địa điểm",
    "conference_submit": "Ghi hội nghị",
    "conference_added": "Đã ghi hội nghị ngày {day}.",
    "conference_none": "Chưa ghi hội nghị nào.",
    # users
    "users_title": "Người dùng",
    "users_add": "Thêm người dùng",
    "users_name": "Tên đăng nhập",
    "users_display": "Họ tên",
    "users_roles": "Vai trò",
    "users_password": "Mật khẩu ban đầu",
    "users_password_help": (
        "Ít nhất 10 ký tự; người dùng phải đổi mật khẩu khi đăng nhập lần đầu."
    ),
    "users_submit": "Thêm",
    "users_added": "Đã thêm tài khoản «{name}».",
    "users_state": "Trạng thái",
    "users_active": "Đang dùng",
    "users_disabled": "Đã khoá",
    "users_totp": "Hai bước",
    "users_edit": "Sửa",
    "users_save_roles": "Lưu vai trò",
    "users_roles_saved": "Đã lưu vai trò của «{name}».",
    "users_reset_password": "Đặt lại mật khẩu",
    "users_password_reset": (
        "Đã đặt mật khẩu mới cho «{name}»; mọi phiên của người này đã kết thúc."
    ),
    "users_disable": "Khoá tài khoản",
    "users_enable": "Mở khoá",
    "users_disabled_done": "Đã khoá «{name}»; mọi phiên của người này đã kết thúc.",
    "users_enabled_done": "Đã mở khoá «{name}».",
    "users_totp_reset": "Tắt xác thực hai bước",
    "users_totp_reset_done": "Đã tắt xác thực hai bước của «{name}».",
    "yes": "Có",
    "no": "Không",
    # audit
    "audit_title": "Nhật ký thao tác",
    "audit_actor": "Người thực hiện",
    "audit_action": "Thao tác",
    "audit_all": "Tất cả",
    "audit_none": "Chưa có thao tác nào.",
    "audit_older": "Cũ hơn →",
    "col_time": "Thời điểm",
    "col_actor": "Người thực hiện",
    "col_address": "Địa chỉ",
    "col_action": "Thao tác",
    "col_target": "Đối tượng",
    "col_detail": "Chi tiết",
    "audit_login": "Đăng nhập",
    "audit_login-failed": "Đăng nhập sai",
    "audit_login-throttled": "Đăng nhập bị chặn tạm thời",
    "audit_totp-failed": "Sai mã xác thực",
    "audit_logout": "Đăng xuất",
    "audit_password": "Đổi mật khẩu",
    "audit_totp-on": "Bật xác thực hai bước",
    "audit_totp-off": "Tắt xác thực hai bước",
    "audit_user-add": "Thêm người dùng",
    "audit_user-roles": "Đổi vai trò",
    "audit_user-password": "Đặt lại mật khẩu",
    "audit_user-disable": "Khoá tài khoản",
    "audit_user-enable": "Mở khoá tài khoản",
    "audit_user-totp-off": "Tắt xác thực hai bước của người khác",
    "audit_command": "Gửi lệnh",
    "audit_emergency": "Phát khẩn cấp",
    "audit_publish": "Đăng nội dung",
    "audit_report": "Tạo báo cáo",
    "audit_conference": "Ghi hội nghị",
    # command line
    "cli_user_added": "Đã tạo tài khoản «{name}» ({roles}).",
    "cli_users_header": (
        "Tên đăng nhập     Họ tên                    Vai trò                         "
        "Trạng thái  Hai bước"
    ),
    "cli_users_none": (
        "Chưa có tài khoản nào: tạo quản trị viên đầu tiên bằng "
        "«village hub user add TÊN --role admin»."
    ),
    "cli_password_prompt": "Mật khẩu cho «{name}»: ",
    "cli_password_again": "Nhập lại: ",
    "cli_password_mismatch": "Hai lần nhập không giống nhau.",
    "cli_password_set": "Đã đặt mật khẩu mới cho «{name}»; mọi phiên của người này đã kết thúc.",
    "cli_disabled": "Đã khoá «{name}».",
    "cli_enabled": "Đã mở khoá «{name}».",
    "cli_roles_set": "Vai trò của «{name}»: {roles}.",
    "cli_totp_off": "Đã tắt xác thực hai bước của «{name}».",
    "cli_no_tty": "Không có bàn phím để nhập mật khẩu: dùng --password-stdin.",
    # server
    "server_plain_http": (
        "Bảng điều khiển nghe trên {host} mà không có HTTPS: chỉ được dùng HTTP trên địa chỉ "
        "loopback (127.0.0.1). Đặt [console] cert_file và key_file (tạo bằng «village broker "
        'ca server --name console …»), hoặc host = "127.0.0.1".'
    ),
    "server_cert_missing": "Không đọc được chứng thư HTTPS {path}: {detail}",
    "server_cert_pair": "[console] cert_file và key_file phải đặt cùng nhau.",
    "server_cannot_listen": "Bảng điều khiển không mở được cổng {host}:{port}.",
    # --- content pages: procedures, segments and clips, schedule ---
    "nav_procedures": "Thủ tục",
    "nav_segments": "Bài phát thanh",
    "nav_clips": "Video",
    "nav_schedule": "Lịch phát",
    "back": "Quay lại",
    "unknown_value": "không rõ",
    "from_date": "từ {date}",
    "loudness_lufs": "{value} LUFS",
    "publish_devices": "Đăng lên thiết bị",
    "publish_all_devices": "Không chọn thiết bị nào: đăng cho toàn xã (mọi thiết bị).",
    "publish_unknown_device": "Không có thiết bị {devices} trong xã.",
    # procedures
    "procedures_title": "Thủ tục hành chính",
    "procedures_upload": "Đăng danh sách thủ tục từ tệp",
    "procedures_upload_help": (
        "Tệp CSV, Excel (.xlsx) hoặc JSON theo các cột của Cơ sở dữ liệu quốc gia về thủ tục "
        "hành chính. Trước khi đăng, bạn sẽ xem những gì thay đổi và mọi lỗi theo dòng, cột."
    ),
    "procedures_file": "Tệp thủ tục",
    "procedures_preview_button": "Xem trước thay đổi",
    "procedures_add_one": "Thêm một thủ tục",
    "procedures_no_file": "Chưa chọn tệp thủ tục để tải lên.",
    "procedures_search": "Tìm thủ tục",
    "procedures_search_hint": "Tên, mã hoặc lĩnh vực (gõ không dấu cũng được)",
    "procedures_search_button": "Tìm",
    "procedures_none": "Chưa có thủ tục nào: hãy đăng một tệp thủ tục.",
    "procedures_none_found": "Không tìm thấy thủ tục nào cho «{query}».",
    "procedures_count": "{count} thủ tục",
    "procedures_shown": "{count} thủ tục, hiện {shown} thủ tục đầu",
    "procedures_audit": (
        "{file}: {added} mới, {amended} sửa đổi, {status} đổi trạng thái, bỏ qua {skipped} lỗi"
    ),
    "back_to_procedures": "Về danh sách thủ tục",
    "col_code": "Mã",
    "col_procedure": "Thủ tục",
    "col_field": "Lĩnh vực",
    "col_status": "Trạng thái",
    "col_column": "Cột",
    "col_problem": "Lỗi",
    "col_change": "Thay đổi",
    "col_what_changed": "Nội dung thay đổi",
    "col_progress": "Tiến độ",
    "status_new": "Mới",
    "status_amended": "Sửa đổi",
    "status_replaced": "Bị thay thế",
    "status_abolished": "Bãi bỏ",
    "status_current": "Đang áp dụng",
    "status_auto": "(tự xác định khi đăng)",
    # a procedure file's preview
    "preview_title": "Xem trước thay đổi thủ tục",
    "preview_file": "Tệp: {file}",
    "preview_rejected": (
        "Tệp bị từ chối: có {count} lỗi, chưa thay đổi gì. Sửa tệp rồi tải lên lại."
    ),
    "preview_bad_rows": (
        "Có {count} lỗi ở {rows} {where}: các {where} này sẽ bị bỏ qua nếu vẫn đăng; tốt nhất là "
        "sửa tệp rồi tải lên lại."
    ),
    "preview_problems": "Lỗi trong tệp",
    "preview_whole_file": "cả tệp",
    "preview_changes": "Những gì sẽ thay đổi",
    "preview_kind_new": "thủ tục mới",
    "preview_kind_amended": "sửa đổi",
    "preview_kind_replaced": "bị thay thế",
    "preview_kind_abolished": "bãi bỏ",
    "preview_kind_unchanged": "không đổi",
    "preview_ignored": "Các cột không dùng đến: {columns}",
    "preview_publish": "Đăng các thay đổi",
    "preview_publish_help": (
        "Cả danh sách thủ tục của xã (với các thay đổi trên) được gửi tới thiết bị đã chọn."
    ),
    "preview_skip_bad": "Tôi hiểu: {count} {where} có lỗi sẽ không được đăng",
    "preview_publish_button": "Đăng {count} thay đổi",
    "preview_nothing": "Tệp không thay đổi thủ tục nào: không có gì để đăng.",
    # one procedure
    "procedure_edit": "Sửa thủ tục này",
    "procedure_end_title": "Ngừng áp dụng",
    "procedure_end_status": "Lý do",
    "procedure_end_date": "Ngày hiệu lực",
    "procedure_end_button": "Đánh dấu và đăng lên thiết bị",
    "procedure_end_confirm": "Đánh dấu thủ tục «{name}» không còn áp dụng và đăng lên thiết bị?",
    "procedure_bad_end_date": "Ngày hiệu lực không hợp lệ «{value}».",
    "procedure_already_ended": "Thủ tục này đã được đánh dấu như vậy: không có gì thay đổi.",
    "procedure_code_exists": "Đã có thủ tục mã {code}: hãy mở thủ tục đó để sửa.",
    "procedure_form_new": "Thêm thủ tục",
    "procedure_form_edit": "Sửa thủ tục",
    "procedure_form_problems": "Chưa đăng được: sửa các lỗi dưới đây.",
    "procedure_form_unchanged": "Không có gì thay đổi so với thủ tục đang có: chưa đăng.",
    "procedure_form_list_help": "Mỗi mục một dòng.",
    "procedure_form_publish": "Kiểm tra và đăng lên thiết bị",
    # publication progress
    "progress_title": "Tiến độ đăng nội dung",
    "progress_lead": "Phiên bản {version}, đăng lúc {time}",
    "progress_summary": "{applied}/{total} thiết bị đã áp dụng",
    "progress_hub_not_running": (
        "Máy chủ xã (village hub) không chạy: nội dung đã lưu nhưng chưa gửi tới thiết bị."
    ),
    "progress_waiting": "Đang chờ thiết bị nhận",
    "progress_offline": "Thiết bị mất kết nối: sẽ nhận khi kết nối lại",
    "progress_fetching": "Đang tải về",
    "progress_applied": "Đã áp dụng",
    "progress_refused": "Thiết bị từ chối",
    # segments and clips
    "audit_draft": "Lưu bản nháp",
    "audit_discard": "Bỏ bản nháp",
    "segments_title": "Bài phát thanh",
    "segments_upload": "Tải lên bài phát thanh",
    "segments_upload_help": (
        "Tệp OGG, MP3, WAV, FLAC hoặc M4A, đến {limit} MB. Tệp lớn được gửi từng phần: nếu "
        "mất kết nối, chọn lại đúng tệp đó để tải tiếp từ chỗ đã dừng."
    ),
    "segments_published": "Bài đã đăng",
    "segments_none": "Chưa có bài phát thanh nào được đăng.",
    "media_file": "Tệp",
    "media_title": "Tên bài",
    "media_id": "Mã (không bắt buộc)",
    "media_id_hint": "tự tạo từ tên bài",
    "media_topic": "Chủ đề",
    "media_upload_button": "Tải lên và kiểm tra",
    "media_loudness": "độ to",
    "media_drafts": "Bản nháp (chưa đăng)",
    "media_drafts_help": "Nghe lại, rồi đăng lên thiết bị. Bản nháp chưa đến thiết bị nào.",
    "media_saved_draft": "Đã lưu bản nháp «{id}»: nghe lại rồi đăng lên thiết bị.",
    "media_replaces": "Đã có bài mã «{id}»: đăng bản nháp này sẽ thay thế bài cũ.",
    "media_publish_to_devices": "Đăng lên thiết bị",
    "media_publish_again": "Đăng lên thêm thiết bị",
    "media_publish_button": "Đăng",
    "media_discard": "Bỏ bản nháp",
    "media_discard_confirm": "Bỏ bản nháp «{title}»?",
    "media_bad_id": "Mã «{id}» không hợp lệ: chỉ dùng a-z, 0-9, '-' và '_' (tối đa 64 ký tự).",
    "media_need_title": "Hãy đặt tên cho bài.",
    "media_unknown": "Không có bài hoặc video mã «{id}».",
    "media_no_file": "Chưa chọn tệp để tải lên.",
    # resumable uploads
    "upload_sending": "Đang tải lên…",
    "upload_checking": "Đã tải xong, đang kiểm tra tệp và đo độ to…",
    "upload_paused": (
        "Mất kết nối: đang thử lại… (nếu vẫn không được, chọn lại đúng tệp này để tải tiếp)"
    ),
    "upload_resuming": "Tải tiếp từ chỗ đã dừng…",
    "upload_failed": "Không tải lên được:",
    "upload_empty": "Tệp rỗng.",
    "upload_too_many": "Bạn đang có {count} lượt tải lên dở: hãy hoàn tất hoặc đợi chúng hết hạn.",
    "upload_no_space": "Máy chủ xã không còn đủ chỗ trống (còn {free} MB).",
    "upload_offset_mismatch": "Phần tệp gửi lên không khớp chỗ đã nhận ({received} byte).",
    "upload_longer_than_announced": "Tệp dài hơn kích thước đã báo.",
    "upload_incomplete": "Tệp chưa tải lên xong ({percent}%).",
    "upload_unknown": "Không có lượt tải lên này (đã xong, đã hết hạn hoặc của người khác).",
    "upload_no_chunk": "Thiếu phần tệp.",
    "upload_bad_size": "Kích thước hoặc vị trí không hợp lệ.",
    # recording in the browser
    "record_title": "Ghi âm thông báo",
    "record_help": (
        "Dùng micrô của máy tính: bấm Ghi âm, đọc thông báo, bấm Dừng, nghe lại rồi lưu. "
        "Bản ghi được chuẩn hoá như mọi bài tải lên."
    ),
    "record_start": "Ghi âm",
    "record_stop": "Dừng",
    "record_save": "Lưu bản ghi âm",
    "record_recording": "Đang ghi âm",
    "record_saving": "Đang lưu và đo độ to…",
    "record_unsupported": (
        "Trình duyệt này không ghi âm được (cần trình duyệt mới và trang mở qua HTTPS)."
    ),
    "record_denied": "Không dùng được micrô: hãy cho phép trang này dùng micrô.",
    # text to segment
    "speech_title": "Đọc văn bản thành bài",
    "speech_help": (
        "Gõ thông báo, máy chủ xã đọc bằng giọng máy tiếng Việt: nghe thử rồi lưu thành bài."
    ),
    "speech_text": "Nội dung thông báo",
    "speech_listen": "Đọc thử",
    "speech_busy": "Đang đọc…",
    "speech_save": "Lưu thành bài",
    "speech_empty": "Hãy gõ nội dung thông báo.",
    "speech_too_long": (
        "Thông báo dài {count} ký tự, quá {limit}: hãy chia nhỏ, hoặc ghi âm thông báo dài."
    ),
    # clips
    "clips_title": "Video hướng dẫn",
    "clips_upload": "Tải lên video",
    "clips_upload_help": (
        "Tệp MP4 hoặc WebM, đến {limit} MB, hiện trên màn hình kiosk. Nếu mất kết nối, chọn lại "
        "đúng tệp đó để tải tiếp."
    ),
    "clips_published": "Video đã đăng",
    "clips_none": "Chưa có video nào được đăng.",
    "clip_title": "Tên video",
    "clip_description": "Mô tả",
    # the schedule
    "schedule_title": "Lịch phát thanh",
    "calendar_month": "Tháng {month}/{year}",
    "calendar_week": "Tuần {first} – {last}",
    "calendar_previous": "Trước",
    "calendar_today": "Hôm nay",
    "calendar_next": "Sau",
    "calendar_view": "Xem theo",
    "calendar_by_month": "Tháng",
    "calendar_by_week": "Tuần",
    "calendar_all_devices": "Mọi thiết bị ({count})",
    "calendar_show": "Xem",
    "calendar_holiday": "Ngày lễ",
    "calendar_quiet_hours": "Giờ yên lặng {hours}",
    "calendar_quiet_band": "Yên lặng {hours}",
    "calendar_no_log": "chưa có nhật ký",
    "calendar_devices": "{count}/{total} thiết bị",
    "calendar_empty": "Không có buổi phát nào trong khoảng thời gian này.",
    "calendar_quarantined": (
        "Lịch «{title}» ({id}) bị tạm gác trên {devices} thiết bị, không phát buổi nào: {reason}"
    ),
    "slot_quiet_hours": "không phát: giờ yên lặng",
    "slot_holiday": "không phát: ngày lễ",
    "slot_holiday_no_day": "không phát: ngày lễ (không có ngày trống để bù trong 14 ngày)",
    "slot_cancelled": "không phát: buổi này đã bị huỷ trong lịch",
    "slot_overlap": "không phát: trùng buổi của lịch {plan} lúc {time} (mức {level})",
    "slot_moved": "dời từ {time} ({reason})",
    "moved_holiday": "trùng ngày lễ",
    "moved_rescheduled": "lịch đã dời",
    "weekday_MO": "Thứ hai",
    "weekday_TU": "Thứ ba",
    "weekday_WE": "Thứ tư",
    "weekday_TH": "Thứ năm",
    "weekday_FR": "Thứ sáu",
    "weekday_SA": "Thứ bảy",
    "weekday_SU": "Chủ nhật",
    "weekday_short_MO": "T2",
    "weekday_short_TU": "T3",
    "weekday_short_WE": "T4",
    "weekday_short_TH": "T5",
    "weekday_short_FR": "T6",
    "weekday_short_SA": "T7",
    "weekday_short_SU": "CN",
    "plans_title": "Các lịch phát",
    "plans_new": "Tạo lịch phát mới",
    "plans_import_ics": "Nhập tệp lịch (.ics)",
    "plans_none": "Chưa có lịch phát nào trên thiết bị.",
    "plans_from_calendar": "từ lịch «{name}»",
    "plans_disabled": "đã tắt",
    "col_plan": "Lịch phát",
    "col_when": "Giờ phát",
    "col_dates": "Thời gian áp dụng",
    "col_devices": "Thiết bị",
    "plan_when": "{days} lúc {time}, {minutes} phút",
    "plan_once": "một lần, ngày {day}",
    "plan_daily": "Hằng ngày",
    # a plan in a form
    "back_to_schedule": "Về lịch phát thanh",
    "plan_form_new": "Tạo lịch phát",
    "plan_form_edit": "Sửa lịch phát",
    "plan_form_problems": "Chưa đăng được lịch này:",
    "plan_title": "Tên lịch",
    "plan_id": "Mã lịch (không bắt buộc)",
    "plan_id_hint": "tự tạo từ tên lịch",
    "plan_rule_kept": (
        "Lịch này nhập từ tệp lịch với quy tắc lặp riêng ({rule}): quy tắc và giờ phát được "
        "giữ nguyên; sửa chúng trong ứng dụng lịch rồi nhập lại tệp."
    ),
    "plan_weekdays": "Phát vào các ngày",
    "plan_time": "Giờ bắt đầu",
    "plan_minutes": "Độ dài buổi (phút)",
    "plan_first_day": "Từ ngày",
    "plan_last_day": "Đến ngày",
    "plan_what": "Nội dung mỗi buổi",
    "plan_fixed": "Các bài đã chọn, theo thứ tự",
    "plan_pool": "Xoay vòng các bài đã chọn (không chọn bài nào: mọi bài)",
    "plan_priority": "Mức ưu tiên",
    "plan_makeup": "Buổi trùng ngày lễ được bù vào ngày trống kế tiếp",
    "plan_preview_title": "Các buổi sắp tới",
    "plan_preview_none": "Lịch này không có buổi nào trong hai tháng tới.",
    "plan_preview_lost": "Các buổi sẽ không phát:",
    "plan_publish": "Đăng lịch lên thiết bị",
    "plan_need_title": "Hãy đặt tên cho lịch.",
    "plan_need_weekdays": "Hãy chọn ít nhất một ngày trong tuần.",
    "plan_bad_time": "Giờ bắt đầu không hợp lệ «{value}» (viết 06:30).",
    "plan_bad_minutes": "Độ dài buổi phải lớn hơn 0 và không quá {limit} phút.",
    "plan_need_first_day": "Hãy chọn ngày bắt đầu.",
    "plan_bad_first_day": "Ngày bắt đầu không hợp lệ «{value}».",
    "plan_bad_last_day": "Ngày kết thúc không hợp lệ «{value}».",
    "plan_last_before_first": "Ngày kết thúc phải sau ngày bắt đầu.",
    "plan_bad_priority": "Mức ưu tiên không hợp lệ.",
    "plan_need_segments": "Hãy chọn bài phát (hoặc chọn xoay vòng mọi bài).",
    # importing a calendar file
    "calendar_import_title": "Nhập tệp lịch (.ics)",
    "calendar_import_help": (
        "Tệp .ics xuất từ Outlook, Google Calendar hoặc ứng dụng lịch khác. Trước khi đăng, "
        "bạn sẽ xem các lịch được thêm, thay, bỏ và các buổi đầu tiên."
    ),
    "calendar_file": "Tệp lịch",
    "calendar_no_file": "Chưa chọn tệp lịch để tải lên.",
    "calendar_preview_title": "Xem trước tệp lịch",
    "calendar_preview_changes": "Lịch «{name}»: những gì sẽ thay đổi",
    "calendar_added": "lịch mới",
    "calendar_replaced": "thay bản cũ",
    "calendar_removed": "bỏ đi (không còn trong tệp)",
    "calendar_unchanged": "không đổi",
    "calendar_first_slots": "Các buổi sắp tới",
    "calendar_first_slots_past": "Các lịch này đã hết buổi; các buổi đầu tiên của chúng:",
    "calendar_preview_again": "Xem trước cho các thiết bị đã chọn",
    "calendar_publish_to": "Đăng lên: {devices}",
    "calendar_publish_all": "Đăng lên: toàn xã (mọi thiết bị)",
    "calendar_publish": "Đăng {count} lịch",
    # the phone calendar
    "feeds_link": "Lịch phát thanh trên điện thoại của cán bộ",
    "feeds_title": "Lịch trên điện thoại",
    "feeds_help": (
        "Mỗi địa chỉ bí mật cho một điện thoại: thêm vào ứng dụng lịch (Google Calendar: «Từ "
        "URL»; iPhone: «Thêm lịch đăng ký») để xem các buổi phát thanh của xã, không cần đăng "
        "nhập. Ai có địa chỉ đều xem được lịch: thu hồi địa chỉ khi điện thoại bị mất hoặc "
        "người dùng nghỉ việc."
    ),
    "feeds_new": "Tạo địa chỉ mới",
    "feeds_label": "Dành cho",
    "feeds_label_hint": "Tên người hoặc điện thoại",
    "feeds_create": "Tạo địa chỉ",
    "feeds_created": "Địa chỉ lịch mới",
    "feeds_shown_once": (
        "Địa chỉ chỉ hiện một lần: chép ngay vào điện thoại (hoặc quét mã QR). Mất địa chỉ thì "
        "tạo địa chỉ mới."
    ),
    "feeds_list": "Các địa chỉ đã tạo",
    "feeds_none": "Chưa có địa chỉ nào.",
    "feeds_made": "Tạo lúc",
    "feeds_active": "Đang dùng",
    "feeds_revoked": "Đã thu hồi lúc {time}",
    "feeds_revoke": "Thu hồi",
    "feeds_revoke_confirm": (
        "Thu hồi địa chỉ lịch của «{label}»? Điện thoại đó sẽ không xem được lịch nữa."
    ),
    "feeds_unnamed": "không tên",
    "audit_feed-create": "Tạo địa chỉ lịch",
    "audit_feed-revoke": "Thu hồi địa chỉ lịch",
    "feed_name": "Lịch phát thanh xã {commune}",
    "feed_priority": "Mức: {level}",
    "feed_devices": "Trên {count}/{total} thiết bị",
    "feed_segments": "Bài: {segments}",
    # text to speech, recordings and the console's database
    "tts_no_espeak": "chưa cài espeak-ng trên máy chủ xã (gói Debian espeak-ng)",
    "tts_timeout": "đọc văn bản quá lâu, đã dừng",
    "tts_no_audio": "không có âm thanh",
    "tts_failed": "espeak-ng không đọc được văn bản ({detail})",
    "recording_no_ffmpeg": "chưa cài ffmpeg trên máy chủ xã (gói Debian ffmpeg)",
    "recording_timeout": "giải mã bản ghi âm quá lâu, đã dừng",
    "recording_unknown": "không rõ",
    "recording_unreadable": "không đọc được bản ghi âm ({reason})",
    "database_no_tables": "Không tạo được bảng của bảng điều khiển: {detail}",
    "database_unopened": "Không mở được kho dữ liệu {path}: {detail}",
    "database_unreadable": "Lỗi đọc kho dữ liệu: {detail}",
}


def t(message_key: str, /, **values: object) -> str:
    """A console text; the hub's catalogue answers keys the console does not define."""
    text = MESSAGES.get(message_key)
    if text is None:
        text = hub_catalogue.MESSAGES[message_key]
    return text.format(**values) if values else text


def reason(code: str, detail: str = "") -> str:
    """A device's refusal reason in staff words (the hub's catalogue)."""
    return hub_catalogue.reason(code, detail)
