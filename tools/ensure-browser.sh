#!/usr/bin/env bash
# Make sure a headless Chromium is there for the review page's browser test:
# install Debian's chromium and chromium-driver when missing and root (like ensure-dot.sh).
# Playwright (the Python package, a dev dependency) drives it; it never downloads a browser here.
set -u
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium (chromium, chromium-driver) with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null && exit 0
  echo "warning: apt-get could not install chromium; the review page's browser test will be skipped" >&2
  exit 0
fi
echo "note: Chromium is missing and we are not root: run 'sudo apt-get install chromium chromium-driver'" >&2
echo "      (the review page's browser test is skipped without it)" >&2
exit 0
