"""A passage whose form alone changed (issue 25, defect 8): the same words made bold, a
link or no longer one, an address made an autolink. Each was shown struck and inserted
again, and counted as words removed and added."""

from __future__ import annotations

import lxml.html
import markdown as md
import pytest

from policydocs.redline import literal
from policydocs.redline.result import Redline, Section
from tests.redline.test_redline import exact, marks


def _form(result: Redline) -> list[tuple[str, str]]:
    """The changes of form on the rendered page: (title, text shown)."""
    page = lxml.html.fragment_fromstring(md.markdown(result.markdown), create_parent="div")
    return [(m.get("title"), m.text_content()) for m in page.cssselect("ins.pd-form")]


@pytest.mark.parametrize(
    ("old", "new", "title"),
    [
        ("Some **bold words here** apply.\n", "Some *bold words here* apply.\n", "Was bold"),
        ("The **disclaimer** applies.\n", "The disclaimer applies.\n", "Was bold"),
        (
            "See our Privacy Policy now.\n",
            "See our [Privacy Policy](privacy.md) now.\n",
            "Was plain text",
        ),
        (
            "Read [the Act](https://a.example/act) now.\n",
            "Read the Act now.\n",
            "Was a link to https://a.example/act",
        ),
        (
            "Write to privacy@example.com today.\n",
            "Write to <privacy@example.com> today.\n",
            "Was plain text",
        ),
        ("Run `policydocs check` first.\n", "Run policydocs check first.\n", "Was code"),
        ("This is ***final***.\n", "This is <b>final</b>.\n", "Was bold and italic"),
    ],
)
def test_the_same_words_in_another_form_are_a_change_of_form(
    old: str, new: str, title: str
) -> None:
    result = exact(old, new)
    assert (result.words_added, result.words_removed, result.restyled) == (0, 0, 1)
    assert result.changed and len(result.sections) == 1
    (shown,) = _form(result)
    assert shown[0] == title
    # The old form is kept for reject, in a deletion the page hides.
    page = md.markdown(result.markdown)
    assert page.count('<del class="pd-del pd-form">') == 1
    assert result.same_words() == ("1 passage changed form",)


def test_punctuation_around_words_made_a_link_is_set_apart() -> None:
    result = exact(
        'See the "Acceptable Use Policy".\n', "See the [Acceptable Use Policy](aup.md).\n"
    )
    assert [m for m in marks(result.markdown) if m[0] == "del"][::2] == [("del", '"'), ("del", '"')]
    assert _form(result) == [("Was plain text", "Acceptable Use Policy")]
    assert (result.words_added, result.words_removed, result.restyled) == (0, 0, 1)


def test_forms_that_render_alike_are_no_change() -> None:
    """`__` and `**`, a Markdown link and an HTML one to the same address: nothing a reader
    sees changed, so nothing is announced; the marks still give back both texts."""
    for old, new in [
        ("Say __this__ now.\n", "Say **this** now.\n"),
        ("See [terms](t.md) now.\n", 'See <a href="t.md">terms</a> now.\n'),
        (
            "Go to <https://a.example/x> now.\n",
            "Go to [https://a.example/x](https://a.example/x) now.\n",
        ),
    ]:
        result = exact(old, new)
        assert not result.changed and result.restyled == 0, (old, new)
        assert not _form(result)
        assert 'class="pd-ins pd-space"' in result.markdown


def test_other_words_with_another_form_are_words_changed() -> None:
    result = exact("Some **bold words** apply.\n", "Some *other words* apply.\n")
    assert result.restyled == 0 and (result.words_added, result.words_removed) == (1, 1)
    # A link whose address alone changed stays a changed link, not a change of form.
    moved = exact("See [terms](a.md).\n", "See [terms](b.md).\n")
    assert (moved.relinked, moved.restyled) == (1, 0)


def test_a_deletion_before_unchanged_words_is_no_change_of_form() -> None:
    # A deletion followed by unchanged words that read as it does ("customer") was taken
    # for a replacement: the unchanged words were marked inserted and the old text lost
    # them (rejecting the marks gave "... customer" for "... customer customer.").
    result = exact(
        "Service customer network.\nCustomer service **the Services** customer customer.\n",
        "Service customer network.\nCustomer service **the Services** customer.\n",
    )
    assert result.restyled == 0 and (result.words_added, result.words_removed) == (0, 1)


def test_what_changed_with_the_same_words_is_said_once_for_every_reader() -> None:
    result = Redline("", 0, 0, (Section("Fees", "pd-change-1"),), 2, 1, 3)
    assert result.same_words() == (
        "2 headings changed level",
        "1 link changed address",
        "3 passages changed form",
    )
    assert Redline.from_json(result.to_json()) == result


