"""Word-level tokens of a block's Markdown, and diffs over them with diff-match-patch.

A change never splits a token: words (with inner hyphens and apostrophes), numbers, URLs,
links, emphasised spans and inline code are whole tokens, so "Licens[-ee-][+or+]" cannot
happen and a link or `**emphasis**` is never cut by a tag. Line breaks with their
continuation prefix (indentation, `>`) and table pipes are tokens of their own.

diff-match-patch compares strings of characters, so each distinct token is mapped to one
character (the library wiki's "line or word diffs" recipe), and the semantic cleanup runs on
those token-characters, before mapping back, so it cannot cut inside a word. Its timeout is
off: with a timeout the result depends on machine load (a cut-off diff silently becomes
"delete everything, insert everything"), and a redline must be the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from diff_match_patch import diff_match_patch

TOKEN = re.compile(
    r"""
    (?P<newline>\n(?:[ \t]*>[ \t]?)*[ \t]*)
  | (?P<code>(`+)[^`].*?\3)
  | (?P<link>!?\[[^\]\n]*\](?:\([^)\s]*(?:[ \t]+"[^"\n]*")?\)|\[[^\]\n]*\]))
  | (?P<autolink><https?://[^>\s]+>)
  | (?P<url>https?://[^\s<>()]*[^\s<>().,;:!?'"])
  | (?P<strong>\*\*[^*\s](?:[^*\n]*[^*\s])?\*\*|__[^_\s](?:[^_\n]*[^_\s])?__)
  | (?P<emphasis>(?<![\w*])\*[^*\s](?:[^*\n]*[^*\s])?\*(?![\w*])
                |(?<![\w_])_[^_\s](?:[^_\n]*[^_\s])?_(?![\w_]))
  | (?P<html></?[A-Za-z][^<>\n]*>|<!--.*?-->)
  | (?P<escape>\\.)
  | (?P<number>\d+(?:[.,:/]\d+)*)
  | (?P<word>\w+(?:['\u2019-]\w+)*)
  | (?P<space>[ \t]+)
  | (?P<pipe>\|)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Text with none of these has only newlines, numbers, words, spaces, pipes and other
#: single characters, which `_PROSE_TOKEN` finds as `TOKEN` would, several times faster.
_SPECIAL = re.compile(r"[`\[<*_\\]|://")
_PROSE_TOKEN = re.compile(
    r"\n(?:[ \t]*>[ \t]?)*[ \t]*|\d+(?:[.,:/]\d+)*|\w+(?:['\u2019-]\w+)*|[ \t]+|.",
    re.DOTALL,
)

#: Tokens that carry words for the change summary's counts.
_WORDY = re.compile(r"\w")


class Kind(Enum):
    EQUAL = 0
    INSERT = 1
    DELETE = -1


@dataclass(frozen=True)
class Op:
    kind: Kind
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.tokens)


def tokenize(text: str) -> list[str]:
    if _SPECIAL.search(text) is None:
        return _PROSE_TOKEN.findall(text)
    return [match.group(0) for match in TOKEN.finditer(text)]


def words(tokens: Sequence[str]) -> int:
    """How many tokens carry words or numbers (whitespace and punctuation do not count)."""
    return sum(1 for token in tokens if _WORDY.search(token))


def diff(old: Sequence[str], new: Sequence[str]) -> list[Op]:
    """Token diff: equal, deleted and inserted runs, semantically cleaned up, deterministic."""
    codes: dict[str, str] = {}
    a, b = _encode(old, codes), _encode(new, codes)
    engine = diff_match_patch()
    engine.Diff_Timeout = 0
    result = engine.diff_main(a, b, False)
    engine.diff_cleanupSemantic(result)
    tokens = {code: token for token, code in codes.items()}
    return [Op(Kind(kind), tuple(tokens[c] for c in chars)) for kind, chars in result if chars]


def _encode(sequence: Sequence[str], codes: dict[str, str]) -> str:
    out = []
    for item in sequence:
        code = codes.get(item)
        if code is None:
            code = codes[item] = _char(len(codes))
        out.append(code)
    return "".join(out)


def _char(index: int) -> str:
    """The index-th usable character, skipping the surrogate range."""
    point = index + 1
    if point >= 0xD800:
        point += 0x800
    return chr(point)
