#!/bin/sh
# Install (or upgrade) village on a Raspberry Pi (--role pi: controller, kiosk, sync) or on
# the commune hub (--role hub: hub, staff commands, reports). Run from the source tree:
#
#     sudo make install                      # = sudo scripts/install.sh --role pi
#     sudo scripts/install.sh --role hub
#     sudo scripts/install.sh --config village.toml   # a file made by `village provision`
#
# Layout (docs/pi.md):
#   /opt/village/venv -> venv-HASH   the app in its own virtual environment (not editable)
#   /opt/village/media               sample content (VILLAGE_MEDIA in the units)
#   /opt/village/docs/pi.md          the technician's page
#   /opt/village/INSTALLED           role, version and source hash of this installation
#   /usr/local/bin/village           the command, run as the village user when called as root
#   /etc/village/village.toml        configuration (root:village 0640), written only if absent
#   /var/lib/village                 data (village:village 0750); hub: /var/lib/village-hub
#   /usr/local/lib/systemd/...       units and drop-ins (an admin's /etc/systemd wins)
#
# Safe to run again: every file is compared before it is copied, the virtual environment is
# rebuilt only when the source, the role or Python changed (and the old one is kept until
# the new one works), configuration and data are never overwritten. A second run with the
# same tree changes nothing.
#
# --root DIR installs into DIR instead of / (tests): the user is created in DIR/etc/passwd
# (useradd --prefix), ownership uses DIR's ids, and systemctl and apt are never called.
#
# VILLAGE_PIP_OPTIONS adds options to pip, e.g. an offline install from wheels on a USB
# stick: VILLAGE_PIP_OPTIONS="--no-index --find-links /media/usb/wheels" (docs/pi.md).
set -eu

ROLE=pi
ROOT=
CONFIG_FILE=
APT=yes
ENABLE=yes
PYTHON=${PYTHON:-python3}
USER_NAME=village

usage() {
    cat <<'EOF'
Cách dùng: scripts/install.sh [--role pi|hub] [--root THƯ_MỤC] [--config TỆP]
                              [--no-apt] [--no-enable]
  --role pi     máy Raspberry Pi ở xã: bộ điều khiển phát thanh, kiosk, đồng bộ (mặc định)
  --role hub    máy chủ của xã: hub, lệnh cho cán bộ, báo cáo
  --config TỆP  cài tệp cấu hình này (vd. tệp do 'village provision device' tạo)
  --root DIR    cài vào thư mục DIR thay cho / (để thử nghiệm)
  --no-apt      không cài gói Debian
  --no-enable   không bật và khởi động dịch vụ systemd
EOF
}

say() { printf '%s\n' "$*"; }
die() {
    printf 'Lỗi: %s\n' "$*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case $1 in
        --role) [ $# -ge 2 ] || die "--role cần một giá trị"; ROLE=$2; shift 2 ;;
        --role=*) ROLE=${1#*=}; shift ;;
        --root) [ $# -ge 2 ] || die "--root cần một thư mục"; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#*=}; shift ;;
        --config) [ $# -ge 2 ] || die "--config cần một tệp"; CONFIG_FILE=$2; shift 2 ;;
        --config=*) CONFIG_FILE=${1#*=}; shift ;;
        --no-apt) APT=no; shift ;;
        --no-enable) ENABLE=no; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "không hiểu tham số: $1" ;;
    esac
done

case $ROLE in
    pi)
        EXTRAS=controller,kiosk,sync
        GROUPS_WANTED="gpio audio video render input"
        UNITS="village-relay-guard.service village-controller.service village-kiosk.service"
        START_UNITS=$UNITS
        PACKAGES="python3-venv ffmpeg alsa-utils libgl1-mesa-dri libegl1 libgles2 libgbm1 libmtdev1"
        ;;
    hub)
        EXTRAS=sync,report,site,console
        GROUPS_WANTED=""
        UNITS="village-hub.service"
        START_UNITS=""  # needs `village hub init` and the broker first (docs/pi.md)
        PACKAGES="python3-venv ffmpeg mosquitto mosquitto-clients libreoffice-writer-nogui fonts-liberation2 chromium fonts-noto-core poppler-utils"
        ;;
    *) die "--role phải là pi hoặc hub (không phải '$ROLE')" ;;
