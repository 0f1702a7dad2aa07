"""Links whose reference definition's address changed (`[status]: https://…`), shown as
each version's page shows them.

A redline holds one definition of a name, the new one (the page needs it for the new
text's links): so the old text's links naming it pointed where the new text's do, and
the changed definition, which no page shows, was shown as two boxes of source
(Basecamp's SLA moved its status page). Here the definition's change is recorded and
not shown, and each link naming it is what changed: in the old text's words it is
written inline, with the old address (`markup.sourced` gives back its source), and where
both texts have it, it is shown as a link whose address alone changed.

Python-Markdown's reading: a name is matched without case and with its spaces made one;
the last definition of a name is the one in force. A link names one as `[text][name]`
or `[name][]` (a bare `[name]` is left as it is: the tokens do not hold it as one)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

from policydocs.redline import markup
from policydocs.redline import tokens as tk
from policydocs.redline.blocks import Block

#: A link reference definition as Python-Markdown reads one: name, address, title.
DEFINITION = re.compile(
    r"[ ]{0,3}\[(?P<name>[^\[\]\n]*)\]:[ ]*(?P<address><[^>\n]*>|\S+)"
    r"(?:[ ]+(?P<title>\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ ]*"
)
#: A link token naming a definition: `[text][name]`, `[name][]`.
_REFERENCE = re.compile(r"(?P<text>\[.*\])\[(?P<name>[^\]\n]*)\]\Z", re.DOTALL)


def name_of(definition: str) -> str | None:
    """The name a block defines, as links match it; None if it is no definition."""
    found = DEFINITION.fullmatch(definition)
    return _normal(found["name"]) if found else None


def moved(old: Iterable[Block], new: Iterable[Block]) -> dict[str, str]:
    """Each name both texts define, at other addresses (or titles): the old one's `(…)`."""
    was, now = _definitions(old), _definitions(new)
    return {name: was[name] for name in was.keys() & now.keys() if was[name] != now[name]}


def _definitions(blocks: Iterable[Block]) -> dict[str, str]:
    found = {}
    for block in blocks:
        definition = DEFINITION.fullmatch(block.prefix + block.content.rstrip("\n"))
        if definition is not None and block.kind == "other" and not block.shape:
            address = definition["address"]
            title = f" {definition['title']}" if definition["title"] else ""
            found[_normal(definition["name"])] = f"({address}{title})"
    return found


def _normal(name: str) -> str:
    return " ".join(name.split()).lower()


def _named(token: str, names: Mapping[str, str]) -> str | None:
    """The name a link token refers to, if it is one of `names`."""
    found = _REFERENCE.match(token) if token[:1] == "[" and token[-1:] == "]" else None
    if found is None:
        return None
    name = _normal(found["name"] or found["text"][1:-1])
    return name if name in names else None


def as_old(token: str, names: Mapping[str, str]) -> str:
    """The token as the old text's page shows it: a link naming a moved definition written
    inline with the old address, giving back its source."""
    name = _named(token, names)
    if name is None:
        return token
    found = _REFERENCE.match(token)
    assert found is not None
    return markup.sourced(found["text"] + names[name], token)


def old_text(text: str, names: Mapping[str, str]) -> str:
    """A text of the old version (a block shown deleted whole), as its page shows it."""
    if not names or "[" not in text:
        return text
    return "".join(as_old(token, names) for token in tk.tokenize(text))


def holds(text: str, names: Mapping[str, str]) -> bool:
    return bool(names) and any(_named(token, names) for token in tk.tokenize(text))


def relinked(ops: Sequence[tk.Op], names: Mapping[str, str]) -> list[tk.Op]:
    """The ops with every deleted link naming a moved definition shown as the old page
    shows it, and every link kept that names one deleted so and inserted again (as the
    new page shows it): a link whose address alone changed."""
    return [op for op in _relinked(ops, names) if op.tokens]


def _relinked(ops: Sequence[tk.Op], names: Mapping[str, str]) -> Iterator[tk.Op]:
    for op in ops:
        if op.kind is tk.Kind.DELETE:
            yield tk.Op(op.kind, tuple(as_old(token, names) for token in op.tokens))
            continue
        if op.kind is tk.Kind.INSERT or not any(_named(t, names) for t in op.tokens):
            yield op
            continue
        start = 0
        for index, token in enumerate(op.tokens):
            if _named(token, names):
                yield tk.Op(tk.Kind.EQUAL, op.tokens[start:index])
                yield tk.Op(tk.Kind.DELETE, (as_old(token, names),))
                yield tk.Op(tk.Kind.INSERT, (token,))
                start = index + 1
        yield tk.Op(tk.Kind.EQUAL, op.tokens[start:])
