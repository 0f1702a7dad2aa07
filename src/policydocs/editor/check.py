"""`policydocs check`: what an editor must fix before a policy change is merged.

The working tree is checked against the last commit (what the merge would publish); with
`history`, every committed revision is checked too. Each problem has a file, a line and a
column where one applies, and says how to fix it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from markdown_it import MarkdownIt

from policydocs.core.errors import Level, PolicyError, Problem, Problems
from policydocs.core.settings import Settings
from policydocs.editor.new import PLACEHOLDER
from policydocs.editor.start import SITE_URL_PLACEHOLDER
from policydocs.history import frontmatter, links
from policydocs.history.catalog import UNREAD, load_catalog
from policydocs.history.git import GitHistory
from policydocs.history.selection import Selection
from policydocs.site.html import Reading
from policydocs.site.lists import EXTENSION_NAME as LISTS_EXTENSION
from policydocs.site.outputs import Label, check_catalog, check_files
from policydocs.site.urls import UrlScheme

#: Characters that PDF and Word exports leave behind, and what to write instead.
_LEFTOVERS = {
    "\uf0b7": "a Word/PDF bullet (U+F0B7): start the line with '- ' instead",
    "\u00ad": "a soft hyphen (U+00AD): delete it",
    "\u200b": "a zero-width space (U+200B): delete it",
    "\ufeff": "a zero-width no-break space (U+FEFF) inside the text: delete it",
}
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
#: A non-breaking space is deliberate between two words or a number and its unit; next to
#: other spacing, or at the start or end of a line, it is a leftover.
_STRAY_NBSP = re.compile(r"(?:^|(?<=\s))\u00a0|\u00a0(?=\s|$)", re.MULTILINE)
_QUOTES = {
    "double": (re.compile('"'), re.compile("[\u201c\u201d]"), "“ ”"),
    "single": (re.compile("'"), re.compile("[\u2018\u2019]"), "\u2018 \u2019"),
}


#: How the redline and the editorial rule read a text's blocks (CommonMark).
_COMMONMARK = MarkdownIt("commonmark")


@dataclass(frozen=True)
class _File:
    path: str  # repository path
    data: bytes


def check(
    settings: Settings,
    paths: list[Path] | None = None,
    history: bool = False,
    reading: Reading | None = None,
) -> list[Problem]:
    """All problems found, sorted by file and position; `reading`: how the site's pages
    read Markdown, if known (see `_check_lists`)."""
    problems = Problems()
    folder = settings.policies_dir
    if not folder.is_dir():
        raise PolicyError(f"{folder}: the policies folder does not exist")
    urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
    with GitHistory(folder) as repo:
        selection = repo.selection(folder, settings)
        every = [p for p in repo.files(selection, working_tree=True) if selection.is_policy(p)]
        files = _working_tree_files(repo, every, paths)
        policies = {path for path in every if (repo.root / path).is_file()}
        published = []  # what each file would publish, for the build's check of its URLs
        for file in files:
            parsed = _check_text(file, settings, policies, repo.root, problems)
            if reading is not None and LISTS_EXTENSION not in reading.extensions:
                _check_lists(file, problems)
            committed = repo.file_at(repo.head, file.path)
            if parsed is not None and committed is not None and committed != file.data:
                _check_revision(file.path, committed, parsed, settings, problems)
            label = parsed.front_matter.version if parsed is not None else None
            labels = [Label(label, file.path, None, "version")] if label else []
            published.append((selection.policy_id(file.path), file.path, labels))
        problems.items += check_files(urls, published).items
        if paths is None:
            for path in repo.unread(selection, working_tree=True):
                problems.warning(UNREAD, path=path)
            _check_removals(repo, selection, problems)
    if history:
        _check_history(settings, urls, problems)
    return sorted(problems.items, key=lambda p: (p.path or "", p.line or 0, p.column or 0))


def _working_tree_files(
    repo: GitHistory, policies: list[str], paths: list[Path] | None
) -> list[_File]:
    """The files named, or every policy file of the working tree."""
    chosen = paths if paths else [repo.root / path for path in policies]
    return [
        _File(path.resolve().relative_to(repo.root).as_posix(), path.read_bytes())
        for path in chosen
        if path.is_file()
    ]


def _check_text(
    file: _File, settings: Settings, policies: set[str], root: Path, problems: Problems
) -> frontmatter.PolicyText | None:
    parsed = frontmatter.parse(
        file.data,
        problems,
        path=file.path,
        commit=None,
        settings=settings,
    )
    text = frontmatter.decode(file.data, Problems(), path=file.path, commit=None)
    if text is not None:
        _check_characters(file.path, text, problems)
        _check_links(file.path, text, policies, root, problems)
        _check_placeholder(file.path, text, problems)
    return parsed


def _check_lists(file: _File, problems: Problems) -> None:
    """A list written straight after a paragraph (`Terms:` then `- one`) is a list to the
    redline and the editorial rule (CommonMark), but text with literal dashes on pages
    rendered by Python-Markdown without `policydocs.site.lists`: readers would see one
    thing, the changes pages describe another."""
    text = frontmatter.decode(file.data, Problems(), path=file.path, commit=None)
    if text is None:
        return
    text = text.replace("\r\n", "\n")
    parts = frontmatter.split(text)
    body = text if parts is None else parts[1]
    offset = text[: len(text) - len(body)].count("\n")
    tokens = _COMMONMARK.parse(body)
    items = 0  # list items open: a list in one is nested (Python-Markdown reads it one way)
    for index, token in enumerate(tokens):
        items += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.type not in ("bullet_list_open", "ordered_list_open") or index < 3 or items:
            continue
        paragraph = tokens[index - 3]  # (paragraph_open, inline, paragraph_close)
        follows = paragraph.map and token.map and paragraph.map[1] == token.map[0]
        if paragraph.type == "paragraph_open" and follows and token.map:
            problems.warning(
                "this list follows a paragraph with no blank line between: the site's "
                "pages show it as text with literal markers, its redlines as a list. "
                f"Add a blank line before it, or '{LISTS_EXTENSION}' to mkdocs.yml's "
                "markdown_extensions",
                path=file.path,
                line=offset + token.map[0] + 1,
                column=1,
            )


def _check_placeholder(path: str, text: str, problems: Problems) -> None:
    """`policydocs new`'s template, not yet written: merged, it would be published."""
    where = text.find(PLACEHOLDER)
    if where >= 0:
        problems.error(
            "this is still the template 'policydocs new' wrote: write the policy in place "
            "of its text before it is merged (merged, the template would be published)",
            path=path,
            line=text.count("\n", 0, where) + 1,
            column=1,
        )


