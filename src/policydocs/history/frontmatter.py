"""Front matter of one revision of a policy file: split, decode, validate.

Every value that would end up on a public page or decide a date is checked here, and each
problem names the file, the commit and the field, because a revision that is already merged
cannot be fixed in place: the editor needs to know exactly which one to correct or skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

import yaml

from policydocs.core.dates import YEARS, in_range
from policydocs.core.errors import PolicyError, Problems, shown
from policydocs.core.settings import Settings
from policydocs.history.headings import first_heading, heading_text
from policydocs.history.model import is_segment
from policydocs.history.publishable import check_text
from policydocs.history.variables import substitute

KNOWN_KEYS = ("title", "effective", "summary", "version", "change", "redirect_from")
#: What `change:` may say of a revision (see `history.editorial`).
CHANGES = ("editorial", "material")

#: A declared label is at most this long (a URL segment; labels people can cite).
LABEL_LENGTH = 64


class _Bounded:
    """Safe YAML, bounded, and read as a person reads it: timestamps stay text (PyYAML
    raises a bare ValueError on an impossible date such as 2024-02-30, and we want to name
    the field instead), and a key given twice is an error (YAML keeps the last silently;
    two titles are an editor's mistake, not a choice)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in seen:
                    raise _TwiceGiven(key)
                seen.add(key.value)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)  # type: ignore[misc]
        return mapping


class _TwiceGiven(yaml.constructor.ConstructorError):
    def __init__(self, key: yaml.ScalarNode):
        self.field = str(key.value)
        problem = f"'{shown(key.value)[1:-1]}' is given twice: give each key once"
        super().__init__(None, None, problem, key.start_mark)


class _Loader(_Bounded, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml where available: a history holds thousands of revisions (libyaml also
    bounds nesting itself)."""


class _NoAliases(_Bounded, yaml.SafeLoader):
    """For front matter that may hold an alias (`*name`): an alias repeats a value, and a
    few hundred bytes of aliases to aliases stand for billions of values (a build stalled
    161 s, then ran out of memory). Front matter has no use for them: they are refused.
    (libyaml composes in C, where this check cannot be made; the pure-Python loader is
    used only when the text has a `*`.)"""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            alias = self.peek_event()  # type: ignore[no-untyped-call]  # (untyped in the stubs)
            raise yaml.composer.ComposerError(
                None,
                None,
                "an alias (*name) is not allowed in front matter; write the value out",
                alias.start_mark,
            )
        return super().compose_node(parent, index)


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)  # (a timestamp is a scalar)
    return str(loader.construct_scalar(node))


for _loader in (_Loader, _NoAliases):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

_FENCE = re.compile(r"---[ \t]*")
#: A text that opens (after blank lines) with a line of dashes: front matter gone wrong
#: (not on the first line, not closed, `----`), never a policy's first words. Published
#: as text it would print the metadata as a heading.
_LOOKS_LIKE_FRONT_MATTER = re.compile(r"\s*---")
#: Searched for in the text after the opening line, not line by line: a history holds
#: thousands of revisions, and splitting each whole body into lines cost more than the YAML.
_END_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatter:
    title: str
    #: A calendar date (in force from midnight in the site's time zone) or an exact moment.
    effective: date | datetime | None
    summary: str | None
    version: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    #: `change:` as the file declares it (one of `CHANGES`), or None.
    change: str | None = None
    #: Where the title came from: "front matter", "first heading" or "file name".
    title_source: str = "front matter"
    #: The effective date was found in the text by the site's `effective_pattern`.
    effective_in_text: bool = False
    #: Former addresses of the policy that redirect to it (Jekyll's `redirect_from`).
    redirect_from: tuple[str, ...] = ()

    def effective_at(self, timezone: tzinfo) -> datetime | None:
        """The moment `effective` names: a date's midnight in the site's time zone."""
        value = self.effective
        if value is None or isinstance(value, datetime):
            return value
        return datetime.combine(value, time(), tzinfo=timezone)


@dataclass(frozen=True)
class PolicyText:
    front_matter: FrontMatter
    #: The text after the front matter, with the site's `variables` filled in.
    body: str
    #: Whether `variables` changed it (then its blob no longer names it).
    substituted: bool = False


def decode(data: bytes, problems: Problems, *, path: str, commit: str | None) -> str | None:
    """Decode UTF-8 (a BOM is accepted), pointing at the first bad byte's line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}, column {column}); "
            "save the file as UTF-8",
            path=path,
            commit=commit,
            line=line,
            column=column,
        )
        return None


