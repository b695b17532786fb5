"""The runner is strict: a mistyped known_weakness is an error, and a known weakness that did not happen fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twofa_fsm import SpecError
from twofa_fsm_tools.scenario import run_scenario_file

ROOT = Path(__file__).resolve().parents[2]
ARTICLE_STORY = ROOT / "simulator" / "scenarios" / "phished_reset_window_article.yaml"


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    text = ARTICLE_STORY.read_text(encoding="utf-8").replace(
        "spec: spec/article.yaml", f"spec: {ROOT}/spec/article.yaml"
    )
    path = tmp_path / "story.yaml"
    path.write_text(re.sub(old, new, text, count=1), encoding="utf-8")
    return path


def test_a_mistyped_known_weakness_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = _copy(tmp_path, r"known_weakness: article", "known_weakness: artcle")
    with pytest.raises(SpecError, match=r"no spec is named 'artcle'.*did you mean 'article'"):
        run_scenario_file(path)


def test_a_known_weakness_that_does_not_happen_fails_like_a_strict_xfail(tmp_path: Path) -> None:
    assert run_scenario_file(ARTICLE_STORY).passed
    hardened = run_scenario_file(ARTICLE_STORY, spec_override=ROOT / "spec" / "twofa.yaml")
    assert not hardened.breaches  # the weakness is the article's: on the hardened spec nothing is marked
    path = _copy(
        tmp_path,
        r"  - actor: alice\n    action: login\n",
        "  - actor: alice\n    action: login\n    known_weakness: article\n",
    )
    result = run_scenario_file(path)
    assert not result.passed
    assert any(f.what == "known_weakness" and "did not happen" in f.actual for f in result.failures)


def test_a_step_that_checks_nothing_is_an_error_unless_it_says_so(tmp_path: Path) -> None:
    base = ROOT / "simulator" / "scenarios" / "lost_phone.yaml"
    text = base.read_text(encoding="utf-8").replace("spec: spec/", f"spec: {ROOT}/spec/")
    first_expect = re.search(r"\n    expect: [^\n]*(\n      [^\n]*)*", text)
    assert first_expect is not None
    bare = tmp_path / "bare.yaml"
    bare.write_text(text[: first_expect.start()] + text[first_expect.end() :], encoding="utf-8")
    with pytest.raises(SpecError, match=r"checks nothing.*expect: \{\}"):
        run_scenario_file(bare)
    on_purpose = tmp_path / "on_purpose.yaml"
    on_purpose.write_text(
        text[: first_expect.start()] + "\n    expect: {}" + text[first_expect.end() :], encoding="utf-8"
    )
    assert run_scenario_file(on_purpose).passed


PER_SPEC = """
name: per-spec
spec: {root}/spec/twofa.yaml
people:
  - {{id: alice, role: member, org: acme, enrolled_with: alice_phone}}
  - {{id: bob, role: admin, org: acme, enrolled_with: bob_phone}}
devices:
  - {{id: alice_phone, holder: alice}}
  - {{id: bob_phone, holder: bob}}
steps:
  - {{actor: alice, action: report_lost_device, expect: {{state: locked_out}}}}
  - {{actor: bob, action: login, expect: {{access: granted}}}}
  - {{actor: bob, action: request_reset, account: alice, expect: {{state: reset_pending}}}}
  - {{actor: bob, action: confirm_reset, account: alice, expect: {{state: unenrolled}}}}
  - actor: alice
    action: start_setup
    token: none
    note: the article asks for no token; the hardened spec does
    expect_on:
      {twofa}: {{allowed: false, state: unenrolled}}
      {article}: {{allowed: true, state: setup_in_progress}}
"""


def test_expectations_per_spec(tmp_path: Path) -> None:
    path = tmp_path / "per_spec.yaml"
    path.write_text(PER_SPEC.format(root=ROOT, twofa="twofa", article="article"), encoding="utf-8")
    assert run_scenario_file(path).passed
    assert run_scenario_file(path, spec_override=ROOT / "spec" / "article.yaml").passed
    swapped = tmp_path / "swapped.yaml"
    swapped.write_text(PER_SPEC.format(root=ROOT, twofa="article", article="twofa"), encoding="utf-8")
    failed = run_scenario_file(swapped)
    assert not failed.passed and {f.step for f in failed.failures} == {5}
    typo = tmp_path / "typo.yaml"
    typo.write_text(PER_SPEC.format(root=ROOT, twofa="twofa", article="artcle"), encoding="utf-8")
    with pytest.raises(SpecError, match=r"expect_on.*no spec is named 'artcle'.*did you mean 'article'"):
        run_scenario_file(typo)
