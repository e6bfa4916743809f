#!/bin/sh
# Make sure the Debian packages village needs are present.
# As root, installs the missing ones with apt-get; otherwise prints the command to run.
set -eu
PACKAGES="python3-venv mosquitto mosquitto-clients xvfb xauth ffmpeg fonts-noto-core espeak-ng sox poppler-utils libreoffice-writer-nogui fonts-liberation2 chromium chromium-driver shellcheck"
[ "$#" -gt 0 ] && PACKAGES="$*"
missing=""
for pkg in $PACKAGES; do
    if [ "$pkg" = python3-venv ] && python3 -c 'import ensurepip, venv' 2>/dev/null; then
        continue
    fi
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "Missing Debian packages:$missing" >&2
    echo "Run: sudo apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