def split(text: str) -> tuple[str, str] | None:
    """Return (yaml, body) when the text opens with a `---` fenced block, else None."""
    first, _, rest = text.replace("\r\n", "\n").partition("\n")
    end = _END_FENCE.search(rest) if _FENCE.fullmatch(first) else None
    if end is None:
        return None
    return rest[: max(end.start() - 1, 0)], rest[end.end() + 1 :]


def parse(
    data: bytes, problems: Problems, *, path: str, commit: str | None, settings: Settings
) -> PolicyText | None:
    """Parse one revision; on any error, record it in `problems` and return None.

    Front matter is optional (repositories kept for other tools have none): without a
    `title` the title is the text's first `#` heading, else the file's name; without an
    `effective` date the site's `effective_pattern` may find one in the text."""
    text = decode(data, problems, path=path, commit=commit)
    if text is None or not check_text(text, problems, path=path, commit=commit):
        return None
    where = {"path": path, "commit": commit}
    parts = split(text)
    if parts is None and _LOOKS_LIKE_FRONT_MATTER.match(text):
        problems.error(
            "this looks like front matter but cannot be read as it: front matter starts on "
            "the first line with a '---' line and ends with a '---' line (a file may also "
            "have none, then its title is its first heading)",
            **where,
        )
        return None
    raw_yaml, written = parts if parts is not None else ("", text.replace("\r\n", "\n"))
    body = substitute(written, settings.variables)
    try:
        loader = _NoAliases if "*" in raw_yaml else _Loader
        meta = yaml.load(raw_yaml, Loader=loader) if raw_yaml.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 2, mark.column + 1) if mark else (None, None)
        at = f" at line {line}, column {column}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.error(
            f"front matter is not valid YAML{at}: {problem}",
            line=line,
            column=column,
            field=getattr(exc, "field", None),
            **where,
        )
        return None
    except RecursionError:
        problems.error("front matter is nested too deeply to read", **where)
        return None
    if not isinstance(meta, dict):
        problems.error("front matter must be a set of 'key: value' lines", **where)
        return None

    before = len(problems.errors)
    title, title_source = _title(meta.get("title"), body, path, problems, where)
    effective = _effective(meta.get("effective"), problems, where, settings.timezone)
    effective_in_text = False
    if "effective" not in meta and settings.effective_pattern is not None:
        effective = _effective_in_text(body, settings, problems, where)
        effective_in_text = effective is not None
    summary = _summary(meta.get("summary"), problems, where)
    version = _version(meta.get("version"), problems, where)
    change = _change(meta.get("change"), problems, where)
    redirect_from = _redirect_from(meta.get("redirect_from"), problems, where)
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    if not settings.ignore_unknown_keys:
        for key in extra:
            if str(key) not in settings.extra_keys:
                problems.warning(
                    f"unknown front matter key {shown(key)} (known: {', '.join(KNOWN_KEYS)}; "
                    "declare site-specific keys in the plugin's 'extra_keys' option, or "
                    "set 'foreign_keys: ignore' for a repository kept for another tool)",
                    **where,
                )
    if len(problems.errors) > before or title is None:
        return None
    declared = FrontMatter(
        title,
        effective,
        summary,
        version,
        extra,
        change,
        title_source=title_source,
        effective_in_text=effective_in_text,
        redirect_from=redirect_from,
    )
    return PolicyText(declared, body, substituted=body != written)


def parse_or_raise(data: bytes, *, path: str, settings: Settings) -> PolicyText:
    """Parse a file outside the published history (the working tree, a revision named on
    the command line); its errors stop the command. Warnings are the history's concern."""
    problems = Problems()
    parsed = parse(data, problems, path=path, commit=None, settings=settings)
    if parsed is None:
        raise PolicyError(problems.errors)
    return parsed


