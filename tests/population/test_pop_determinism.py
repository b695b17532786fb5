"""The same seed gives the same numbers whatever --jobs is; another seed gives others."""

from __future__ import annotations

from pathlib import Path

from pop_helpers import HARDENED, run_json


def test_jobs_do_not_change_the_numbers(tmp_path: Path) -> None:
    args = ("--spec", HARDENED, "--users", "300", "--days", "60", "--seed", "11")
    one = run_json(tmp_path, *args, "--jobs", "1", name="one.json")
    two = run_json(tmp_path, *args, "--jobs", "2", name="two.json")
    assert one["run"]["blocks"] == 2  # so that --jobs 2 really runs two worker processes
    assert one["results"] == two["results"]
    assert one["run"] == two["run"]
    assert (one["speed"]["jobs"], two["speed"]["jobs"]) == (1, 2)


def test_another_seed_gives_other_numbers(tmp_path: Path) -> None:
    args = ("--spec", HARDENED, "--users", "300", "--days", "60")
    a = run_json(tmp_path, *args, "--seed", "1", name="a.json")
    b = run_json(tmp_path, *args, "--seed", "2", name="b.json")
    assert a["results"] != b["results"]
