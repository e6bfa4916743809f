"""The touchscreen kiosk for citizens at the one-stop office (bộ phận một cửa)."""
