"""Redline every consecutive revision of a real policy repository, and say which pairs render
otherwise than their version pages: the survey behind issue 25's figures, which found the
pairs in tests/redline/corpus/.

Each pair is one file at two consecutive first-parent commits that changed it. Its redline
is checked as the corpus test checks one (`tests/redline/rendered.differences`): accept and
reject give both texts; rendered by Python-Markdown with every change accepted (or
rejected), it has the words, blocks and link addresses of the version's page; no mark
shows as text or holds a block.

    python scripts/redline_survey.py ../shared/fixtures/mozilla-legal-docs.bundle '*/*.md'
    python scripts/redline_survey.py ../shared/fixtures/basecamp-policies.bundle '**/index.md'

It prints the counts, then each pair that differs (file, commits, what differs). It takes a
few minutes on Mozilla's 2,047 pairs. This is a maintainer's tool, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.redline.rendered import differences  # noqa: E402

from policydocs.history.frontmatter import split  # noqa: E402
from policydocs.redline.engine import redline  # noqa: E402


def _git(repository: Path, *arguments: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repository), *arguments], capture_output=True, check=True
    ).stdout


def _body(data: bytes) -> str:
    """The text a redline compares, as the site reads a file (front matter and BOM off)."""
    text = data.decode("utf-8-sig")
    parts = split(text)
    return parts[1] if parts is not None else text.replace("\r\n", "\n")


def pairs(repository: Path, paths: list[str]) -> Iterator[tuple[str, str, str, str, str]]:
    """(file, old commit, new commit, old text, new text) for each consecutive revision."""
    for path in paths:
        log = _git(repository, "log", "--first-parent", "--format=%H", "--", path)
        previous: tuple[str, str] | None = None
        for commit in log.decode().split()[::-1]:
            try:
                text = _body(_git(repository, "show", f"{commit}:{path}"))
            except subprocess.CalledProcessError:  # (deleted at that commit)
                previous = None
                continue
            if previous is not None and previous[1] != text:
                yield path, previous[0], commit, previous[1], text
            previous = (commit, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="a git bundle (or a repository) to clone")
    parser.add_argument("pattern", help="the files to survey, a git pathspec glob")
    arguments = parser.parse_args()
    counts: Counter[str] = Counter()
    differing = []
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "repository"
        subprocess.run(["git", "clone", "-q", str(arguments.bundle), str(clone)], check=True)
        files = _git(clone, "ls-files", "--", f":(glob){arguments.pattern}").decode().split()
        for path, old_commit, new_commit, old, new in pairs(clone, files):
            found = differences(old, new, redline(old, new).markdown)
            counts["pairs"] += 1
            counts.update(found or ["exact"])
            if found:
                differing.append(f"{path} {old_commit[:8]} {new_commit[:8]}: {', '.join(found)}")
    for name, count in counts.most_common():
        print(f"{count:6}  {name}")
    print(*differing, sep="\n")


if __name__ == "__main__":
    main()
