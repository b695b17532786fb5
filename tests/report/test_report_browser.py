"""Open the review page as a designer would: real headless Chromium (Debian's), driven by Playwright.

At 800, 1400 and 1920 px: no console errors, nothing fetched from the network, no
sideways scrolling of the page, no chip cut off, and a full-page screenshot saved
in out/report-screenshots/review-WIDTH.png.  At 1400 px: every SVG drawn with a
non-zero size (with every collapsible section opened), diagram text at least
11 px on screen at the default zoom, and the controls exercised: zoom, pan, fit,
open full size, the role and state filters, and the step-through of a scenario.

Skipped, with the reason, where Playwright (pip: playwright) or Chromium
(apt-get install chromium chromium-driver; tools/ensure-browser.sh) is missing.
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_build import ROOT, Built

from twofa_fsm_tools.diagrams import have_dot

needs_dot = pytest.mark.skipif(not have_dot(), reason="Graphviz's `dot` is not installed: no diagram to drive")

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
SHOTS = ARTEFACTS / "report-screenshots"
WIDTHS = (800, 1400, 1920)
MIN_PX = 11.0

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
    page.wait_for_selector("html[data-ready='1']")
    yield seen
    page.close()


def _open(page: Any, width: int, report: Built) -> Visit:
    page.set_viewport_size({"width": width, "height": 900})
    seen = Visit(page)
    page.goto(report.index.as_uri(), wait_until="load")
    page.wait_for_selector("html[data-ready='1']")
    return seen


# -- at every width ----------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_page_at_width(browser: Any, report: Built, width: int) -> None:
    page = browser.new_page()
    seen = _open(page, width, report)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"review-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.locator("#diagram").screenshot(path=str(SHOTS / f"review-{width}-diagram.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    cut: list[str] = page.evaluate(
        "Array.from(document.querySelectorAll('.ev, .pill, .nw, nav.toc a, .toolbar button, .stepper button'))"
        ".filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
    )
    assert cut == [], f"text cut off at {width} px: {cut[:5]}"
    clipped: list[str] = page.evaluate(
        "Array.from(document.querySelectorAll('main *')).filter(e => { const s = getComputedStyle(e);"
        " return (s.overflowX === 'hidden' || s.overflowX === 'clip') && e.scrollWidth > e.clientWidth + 1; })"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert clipped == [], f"content clipped sideways at {width} px: {clipped[:5]}"
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"review page at {width} px: {height} px long, screenshot {shot}")
    assert seen.errors == []
    page.close()


# -- at 1400 px, as a designer uses it -------------------------------------------------------------


def test_no_console_errors(visit: Visit) -> None:
    assert visit.errors == []


def test_nothing_is_fetched(visit: Visit) -> None:
    assert [u for u in visit.requests if not u.startswith(("file:", "data:"))] == []


def test_title(visit: Visit) -> None:
    assert visit.page.title().startswith("Review: ")


def _label_sizes(page: Any, selector: str) -> list[list[float]]:
    """[computed font-size, size on screen] of every text of the SVGs under ``selector``."""
    sizes: list[list[float]] = page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel + ' svg text')).filter(t => t.textContent.trim())
        .map(t => { const svg = t.ownerSVGElement, box = svg.viewBox.baseVal;
          const scale = svg.getBoundingClientRect().width / box.width;
          const px = parseFloat(getComputedStyle(t).fontSize); return [px, px * scale]; })""",
        selector,
    )
    return sizes


@needs_dot
def test_diagram_text_is_readable_at_the_default_zoom(visit: Visit) -> None:
    page = visit.page
    sizes = _label_sizes(page, "#diagram figure")
    assert len(sizes) > 40
    assert min(px for px, _ in sizes) >= MIN_PX, "a label's computed font-size is below 11 px"
    assert min(shown for _, shown in sizes) >= MIN_PX, "a label is drawn smaller than 11 px on screen"
    print(f"spec diagram labels at 1400 px: {min(s for _, s in sizes):.1f}-{max(s for _, s in sizes):.1f} px on screen")
    page.evaluate("document.getElementById('scenario-brute-force-lockout').open = true")
    page.wait_for_timeout(50)
    for sel in ("#scenario-brute-force-lockout figure.path", "#scenario-brute-force-lockout figure.seq"):
        shown = _label_sizes(page, sel)
        assert shown and min(s for _, s in shown) >= MIN_PX, sel


