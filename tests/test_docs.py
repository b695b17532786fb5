"""The documentation (README.md and docs/*.md) stays true and self-contained.

* Every ``python`` block runs as written, from the repository root, unless an HTML comment
  ``<!-- not-run: REASON -->`` right before it says why not (such blocks must still compile).
  The blocks of one page run in order in one fresh namespace, so a page can tell one story in
  several blocks (docs/embedding.md does); files go to a temporary directory.
* Every Markdown link points to a file inside the repository (and to a heading that exists, when it
  names one); no link, URL or path leaves the repository.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

OPENING_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<lang>[^\s`]*)")
NOT_RUN = re.compile(r"<!--\s*not-run:\s*(?P<reason>\S.*?)\s*-->")
INLINE_CODE = re.compile(r"(`+).*?\1")
LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\(\s*<?(?P<target>[^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s.*)?$")
URL = re.compile(r"\b(?:https?|ftp)://|\bmailto:|\bwww\.", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
HEADING = re.compile(r"^ {0,3}#{1,6}\s+(?P<title>.*?)\s*#*\s*$")
FORBIDDEN_TEXT = ("../shared", "shared/", "/work/")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int  # of the opening fence, 1-based
    lang: str
    body: str
    not_run: str | None  # the reason given by a preceding <!-- not-run: REASON -->

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _previous_text_line(lines: list[str], index: int) -> str:
    for line in reversed(lines[:index]):
        if line.strip():
            return line.strip()
    return ""


def _closing_fence(lines: list[str], start: int, fence: str) -> int:
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence) and set(stripped) == {fence[0]}:
            return index
    return len(lines)


def split_page(page: Path) -> tuple[list[Block], list[tuple[int, str]]]:
    """The page's fenced blocks, and its other lines (line number, text) with inline code removed."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    prose: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        opening = OPENING_FENCE.match(lines[index])
        if opening is None:
            prose.append((index + 1, INLINE_CODE.sub("", lines[index])))
            index += 1
            continue
        end = _closing_fence(lines, index + 1, opening["fence"])
        marker = NOT_RUN.fullmatch(_previous_text_line(lines, index))
        body = "\n".join(lines[index + 1 : end]) + "\n"
        reason = marker["reason"] if marker else None
        blocks.append(Block(page, index + 1, opening["lang"].lower(), body, reason))
        index = end + 1
    return blocks, prose


def python_blocks(page: Path) -> list[Block]:
    return [block for block in split_page(page)[0] if block.lang in ("python", "py")]


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = INLINE_CODE.sub(lambda m: m.group(0).strip("`"), title).lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for _, line in split_page(page)[1]:
        heading = HEADING.match(line)
        if heading:
            base = slug(heading["title"])
            name, n = base, 0
            while name in found:
                n += 1
                name = f"{base}-{n}"
            found.add(name)
    return found


def link_targets(page: Path) -> list[tuple[int, str]]:
    targets: list[tuple[int, str]] = []
    for number, line in split_page(page)[1]:
        targets.extend((number, m["target"]) for m in LINK.finditer(line))
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            targets.append((number, definition["target"]))
    return targets


def link_problem(page: Path, target: str) -> str | None:
    """Why ``target`` (a link on ``page``) is not a link to an existing file of the repository, or None."""
    if not target:
        return "empty link target"
    if SCHEME.match(target) or target.startswith("//"):
        return "leaves the repository (links must be relative paths to files in the repository)"
    path_part, _, anchor = target.partition("#")
    if path_part.startswith("/"):
        return "absolute path (use a path relative to the page)"
    resolved = (page.parent / path_part).resolve() if path_part else page
    if not resolved.is_relative_to(ROOT):
        return "points outside the repository"
    if not resolved.exists():
        return "no such file in the repository"
    if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
        return f"no heading with the anchor '#{anchor}' in {resolved.relative_to(ROOT)}"
    return None


def test_the_pages_are_there() -> None:
    expected = {"api", "architecture", "background", "cli", "diagrams", "embedding", "proof", "scenarios", "specs"}
    assert expected <= {page.stem for page in PAGES}


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)], ids=_page_id)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # tempfile.mkdtemp() & co. write under tmp_path
    namespace: dict[str, object] = {"__name__": f"__docs_{page.stem}__"}
    for block in python_blocks(page):
        if block.not_run is not None:
            continue
        code = compile(block.body, block.where, "exec")
        try:
            exec(code, namespace)
        except Exception as exc:
            pytest.fail(f"{block.where}: the python block failed: {exc!r}\n{block.body}")


def test_not_run_blocks_say_why_and_compile() -> None:
    skipped = [block for page in PAGES for block in python_blocks(page) if block.not_run is not None]
    for block in skipped:
        assert len(block.not_run or "") >= 5, f"{block.where}: say why the block is not run"
        compile(block.body, block.where, "exec")


def test_every_page_has_a_runnable_example_where_promised() -> None:
    for name in ("README.md", "docs/api.md", "docs/embedding.md"):
        runnable = [b for b in python_blocks(ROOT / name) if b.not_run is None]
        assert runnable, f"{name} has no runnable python block"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_links_stay_inside_the_repository(page: Path) -> None:
    problems = [
        f"{_page_id(page)}:{number}: ({target}) {problem}"
        for number, target in link_targets(page)
        if (problem := link_problem(page, target)) is not None
    ]
    assert problems == []


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_no_url_outside_code(page: Path) -> None:
    urls = [f"{_page_id(page)}:{number}: {line.strip()}" for number, line in split_page(page)[1] if URL.search(line)]
    assert urls == [], "no link may leave the repository: name the source in plain text instead"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_no_path_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    found = [f"{_page_id(page)}: mentions {bad!r}" for bad in FORBIDDEN_TEXT if bad in text]
    assert found == []


def test_the_link_checker_refuses_what_it_must() -> None:
    readme = ROOT / "README.md"
    assert link_problem(readme, "docs/api.md") is None
    assert link_problem(readme, "CHANGELOG.md") is None
    for bad in (
        "../shared/REFERENCES.md",
        "https://example.org/",
        "http://example.org",
        "mailto:someone@example.org",
        "docs/nope.md",
        "/etc/passwd",
        "docs/api.md#no-such-heading",
        "",
    ):
        assert link_problem(readme, bad) is not None, bad
    assert URL.search("see https://example.org") and not URL.search("otpauth://totp/x")


def test_the_block_parser_sees_markers_and_languages(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```python\nx = 1\n```\n\n<!-- not-run: needs a database -->\n\n```python\nboom(\n```\n"
        "\n````text\n```python\nnot a block\n```\n````\n",
        encoding="utf-8",
    )
    blocks = split_page(page)[0]
    assert [(b.line, b.lang, b.not_run) for b in blocks] == [
        (3, "python", None),
        (9, "python", "needs a database"),
        (13, "text", None),
    ]
