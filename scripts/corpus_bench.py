"""Words marked on real revisions: each pair of the redline corpus (tests/redline/corpus/,
real policies' consecutive revisions) redlined by policydocs, against `git diff --no-index
--word-diff=porcelain` of the same two files, the reference a reader of diffs knows, run
in the same process. `bench.py` runs it; this module is not a test.

A word is what git's word diff calls one: a run of characters other than whitespace. Both
sides are counted on the Markdown: for git, the words of its removed and added runs; for
policydocs, the words inside its marks (`<ins>`, `<del>`, and the boxes of source it shows
for blocks that cannot hold marks), tags inside a mark not counted. A link whose address
alone changed (`pd-link`) is one address replaced, as git counts it: two words, the old
address and the new one, whatever its text (which the page marks, to show which link
changed; the old link it keeps hidden). So is a passage whose form alone changed
(`pd-form`: the same words made bold, a link): its old form and its new one. Marks of
what a reader does not see (`pd-space`: spacing, a form written otherwise that renders
alike) count none. A ratio over 1 is
policydocs marking more than git: a block shown deleted and inserted whole where git marks
a word in it, or a change git does not see as one (a restyled table git marks row by row
is no change here: a ratio under 1).
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from pathlib import Path

from policydocs.history.frontmatter import split
from policydocs.redline import markup
from policydocs.redline.engine import redline

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "redline" / "corpus"
#: Targets (issue 25): words marked against git's, summed over the corpus and worst pair.
TOTAL_TARGET = 1.05
WORST_TARGET = 1.5

_MARK = re.compile(r'<(ins|del) class="(pd-[^"]*)"[^>]*>(.*?)</\1>', re.DOTALL)
_BOX = re.compile(r'<pre class="pd-(?:ins|del) pd-block[^"]*"[^>]*>(.*?)</pre>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
#: Marks of a change shown once, the new side saying what the old was.
_ONCE = frozenset({"pd-link", "pd-form"})


def body(path: Path) -> str:
    """The text a redline compares: the file without its front matter, as the site reads it."""
    text = path.read_bytes().decode("utf-8-sig")
    parts = split(text)
    return parts[1] if parts is not None else text.replace("\r\n", "\n")


def marked_words(markdown: str) -> int:
    words = 0
    for mark in _MARK.finditer(markdown):
        classes = mark.group(2).split()
        if "pd-space" in classes or (classes[0] == "pd-del" and _ONCE & set(classes)):
            continue  # (not shown)
        if _ONCE & set(classes):
            words += 2  # (the old address or form removed, the new one added)
        else:
            shown = markup.LITERAL_TOKEN.sub(r"\1", mark.group(3))  # (one character, escaped)
            words += len(_TAG.sub(" ", shown).split())
    return words + sum(len(html.unescape(m.group(1)).split()) for m in _BOX.finditer(markdown))


def git_words(old: str, new: str) -> int:
    """Words in the runs `git diff --word-diff=porcelain` marks removed or added."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "old.md", Path(folder) / "new.md"]
        for path, text in zip(paths, (old, new), strict=True):
            path.write_text(text, encoding="utf-8")
        output = subprocess.run(
            ["git", "diff", "--no-index", "--word-diff=porcelain", "--unified=0", *map(str, paths)],
            capture_output=True,
            text=True,
        ).stdout
    runs = (
        line[1:]
        for line in output.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++ ", "--- "))
    )
    return sum(len(run.split()) for run in runs)


def bench_corpus() -> dict[str, object]:
    pairs: dict[str, dict[str, object]] = {}
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        old, new = body(folder / "old.md"), body(folder / "new.md")
        ours, theirs = marked_words(redline(old, new).markdown), git_words(old, new)
        pairs[folder.name] = {
            "policydocs": ours,
            "git": theirs,
            "ratio": round(ours / theirs, 2) if theirs else None,
        }
    ours = sum(int(row["policydocs"]) for row in pairs.values())
    theirs = sum(int(row["git"]) for row in pairs.values())
    ratios = [float(row["ratio"]) for row in pairs.values() if row["ratio"] is not None]
    return {
        "pairs": pairs,
        "policydocs": ours,
        "git": theirs,
        "total_ratio": round(ours / theirs, 3),
        "worst_ratio": max(ratios),
    }


def print_corpus(figures: dict) -> None:
    print("words marked on real revisions (tests/redline/corpus), against git diff --word-diff:")
    for name, row in figures["pairs"].items():
        ratio = "-" if row["ratio"] is None else f"x{row['ratio']}"
        print(f"  {name:<58} {row['policydocs']:6} {row['git']:6}  {ratio}")
    total, worst = figures["total_ratio"], figures["worst_ratio"]
    print(
        f"  total: {figures['policydocs']} against {figures['git']}: x{total} (target <= "
        f"{TOTAL_TARGET}: {'met' if total <= TOTAL_TARGET else 'MISSED'}); worst pair x{worst}"
        f" (target <= {WORST_TARGET}: {'met' if worst <= WORST_TARGET else 'MISSED'})"
    )