@needs_dot
def test_zoom_pan_fit_and_open_full_size(visit: Visit) -> None:
    page = visit.page
    fig = page.locator("#diagram figure.spec")
    svg = fig.locator(".viewport > svg")
    start = float(svg.get_attribute("width") or 0)
    assert float(fig.get_attribute("data-scale") or 0) >= 1
    fig.locator("[data-act=in]").click()
    fig.locator("[data-act=in]").click()
    wider = float(svg.get_attribute("width") or 0)
    assert wider > start * 1.5 and fig.locator(".zoomlevel").inner_text().endswith("%")
    view = fig.locator(".viewport")
    box = view.bounding_box()
    assert box is not None
    before = page.evaluate("v => [v.scrollLeft, v.scrollTop]", view.element_handle())
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 - 120, steps=5)
    page.mouse.up()
    after = page.evaluate("v => [v.scrollLeft, v.scrollTop]", view.element_handle())
    assert after != before, "dragging did not pan the diagram"
    fig.locator("[data-act=fit]").click()
    fitted = float(svg.get_attribute("width") or 0)
    assert abs(fitted - (box["width"] - 6)) < 12
    fig.locator("[data-act=one]").click()
    assert float(svg.get_attribute("width") or 0) == start
    with page.expect_popup() as opened:
        fig.locator("[data-act=open]").click()
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.url.startswith("blob:")
    assert popup.evaluate("document.documentElement.tagName.toLowerCase()") == "svg"
    assert popup.evaluate("document.querySelectorAll('text').length") > 40
    popup.close()
    assert visit.errors == []


@needs_dot
def test_filters_by_role_and_by_state(visit: Visit, report: Built) -> None:
    page = visit.page
    box = page.locator("#diagram [data-filters]")
    fig = box.locator("figure.spec")
    page.select_option("#diagram select[data-filter=role]", "admin")
    hits = fig.locator("g.edge.hit")
    admin_edges = fig.locator("g.edge.r_admin")
    assert hits.count() == admin_edges.count() > 0
    faded = page.evaluate(
        "Array.from(document.querySelectorAll('#diagram g.edge:not(.hit)')).map(e => +getComputedStyle(e).opacity)"
    )
    assert faded and max(faded) < 0.5
    info = box.locator(".filter-info[data-role=admin]")
    assert info.is_visible() and "for targets of tier ≤ admin (2): member, admin" in info.inner_text()
    box.screenshot(path=str(SHOTS / "review-1400-filter-admin.png"))
    fig.locator("g.state.s_enrolled").click()  # a state, by clicking it
    assert box.get_attribute("data-filtered") == "|enrolled"
    assert fig.locator("g.edge.hit").count() == fig.locator("g.edge.s_enrolled").count() > 0
    assert box.locator(".filter-info[data-state=enrolled]").is_visible()
    box.locator("[data-act=clear]").click()
    assert fig.locator("g.edge.hit").count() == 0 and "filtering" not in (fig.get_attribute("class") or "")
    assert visit.errors == []


@needs_dot
def test_step_through_a_scenario(visit: Visit) -> None:
    page = visit.page
    page.evaluate("document.getElementById('scenario-lost-phone').open = true")
    block = page.locator("#scenario-lost-phone")
    nexts = block.locator("[data-step-act=next]")
    for _ in range(7):
        nexts.click()
    assert block.get_attribute("data-at") == "7"
    assert block.locator("figure.path svg g.edge.now").count() >= 1  # bob's request_reset on the path
    assert block.locator("figure.seq svg g.row.now").count() >= 1  # and in the sequence
    assert block.locator("table.steps tr.now").count() == 1  # and in the table
    assert "request_reset" in block.locator(".stepnote:not([hidden])").inner_text()
    block.screenshot(path=str(SHOTS / "review-1400-step-7.png"))
    block.locator("[data-step-act=prev]").click()
    assert block.get_attribute("data-at") == "6"
    block.locator("[data-step-act=all]").click()
    assert block.get_attribute("data-at") == "" and block.locator(".now").count() == 0
    assert visit.errors == []


def test_every_svg_has_a_size_when_opened(visit: Visit, report: Built) -> None:
    page = visit.page
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    sizes: list[list[float]] = page.evaluate(
        "Array.from(document.querySelectorAll('svg')).map(s => { const r = s.getBoundingClientRect(); return "
        "[r.width, r.height]; })"
    )
    assert len(sizes) == len(re.findall(r"<svg\b", report.html))
    if have_dot():
        assert len(sizes) >= 3  # the spec diagram, the article's and one path per scenario
    empty = [i for i, (w, h) in enumerate(sizes) if not (w > 0 and h > 0)]
    assert empty == [], f"SVGs {empty} have no size"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#scenario-lost-phone").screenshot(path=str(SHOTS / "review-1400-lost-phone.png"))
    assert visit.errors == []
