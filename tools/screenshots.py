"""Screenshots of the review page at 800, 1400 and 1920 px (what `make demo` leaves in out/report-screenshots/).

    .venv/bin/python tools/screenshots.py out/report/index.html out/report-screenshots

Uses Playwright (a development dependency) on Debian's Chromium (tools/ensure-browser.sh); without them it
says why and exits 0, writing nothing.  The browser test (tests/report/test_report_browser.py) checks the
page itself: this only takes the pictures.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

WIDTHS = (800, 1400, 1920)


def main(page_file: str, out_dir: str) -> int:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("screenshots skipped: Playwright is not installed (pip install -e '.[dev]')")
        return 0
    if not Path(chromium).exists():
        print("screenshots skipped: Chromium is missing (bash tools/ensure-browser.sh)")
        return 0
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    url = Path(page_file).resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"], timeout=60_000)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 1000})
            page.goto(url)
            page.wait_for_load_state("load")
            shot = out / f"review-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"{shot}: the review page at {width} px")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python tools/screenshots.py PAGE.html OUT_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
