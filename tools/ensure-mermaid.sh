#!/usr/bin/env bash
# Make sure mermaid-cli (npm @mermaid-js/mermaid-cli) is there for the Mermaid rendering test, in .tools/mermaid.
# It runs on Debian's Chromium (tools/ensure-browser.sh); it never downloads a browser of its own.
set -u
here=".tools/mermaid"
if [ -x "$here/node_modules/.bin/mmdc" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "note: npm is missing: the Mermaid rendering test is skipped (install Node.js and npm to run it)" >&2
  exit 0
fi
echo "installing mermaid-cli into $here with npm ..."
mkdir -p "$here"
if ! PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm install --prefix "$here" --no-audit --no-fund --loglevel=error @mermaid-js/mermaid-cli >/dev/null 2>&1; then
  echo "warning: npm could not install @mermaid-js/mermaid-cli; the Mermaid rendering test will be skipped" >&2
fi
exit 0
