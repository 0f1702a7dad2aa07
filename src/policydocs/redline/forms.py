"""A passage that reads the same in another form: the same words made bold or italic, made
a link or no longer one, written as code (issue 25, defect 8: `privacy@x` made
`<privacy@x>`, or a sentence made bold, was shown struck and inserted again with the same
words, and counted as words removed and added, so that a reader looked for a change of
wording that was not there, and did not learn the one that was).

Such a replacement is shown once, in its new form, marked as a change of form whose title
says what it was; the old one is kept, hidden, for accept and reject, as a link whose
address alone changed is (`tokens.relinked`, which comes first: its own mark says more).
Where both forms render alike (`**` and `__`, a Markdown link and an HTML one to the same
address) nothing a reader sees changed: it is marked as spacing is, and not announced.

A passage "reads the same" when the text a reader sees, spaces aside, is the same: the
words of emphasis, links, code and inline formatting elements without their syntax."""

from __future__ import annotations

import re
from collections.abc import Sequence

from policydocs.redline import markup
from policydocs.redline import tokens as tk

#: What each emphasis delimiter makes of its text.
_EMPHASIS = {
    "***": ("bold", "italic"),
    "___": ("bold", "italic"),
    "**": ("bold",),
    "__": ("bold",),
    "*": ("italic",),
    "_": ("italic",),
}
#: Inline HTML elements that format their text, and how a reader sees it; any other
#: element's rendering is not known here, and a passage holding one is left as it is.
_ELEMENTS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underlined",
    "code": "code",
    "mark": "highlighted",
    "sup": "superscript",
    "sub": "subscript",
    "small": "small",
}
_ELEMENT = re.compile(r"<([A-Za-z][A-Za-z0-9]*)(?:\s[^>]*)?>(.*)</\1\s*>\Z", re.DOTALL)
_CODE = re.compile(r"(`+)(.*)\1\Z", re.DOTALL)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>\Z")
#: Python-Markdown's AUTOMAIL_RE, which shows the address without `mailto:`.
_AUTOMAIL = re.compile(r"<(?:mailto:)?([^<> !]+@[^@<> ]+)>\Z", re.IGNORECASE)
#: A Markdown link's title, after its address.
_TITLE = re.compile(r"""[ \t]+("[^"]*"|'[^']*'|\([^)]*\))[ \t]*\)\Z""")
_WORDY = re.compile(r"\w")

#: A replacement of more tokens than this, both sides together (a passage of some 250
#: words), is not looked into: reading it costs as much as its size, and a rewrite the
#: search gave up on is one replacement of a whole paragraph (the bench's 1 MB one took
#: twice as long).
PASSAGE_TOKENS = 512
#: The forms of a passage: () for plain text, None where it is formatted in parts.
Forms = tuple[str, ...] | None


def restyled(gone: tk.Op, came: tk.Op) -> str | None:
    """Where a deletion and the insertion after it read the same in another form: the
    title of the change ("Was bold", "Was plain text"), or "" if the forms render alike;
    None otherwise (and for a link whose address alone changed)."""
    if gone.kind is not tk.Kind.DELETE or came.kind is not tk.Kind.INSERT:
        return None
    if len(gone.tokens) + len(came.tokens) > PASSAGE_TOKENS:
        return None
    was = _reading(gone.tokens)
    if was is None or not _WORDY.search(was) or was != _reading(came.tokens):
        return None
    if tk.relinked(gone, came) is not None:
        return None
    old, new = _forms(gone.tokens), _forms(came.tokens)
    if old is not None and old == new:
        return ""
    return _title(old)


def restyles(ops: Sequence[tk.Op]) -> dict[int, str]:
    """Each change of form among the ops (see `restyled`): the index of its deletion, with
    its title ("" where nothing a reader sees changed)."""
    return tk.replacements(ops, restyled)


def separate(ops: Sequence[tk.Op]) -> list[tk.Op]:
    """A replacement holding a change of form, as that change and what else was deleted
    or inserted around it: `Act.` made `[Act](…)` is a full stop deleted and the words
    made a link (`_edges`); `[Act](https://…(title:47` (a link left open, shown as text)
    made a link is the brackets and address deleted and the words made a link
    (`_inside`)."""
    out: list[tk.Op] = []
    index = 0
    while index < len(ops):
        gone, came = ops[index], ops[index + 1] if index + 1 < len(ops) else None
        if (
            came is None
            or (gone.kind, came.kind) != (tk.Kind.DELETE, tk.Kind.INSERT)
            or restyled(gone, came) is not None
        ):
            out.append(gone)
            index += 1
            continue
        parts = _edges(gone, came) or _inside(gone, came)
        if parts is None:
            out.append(gone)
            index += 1
            continue
        out += parts
        index += 2
    return [op for op in out if op.tokens]


def _edges(gone: tk.Op, came: tk.Op) -> list[tk.Op] | None:
    """The replacement with the tokens before the first and after the last word of each
    side set apart, if what is between reads the same in another form."""
    if len(gone.tokens) + len(came.tokens) > PASSAGE_TOKENS:
        return None
    old, new = _around_words(gone.tokens), _around_words(came.tokens)
    core = [tk.Op(tk.Kind.DELETE, old[1]), tk.Op(tk.Kind.INSERT, new[1])]
    if not (old[0] or old[2] or new[0] or new[2]) or restyled(*core) is None:
        return None
    return [
        tk.Op(tk.Kind.DELETE, old[0]),
        tk.Op(tk.Kind.INSERT, new[0]),
        *core,
        tk.Op(tk.Kind.DELETE, old[2]),
        tk.Op(tk.Kind.INSERT, new[2]),
    ]


