"""Word-level tokens of a block's Markdown, and diffs over them with diff-match-patch.

A change never splits a token: words (with inner hyphens and apostrophes, and letters
with digits: `6GB`, `1st-party`, `v2.1`, `2024-01-01`), numbers (`7.50`, `1,000`), URLs,
links (read as Python-Markdown does: parentheses and spaces in the address, escaped or
nested brackets in the text, `<…>` addresses, titles), emphasised spans (`***…***` too;
`_` and `__` not inside a word, as Python-Markdown reads them: `__Data:__Mozilla` is text),
inline code and inline HTML elements on one line (`<b>…</b>`) are whole tokens, so
"Licens[-ee-][+or+]" cannot happen and a link, `**emphasis**` or `<b>` is never cut by a
mark: a change to the tag is the element deleted and inserted. (A tag left open across
lines makes its block compared whole: see `blocks.Block.atomic`.) Line breaks with their
continuation prefix (indentation, `>`) and table pipes are tokens of their own. An
emphasised span or a link replaced by one of the same frame has its text compared inside
the frame (`refine`).

diff-match-patch compares strings of characters, so each distinct token is mapped to one
character (the library wiki's "line or word diffs" recipe), and the semantic cleanup runs on
those token-characters, before mapping back, so it cannot cut inside a word. Its timeout is
off: with a timeout the result depends on machine load (a cut-off diff silently becomes
"delete everything, insert everything"), and a redline must be the same everywhere. Its
search is bounded by work instead (`Budget`): the same texts always get the same diff, and
past the bound a coarser one (what is left of the search shown deleted and inserted), still
exact, on any machine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from diff_match_patch import diff_match_patch

from policydocs.redline import markup

TOKEN = re.compile(
    r"""
    (?P<newline>\n(?:[ \t]*>[ \t]?)*[ \t]*)
  | (?P<code>(`+)[^`].*?\3)
  | (?P<link>!?\[(?:\\.|\[(?:\\.|[^\[\]\\\n])*\]|[^\[\]\\\n])*\]
             (?:\([ \t]*(?:<[^>\n]*>|(?:\\.|[^()\\\n]|\((?:\\.|[^()\\\n])*\))*)
                 (?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*\)
               |\[[^\]\n]*\]))
  | (?P<autolink><https?://[^>\s]+>)
  | (?P<url>https?://[^\s<>()]*[^\s<>().,;:!?'"])
  | (?P<both>\*\*\*[^*\s](?:[^*\n]*[^*\s])?\*\*\*(?!\*)
           |(?<!\w)___[^_\s](?:[^_\n]*[^_\s])?___(?![\w_]))
  | (?P<strong>\*\*[^*\s](?:[^*\n]*[^*\s])?\*\*|(?<!\w)__[^_\s](?:[^_\n]*[^_\s])?__(?!\w))
  | (?P<emphasis>(?<![\w*])\*[^*\s](?:[^*\n]*[^*\s])?\*(?![\w*])
                |(?<![\w_])_[^_\s](?:[^_\n]*[^_\s])?_(?![\w_]))
  | (?P<element><(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?:[ \t][^<>\n]*)?>
               (?:(?!</?(?P=tag)[\s>/])[^\n])*</(?P=tag)[ \t]*>)
  | (?P<html></?[A-Za-z][^<>\n]*>|<!--.*?-->)
  | (?P<escape>\\.)
  | (?P<word>\w+(?:(?:['\u2019-]|(?<=\d)[.,:/](?=\d))\w+)*)
  | (?P<space>[ \t]+)
  | (?P<pipe>\|)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Text with none of these has only newlines, words (numbers among them), spaces, pipes
#: and other single characters, which `_PROSE_TOKEN` finds as `TOKEN` would, several times
#: faster.
_SPECIAL = re.compile(r"[`\[<*_\\]|://")
_PROSE_TOKEN = re.compile(
    r"\n(?:[ \t]*>[ \t]?)*[ \t]*|\w+(?:(?:['\u2019-]|(?<=\d)[.,:/](?=\d))\w+)*|[ \t]+|.",
    re.DOTALL,
)

#: Tokens that carry words for the change summary's counts: a word character…
_WORDY = re.compile(r"\w")
#: …outside the tags (a `<br>`, or an escaped `*` in a span, is no word).
_TAGS_ONLY = re.compile(r"(?:[^\w<]*<[^>]*>)+[^\w<]*")
#: Whitespace a reader sees as one space: spaces, and a line break inside a block with
#: the continuation prefix after it (`\n`, `\n  `, `\n> `).
_SOFT_SPACE = re.compile(r"[ \t]+|\n(?:[ \t]*>[ \t]?)*[ \t]*")


@lru_cache(maxsize=4096)
def reads_as_space(token: str) -> bool:
    """Remembered: asked of every token of every diff (1.4 million times for a 1 MB
    paragraph), and a few kinds of whitespace are most of them."""
    return _SOFT_SPACE.fullmatch(token) is not None


class Kind(Enum):
    EQUAL = 0
    INSERT = 1
    DELETE = -1


@dataclass(frozen=True)
class Op:
    kind: Kind
    tokens: tuple[str, ...]

    @property
    def space(self) -> bool:
        """Whether it only changes how words are spaced or wrapped (what a reader sees the
        same): still marked, so that accept and reject stay exact, but not a change."""
        return self.kind is not Kind.EQUAL and all(map(reads_as_space, self.tokens))

    @property
    def text(self) -> str:
        return "".join(self.tokens)


def tokenize(text: str) -> list[str]:
    if _SPECIAL.search(text) is None:
        return _PROSE_TOKEN.findall(text)
    return [match.group(0) for match in TOKEN.finditer(text)]


#: Emphasis delimiters no emphasis token holds.
_DELIMITERS = re.compile(r"[*_]+")


@lru_cache(maxsize=1024)
def loose_delimiters(text: str) -> bool:
    """Whether the text has an emphasis delimiter that opens or closes nothing here
    (`**…*`): Python-Markdown pairs it with one anywhere in the paragraph, in a mark of
    the other version too, and emphasises across the marks (Basecamp's refund policy).
    One with spaces on both sides (`5 * 3`) is no delimiter. Remembered, as `word_set`
    is: every paired paragraph is asked, in every comparison of a policy's versions."""
    if "*" not in text and "_" not in text:
        return False
    tokens = tokenize(text)
    for index, token in enumerate(tokens):
        if _DELIMITERS.fullmatch(token):
            before = tokens[index - 1] if index else " "
            after = tokens[index + 1] if index + 1 < len(tokens) else " "
            if not (reads_as_space(before) and reads_as_space(after)):
                return True
    return False


_TAG_TOKEN = re.compile(r"</?[A-Za-z]")


def has_tag(tokens: Sequence[str]) -> bool:
    """Whether any of the tokens is or holds an HTML tag."""
    return any(map(_TAG_TOKEN.match, tokens))


#: A word, not a number: `\w+` holding something other than a digit.
_WORD = re.compile(r"\w*[^\W\d]\w*")


@lru_cache(maxsize=1024)
def word_set(text: str) -> frozenset[str]:
    """The text's words, lower-cased, for pairing by similarity (plain words are enough for
    that). Numbers are not among them: a date, a price or a version number changed is the
    same sentence edited (`*Last updated: July 18, 2022*` and `*… January 6, 2023*` have
    two of five words in common, with numbers; two of three without). Remembered for the
    reason `engine._word_ops` is: the same paragraphs are paired again in every comparison
    of a policy's versions (73,425 word sets, 2,948 distinct; 1,024 kept find 67,669)."""
    return frozenset(_WORD.findall(text.lower()))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """How much two sets of words overlap, from 0 (nothing in common) to 1 (the same)."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def words(tokens: Sequence[str]) -> int:
    """How many tokens carry words or numbers (whitespace and punctuation do not count)."""
    count = sum(map(bool, map(_WORDY.search, tokens)))  # (no Python loop: 1 MB is 500,000)
    if "<" not in "".join(tokens):
        return count
    return count - sum(map(bool, map(_TAGS_ONLY.fullmatch, tokens)))


#: What a search costs besides its steps, in the steps' units (measured: a search's set-up
#: and clean-up take about as long as 150 units of its steps).
SEARCH_COST = 150


class Budget:
    """How much searching diffs may do, counted in the search's own steps, never in time.

    diff-match-patch's search (Myers' bisection) asks `time.time() > deadline` once per
    step, the d-th step of a search doing about 2d units of work; given a `Budget` as its
    deadline, that question (answered by `__lt__`) spends the step's work, and says "past
    the deadline" once the budget is spent. The search then gives up as it does at its
    timeout: the part of the texts it was searching is deleted and inserted whole. Work
    is quadratic in the differences (a 50,000-character paragraph with every other word
    changed took 38 s), so a redline spends one budget on all its diffs."""

    def __init__(self, units: int, parent: Budget | None = None):
        self.left = units
        self._parent = parent
        self._step = 0

    def part(self, units: int) -> Budget:
        """At most `units` of this budget, for one search: what it spends is spent here."""
        return Budget(min(units, self.left), self)

    @property
    def spent(self) -> bool:
        return self.left < 0 or (self._parent is not None and self._parent.spent)

    def restart(self) -> None:
        """A new search starts (at its first step), and costs what a search costs besides
        its steps (a split search's halves are searches of their own, each set up and
        cleaned up: 12,287 of them in 317 word diffs of half-rewritten paragraphs)."""
        self._step = 0
        self._spend(SEARCH_COST)

    def __lt__(self, now: float) -> bool:
        self._step += 1
        self._spend(2 * self._step)
        return self.spent

    def _spend(self, units: int) -> None:
        budget: Budget | None = self
        while budget is not None:
            budget.left -= units
            budget = budget._parent


class _Bounded(diff_match_patch):  # type: ignore[misc]  # (the library ships no types)
    def diff_bisect(self, text1: str, text2: str, deadline: Budget) -> list[tuple[int, str]]:
        deadline.restart()  # (recursive searches start after the one that split them ended)
        diffs: list[tuple[int, str]] = super().diff_bisect(text1, text2, deadline)
        return diffs


def diff(
    old: Sequence[str], new: Sequence[str], budget: Budget | None = None, *, cleanup: bool = True
) -> list[Op]:
    """Token diff: equal, deleted and inserted runs, semantically cleaned up (unless
    `cleanup` is false), deterministic; bounded by `budget` if one is given (see `Budget`).

    Whitespace is compared as a reader sees it (`reads_as_space`): a line re-wrapped
    (`suspend\naccounts` made `suspend accounts\n`) keeps its words equal, where comparing
    the characters showed "accounts" deleted and inserted again. Where the two sides'
    whitespace differs within an equal run, that whitespace alone is deleted and inserted
    (`Op.space`), so that the marks still give back both texts exactly."""
    codes = _Codes()
    a, b = "".join(map(codes.__getitem__, old)), "".join(map(codes.__getitem__, new))
    engine = _Bounded()
    engine.Diff_Timeout = 0
    result = engine.diff_main(a, b, False, budget if budget is not None else Budget(1 << 62))
    if cleanup:
        engine.diff_cleanupSemantic(result)
    ops: list[Op] = []
    i = j = 0
    for kind, chars in result:
        if kind == 0:
            ops += equal_run(old[i : i + len(chars)], new[j : j + len(chars)])
            i, j = i + len(chars), j + len(chars)
        elif kind < 0:
            ops.append(Op(Kind.DELETE, tuple(old[i : i + len(chars)])))
            i += len(chars)
        elif chars:
            ops.append(Op(Kind.INSERT, tuple(new[j : j + len(chars)])))
            j += len(chars)
    return [op for op in ops if op.tokens]


#: An emphasised span or a link: (opening, text, closing).
Frame = tuple[str, str, str]
#: An emphasised span or a link, as its frame (the syntax around its text) and its text.
_FRAMED = re.compile(
    r"(?P<open>\*\*\*|___|\*\*|__|\*|_)(?P<inner>[^\n]*)(?P=open)\Z"
    r"|(?P<lopen>\[)(?P<text>.*)(?P<close>\](?:\(.*\)|\[[^\]\n]*\]))\Z"
    r"|(?P<aopen>(?i:<a\s[^>]*>))(?P<atext>.*)(?P<aclose>(?i:</a\s*>))\Z",
    re.DOTALL,
)
#: An HTML link's address, in its opening tag.
_HREF = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def framing(token: str) -> Frame | None:
    """(opening, text, closing) of an emphasised span or a link token (Markdown's, or an
    HTML `<a>` element); None for others."""
    found = _FRAMED.match(token) if token[:1] in "*_[<" else None  # (an image's text is no text)
    if found is None or not (found["inner"] or found["text"] or found["atext"]):
        return None
    if found["open"]:
        return found["open"], found["inner"], found["open"]
    if found["aopen"]:
        return found["aopen"], found["atext"], found["aclose"]
    return found["lopen"], found["text"], found["close"]


def link_address(frame: Frame) -> str | None:
    """A link's address (None for emphasis, or an HTML link without one)."""
    if frame[0] == "[":
        return _ADDRESS.sub("", frame[2][1:])
    found = _HREF.match(frame[0]) if frame[0][:1] == "<" else None
    return None if found is None else next(g for g in found.groups() if g is not None)


#: A replacement of more tokens than this is not looked into (a rewritten passage, or what
#: a spent budget left whole: one span in it would be a guess).
REFINED_TOKENS = 64


def refine(ops: list[Op], budget: Budget | None = None) -> list[Op]:
    """Where an emphasised span or a link is replaced by one with the same frame (the same
    `**`, the same address), its words are compared inside the frame: one changed letter in
    an italic sentence marked the whole sentence, and a link's text edited showed the link
    struck and inserted whole. The frame stays unmarked, so that it still renders."""
    out: list[Op] = []
    index = 0
    while index < len(ops):
        gone = ops[index]
        came = ops[index + 1] if index + 1 < len(ops) else None
        pair = None
        replaced = gone.kind is Kind.DELETE and came is not None and came.kind is Kind.INSERT
        short = (
            came is not None
            and replaced
            and max(len(gone.tokens), len(came.tokens)) <= REFINED_TOKENS
        )
        if short and came is not None:
            pair = _framed_pair(gone.tokens, came.tokens)
        if short and came is not None and pair is None:
            relinked = _relinked_pair(gone.tokens, came.tokens)
            if relinked is not None:  # (the link alone, as its own deletion and insertion)
                i, j = relinked
                out += [Op(Kind.DELETE, gone.tokens[:i]), Op(Kind.INSERT, came.tokens[:j])]
                out += [Op(Kind.DELETE, (gone.tokens[i],)), Op(Kind.INSERT, (came.tokens[j],))]
                out += [
                    Op(Kind.DELETE, gone.tokens[i + 1 :]),
                    Op(Kind.INSERT, came.tokens[j + 1 :]),
                ]
                index += 2
                continue
        if came is None or pair is None:
            out.append(gone)
            index += 1
            continue
        i, j, (opening, old_text, closing), (_, new_text, _) = pair
        out += [Op(Kind.DELETE, gone.tokens[:i]), Op(Kind.INSERT, came.tokens[:j])]
        out.append(Op(Kind.EQUAL, (opening,)))
        out += refine(diff(tokenize(old_text), tokenize(new_text), budget), budget)
        out.append(Op(Kind.EQUAL, (closing,)))
        out += [Op(Kind.DELETE, gone.tokens[i + 1 :]), Op(Kind.INSERT, came.tokens[j + 1 :])]
        index += 2
    return [op for op in out if op.tokens]


def relinked(gone: Op, came: Op) -> str | None:
    """The old address, where a link is replaced by one with the same text and another
    address (each the one token of its op): shown as one link whose address changed, not
    its words struck and inserted again (issue 25: a reader could not see what changed)."""
    if gone.kind is not Kind.DELETE or came.kind is not Kind.INSERT:
        return None
    if len(gone.tokens) != 1 or len(came.tokens) != 1:
        return None
    was = framing(markup.displayed(gone.tokens[0]))
    now = framing(markup.displayed(came.tokens[0]))
    if was is None or now is None or was[1] != now[1] or (was[0] == "[") != (now[0] == "["):
        return None
    old, new = link_address(was), link_address(now)
    return old if old is not None and new is not None and old != new else None


def relinks(ops: Sequence[Op]) -> dict[int, str]:
    """Each link replaced by one with the same text (see `relinked`): the index of its
    deletion, with the old address."""
    return replacements(ops, relinked)


def replacements(ops: Sequence[Op], told: Callable[[Op, Op], str | None]) -> dict[int, str]:
    """The index of each op followed by one of which `told` says something, with what it
    says (of a deletion and the insertion after it: see `relinked`, `forms.restyled`)."""
    found = {}
    for index in range(len(ops) - 1):
        said = told(ops[index], ops[index + 1])
        if said is not None:
            found[index] = said
    return found


#: What a link's closing part holds around its address: `](`, a title, the `)`.
_ADDRESS = re.compile(r"""^\(\s*<?|>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)$|^\[|\]$""")


def _relinked_pair(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[int, int] | None:
    """Where the one link of each side is, when both have the same text."""
    old_links = [n for n, t in enumerate(old) if _is_link(t)]
    new_links = [n for n, t in enumerate(new) if _is_link(t)]
    if len(old_links) != 1 or len(new_links) != 1:
        return None
    i, j = old_links[0], new_links[0]
    single = Op(Kind.DELETE, (old[i],)), Op(Kind.INSERT, (new[j],))
    return (i, j) if relinked(*single) is not None else None


def _is_link(token: str) -> bool:
    frame = framing(token) if token[:1] in "[<" else None
    return frame is not None and link_address(frame) is not None


def _framed_pair(
    old: tuple[str, ...], new: tuple[str, ...]
) -> tuple[int, int, Frame, Frame] | None:
    """Where the one framed token of each side is, and its frame, when they have the same
    (a run holding more than one is left whole: which pairs with which is not known)."""
    old_framed = [(n, f) for n, t in enumerate(old) if (f := framing(t)) is not None]
    new_framed = [(n, f) for n, t in enumerate(new) if (f := framing(t)) is not None]
    if len(old_framed) != 1 or len(new_framed) != 1:
        return None
    (i, was), (j, now) = old_framed[0], new_framed[0]
    if (was[0], was[2]) != (now[0], now[2]):
        return None
    return i, j, was, now


def equal_run(old: Sequence[str], new: Sequence[str]) -> list[Op]:
    """An equal run (equal as read): equal tokens, and each place where the whitespace
    was written otherwise, deleted and inserted."""
    ops: list[Op] = []
    start = 0
    for index, (was, now) in enumerate(zip(old, new, strict=True)):
        if was != now:
            ops += [
                Op(Kind.EQUAL, tuple(new[start:index])),
                Op(Kind.DELETE, (was,)),
                Op(Kind.INSERT, (now,)),
            ]
            start = index + 1
    ops.append(Op(Kind.EQUAL, tuple(new[start:])))
    return ops


class _Codes(dict[str, str]):
    """Each distinct token's character, for diff-match-patch; whitespace a reader sees as
    one space (`reads_as_space`) is one character. Filled as tokens are first met, so that
    encoding a sequence is one `map` (a third of a 2 MB redline's time, looped in Python)."""

    def __missing__(self, token: str) -> str:
        if token[:1] in _SPACES and reads_as_space(token) and token != " ":
            code = self[" "]
        else:
            code = _char(len(self))
        self[token] = code
        return code


_SPACES = frozenset(" \t\n")


def _char(index: int) -> str:
    """The index-th usable character, skipping the surrogate range."""
    point = index + 1
    if point >= 0xD800:
        point += 0x800
    return chr(point)
