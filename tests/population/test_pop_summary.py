"""The summary: every field present and sane, the table on stdout, the JSON file, a quiet progress bar."""

from __future__ import annotations

import json
from pathlib import Path

from pop_helpers import ARTICLE, HARDENED, run_cli


def test_summary_fields_table_and_json(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    result = run_cli("--spec", HARDENED, "--users", "400", "--days", "120", "--seed", "3", "--json", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # the progress bar stays quiet when stderr is not a terminal
    for label in (
        "lockouts",
        "resets",
        "time locked out, median (h)",
        "time locked out, p95 (h)",
        "abandoned setups",
        "attacker attempts",
        "attacker successes",
        "events per second",
        "wall time (s)",
    ):
        assert label in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    run, r, speed = data["run"], data["results"], data["speed"]
    assert run == {
        "spec": "twofa",
        "spec_path": HARDENED,
        "profile": "default",
        "users": 400,
        "days": 120,
        "seed": 3,
        "blocks": 2,
        "block_size": 250,
    }
    assert r["users"] == 400 == sum(r["final_states"].values())
    assert r["organisations"] >= r["sole_owner_organisations"] >= 0
    hours = r["locked_out_hours"]
    assert hours["max"] >= hours["p95"] >= hours["median"] >= 0
    assert r["lockouts"] > 0 and r["resets"] > 0 and r["abandoned_setups"] > 0
    assert r["lockouts"] == sum(r["lockouts_by_cause"].values())
    assert hours["completed"] + r["still_locked_out_at_end"] == r["lockouts"]
    assert r["attacker_attempts"] == sum(a["attempts"] for a in r["attacks"].values())
    assert r["attacker_successes"] == 0
    assert r["engine_events"] >= r["engine_logins"] > r["users"]
    assert r["unexpected_refusals"] == 0
    assert speed["wall_seconds"] > 0 and speed["events_per_second"] > 0


def test_article_has_no_expiry_and_no_support(tmp_path: Path) -> None:
    out = tmp_path / "article.json"
    result = run_cli("--spec", ARTICLE, "--users", "250", "--days", "90", "--json", str(out))
    assert result.exit_code == 0, result.output
    r = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert r["expired_setups"] == 0 and r["expired_setup_tokens"] == 0 and r["resets_by_support"] == 0
