"""Sentences of a paragraph: how two paragraphs that share a sentence are compared.

A paragraph whose first sentence is kept and whose others are rewritten has too few words in
common to be paired (see `pairing.SIMILAR`), so it used to be shown deleted whole
and inserted whole, hiding that its first sentence did not change; paired, a word diff's
semantic clean-up could still absorb the kept sentence into the changes around it. A
lawyer's comparison shows the kept sentence unmarked and the rewritten ones replaced. So
paragraphs that share a sentence are paired by it, and those paired only by it, or whose
word diff marked part of a sentence they share (`kept`), are aligned sentence by sentence
(`diff`): sentences the same (as read: a re-wrapped line is the same sentence) stay
unmarked, and between them the changed sentences are word-compared when they are similar
enough, else shown deleted and inserted whole. Other paragraphs keep their word diff,
which is cheaper and shows the same.

The split only decides what is aligned with what: a sentence boundary found where there is
none ("e.g. The") makes a coarser or finer alignment, never a wrong text, since the marks
are made of the paragraph's own tokens in order (accept and reject stay exact).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from policydocs.redline import tokens as tk

#: A kept sentence pairs two paragraphs from this many words on ("We may." is no anchor).
SENTENCE_MIN_WORDS = 4

_ENDS = frozenset(".!?")
#: What may close a sentence after its full stop: a bracket, a quotation mark.
_CLOSERS = frozenset(")]\"'\u201d\u2019")
#: What a sentence may start with: anything but a small letter (a capital, a digit, `£`,
#: `§`), after any opening bracket, quotation mark or emphasis (tokens such as
#: `**The Services**` and `[Annex](…)` start with their syntax). "e.g. the" goes on.
_STARTS = r"[\"'(\[*_`\u201c\u2018]*(?:[^\W\d_a-z\u00df-\u00f6\u00f8-\u00ff]|\d|[^\w\s])"
_START = re.compile(_STARTS)

Units = list[tuple[str, ...]]

#: Where `units` cuts, as a regular expression on text spaced as read (for `anchors`).
_SENTENCE_END = re.compile(rf"(?<=[.!?])[)\]\"'\u201d\u2019]* (?={_STARTS})")
_SPACES = re.compile(r"(?:[ \t]+|\n(?:[ \t]*>[ \t]?)*[ \t]*)+")


def units(tokens: Sequence[str]) -> Units:
    """The tokens cut into sentences and the whitespace between them (a unit of its own,
    so that a sentence reads the same wherever it ends a paragraph)."""
    out: Units = []
    start = 0
    index = 0
    while index < len(tokens):
        end = _sentence_end(tokens, index)
        if end is None:
            index += 1
            continue
        out.append(tuple(tokens[start:end]))
        out.append((tokens[end],))
        start = index = end + 1
    if start < len(tokens):
        out.append(tuple(tokens[start:]))
    return out


def _sentence_end(tokens: Sequence[str], index: int) -> int | None:
    """Where the whitespace after a sentence ending at `index` is, if one ends there."""
    if tokens[index] not in _ENDS:
        return None
    end = index + 1
    while end < len(tokens) and tokens[end] in _CLOSERS:
        end += 1
    starts = end + 1 < len(tokens) and _START.match(tokens[end + 1])
    return end if starts and tk.reads_as_space(tokens[end]) else None


def key(unit: Sequence[str]) -> str:
    """The unit as read: its whitespace as one space (NUL-joined, so that equal keys have
    the same tokens one by one)."""
    return "\0".join(" " if tk.reads_as_space(t) else t for t in unit)


@lru_cache(maxsize=1024)
def anchors(content: str) -> frozenset[str]:
    """The paragraph's sentences that can pair it with another, long enough to mean it,
    each with its spacing as read. Found by regular expressions on the text, not from its
    tokens: every paired paragraph is asked, and tokens cost a Python step each (a 1 MB
    paragraph took 1.9 s more). It only decides whether to align by sentence; `units`
    does the aligning, so a sentence the two split otherwise is a coarser alignment,
    never a wrong one."""
    text = _SPACES.sub(" ", content)
    return frozenset(
        sentence.strip()
        for sentence in _SENTENCE_END.split(text)
        if sentence.strip().count(" ") >= SENTENCE_MIN_WORDS - 1  # (words, near enough)
    )


def kept(ops: Sequence[tk.Op], sentences: frozenset[str]) -> bool:
    """Whether a word diff left each of `sentences` (as `anchors` gives them) whole in
    one unmarked stretch: then aligning by sentence would show the same."""
    unmarked = _SPACES.sub(" ", "\0".join(op.text for op in ops if op.kind is tk.Kind.EQUAL))
    return all(sentence in unmarked for sentence in sentences)


def diff(old: Sequence[str], new: Sequence[str], budget: tk.Budget, similar: float) -> list[tk.Op]:
    """The diff of two paragraphs' tokens, aligned by sentence: runs of changed sentences
    are word-diffed when their words' Dice overlap reaches `similar`, else shown whole.
    Bounded by `budget` as `tokens.diff` is (past it, coarser, still exact)."""
    old_units, new_units = units(old), units(new)
    # (No semantic clean-up: it weighs units, not words, and would absorb a kept sentence
    # into the rewritten ones around it.)
    aligned = tk.diff(
        [key(u) for u in old_units], [key(u) for u in new_units], budget, cleanup=False
    )
    ops: list[tk.Op] = []
    i = j = 0
    gone: list[str] = []
    came: list[str] = []
    for index, op in enumerate(aligned):
        count = len(op.tokens)
        if op.kind is tk.Kind.DELETE:
            gone += _joined(old_units[i : i + count])
            i += count
        elif op.kind is tk.Kind.INSERT:
            came += _joined(new_units[j : j + count])
            j += count
        else:
            was, now = _joined(old_units[i : i + count]), _joined(new_units[j : j + count])
            i += count
            j += count
            between = (gone or came) and index + 1 < len(aligned)
            if between and all(map(tk.reads_as_space, was)):
                gone += was  # (the space between two changed sentences is in the change)
                came += now
                continue
            ops += _changed(gone, came, budget, similar)
            gone, came = [], []
            ops += tk.equal_run(was, now)
    ops += _changed(gone, came, budget, similar)
    return [op for op in ops if op.tokens]


def _joined(chosen: Units) -> list[str]:
    return [token for unit in chosen for token in unit]


def _changed(gone: list[str], came: list[str], budget: tk.Budget, similar: float) -> list[tk.Op]:
    if gone and came and tk.dice(tk.word_set("".join(gone)), tk.word_set("".join(came))) >= similar:
        return tk.diff(gone, came, budget)
    return [tk.Op(tk.Kind.DELETE, tuple(gone)), tk.Op(tk.Kind.INSERT, tuple(came))]
