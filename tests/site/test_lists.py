"""`policydocs.site.lists`: a list straight after a paragraph, as CommonMark (the redline's
reading) and GitHub read it, on the site's pages and in its feeds."""

from __future__ import annotations

import feedparser
import markdown
import pytest

from ..conftest import build_site, policydocs
from ..gitrepo import GitRepo


def html(text: str) -> str:
    extensions = ["fenced_code", "policydocs.site.lists"]
    return markdown.markdown(text, extensions=extensions).replace("\n", "")


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("Terms:\n- one\n- two\n", "<p>Terms:</p><ul><li>one</li><li>two</li></ul>"),
        ("Steps:\n1. first\n2. second\n", "<p>Steps:</p><ol><li>first</li><li>second</li></ol>"),
        # As in CommonMark: only a list starting at 1 interrupts a paragraph.
        ("Since 1999\n2. is not a list\n", "<p>Since 1999\n2. is not a list</p>"),
        (
            "Code:\n\n```\nx\n- not a list\n```\n",
            "<p>Code:</p><pre><code>x\n- not a list\n</code></pre>",
        ),
        ("- a\n- b\n", "<ul><li>a</li><li>b</li></ul>"),
        ("Text\n* * *\n", "<p>Text</p><hr />"),
    ],
)
def test_a_list_may_follow_a_paragraph(text: str, rendered: str) -> None:
    assert html(text) == rendered.replace("\n", "")


def test_pages_feeds_and_redlines_read_one_list(repo: GitRepo) -> None:
    """With the extension, the page shows the list the changes page compares; a change of
    marker only (`-` to `*`) is then editorial on both."""
    repo.write("policies/terms.md", "# Terms\n\nWe may:\n- suspend accounts\n- end them\n")
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.write("policies/terms.md", "# Terms\n\nWe may:\n* suspend accounts\n* end them\n")
    repo.commit("markers", "2024-02-01T09:00:00+00:00")
    site = build_site(repo, {"as_of": "2024-06-01"}, markdown_extensions=["policydocs.site.lists"])
    page = (site / "terms/index.html").read_text(encoding="utf-8")
    assert "<li>suspend accounts</li>" in page
    first = feedparser.parse((site / "all-atom.xml").read_bytes()).entries[-1]
    assert "<li>suspend accounts</li>" in first.content[0].value
    changes = (site / "terms/2024-02-01/changes/index.html").read_text(encoding="utf-8")
    assert "changed only how the Markdown is written" in changes


def test_check_warns_of_a_list_after_a_paragraph_without_the_extension(repo: GitRepo) -> None:
    text = "---\ntitle: Terms\n---\n\nWe may:\n- suspend accounts\n\n- a\n  - nested\n"
    repo.write("policies/terms.md", text)
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.mkdocs_yml()
    result = policydocs(repo.path, "check")
    assert "policies/terms.md:6:1: warning: this list follows a paragraph" in result.stdout
    assert ":9:" not in result.stdout  # (a nested list is not one)
    repo.mkdocs_yml(markdown_extensions=["policydocs.site.lists"])
    assert "this list follows" not in policydocs(repo.path, "check").stdout
