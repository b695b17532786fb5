"""The pytest plugin: a tester's own folder of scenarios, selected by tag, one test per scenario and spec."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my_scenarios"
    folder.mkdir()
    for name, tags in (("lost_phone", "[smoke]"), ("admin_cancels", "[smoke, resets]"), ("replayed_code", None)):
        text = (ROOT / "simulator" / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
        text = text.replace("spec: spec/", f"spec: {ROOT}/spec/")
        if tags:
            text = re.sub(r"(?m)^seed: (.*)$", rf"seed: \1\ntags: {tags}", text, count=1)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a tester's own project (its own, empty ini: nothing of this project's configuration)."""
    ini = cwd / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(cwd), "-p", "no:cacheprovider", "-v", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_folder_outside_the_project_selected_by_tag(tmp_path: Path) -> None:
    _folder(tmp_path)
    done = _pytest(tmp_path, "--twofa-scenarios", "my_scenarios", "-m", "smoke")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "2 passed, 1 deselected" in done.stdout
    done = _pytest(tmp_path, "--twofa-scenarios", "my_scenarios", "-k", "replayed")
    assert "1 passed, 2 deselected" in done.stdout


def test_each_scenario_on_each_spec_and_a_failure_shows_its_trace(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    article = str(ROOT / "spec" / "article.yaml")
    listed = _pytest(tmp_path, "--twofa-scenarios", str(folder), "-m", "resets", "--twofa-spec", article, "--co")
    assert "<ScenarioItem admin_cancels[article]>" in listed.stdout, listed.stdout
    assert "<ScenarioItem admin_cancels>" in listed.stdout
    broken = folder / "lost_phone.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("access: granted", "access: denied", 1))
    done = _pytest(tmp_path, "--twofa-scenarios", str(folder), "-m", "smoke")
    assert done.returncode == 1 and "1 failed, 1 passed" in done.stdout
    assert "expected denied, got granted" in done.stdout
