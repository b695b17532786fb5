"""Every Mermaid file renders with mermaid-cli (on Debian's Chromium) and shows every state's name."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from twofa_fsm import load_spec

ROOT = Path(__file__).resolve().parents[2]
MMDC = ROOT / ".tools" / "mermaid" / "node_modules" / ".bin" / "mmdc"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.mark.skipif(not MMDC.exists(), reason="mermaid-cli is not installed (make setup runs tools/ensure-mermaid.sh)")
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make setup runs tools/ensure-browser.sh)")
@pytest.mark.parametrize("name", ["twofa", "article"])
def test_every_state_name_is_on_the_rendered_diagram(name: str, tmp_path: Path) -> None:
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": FLAGS}), encoding="utf-8")
    out = tmp_path / f"{name}.svg"
    source = ROOT / "diagrams" / f"{name}.mmd"
    done = subprocess.run(
        [str(MMDC), "-p", str(config), "-i", str(source), "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    svg = out.read_text(encoding="utf-8")
    for state in load_spec(ROOT / "spec" / f"{name}.yaml").states:
        assert f">{state}<" in svg, f"state {state} is not shown by name in the rendered {name}.mmd"


def _blocks(text: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


@pytest.mark.skipif(not MMDC.exists(), reason="mermaid-cli is not installed (make setup runs tools/ensure-mermaid.sh)")
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make setup runs tools/ensure-browser.sh)")
def test_the_markdown_pages_render(tmp_path: Path) -> None:
    """Every Mermaid block of diagrams/article.md, and the lifecycle and one story of diagrams/twofa.md, render."""
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": FLAGS}), encoding="utf-8")
    twofa = (ROOT / "diagrams" / "twofa.md").read_text(encoding="utf-8")
    story = twofa.split("### lost-phone", 1)[1].split("\n### ", 1)[0]
    sample = tmp_path / "twofa-sample.md"
    sample.write_text("".join(f"```mermaid\n{b}```\n\n" for b in _blocks(twofa)[:1] + _blocks(story)), encoding="utf-8")
    for source in (ROOT / "diagrams" / "article.md", sample):
        out = tmp_path / f"rendered-{source.name}"
        done = subprocess.run(
            [str(MMDC), "-p", str(config), "-i", str(source), "-o", str(out)],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        svgs = sorted(tmp_path.glob(f"rendered-{source.stem}-*.svg"))
        assert len(svgs) == len(_blocks(source.read_text(encoding="utf-8"))) >= 3
        for svg in svgs:
            text = svg.read_text(encoding="utf-8")
            assert "Syntax error" not in text and "<svg" in text
    rendered = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("rendered-twofa-sample-*.svg"))
    assert "request_reset" in rendered and "alice (member)" in rendered  # the story's sequence, by its actors