def _inside(gone: tk.Op, came: tk.Op) -> list[tk.Op] | None:
    """Where one side is one token (a link, an emphasised span) that reads as a run of
    the other side's tokens: that run and the token as a change of form, and the rest of
    the other side deleted or inserted around it."""
    for one, many in ((came, gone), (gone, came)):
        if len(many.tokens) > tk.REFINED_TOKENS or len(one.tokens) > tk.REFINED_TOKENS:
            continue
        shown = [token for token in one.tokens if not tk.reads_as_space(token)]
        if len(shown) != 1:
            continue
        run = _run(many.tokens, _reading(one.tokens))
        if run is None:
            continue
        before, within, after = (tk.Op(many.kind, part) for part in run)
        pair = [within, one] if one is came else [one, within]
        if restyled(*pair) is not None:
            return [before, *pair, after]
    return None


def _run(
    tokens: tuple[str, ...], reading: str | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
    """The first run of the tokens that reads as `reading`, with those before and after."""
    if not reading:
        return None
    reads = [_read(token) for token in tokens]
    for start, first in enumerate(reads):
        if first is None or not first.strip():
            continue
        text = ""
        for end in range(start, len(tokens)):
            part = reads[end]
            if part is None:
                break
            text += part
            found = " ".join(text.split())
            if found == reading:
                return tokens[:start], tokens[start : end + 1], tokens[end + 1 :]
            if len(found) > len(reading):
                break
    return None


def _around_words(
    tokens: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The tokens before the first and after the last that hold a word, and those between."""

    wordy = [n for n, token in enumerate(tokens) if _WORDY.search(_read(token) or token)]
    if not wordy:
        return tokens, (), ()
    return tokens[: wordy[0]], tokens[wordy[0] : wordy[-1] + 1], tokens[wordy[-1] + 1 :]


def _reading(tokens: Sequence[str]) -> str | None:
    """The text a reader sees, spaces made one; None where a token's is not known here (an
    image, an HTML tag)."""
    parts = []
    for token in tokens:
        part = _read(token)
        if part is None:
            return None
        parts.append(part)
    return " ".join("".join(parts).split())


def _read(token: str) -> str | None:
    token = markup.displayed(token)
    if tk.reads_as_space(token):
        return " "
    if token[:1] == "\\" and len(token) == 2:
        return token[1]
    if token[:2] == "![":
        return None
    framed = tk.framing(token)
    if framed is not None:
        return _reading(tk.tokenize(framed[1]))
    if token[:1] == "`":
        code = _CODE.match(token)
        return code[2].strip() if code else token
    if token[:1] != "<":
        return token
    found = _AUTOLINK.match(token) or _AUTOMAIL.match(token) or markup.LITERAL_TOKEN.match(token)
    if found:
        return found[1]
    element = _ELEMENT.match(token)
    if element and element[1].lower() in _ELEMENTS:
        return _reading(tk.tokenize(element[2]))
    return None


def _forms(tokens: Sequence[str]) -> Forms:
    """How the passage is formatted as a whole: () for plain text, ("bold",), ("italic",
    "a link to …"); None where it is formatted in parts."""
    shown = [token for token in tokens if not tk.reads_as_space(token)]
    if len(shown) == 1:
        forms = _token_forms(shown[0])
        if forms:
            return forms
    if all(_token_forms(token) == () for token in shown):
        return ()
    return None


def _token_forms(token: str) -> Forms:
    token = markup.displayed(token)
    framed = tk.framing(token)
    if framed is not None:
        opening, text, closing = framed
        if opening in _EMPHASIS:
            own: tuple[str, ...] = _EMPHASIS[opening]
        else:
            address = tk.link_address(framed)
            title = _TITLE.search(closing) if opening == "[" else None
            own = (f"a link to {address}" if address is not None else "a link",)
            own = (own[0] + f" titled {title[1]}",) if title else own
        inner = _forms(tk.tokenize(text))
        return None if inner is None else own + inner
    if token[:1] == "`":
        return ("code",)
    if markup.LITERAL_TOKEN.match(token):
        return ()
    if token[:1] == "<":
        found = _AUTOLINK.match(token)
        if found:
            return (f"a link to {found[1]}",)
        found = _AUTOMAIL.match(token)
        if found:
            return (f"a link to mailto:{found[1]}",)
        element = _ELEMENT.match(token)
        if element and element[1].lower() in _ELEMENTS:
            inner = _forms(tk.tokenize(element[2]))
            return None if inner is None else (_ELEMENTS[element[1].lower()], *inner)
        return None
    return ()


def _title(forms: Forms) -> str:
    if forms is None:
        return "Was formatted otherwise"
    if not forms:
        return "Was plain text"
    named = forms[0] if len(forms) == 1 else ", ".join(forms[:-1]) + " and " + forms[-1]
    return f"Was {named}"
