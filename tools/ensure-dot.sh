#!/usr/bin/env bash
# Make sure Graphviz's `dot` is on PATH: install Debian's graphviz when missing and root.
set -u
if command -v dot >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Graphviz (dot) with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq graphviz >/dev/null && exit 0
  echo "warning: apt-get could not install graphviz; rendering SVG/PNG diagrams will be skipped" >&2
  exit 0
fi
echo "note: Graphviz's 'dot' is missing and we are not root: run 'sudo apt-get install graphviz'" >&2
echo "      (DOT and Mermaid text still work; SVG/PNG rendering and its tests are skipped)" >&2
exit 0