def _title(
    value: Any, body: str, path: str, problems: Problems, where: dict[str, str | None]
) -> tuple[str | None, str]:
    if value is None:
        found = first_heading(body)
        if found is not None:
            return heading_text(found), "first heading"
        return _name_as_title(path), "file name"
    if not isinstance(value, str) or not value.strip():
        problems.error(
            f"'title' must be non-empty text, not {shown(value)}", field="title", **where
        )
        return None, "front matter"
    return value.strip(), "front matter"


def _name_as_title(path: str) -> str:
    """`privacy_notice.md` as "Privacy notice"; `privacy/index.md` as "Privacy". (`path`
    may be followed by where the text is from: "terms.md at HEAD~1".)"""
    named = re.match(r"(.*\.md)\b", path, re.IGNORECASE)
    parts = (named[1] if named else path).split("/")
    name = parts[-1].rsplit(".", 1)[0]
    if name.lower() == "index" and len(parts) > 1:
        name = parts[-2]
    words = name.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or name
    return text[:1].upper() + text[1:]


def _effective_in_text(
    body: str, settings: Settings, problems: Problems, where: dict[str, str | None]
) -> date | datetime | None:
    """The date `effective_pattern` finds in the text (its first match), checked as a
    front matter date is."""
    assert settings.effective_pattern is not None
    found = settings.effective_pattern.search(body)
    if found is None or found["date"] is None:
        return None
    return _effective(found["date"], problems, where, settings.timezone, field="effective_pattern")


def _redirect_from(value: Any, problems: Problems, where: dict[str, str | None]) -> tuple[str, ...]:
    """Jekyll's `redirect_from`: former addresses of the policy (site paths)."""
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.error(
            f"'redirect_from' must be a path or a list of paths, not {shown(value)}",
            field="redirect_from",
            **where,
        )
        return ()
    return tuple(v.strip() for v in values if v.strip())


def _effective(
    value: Any,
    problems: Problems,
    where: dict[str, str | None],
    timezone: tzinfo,
    field: str = "effective",
) -> date | datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = _parse_iso(value.strip())
    if isinstance(value, date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, time())
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone)
        if in_range(moment):
            return moment if isinstance(value, datetime) else value
        problems.error(
            f"'{field}' {value.isoformat()} is outside the years {YEARS[0]} to {YEARS[1]}",
            field=field,
            **where,
        )
        return None
    problems.error(
        f"'{field}' must be a date written as YYYY-MM-DD (or an ISO 8601 date and time), "
        f"not {shown(value)}",
        field=field,
        **where,
    )
    return None


def _parse_iso(text: str) -> date | datetime | str:
    """Accept quoted ISO dates as YAML would have unquoted ones; leave anything else as text."""
    for parser in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parser(text)
        except ValueError:
            continue
    return text


def _summary(value: Any, problems: Problems, where: dict[str, str | None]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.error(f"'summary' must be text, not {shown(value)}", field="summary", **where)
        return None
    return value.strip() or None


def _change(value: Any, problems: Problems, where: dict[str, str | None]) -> str | None:
    if value is None or value in CHANGES:
        return value  # type: ignore[no-any-return]
    problems.error(
        f"'change' must be 'editorial' (a correction that changes no one's rights, such as a "
        f"fixed typo) or 'material', not {shown(value)}",
        field="change",
        **where,
    )
    return None


def _version(value: Any, problems: Problems, where: dict[str, str | None]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool | float):
        # YAML reads `version: 2.10` as the number 2.1: the label would silently change.
        problems.error(
            f"'version' was read as {shown(value)}; quote it (version: \"...\") so it is kept "
            "exactly as written",
            field="version",
            **where,
        )
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str) or len(value) > LABEL_LENGTH or not is_segment(value):
        problems.error(
            f"'version' {shown(value)} cannot be used in a URL: use 1 to {LABEL_LENGTH} "
            "letters, digits, '.', '_' or '-', starting with a letter or digit",
            field="version",
            **where,
        )
        return None
    return value  # (whether its pages clash with others: see `site.outputs`)