esac

SRC=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$SRC/setup.py" ] || die "không thấy mã nguồn village ở $SRC"

if [ -n "$ROOT" ]; then
    mkdir -p "$ROOT"
    ROOT=$(cd "$ROOT" && pwd)
    [ "$ROOT" != / ] || ROOT=
fi
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "cần quyền root: sudo $0 $*"
fi
if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then
    SYSTEMD=yes
else
    SYSTEMD=no
fi
[ "$(id -u)" -eq 0 ] && AS_ROOT=yes || AS_ROOT=no

PREFIX=$ROOT/opt/village
ETC=$ROOT/etc/village
DATA=$ROOT/var/lib/village
HUB_DATA=$ROOT/var/lib/village-hub
UNIT_DIR=$ROOT/usr/local/lib/systemd/system
JOURNALD_DIR=$ROOT/usr/local/lib/systemd/journald.conf.d
BIN_DIR=$ROOT/usr/local/bin
CHANGES=0
STAGE=$(mktemp -d)
LIST=$STAGE.list
TEXT=$STAGE.text
trap 'rm -rf "$STAGE" "$LIST" "$TEXT"' EXIT
trap 'exit 130' INT TERM
UNITS_CHANGED=no
JOURNALD_CHANGED=no
APP_CHANGED=no

changed() {
    CHANGES=$((CHANGES + 1))
    say "  $*"
}

# --- helpers: compare before copying ------------------------------------------------------

# set_owner PATH USER GROUP: chown with the ids of the target system (numeric under --root)
set_owner() {
    [ "$AS_ROOT" = yes ] || return 0
    owner_uid=$(id_of passwd "$2") && owner_gid=$(id_of group "$3") || exit 1
    want="$owner_uid:$owner_gid"
    have=$(stat -c '%u:%g' "$1")
    if [ "$have" != "$want" ]; then
        chown -h "$want" "$1"
        changed "chủ sở hữu $2:$3 → ${1#"$ROOT"}"
    fi
}

# id_of passwd|group NAME: the numeric id in the target system's database
id_of() {
    value=$(awk -F: -v n="$2" '$1 == n { print $3; exit }' "$ROOT/etc/$1")
    [ -n "$value" ] || die "không có $2 trong $ROOT/etc/$1"
    printf '%s' "$value"
}

set_mode() {
    have=$(stat -c '%a' "$1")
    if [ "$have" != "$2" ]; then
        chmod "$2" "$1"
        changed "quyền $2 → ${1#"$ROOT"}"
    fi
}

# make_dir PATH MODE USER GROUP
make_dir() {
    if [ ! -d "$1" ]; then
        mkdir -p "$1"
        changed "tạo thư mục ${1#"$ROOT"}"
    fi
    set_mode "$1" "$2"
    set_owner "$1" "$3" "$4"
}

# put_file SOURCE TARGET MODE: copy only when the content differs (atomic replace)
put_file() {
    if [ -f "$2" ] && [ ! -L "$2" ] && cmp -s "$1" "$2"; then
        set_mode "$2" "$3"
        set_owner "$2" root root
        return 1
    fi
    # (explicit checks: errexit does not apply inside a function called with ||)
    if ! { mkdir -p "$(dirname "$2")" && cp "$1" "$2.new.$$" && chmod "$3" "$2.new.$$" &&
        mv -f "$2.new.$$" "$2"; }; then
        die "không chép được $1 vào $2"
    fi
    set_owner "$2" root root
    changed "cài ${2#"$ROOT"}"
    return 0
}

# put_text TARGET MODE < CONTENT (not at the end of a pipe: `changed` must count here)
put_text() {
    cat >"$TEXT"
    put_file "$TEXT" "$1" "$2"
}

