#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries are in /usr/lib/postgresql/*/bin (the store tests start a throw-away
# server of their own with them: tests/store/pg_server.py): install Debian's postgresql when missing and root.
# Never fails: without them the PostgreSQL store tests skip, saying why.
set -u
have_server() {
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/postgres" ]; then
      return 0
    fi
  done
  return 1
}
if have_server; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL (the server, for the PostgreSQL store tests) with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null && have_server; then
    exit 0
  fi
  echo "warning: apt-get could not install postgresql; the PostgreSQL store tests will be skipped" >&2
  exit 0
fi
echo "note: PostgreSQL's server is missing and we are not root: run 'sudo apt-get install postgresql'" >&2
echo "      (or set TWOFA_PG_URL to a server the tests may use); the PostgreSQL store tests are skipped" >&2
exit 0
