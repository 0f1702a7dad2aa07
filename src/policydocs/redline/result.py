"""What a redline gives pages, feeds and the CLI: its Markdown, its counts and the sections
that changed; plain data, kept in the store as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A part of the document (under one heading) that changed, and where its first change is."""

    title: str
    anchor: str


@dataclass(frozen=True)
class Redline:
    """What pages, feeds and the CLI need; plain data, so it can be cached as JSON."""

    markdown: str
    words_added: int
    words_removed: int
    sections: tuple[Section, ...]
    #: Headings whose level alone changed (`###` made `##`): a change of form, not of
    #: words, marked lightly (`pd-format`) and counted here, not in `sections`.
    reformatted: int = 0
    #: Links whose address alone changed: shown once, marked `pd-link`, the old address in
    #: its title; their words are not counted as added and removed.
    relinked: int = 0
    #: Passages whose form alone changed (the same words made bold, a link, no longer
    #: code: `forms`): shown once, marked `pd-form`, the old form in its title; their
    #: words are not counted as added and removed.
    restyled: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.sections)

    def same_words(self) -> tuple[str, ...]:
        """What changed with the same words, each as pages, feeds and reports say it:
        "2 headings changed level", "1 link changed address", "3 passages changed form"."""
        counted = (
            (self.reformatted, "heading", "changed level"),
            (self.relinked, "link", "changed address"),
            (self.restyled, "passage", "changed form"),
        )
        return tuple(
            f"{count} {noun}{'' if count == 1 else 's'} {what}"
            for count, noun, what in counted
            if count
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "markdown": self.markdown,
                "words_added": self.words_added,
                "words_removed": self.words_removed,
                "sections": [[s.title, s.anchor] for s in self.sections],
                "reformatted": self.reformatted,
                "relinked": self.relinked,
                "restyled": self.restyled,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Redline:
        data = json.loads(text)
        return cls(
            data["markdown"],
            data["words_added"],
            data["words_removed"],
            tuple(Section(title, anchor) for title, anchor in data["sections"]),
            data["reformatted"],
            data["relinked"],
            data["restyled"],
        )
