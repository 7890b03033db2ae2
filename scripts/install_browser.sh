#!/usr/bin/env bash
# Install Debian's Chromium for the dashboard's browser tests, if it is missing.
# Idempotent: does nothing when /usr/bin/chromium exists. Never downloads a browser
# build of its own (no `playwright install`): only the distribution's package.
# Without root or apt it says why and exits 0; the browser tests then skip with that reason.
set -uo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser.sh: no apt-get here; install Chromium yourself to run the browser tests" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
else
  SUDO=""
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; then
  $SUDO apt-get update -q >/dev/null 2>&1 || true
  if ! $SUDO apt-get install -y -q --no-install-recommends chromium >/dev/null; then
    echo "install_browser.sh: could not install chromium with apt-get; the browser tests will skip" >&2
  fi
fi
exit 0
