"""Pathological YAML through ``twofa-fsm validate``: one line, exit 2, fast, in bounded memory.

Each file is refused by the safe loader (``twofa_fsm.spec.yamlsafe``) before PyYAML's recursive
composer or constructor can blow the stack or the memory.  The command runs in a subprocess limited
to 1 GiB of address space, so a memory blow-up fails the test instead of the machine; the 15 s bound
is a ceiling on a pathological input, not a benchmark (each takes well under a second).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

resource = pytest.importorskip("resource")  # RLIMIT_AS: POSIX only

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "twofa.yaml"
GIB = 1 << 30
DEEP = 100_000


def _spec_with(extra: str) -> str:
    """spec/twofa.yaml, valid, with ``extra`` added as a top-level key after its comment header."""
    text = SPEC.read_text(encoding="utf-8")
    first = text.index("\nname:") + 1
    return text[:first] + extra + "\n" + text[first:]


def _laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# name -> (the file's content, what the one error line must say)
CASES: dict[str, tuple[Callable[[], str | bytes], str]] = {
    "deep_brackets": (lambda: "[" * DEEP + "]" * DEEP, "nested more than 64 levels deep"),
    "deep_mappings": (lambda: "{a: " * DEEP + "}" * DEEP, "nested more than 64 levels deep"),
    "deep_block_sequences": (lambda: "- " * DEEP + "x\n", "nested more than 64 levels deep"),
    "deep_inside_a_valid_spec": (
        lambda: _spec_with("notes: " + "[" * DEEP + "]" * DEEP),
        "nested more than 64 levels deep",
    ),
    "huge_string_10mb": (lambda: "name: " + "x" * 10_000_000 + "\n", "larger than 1000000 bytes"),
    "many_keys_10mb": (
        lambda: "".join(f"key_{i}: {i}\n" for i in range(700_000)),
        "larger than 1000000 bytes",
    ),
    "wide_list": (lambda: "name: x\nstates: [" + "1, " * 300_000 + "1]\n", "more than 50000 YAML nodes"),
    "wide_mapping": (lambda: "{" + ", ".join(f"k{i}: 1" for i in range(90_000)) + "}\n", "more than 50000 YAML nodes"),
    "wide_mapping_under_the_node_limit": (
        lambda: "".join(f"key_{i}: {i}\n" for i in range(24_000)),
        "more than 1000 problems (24005); the first: name: Field required",
    ),
    "many_bad_items_under_the_node_limit": (
        lambda: _spec_with("").replace("transitions:\n", "transitions:\n" + "  - {x: 1}\n" * 16_000, 1),
        "more than 1000 problems",
    ),
    "alias": (lambda: "a: &x [1]\nb: *x\n", "YAML aliases are not allowed"),
    "anchor": (lambda: "a: &x [1]\nb: 2\n", "YAML anchors are not allowed"),
    "billion_laughs": (_laughs, "YAML aliases are not allowed"),
    "tag": (lambda: "name: !!python/object/apply:os.system ['true']\n", "tags are not allowed"),
    "not_utf8": (lambda: b"name: caf\xe9\n", "not UTF-8 text"),
    "control_character": (lambda: "name: a\x00b\n", "special characters are not allowed"),
}


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def validate(path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "twofa_fsm_tools.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        preexec_fn=_limit_memory,
    )
    return done, time.monotonic() - start


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_yaml_is_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    make, expected = CASES[name]
    content = make()
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    done, seconds = validate(path)
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith(f"twofa-fsm: error: {path}"), lines[0]
    assert expected in lines[0] and "; fix: " in lines[0], lines[0]
    assert seconds < 15, f"{name}: {seconds:.1f} s"


def test_the_memory_limit_leaves_room_for_a_valid_spec() -> None:
    """The 1 GiB cap is not what makes the cases above fail: the real spec validates under it."""
    done, _ = validate(SPEC)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith(": valid")


def test_the_lines_point_at_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "inside.yaml"
    path.write_text(_spec_with("notes: " + "[" * 100 + "]" * 100), encoding="utf-8")
    line = _spec_with("").split("\n").index("") + 1  # the inserted key's line
    done, _ = validate(path)
    assert done.stderr.startswith(f"twofa-fsm: error: {path}:{line}: the YAML is nested more than 64"), done.stderr
    path.write_text("a: 1\nb: &x [1]\nc: *x\n", encoding="utf-8")
    done, _ = validate(path)
    assert f"{path}:3: YAML aliases are not allowed" in done.stderr and "(value '*x')" in done.stderr


def test_a_recursion_error_that_escapes_the_limits_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last guard: were the depth limit too high, PyYAML's recursion would still end in a SpecError."""
    from twofa_fsm import SpecError
    from twofa_fsm.spec import yamlsafe

    monkeypatch.setattr(yamlsafe, "MAX_DEPTH", 10 * DEEP)
    with pytest.raises(SpecError, match=r"^deep\.yaml: the YAML is too deeply nested or too large to read") as caught:
        yamlsafe.parse_yaml("[" * 5_000 + "]" * 5_000, file="deep.yaml")
    assert "(RecursionError)" in str(caught.value) and "\n" not in str(caught.value)


def test_a_memory_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from twofa_fsm import SpecError
    from twofa_fsm.spec import yamlsafe

    def exhausted(*args: object) -> None:
        raise MemoryError

    monkeypatch.setattr(yamlsafe, "_walk", exhausted)
    with pytest.raises(SpecError, match=r"\(MemoryError\)"):
        yamlsafe.parse_yaml("name: x\n", file="big.yaml")
