"""Open the review page as a designer would: real headless Chromium (Debian's), driven by Playwright.

No console errors, nothing fetched from the network, every SVG drawn with a
non-zero size (with every collapsible section opened), and a full-page
screenshot saved as a test artefact in out/report-screenshot.png.

Skipped, with the reason, where Playwright (pip: playwright) or Chromium
(apt-get install chromium chromium-driver; tools/ensure-browser.sh) is missing.
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_build import ROOT, Built

from simulator.diagrams import have_dot

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTEFACTS = ROOT / "out"

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed (pip install playwright): browser test skipped",
    exc_type=ImportError,
)
if not Path(CHROMIUM).is_file():
    pytest.skip(
        "Chromium is not installed (apt-get install chromium chromium-driver, or bash tools/ensure-browser.sh): "
        "browser test skipped",
        allow_module_level=True,
    )


class Visit:
    """One page load, with what the browser said and fetched."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        except Exception as err:  # e.g. a Chromium that cannot start on this machine
            pytest.skip(f"Chromium at {CHROMIUM} could not be started by Playwright: {str(err).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def visit(browser: Any, report: Built) -> Iterator[Visit]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = Visit(page)
    page.goto(report.index.as_uri(), wait_until="load")
    yield seen
    page.close()


def test_no_console_errors(visit: Visit) -> None:
    assert visit.errors == []


def test_nothing_is_fetched(visit: Visit) -> None:
    assert [u for u in visit.requests if not u.startswith(("file:", "data:"))] == []


def test_full_page_screenshot(visit: Visit) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "report-screenshot.png"
    visit.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert visit.page.title().startswith("Review: ")


def test_every_svg_has_a_size_when_opened(visit: Visit, report: Built) -> None:
    page = visit.page
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    sizes: list[list[float]] = page.evaluate(
        "Array.from(document.querySelectorAll('svg')).map(s => { const r = s.getBoundingClientRect(); return "
        "[r.width, r.height]; })"
    )
    assert len(sizes) == report.html.count("<svg ")
    if have_dot():
        assert len(sizes) >= 3  # the spec diagram, the article's and one path per scenario
    empty = [i for i, (w, h) in enumerate(sizes) if not (w > 0 and h > 0)]
    assert empty == [], f"SVGs {empty} have no size"
    page.locator("#scenario-lost-phone").screenshot(path=str(ARTEFACTS / "report-lost-phone.png"))
    assert visit.errors == []
