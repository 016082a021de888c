#!/usr/bin/env bash
# Installs what the tests need from Debian's packages, once: Chromium and a Chinese
# font for the browser tests, ClamAV's daemon for the virus-scanning tests, openssl
# for the SMTP-over-TLS tests.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -x /usr/sbin/clamd ] || need+=(clamav-daemon clamav)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing ${need[*]} for the tests…"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
# No signatures can be downloaded here; the tests bring their own. Keep freshclam quiet.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now clamav-freshclam clamav-daemon >/dev/null 2>&1 || true
fi
