"""The redline on real revisions (issue 25): every pair in `corpus/` (real policies' consecutive
revisions, see its README) is exact on the Markdown and on the rendered page."""

from __future__ import annotations

from pathlib import Path

import pytest

from policydocs.history.frontmatter import split
from policydocs.redline.engine import redline
from tests.redline.rendered import differences, split_words

CORPUS = Path(__file__).parent / "corpus"

#: Where the rendered redline still differs from a version's page, and why (none now:
#: the last, a link reference definition changed, is shown in the links naming it).
KNOWN: dict[str, list[str]] = {}
#: Revisions no reader sees: a table restyled (`:----` to `-----`), an anchor moved from one
#: cell of an HTML table to another.
UNSEEN = {
    "en-firefox-privacy-notice-a08576d2-57c46b3b",
    "en-firefox-privacy-notice-57c46b3b-b87746c0",
}


def body(path: Path) -> str:
    """The text a redline compares: the file without its front matter, as the site reads it."""
    text = path.read_bytes().decode("utf-8-sig")
    parts = split(text)
    return parts[1] if parts is not None else text.replace("\r\n", "\n")


PAIRS = sorted(folder.name for folder in CORPUS.iterdir() if folder.is_dir())


def test_the_corpus_is_there() -> None:
    assert len(PAIRS) >= 25 and set(KNOWN) | UNSEEN <= set(PAIRS)


@pytest.mark.parametrize("name", PAIRS)
def test_a_real_revision_is_redlined_exactly(name: str) -> None:
    old, new = body(CORPUS / name / "old.md"), body(CORPUS / name / "new.md")
    result = redline(old, new)
    assert result.changed == (name not in UNSEEN)
    assert differences(old, new, result.markdown) == KNOWN.get(name, [])
    assert split_words(result.markdown) == []