def test_emphasis_opened_and_closed_unevenly_is_compared_as_the_page_reads_it() -> None:
    """Basecamp's `**…*`: Python-Markdown shows one `*` and emphasises the sentence. Such a
    paragraph was shown whole for a one-character change, and inside the marks it read
    otherwise (both `**` shown, nothing emphasised). Now the `*` the page shows is written
    as a literal, and the paragraph is compared as any other."""
    sentence = "This policy applies to any product created and owned by Basecamp, LLC."
    result = exact(f"**{sentence}**\n", f"**{sentence}*\n")
    assert _form(result) == [("Was bold", sentence)]
    # The `*` inserted, written as the literal it is on the page.
    assert marks(result.markdown)[0] == ("ins", '<span class="pd-lit">\\*</span>')
    assert (result.words_added, result.words_removed, result.restyled) == (0, 0, 1)
    # A loose `*` the page shows as itself, in a paragraph edited elsewhere.
    old = "Teams use Basecamp products*. We are proud to serve them.\n"
    edited = exact(old, old.replace("are proud", "are very proud"))
    assert marks(edited.markdown) == [("ins", "very ")]


def test_a_delimiter_is_literal_only_where_the_page_shows_it_as_itself() -> None:
    assert literal.shown("**A b*") == '<span class="pd-lit">\\*</span>*A b*'
    assert literal.shown("Pay 5 * 3 now.") == "Pay 5 * 3 now."  # (no delimiter)
    assert literal.shown("Use products*. More *text*.") == (
        'Use products<span class="pd-lit">\\*</span>. More *text*.'
    )
    # Python-Markdown emphasises from this `*` to the next one: no mark may come between.
    assert literal.shown("Use products*, more* text.") is None


def test_a_link_left_open_then_closed_is_its_words_made_a_link() -> None:
    """Basecamp's taxes policy left a link's address open (`[Act](https://…(title:47`),
    which the page shows as text, then closed it. The paragraph was shown whole, deleted
    and inserted, for one `)`. The page shows the brackets and the address deleted and
    the words made a link, and so does the redline."""
    address = "https://uscode.house.gov/view.xhtml?req=(title:47%20section:151"
    old = f"Because of the [Internet Tax Freedom Act (ITFA)]({address}. Email is exempt.\n"
    result = exact(old, old.replace(f"{address}.", f"{address}))."))
    assert marks(result.markdown) == [
        ("del", "["),
        ("del", "Internet Tax Freedom Act (ITFA)"),
        ("ins", f"[Internet Tax Freedom Act (ITFA)]({address}))"),
        ("del", f']<span class="pd-lit">\\(</span>{address}'),
    ]
    assert _form(result) == [("Was plain text", "Internet Tax Freedom Act (ITFA)")]
    # Left open, and edited elsewhere: the edit alone is marked.
    edited = exact(old, old.replace("Email is", "Email is still"))
    assert marks(edited.markdown) == [("ins", "still ")]


def test_a_paragraph_made_a_heading_is_a_change_of_form() -> None:
    """Mozilla made a bold line a heading (`__At Mozilla, …__` made `## At Mozilla, …`): it
    was shown deleted and inserted whole. It is one block reshaped: the heading says it
    was a paragraph, its words say they were bold, and it is one passage changed form,
    with a section (a heading is new), and the change's anchor."""
    line = "At Mozilla, we design products with your privacy in mind."
    result = exact(f"Intro.\n\n__{line}__\n\nText.\n", f"Intro.\n\n## {line}\n\nText.\n")
    assert (result.words_added, result.words_removed, result.restyled) == (0, 0, 1)
    assert result.sections == (Section(line, "pd-change-1"),)
    page = lxml.html.fragment_fromstring(md.markdown(result.markdown), create_parent="div")
    (heading,) = page.cssselect("h2 > span.pd-format")
    assert heading.get("title") == "Was a paragraph"
    assert _form(result) == [("Was bold", line)]
    # Without the bold, and the reverse: the anchor is the heading's own mark.
    plain = exact(f"Intro.\n\n{line}\n\nText.\n", f"Intro.\n\n## {line}\n\nText.\n")
    assert 'title="Was a paragraph" id="pd-change-1"' in plain.markdown and plain.restyled == 1
    back = exact(f"Intro.\n\n### {line}\n\nText.\n", f"Intro.\n\n{line}\n\nText.\n")
    assert 'title="Was a level 3 heading" id="pd-change-1"' in back.markdown


def test_underscores_inside_a_word_are_text_as_the_page_reads_them() -> None:
    """`__Data:__Mozilla …` (Mozilla's Japanese accounts notice, 0e910ccf..8e510915): to
    Python-Markdown, `__` next to a word emphasises nothing, and the page shows it. The
    redline read it as bold, and its marks let it render so."""
    old = "Notes.\n\nMozilla receives your email.\n"
    result = exact(old, old.replace("Mozilla", "__Registration data:__Mozilla"))
    assert marks(result.markdown) == [("del", "Mozilla"), ("ins", "__Registration data:__Mozilla")]