def check_site_url(site_url: str | None, config_file: str) -> list[Problem]:
    """The site's address as `policydocs init` left it: feeds would link to a site that is
    not this one."""
    if site_url is None or site_url.rstrip("/") != SITE_URL_PLACEHOLDER.rstrip("/"):
        return []
    return [
        Problem(
            Level.WARNING,
            f"still the placeholder {SITE_URL_PLACEHOLDER}: set it to the address the site "
            "is published at (feeds' links are made from it)",
            path=config_file,
            field="site_url",
        )
    ]


def _check_characters(path: str, text: str, problems: Problems) -> None:
    for number, line in enumerate(text.split("\n"), start=1):
        for column, character in enumerate(line, start=1):
            fix = _LEFTOVERS.get(character)
            if fix is None and _PRIVATE_USE.match(character):
                fix = (
                    f"a private-use character (U+{ord(character):04X}) from a PDF or Word "
                    "export: replace it with what it stood for"
                )
            if fix is not None and not (character == "\ufeff" and number == column == 1):
                problems.warning(f"found {fix}", path=path, line=number, column=column)
        for match in _STRAY_NBSP.finditer(line):
            problems.warning(
                "stray non-breaking space (U+00A0) next to other spacing or at a line end: "
                "replace it with a normal space",
                path=path,
                line=number,
                column=match.start() + 1,
            )
    for name, (straight, curly, style) in _QUOTES.items():
        plain, fancy = _positions(straight, text), _positions(curly, text)
        if plain and fancy:
            at_line, at_column = min(plain, fancy, key=len)[0]
            problems.warning(
                f"mixed {name} quote styles ({len(plain)} straight, {len(fancy)} curly): "
                f"use one style throughout, for example {style}",
                path=path,
                line=at_line,
                column=at_column,
            )