# sync_tree SOURCE TARGET: files 0644 and folders 0755, extra files in TARGET removed.
# (Loops read lists from files, not pipes, so that `changed` counts in this shell.)
sync_tree() {
    make_dir "$2" 755 root root
    (cd "$1" && find . -type d ! -name __pycache__ ! -path '*/__pycache__/*' -print) >"$LIST"
    while IFS= read -r dir; do
        [ "$dir" = . ] || make_dir "$2/${dir#./}" 755 root root
    done <"$LIST"
    (cd "$1" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print) >"$LIST"
    while IFS= read -r file; do
        put_file "$1/${file#./}" "$2/${file#./}" 644 || true
    done <"$LIST"
    (cd "$2" && find . -type f -print) >"$LIST"
    while IFS= read -r file; do
        case $file in
            */__pycache__/* | *.pyc) ;;
            *) [ ! -f "$1/${file#./}" ] || continue ;;
        esac
        rm -f "$2/${file#./}"
        changed "xoá ${2#"$ROOT"}/${file#./}"
    done <"$LIST"
}

# --- 1. Debian packages ---------------------------------------------------------------------

say "== village: cài vai trò '$ROLE' vào ${ROOT:-/} =="
if [ -n "$ROOT" ] || [ "$APT" = no ]; then
    say "Bỏ qua gói Debian (cần: $PACKAGES)."
else
    # shellcheck disable=SC2086 # a list of package names
    sh "$SRC/scripts/ensure-system-packages.sh" $PACKAGES
fi
"$PYTHON" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' ||
    die "cần Python 3.11 trở lên có module venv (gói python3-venv)"

# --- 2. the user ----------------------------------------------------------------------------

if [ ! -f "$ROOT/etc/passwd" ] || [ ! -f "$ROOT/etc/group" ]; then
    die "không có $ROOT/etc/passwd hoặc $ROOT/etc/group"
fi
PREFIX_OPT=
[ -z "$ROOT" ] || PREFIX_OPT="--prefix $ROOT"
if ! grep -q "^$USER_NAME:" "$ROOT/etc/passwd"; then
    # shellcheck disable=SC2086 # PREFIX_OPT is empty or two words
    useradd $PREFIX_OPT --system --user-group --home-dir /var/lib/village --no-create-home \
        --shell /usr/sbin/nologin --comment "village services" "$USER_NAME"
    changed "tạo người dùng hệ thống $USER_NAME"
fi
for group in $GROUPS_WANTED; do
    if ! grep -q "^$group:" "$ROOT/etc/group"; then
        say "  (không có nhóm $group trên máy này: bỏ qua)"
        continue
    fi
    members=$(awk -F: -v g="$group" '$1 == g { print $4 }' "$ROOT/etc/group")
    case ",$members," in
        *",$USER_NAME,"*) ;;
        *)
            # shellcheck disable=SC2086
            usermod $PREFIX_OPT -a -G "$group" "$USER_NAME"
            changed "thêm $USER_NAME vào nhóm $group"
            ;;
    esac
done

# --- 3. the application in its own virtual environment --------------------------------------

make_dir "$PREFIX" 755 root root
# Build from a clean copy of the sources: nothing is written into the source tree.
(cd "$SRC" && tar --exclude=__pycache__ --exclude='*.pyc' -cf - \
    setup.py pyproject.toml constraints.txt README.md village controller kiosk commune) |
    (cd "$STAGE" && tar -xf -)
VERSION=$(cd "$STAGE" && "$PYTHON" -c 'import re; print(re.search(r"version=\"([^\"]+)\"", open("setup.py").read()).group(1))')
PY_VERSION=$("$PYTHON" -c 'import platform; print(platform.python_version())')
HASH=$( (cd "$STAGE" && find . -type f -print | LC_ALL=C sort | while IFS= read -r f; do sha256sum "$f"; done
    printf '%s %s %s %s\n' "$ROLE" "$EXTRAS" "$PY_VERSION" "$(uname -m)") | sha256sum | cut -c1-12)
VENV_NAME=venv-$HASH
VENV=$PREFIX/$VENV_NAME
# pip of the new virtual environment: quiet, never asking, plus the owner's options
pip_install() {
    # shellcheck disable=SC2086 # options are words
    "$VENV/bin/pip" install --quiet --no-input --disable-pip-version-check \
        ${VILLAGE_PIP_OPTIONS:-} "$@"
}
if [ -x "$VENV/bin/village" ] && [ -f "$VENV/.complete" ]; then
    say "Ứng dụng village $VERSION ($HASH) đã cài: giữ nguyên."
else
    say "Cài ứng dụng village $VERSION ($HASH) vào ${VENV#"$ROOT"} (vài phút lần đầu)..."
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    # the library versions of a tested install (constraints.txt), the same on every Pi
    pip_install -c "$STAGE/constraints.txt" "${STAGE}[$EXTRAS]" ||
        die "pip không cài được village: bản cũ (nếu có) vẫn chạy"
    case "$ROLE:$(uname -m)" in
        pi:aarch64 | pi:armv7l | pi:armv6l)
            # gpiozero's preferred pin factory on Raspberry Pi OS (not a dependency of
            # gpiozero itself, and not visible from a virtual environment otherwise)
            pip_install lgpio || die "pip không cài được lgpio"
            ;;
    esac
    "$VENV/bin/village" --version >/dev/null || die "bản vừa cài không chạy được"
    touch "$VENV/.complete"
    changed "cài ${VENV#"$ROOT"}"
fi
if [ "$(readlink "$PREFIX/venv" 2>/dev/null || true)" != "$VENV_NAME" ]; then
    ln -sfn "$VENV_NAME" "$PREFIX/venv.new"
    mv -T "$PREFIX/venv.new" "$PREFIX/venv"
    APP_CHANGED=yes
    changed "${PREFIX#"$ROOT"}/venv → $VENV_NAME"
fi
sync_tree "$SRC/media" "$PREFIX/media"
make_dir "$PREFIX/docs" 755 root root
put_file "$SRC/docs/pi.md" "$PREFIX/docs/pi.md" 644 || true
printf 'role=%s\nversion=%s\nsource=%s\npython=%s\n' "$ROLE" "$VERSION" "$HASH" "$PY_VERSION" >"$LIST"
put_file "$LIST" "$PREFIX/INSTALLED" 644 || true

# The command for technicians: as root it runs as the village user, so files it writes in
# /var/lib/village stay the services' (broker files and provisioning stay root's).
put_text "$BIN_DIR/village" 755 <<'EOF' || true
#!/bin/sh
# village, installed by scripts/install.sh. Called as root, runs as the village user so
# that what it writes under /var/lib/village stays readable and writable by the services;
# `broker` and `provision` write root's broker files and keep root (VILLAGE_AS_ROOT=1 too).
APP=/opt/village/venv/bin/village
command=
skip=no
for arg in "$@"; do
    if [ "$skip" = yes ]; then
        skip=no
        continue
    fi
    case $arg in
        --config | --data) skip=yes ;;
        -*) ;;
        *) command=$arg; break ;;
    esac
done
if [ "$(id -u)" -eq 0 ] && [ -z "${VILLAGE_AS_ROOT:-}" ]; then
    case $command in
        broker | provision) ;;
        *) exec runuser -u village -- "$APP" "$@" ;;
    esac
fi
exec "$APP" "$@"
EOF

# --- 4. configuration and data --------------------------------------------------------------

make_dir "$ETC" 750 root "$USER_NAME"
APP=$VENV/bin/village
if [ -n "$CONFIG_FILE" ]; then
    [ -f "$CONFIG_FILE" ] || die "không có tệp cấu hình $CONFIG_FILE"
    "$APP" --config "$CONFIG_FILE" config show >/dev/null ||
        die "tệp cấu hình $CONFIG_FILE có lỗi (xem ở trên): chưa cài"
    if [ -f "$ETC/village.toml" ] && ! cmp -s "$CONFIG_FILE" "$ETC/village.toml"; then
        cp -p "$ETC/village.toml" "$ETC/village.toml.old"
        say "  cấu hình cũ giữ ở /etc/village/village.toml.old"
    fi
    put_file "$CONFIG_FILE" "$ETC/village.toml" 640 || true
elif [ ! -f "$ETC/village.toml" ]; then
    # Every key with its help text and default, commented out; only what a Pi needs set.
    {
        say "# village configuration: every key, with its help text and default value."
        say "# A line '# key = value' is the default; remove the '# ' to change it."
        say "# 'village config show' prints the effective configuration (secrets masked)."
        VILLAGE_CONFIG=/dev/null "$APP" config show | awk -v role="$ROLE" '
            BEGIN {
                if (role == "pi") {
                    set["paths.control_socket"] = "\"/run/village/control.sock\""
                    set["audio.driver"] = "\"alsa\""
                }
            }
            /^# effective configuration/ { next }
            /^\[/ { section = substr($0, 2, length($0) - 2); print; next }
            /^[a-z_]+ = / {
                key = section "." $1
                if (key in set) print $1 " = " set[key]; else print "# " $0
                next
            }
            { print }'
    } >"$LIST"
    put_file "$LIST" "$ETC/village.toml" 640 || true
fi
set_owner "$ETC/village.toml" root "$USER_NAME"
set_mode "$ETC/village.toml" 640

make_dir "$ROOT/var/lib" 755 root root
make_dir "$DATA" 750 "$USER_NAME" "$USER_NAME"
if [ "$ROLE" = pi ]; then
    # written by the kiosk, whose unit keeps the rest of the data folder read-only
    make_dir "$DATA/journal" 750 "$USER_NAME" "$USER_NAME"
    # and by the relay guard (its trip journal), likewise
    make_dir "$DATA/state" 750 "$USER_NAME" "$USER_NAME"
    make_dir "$DATA/kivy" 750 "$USER_NAME" "$USER_NAME"
else
    make_dir "$HUB_DATA" 750 "$USER_NAME" "$USER_NAME"
fi

# --- 5. systemd units -----------------------------------------------------------------------

make_dir "$ROOT/usr/local/lib/systemd" 755 root root
make_dir "$UNIT_DIR" 755 root root
for unit in $UNITS; do
    if put_file "$SRC/systemd/$unit" "$UNIT_DIR/$unit" 644; then UNITS_CHANGED=yes; fi
done
if [ "$ROLE" = pi ]; then
    make_dir "$JOURNALD_DIR" 755 root root
    if put_file "$SRC/systemd/journald.conf.d/village.conf" "$JOURNALD_DIR/village.conf" 644; then
        JOURNALD_CHANGED=yes
    fi
else
    make_dir "$UNIT_DIR/mosquitto.service.d" 755 root root
    if put_file "$SRC/systemd/mosquitto.service.d/village.conf" \
        "$UNIT_DIR/mosquitto.service.d/village.conf" 644; then UNITS_CHANGED=yes; fi
fi

if [ "$SYSTEMD" = yes ]; then
    [ "$UNITS_CHANGED" = no ] || systemctl daemon-reload
    [ "$JOURNALD_CHANGED" = no ] || systemctl restart systemd-journald.service
    if [ "$ENABLE" = yes ]; then
        for unit in $UNITS; do
            if ! systemctl is-enabled --quiet "$unit"; then
                systemctl enable --quiet "$unit"
                changed "bật $unit khi khởi động máy"
            fi
        done
        for unit in $START_UNITS; do
            if ! systemctl is-active --quiet "$unit"; then
                systemctl start --no-block "$unit"
                changed "khởi động $unit"
            elif [ "$APP_CHANGED" = yes ] || [ "$UNITS_CHANGED" = yes ]; then
                systemctl restart --no-block "$unit"
                changed "khởi động lại $unit (bản mới)"
            fi
        done
        if [ "$ROLE" = hub ] && [ "$UNITS_CHANGED" = yes ]; then
            systemctl try-reload-or-restart mosquitto.service || true
        fi
    fi
    if [ "$ROLE" = pi ] && systemctl is-enabled --quiet display-manager.service 2>/dev/null; then
        say "Chú ý: máy đang khởi động vào màn hình desktop, kiosk cần khởi động vào console:"
        say "  sudo raspi-config nonint do_boot_behaviour B1 && sudo reboot"
        say "  (hoặc chạy kiosk trong desktop: xem /opt/village/docs/pi.md)"
    fi
else
    say "systemd không chạy ở đây: bỏ qua daemon-reload, enable và start."
fi

# Old virtual environments, once the services run the new one.
for old in "$PREFIX"/venv-*; do
    if [ ! -d "$old" ] || [ "$old" = "$VENV" ]; then continue; fi
    rm -rf "$old"
    changed "xoá bản cũ ${old#"$ROOT"}"
done

if [ "$CHANGES" -eq 0 ]; then
    say "Không có gì thay đổi: village $VERSION đã cài đúng."
else
    say "Xong: $CHANGES thay đổi. Cấu hình: /etc/village/village.toml; nhật ký:"
    say "  journalctl -u 'village-*' -f"
fi
