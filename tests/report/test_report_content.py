"""What the review page holds: every transition in the matrix, every scenario, the checker, the article compared."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from report_build import SCENARIOS, SPEC, Built, build

from twofa_fsm import load_spec
from twofa_fsm_tools.checker.properties import PROPERTIES
from twofa_fsm_tools.diagrams import graph_of, have_dot
from twofa_fsm_tools.diagrams.style import ATTACKER, FINAL_BORDER
from twofa_fsm_tools.scenario.runner import run_scenario_file

SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, f"no section '{section_id}'"
    return match.group(1)


def _details(html: str, details_id: str) -> str:
    match = re.search(rf'<details id="{details_id}"[^>]*>(.*?)</details>', html, re.S)
    assert match, f"no details '{details_id}'"
    return match.group(0)


def test_cli_prints_the_index_path(report: Built) -> None:
    assert report.index.name == "index.html" and report.index.is_file()
    assert report.stdout.strip() == str(report.index)
    assert report.html.startswith("<!DOCTYPE html>")


def test_matrix_has_every_transition_of_the_spec(report: Built) -> None:
    graph = graph_of(load_spec(SPEC))
    matrix = _section(report.html, "matrix")
    table = re.search(r'<table class="matrix">(.*?)</table>', matrix, re.S)
    assert table
    rows = re.findall(
        r'<tr><td><span class="state">([^<]+)</span></td><td><strong>([^<]+)</strong></td>'
        r'<td><span class="state">([^<]+)</span></td>(.*?)</tr>',
        table.group(1),
        re.S,
    )
    found = {(s, e, d) for s, e, d, _ in rows}
    expected = {(e.source, e.event, e.dest) for e in graph.edges}
    assert found == expected and len(rows) == len(graph.edges)
    header = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table.group(1))
    for source, event, dest, cells in rows:
        edge = next(e for e in graph.edges if (e.source, e.event, e.dest) == (source, event, dest))
        allowed = re.findall(r'<td class="(yes [a-z]+|no)"', cells)
        actors = {
            h.replace(" (self)", "") for h, cls in zip(header[3:], allowed, strict=False) if cls.startswith("yes")
        }
        assert actors == set(edge.roles), (source, event, actors, edge.roles)


def test_glance_table_says_who_may_do_what_from_where(report: Built) -> None:
    glance = re.search(r'<table class="glance">(.*?)</table>', report.html, re.S)
    assert glance
    rows = re.findall(r"<tr>(.*?)</tr>", glance.group(1), re.S)[1:]  # after the header
    locked = next(r for r in rows if '<span class="state">locked_out</span>' in r)
    cells = re.findall(r"<td>(.*?)</td>", locked, re.S)
    # from locked_out the user can do nothing; owner and admin may request a reset
    header = ["from", "user", "owner", "admin", "member", "support", "system"]
    by = {k: unescape(re.sub(r"<[^>]+>", "", v)) for k, v in zip(header, cells, strict=True)}
    assert "—" in by["user"] and "—" in by["member"]
    assert "request_reset → reset_pending" in by["owner"] and "request_reset" in by["admin"]
    # and for whom: the tier rule, from the spec's tiers (an Admin cannot reset an Owner)
    assert "admin → request_reset: for targets of tier ≤ admin (2): member, admin" in by["admin"]
    assert "owner → request_reset: for targets of tier ≤ owner (3): member, admin, owner" in by["owner"]


def test_chips_never_break_inside_a_name(report: Built) -> None:
    glance = re.search(r'<table class="glance">(.*?)</table>', report.html, re.S)
    assert glance
    chips = glance.group(1).count('<span class="ev ')
    name = r'<span class="nw">[^<]+</span>'
    whole = re.findall(rf'<span class="ev [a-z]+"[^>]*>{name} → {name}</span>', glance.group(1))
    assert chips > 0 and len(whole) == chips  # event and destination, each kept whole (white-space: nowrap)
    assert "overflow-wrap: anywhere" not in report.html and ".nw, .state, code { white-space: nowrap; }" in report.html


def test_one_section_per_scenario_with_pass_or_fail(report: Built) -> None:
    scenarios = _section(report.html, "scenarios")
    blocks = re.findall(r'<details id="scenario-([^"]+)" class="scenario (pass|fail)"', scenarios)
    assert len(blocks) == len(SCENARIO_FILES)
    for path in SCENARIO_FILES:
        result = run_scenario_file(path)
        block = _details(scenarios, f"scenario-{result.name}")
        assert ("pill-pass" in block) == result.passed and (
            "pill-fail" in block.split("</summary>")[0]
        ) != result.passed
        assert result.name in block


def test_checker_section_lists_every_property_and_the_numbers(report: Built) -> None:
    checker = _section(report.html, "checker")
    assert "states explored" in checker and "transitions tried" in checker and re.search(r"\d+\.\d s", checker)
    for prop in PROPERTIES:
        assert f"<code>{prop}</code>" in checker
    assert "pill-violated" not in checker  # the hardened spec keeps every promise


def test_article_section_shows_its_known_weakness(report: Built) -> None:
    article = _section(report.html, "article")
    assert "attacker_never_gains_access" in article and "pill-violated" in article
    assert "phisher.start_setup" in article  # a counterexample path
    assert "sole owner" in article  # the checker's note on the article's flow
    assert "phished-reset-window-article" in article and "phished-reset-window-twofa" in article
    assert "attacker mallory gained access to alice&#x27;s account" in article


def test_no_network_resources(report: Built) -> None:
    html = report.html
    assert not re.search(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "@import" not in html and "<link" not in html and "<iframe" not in html
    assert html.count("<script") == 1 and "<script>" in html and "<script src" not in html  # one inline script
    assert "http://" not in html and "https://" not in html  # not even SVG namespace declarations


@pytest.mark.skipif(
    not have_dot(), reason="Graphviz's `dot` is not installed (apt-get install graphviz): no inline SVG to inspect"
)
def test_lost_phone_overlay_is_numbered_by_step(report: Built) -> None:
    block = _details(report.html, "scenario-lost-phone")
    svg = block[block.index("<svg") : block.index("</svg>")]
    steps = re.findall(r'<tr(?: class="[a-z]*")? data-step="(\d+)"><td>(\d+)</td>', block)
    assert [a for a, b in steps if a == b] == [a for a, _ in steps] and len(steps) == 10
    for n, who in ((1, "alice"), (4, "alice"), (7, "bob"), (8, "bob"), (10, "alice"), (11, "alice"), (12, "alice")):
        assert f">{n} {who}</text>" in svg  # the badge is the step number of the table, with who acted
    assert ">✕ 3 alice</text>" in svg and ">✕ 5 alice</text>" in svg  # refusals, at their states
    assert "the path ends here" in svg and f'stroke="{FINAL_BORDER.lower()}"' in svg
    assert "Legend" not in svg and report.html.count('id="legend"') == 1  # the legend once, in HTML
    assert re.search(r'id="path\d+-', svg)  # ids prefixed: several diagrams share the page
    assert re.search(r'class="edge seg [^"]*step_7', svg)  # the step-through finds step 7's edge


def test_every_scenario_has_a_sequence_diagram(report: Built) -> None:
    scenarios = _section(report.html, "scenarios")
    for path in SCENARIO_FILES:
        result = run_scenario_file(path)
        block = _details(scenarios, f"scenario-{result.name}")
        seq = re.search(r'<svg class="seq".*?</svg>', block, re.S)
        assert seq, result.name
        steps = sorted({s.step for s in result.trace if s.kind != "idle"})
        listed = [int(n) for n in re.search(r'data-steps="([\d ]*)"', block).group(1).split()]  # type: ignore[union-attr]
        assert sorted(listed) == steps, result.name  # the stepper walks every step of the story
        for n in steps:
            assert f'data-step="{n}"' in seq.group(0), (result.name, n)
        if any(not s.allowed for s in result.steps):
            assert "refused" in seq.group(0) and "✕" in seq.group(0)


def test_sequence_lifelines_show_attackers_phones_and_mailboxes(report: Built) -> None:
    block = _details(report.html, "scenario-phished-reset-window-twofa")
    seq = re.search(r'<svg class="seq".*?</svg>', block, re.S)
    assert seq
    heads = re.findall(
        r'fill="(#[0-9A-Fa-f]+)" text-anchor="middle" font-weight="bold"[^>]*>([^<]+)<',
        seq.group(0).split('<g class="heads">')[1].split("</g>")[0],
    )
    labels = [t for _, t in heads]
    assert labels[:3] == ["alice (member)", "bob (admin)", "mallory (attacker)"]
    assert "the service (system)" in labels and "alice&#x27;s mailbox" in labels and "phone alice_new_phone" in labels
    assert dict((t, c) for c, t in heads)["mallory (attacker)"] == ATTACKER  # attackers in red
    assert "✉ " in seq.group(0) and ">token<" in seq.group(0) and ">code<" in seq.group(0)
    assert re.search(r'class="row step_5 refused"', seq.group(0))  # mallory's start_setup without the token


def test_filters_come_from_the_spec(report: Built) -> None:
    spec = load_spec(SPEC)
    diagram = _section(report.html, "diagram")
    roles = re.findall(r'<option value="([a-z_]+)">', diagram.split('data-filter="role"')[1].split("</select>")[0])
    assert roles == ["user", *spec.roles]
    states = re.findall(r'<option value="([a-z_]+)">', diagram.split('data-filter="state"')[1].split("</select>")[0])
    assert states == list(spec.states)
    admin = re.search(r'data-role="admin" hidden>(.*?)</div></div>', diagram, re.S)
    assert admin and "tier 2" in admin.group(1) and "member, admin" in unescape(admin.group(1))
    for state in spec.states:
        assert re.search(rf'class="node state s_{state}\b', diagram) or not have_dot()  # click a state to filter


def test_every_svg_has_unique_ids(report: Built) -> None:
    ids = re.findall(r'\bid="([^"]+)"', report.html)
    assert len(ids) == len(set(ids))


def test_no_secret_of_any_run_appears(report: Built) -> None:
    assert "otpauth:" not in report.html and "secret=" not in report.html.lower()
    for path in SCENARIO_FILES:
        world = run_scenario_file(path, keep_world=True).world
        assert world is not None
        for secret in world.secrets_for_tests():
            assert secret not in report.html, f"{path.name}: a password, token or code is on the page"


def test_text_is_escaped(tmp_path: Path) -> None:
    source = (SCENARIOS / "changed_phones.yaml").read_text(encoding="utf-8")
    evil = re.sub(
        r"(?ms)^description:.*?(?=^\S)", 'description: "<script>alert(1)</script> & <b>bold</b>"\n', source, count=1
    )
    assert "<script>" in evil
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "evil.yaml").write_text(evil, encoding="utf-8")
    html = build(tmp_path / "out", "--no-check", scenarios=folder).html
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "The checker was not run (--no-check)" in html


def test_structure_is_deterministic(tmp_path: Path) -> None:
    first = build(tmp_path / "a", "--no-check").html
    second = build(tmp_path / "b", "--no-check").html
    assert first == second


def test_the_overview_says_which_spec_the_scenarios_ran_on(report: Built) -> None:
    assert "each on the spec its file names" in report.html
    assert "on &#x27;article&#x27;" in report.html or "on 'article'" in report.html
