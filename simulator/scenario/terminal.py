"""Reports of scenario runs: rich tables, failure traces, replayable YAML, JSON and JUnit XML.

Everything here reads ``ScenarioResult``s, which hold no secret, code or token.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from twofa_fsm_tools.scenario.records import ScenarioResult, StepRecord
from twofa_fsm_tools.scenario.runner import ROOT


def _target(rec: StepRecord) -> str:
    return rec.target if rec.target and rec.target != rec.actor else ("own" if rec.target else "")


def _transition(rec: StepRecord) -> str:
    if rec.kind == "world":
        return rec.inputs[0] if rec.inputs else rec.action
    if rec.kind == "idle":
        return f"{rec.source} (tick: nothing due)"
    arrow = "→" if rec.allowed else "↛"
    dest = rec.dest if rec.allowed else rec.source
    return f"{rec.event}: {rec.source} {arrow} {dest}"


def short_path(path: str) -> str:
    """A path relative to the repository root when it is inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except (ValueError, OSError):
        return path


def scenario_table(result: ScenarioResult) -> Table:
    mark = "[green]PASS[/green]" if result.passed else "[red]FAIL[/red]"
    where = f"{short_path(result.path)} on {short_path(result.spec_path)}"
    title = f"{mark} {result.name}  [dim]({where}, seed {result.seed}, {len(result.steps)} events)[/dim]"
    start = result.scenario.start_time if result.scenario is not None else 0.0
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for col in ("#", "t", "actor", "action", "on", "transition", "result", "access", "check"):
        table.add_column(col, overflow="fold")
    for rec in result.trace:
        step = f"{rec.step}" + (f".{rec.attempt}" if rec.attempt > 1 else "") if rec.kind != "auto" else "↳"
        res = Text(
            rec.result_text, style="green" if rec.allowed else ("dim" if rec.kind in ("world", "idle") else "yellow")
        )
        access = (
            Text("granted", style="bold red" if rec.actor not in ("system",) and rec.known_weakness else "green")
            if rec.access_granted
            else Text("")
        )
        if rec.mismatches:
            check = Text("✗ " + "; ".join(str(m) for m in rec.mismatches), style="red")
        elif rec.known_weakness is not None and rec.known_weakness == result.spec_name:
            check = Text(f"⚠ known weakness of '{rec.known_weakness}'", style="bold yellow")
        else:
            check = Text("")
        table.add_row(
            step,
            f"+{rec.at - start:.0f}s" if start else "",
            rec.actor,
            rec.action,
            _target(rec),
            Text(_transition(rec)),
            res,
            access,
            check,
        )
    return table


def summary_table(results: list[ScenarioResult]) -> Table:
    passed = sum(r.passed for r in results)
    table = Table(title=f"{passed}/{len(results)} scenarios passed", title_justify="left")
    for col in ("scenario", "spec", "events", "result", "known weaknesses", "attacker access"):
        table.add_column(col)
    for r in results:
        table.add_row(
            r.name,
            r.spec_name,
            str(len(r.steps)),
            _result_text(r),
            ", ".join(f"step {w.step}" for w in r.known_weaknesses) or "-",
            Text(str(len(r.breaches)), style="bold red") if r.breaches else Text("0"),
        )
    return table


def _result_text(r: ScenarioResult) -> Text:
    if r.error:
        return Text("ERROR", style="bold red")
    return Text("PASS", style="green") if r.passed else Text(f"FAIL ({len(r.failures)})", style="red")


def print_results(console: Console, results: list[ScenarioResult], *, brief: bool = False) -> None:
    for r in results:
        if r.error:
            continue
        if not brief or not r.passed:
            console.print(scenario_table(r))
            console.print()
    console.print(summary_table(results))


def failure_trace(result: ScenarioResult) -> str:
    """Plain text: each failed expectation (step, expected, actual), then the whole step trace."""
    out = [f"FAILED {result.name} ({short_path(result.path)} on {short_path(result.spec_path)}):"]
    out += [f"  {f}" for f in result.failures]
    out.append("  trace:")
    for rec in result.trace:
        flag = "✗" if rec.mismatches else " "
        head = (
            f"  {flag} step {rec.step}"
            + (f".{rec.attempt}" if rec.attempt > 1 else "")
            + (" (auto)" if rec.kind == "auto" else "")
        )
        line = f"{head}: {rec.actor} {rec.action}" + (
            f" on {rec.target}" if rec.target and rec.target != rec.actor else ""
        )
        line += f" - {_transition(rec)} [{rec.result_text}]"
        if rec.access_granted:
            line += " access granted"
        out.append(line)
        for item in rec.inputs if rec.kind != "world" else ():
            out.append(f"        {item}")
        if rec.reason and not rec.allowed:
            out.append(f"        reason: {rec.reason}")
        for m in rec.mismatches:
            out.append(f"        expected {m.what}: {m.expected}; actual: {m.actual}")
    return "\n".join(out)


def replay_yaml(result: ScenarioResult) -> str:
    """The run as a scenario whose expectations are what actually happened (it passes when replayed)."""
    sc = result.scenario
    if sc is None:
        return ""
    data: dict[str, Any] = sc.model_dump(mode="json", exclude_defaults=True)
    data["name"] = (sc.name + "-replay")[:80]
    data["description"] = (
        f"Replay of '{sc.name}' as it actually ran on {result.spec_path}: every expectation below is what happened."
    )
    data["spec"] = short_path(result.spec_path)
    last: dict[int, StepRecord] = {}
    for rec in result.trace:
        if rec.kind in ("engine", "idle"):
            last[rec.step] = rec
    steps = []
    for i, step in enumerate(data["steps"], start=1):
        step.pop("expect", None)
        if step.get("known_weakness") not in (None, result.spec_name):
            step.pop("known_weakness")
        done = last.get(i)
        if done is not None:
            rec = done
            seen: dict[str, Any] = {"state": rec.state_after, "allowed": rec.allowed}
            if rec.error_kind is not None:
                seen["error"] = rec.error_kind
            seen["access"] = "granted" if rec.access_granted else "denied"
            if rec.failures_after is not None:
                seen["failures"] = rec.failures_after
            step["expect"] = seen
        steps.append(step)
    data["steps"] = steps
    header = (
        "# yaml-language-server: $schema=../../spec/scenario.schema.json\n"
        "# replayable trace generated by `twofa-fsm simulate`\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def to_json(results: list[ScenarioResult]) -> dict[str, Any]:
    return {
        "summary": {
            "scenarios": len(results),
            "passed": sum(r.passed for r in results),
            "failed": sum(not r.passed and not r.error for r in results),
            "errored": sum(bool(r.error) for r in results),
        },
        "scenarios": [
            {
                "name": r.name,
                "file": r.path,
                "spec": r.spec_path,
                "spec_name": r.spec_name,
                "seed": r.seed,
                "passed": r.passed,
                "error": r.error or None,
                "duration_s": round(r.duration, 4),
                "failures": [asdict(f) | {"text": str(f)} for f in r.failures],
                "known_weaknesses": [w.step for w in r.known_weaknesses],
                "attacker_access": list(r.breaches),
                "edges": sorted([list(e) for e in r.edges()]),
                "steps": [asdict(s) for s in r.trace],
            }
            for r in results
        ],
    }
