"""Reset-window attacks: never succeed on the hardened spec, succeed on the article's flow."""

from __future__ import annotations

from pathlib import Path

from pop_helpers import ARTICLE, HARDENED, run_json, write_attack_profile

ARGS = ("--users", "300", "--days", "60", "--seed", "5", "--jobs", "1")


def test_hardened_spec_stops_every_attack(tmp_path: Path) -> None:
    attack_profile = write_attack_profile(tmp_path)
    r = run_json(tmp_path, "--spec", HARDENED, "--profile", attack_profile, *ARGS)["results"]
    assert r["attacks"]["help_desk"]["attempts"] > 0
    assert r["attacks"]["reset_window"]["attempts"] > 0
    assert r["attacks"]["stolen_phone"]["attempts"] > 0
    assert r["attacker_successes"] == 0
    assert r["unexpected_refusals"] == 0


def test_article_flow_lets_attackers_enrol(tmp_path: Path) -> None:
    attack_profile = write_attack_profile(tmp_path)
    r = run_json(tmp_path, "--spec", ARTICLE, "--profile", attack_profile, *ARGS)["results"]
    assert r["attacker_successes"] > 0
    assert r["attacks"]["help_desk"]["successes"] + r["attacks"]["reset_window"]["successes"] == r["attacker_successes"]
    assert r["attacks"]["stolen_phone"]["successes"] == 0  # a phone without the password is not enough
    assert r["unexpected_refusals"] == 0
