#!/usr/bin/env bash
# Make sure SPIN (the Promela model checker) and a C compiler are on the PATH for
# `twofa-fsm check SPEC --cross spin` and tests/checker/test_cross_spin.py: install Debian's spin when
# missing and root.  Never fails: without them the cross-check says why and the SPIN tests skip.
set -u
if command -v spin >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing spin (and gcc, to compile its verifiers) with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null && apt-get install -y -qq spin gcc >/dev/null \
    && command -v spin >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1; then
    exit 0
  fi
  echo "warning: apt-get could not install spin; the SPIN cross-check tests will be skipped" >&2
  exit 0
fi
echo "note: spin or gcc is missing and we are not root: run 'sudo apt-get install spin gcc';" >&2
echo "      the SPIN cross-check (twofa-fsm check --cross spin) and its tests are skipped" >&2
exit 0
