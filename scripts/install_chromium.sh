#!/usr/bin/env bash
# Install Debian's Chromium (and its driver) for the browser test, only if it is missing.
# Never downloads a browser build of its own: the distribution's package or nothing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
  exit 0
fi
echo "Chromium is missing. Install your distribution's package (Debian: sudo apt-get install chromium)" >&2
echo "or point CHROMIUM at a Chromium/Chrome executable, then run 'make test' again." >&2
exit 1
