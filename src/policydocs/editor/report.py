"""Reports of a comparison for people: a terminal, a pull-request comment, an HTML page."""

from __future__ import annotations

import html

from policydocs.editor.compare import Comparison
from policydocs.redline.markup import terminal
from policydocs.site.html import Reading

_STYLE = (
    "ins{text-decoration:underline;background:#2ea04330}"
    "del{text-decoration:line-through;background:#f8514930}"
    "pre.pd-block{white-space:pre-wrap}"
)


def _heading(comparison: Comparison) -> str:
    title = comparison.new.text.front_matter.title
    return f"{title}: changes from {comparison.old.name} to {comparison.new.name}"


def _counts(comparison: Comparison) -> str:
    change = comparison.redline
    levels = "".join(f" {what} only." for what in change.same_words())
    if not change.changed:
        return "No word changed." + levels if levels else "No changes to the text."
    sections = ", ".join(section.title for section in change.sections)
    return (
        f"{_words(change.words_added)} added, {_words(change.words_removed)} removed.{levels} "
        f"Changed sections: {sections}."
    )


def _words(count: int) -> str:
    return f"{count} word" if count == 1 else f"{count} words"


def markdown_report(comparison: Comparison) -> str:
    """Renders on GitHub (`<ins>`/`<del>` are allowed there): for a pull-request comment."""
    effective = comparison.new.text.front_matter.effective
    takes_effect = f"Effective: **{effective}**" if effective else "Effective: when merged"
    lines = [f"### {_heading(comparison)}", "", f"`{comparison.path}` · {takes_effect}", ""]
    fields = comparison.front_matter_changes()
    if fields:
        lines += ["| Field | Before | After |", "|---|---|---|"]
        lines += [f"| {name} | {_cell(a)} | {_cell(b)} |" for name, a, b in fields]
        lines.append("")
    lines += [_counts(comparison), ""]
    if comparison.redline.changed:
        lines += ["---", "", comparison.redline.markdown.rstrip("\n")]
    return "\n".join(lines) + "\n"


_CHANGE_NOTES = {
    "added": "A new policy: all of its text is new.",
    "deleted": "Deleted: once merged, this policy is published as **withdrawn** (its pages stay), "
    "and the feeds announce the withdrawal.",
}


def base_report(base: str, start: str, comparisons: list[Comparison]) -> str:
    """Every changed policy's redline in one Markdown document: a pull-request comment or a
    job summary."""
    if not comparisons:
        return f"No policy changes against `{base}` (since {start[:12]}).\n"
    names = ", ".join(c.new.text.front_matter.title for c in comparisons)
    parts = [
        f"## Policy changes against `{base}`\n",
        f"{len(comparisons)} changed since {start[:12]}: {names}.\n",
    ]
    for comparison in comparisons:
        note = _CHANGE_NOTES.get(comparison.change)
        if comparison.change == "renamed":
            note = f"Renamed from `{comparison.old_path}`: old links will redirect."
        report = markdown_report(comparison)
        if note:
            heading, rest = report.split("\n", 1)
            report = f"{heading}\n\n{note}\n{rest}"
        parts.append(report)
    return "\n".join(parts)


def html_report(comparison: Comparison, reading: Reading) -> str:
    """A page showing the comparison, its Markdown read as the site's pages read it."""
    heading = html.escape(_heading(comparison))
    fields = "".join(
        f"<tr><th>{html.escape(n)}</th><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>"
        for n, a, b in comparison.front_matter_changes()
    )
    table = (
        f"<table><tr><th>Field</th><th>Before</th><th>After</th></tr>{fields}</table>"
        if fields
        else ""
    )
    body = reading.to_html(comparison.redline.markdown)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>'
        f"<style>{_STYLE}</style></head>\n<body><h1>{heading}</h1>{table}"
        f"<p>{html.escape(_counts(comparison))}</p>\n{body}\n</body></html>\n"
    )


def terminal_report(comparison: Comparison, *, color: bool) -> str:
    bold, reset = ("\x1b[1m", "\x1b[0m") if color else ("", "")
    lines = [f"{bold}{_heading(comparison)}{reset}", comparison.path]
    lines += [f"{name}: {a} -> {b}" for name, a, b in comparison.front_matter_changes()]
    lines += [_counts(comparison), ""]
    text = terminal(comparison.redline.markdown, color=color) if comparison.redline.changed else ""
    return "\n".join(lines) + "\n" + text


def _cell(value: str) -> str:
    return " ".join(value.replace("|", "\\|").split())
