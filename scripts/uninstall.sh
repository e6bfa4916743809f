#!/bin/sh
# Remove village: the units, the command and /opt/village. The configuration
# (/etc/village, the hub's broker folder /etc/mosquitto/village), the data
# (/var/lib/village, /var/lib/village-hub) and the village user stay, so a later install
# finds them again, unless --purge is given.
#
#     sudo make uninstall                  # = sudo scripts/uninstall.sh
#     sudo scripts/uninstall.sh --purge    # also configuration, data and the user
#     scripts/uninstall.sh --root DIR      # a test installation made with install.sh --root
set -eu

ROOT=
PURGE=no
USER_NAME=village

say() { printf '%s\n' "$*"; }
die() {
    printf 'Lỗi: %s\n' "$*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case $1 in
        --root) [ $# -ge 2 ] || die "--root cần một thư mục"; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#*=}; shift ;;
        --purge) PURGE=yes; shift ;;
        -h | --help)
            say "Cách dùng: scripts/uninstall.sh [--purge] [--root THƯ_MỤC]"
            say "  --purge   xoá cả cấu hình (/etc/village), dữ liệu (/var/lib/village*) và người dùng village"
            exit 0
            ;;
        *) die "không hiểu tham số: $1" ;;
    esac
done
if [ -n "$ROOT" ]; then
    [ -d "$ROOT" ] || die "không có thư mục $ROOT"
    ROOT=$(cd "$ROOT" && pwd)
    [ "$ROOT" != / ] || ROOT=
fi
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "cần quyền root: sudo $0"
fi
if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then
    SYSTEMD=yes
else
    SYSTEMD=no
fi

UNIT_DIR=$ROOT/usr/local/lib/systemd/system
UNITS="village-kiosk.service village-controller.service village-relay-guard.service village-hub.service"

say "== village: gỡ cài đặt khỏi ${ROOT:-/} =="
if [ "$SYSTEMD" = yes ]; then
    for unit in $UNITS; do
        [ -f "$UNIT_DIR/$unit" ] || continue
        # the controller's and the relay guard's ExecStopPost switch the relay off
        systemctl disable --now --quiet "$unit" || true
        say "  đã dừng và tắt $unit"
    done
fi
for file in \
    "$UNIT_DIR/village-controller.service" \
    "$UNIT_DIR/village-relay-guard.service" \
    "$UNIT_DIR/village-kiosk.service" \
    "$UNIT_DIR/village-hub.service" \
    "$UNIT_DIR/mosquitto.service.d/village.conf" \
    "$ROOT/usr/local/lib/systemd/journald.conf.d/village.conf" \
    "$ROOT/usr/local/bin/village"; do
    if [ -e "$file" ] || [ -L "$file" ]; then
        rm -f "$file"
        say "  xoá ${file#"$ROOT"}"
    fi
done
rmdir "$UNIT_DIR/mosquitto.service.d" 2>/dev/null || true
if [ -d "$ROOT/opt/village" ]; then
    rm -rf "$ROOT/opt/village"
    say "  xoá /opt/village"
fi
if [ "$SYSTEMD" = yes ]; then
    systemctl daemon-reload
    systemctl try-restart systemd-journald.service || true
    systemctl try-restart mosquitto.service || true
fi

if [ "$PURGE" = yes ]; then
    for folder in "$ROOT/etc/village" "$ROOT/var/lib/village" "$ROOT/var/lib/village-hub" \
        "$ROOT/etc/mosquitto/village" "$ROOT/run/village"; do
        if [ -d "$folder" ]; then
            rm -rf "$folder"
            say "  xoá ${folder#"$ROOT"}"
        fi
    done
    if grep -q "^$USER_NAME:" "$ROOT/etc/passwd" 2>/dev/null; then
        if [ -n "$ROOT" ]; then
            userdel --prefix "$ROOT" "$USER_NAME"
        else
            userdel "$USER_NAME"
        fi
        say "  xoá người dùng $USER_NAME"
    fi
    say "Đã gỡ village cùng cấu hình và dữ liệu."
else
    say "Đã gỡ village. Giữ lại cấu hình /etc/village, dữ liệu /var/lib/village* và người"
    say "dùng $USER_NAME (xoá cả những thứ đó: scripts/uninstall.sh --purge)."
fi