def _positions(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        found += [(number, m.start() + 1) for m in pattern.finditer(line)]
    return found


def _check_links(path: str, text: str, policies: set[str], root: Path, problems: Problems) -> None:
    """A relative link must name a policy file or another file of the repository
    (`../index.md`, `dpa.pdf`, which the site publishes beside the policies)."""
    for target, start in links.targets(text):
        resolved = links.resolve(path, target)
        if resolved is None or resolved in policies or (root / resolved).is_file():
            continue
        if links.is_markdown(target):
            near = sorted(p for p in policies if posixpath.dirname(p) == posixpath.dirname(path))
            beside = ", ".join(posixpath.basename(p) for p in near) or "none"
            why = f"there is no such policy (beside it: {beside})"
        else:
            why = f"there is no file {resolved} in the repository"
        problems.error(
            f"link to '{target}': {why}",
            path=path,
            line=text.count("\n", 0, start) + 1,
            column=start - (text.rfind("\n", 0, start) + 1) + 1,
        )


def _check_revision(
    path: str, committed: bytes, new: frontmatter.PolicyText, settings: Settings, problems: Problems
) -> None:
    """The working-tree revision against the last committed one."""
    old = frontmatter.parse(
        committed, Problems(), path=path, commit=None, settings=settings,
    )  # fmt: skip
    if old is None:
        return
    old_fm, new_fm = old.front_matter, new.front_matter
    before, after = _start(old_fm.effective, settings), _start(new_fm.effective, settings)
    today = _day(settings.as_of, settings)  # (pages tell days apart, not hours)
    if before and after and after < before:
        pending = before > settings.as_of
        problems.warning(
            f"effective date {new_fm.effective} is earlier than the previous revision's "
            f"({old_fm.effective})"
            + (": that revision has not taken effect, and never will" if pending else ""),
            path=path,
            field="effective",
        )
    if after and old_fm.effective != new_fm.effective and _day(after, settings) < today:
        problems.warning(
            f"effective date {new_fm.effective} has passed: a version is never in force before "
            "it is published, so this one takes effect when it is merged (its pages will say "
            "so); set the date it takes effect",
            path=path,
            field="effective",
        )
    elif after and old_fm.effective == new_fm.effective and after < settings.as_of:
        problems.warning(
            f"effective date {old_fm.effective} is unchanged from the previous revision and "
            "has passed: this revision will be dated by its publication; set the date it "
            "takes effect",
            path=path,
            field="effective",
        )
    if old_fm.summary == new_fm.summary:
        problems.warning(
            "the text changed but 'summary' did not: the summary describes the previous "
            "revision and will not be shown for this one; say what this revision changes",
            path=path,
            field="summary",
        )


def _start(value: date | datetime | None, settings: Settings) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=settings.timezone)


def _day(moment: datetime, settings: Settings) -> date:
    return moment.astimezone(settings.timezone).date()


def _check_removals(repo: GitHistory, selection: Selection, problems: Problems) -> None:
    for path in repo.uncommitted(selection):
        if not (repo.root / path).exists():
            problems.warning(
                "deleted: once merged, this policy is published as withdrawn (its pages stay). "
                "If you meant to rename it, commit the rename on its own, without edits, so "
                "its history and URLs follow it",
                path=path,
            )


def _check_history(settings: Settings, urls: UrlScheme, problems: Problems) -> None:
    try:
        catalog, found = load_catalog(settings)
    except PolicyError as exc:
        problems.items.extend(exc.problems)
        return
    problems.items.extend(found.items)
    problems.items.extend(check_catalog(catalog, urls, feeds=True).problems.items)
    for policy in catalog.policies:
        for old, new in zip(policy.versions, policy.versions[1:], strict=False):
            where = {"path": new.path, "commit": new.commit.sha}
            if new.effective < old.effective:
                problems.warning(
                    f"effective date {new.effective} is earlier than the previous revision's "
                    f"({old.effective})",
                    field="effective",
                    **where,
                )
            if new.summary_carried_over:
                problems.warning(
                    "summary unchanged from the previous revision", field="summary", **where
                )
