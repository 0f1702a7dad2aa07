"""The plugin's options in mkdocs.yml, and the one way they become engine settings.

The MkDocs plugin and the `policydocs` command both read them from here, so that a site and
the command an editor runs can never disagree about what is in force: the command loads
mkdocs.yml through MkDocs' own loader (`INHERIT`, `!ENV` and every option's validation as in
a build), and its flags override what the file says.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import cast

from mkdocs import exceptions
from mkdocs.config import config_options as c
from mkdocs.config import load_config
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig

from policydocs.core.errors import Level, PolicyError, Problem
from policydocs.core.settings import (
    DEFAULT_EXCLUDE,
    Settings,
    compile_effective_pattern,
    load_timezone,
    normalize_commits,
    normalize_prefix,
    normalize_skips,
    resolve_as_of,
)
from policydocs.site.feeds import FeedSettings
from policydocs.site.html import Reading

#: The names MkDocs looks for when no file is named, in its order.
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class _Count(c.Type[int]):
    """A whole number, 1 or more (YAML's `true` is not one, though Python counts it as 1)."""

    def __init__(self) -> None:
        super().__init__(int)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(
                f"expected a whole number, 1 or more (leave it out for all), not {value!r}"
            )
        return value


class PolicyDocsConfig(Config):  # type: ignore[no-untyped-call]  # (MkDocs' own)
    """Every option, with its default (the README's configuration table lists them)."""

    #: Off: the site is built without policies (as `enabled` does for other plugins); the
    #: `policydocs` command still reads the other options.
    enabled = c.Type(bool, default=True)
    #: The folder of policy files, relative to mkdocs.yml.
    policies_dir = c.Type(str, default="policies")
    #: URL path the policies live under; "" puts them at the site root.
    url_prefix = c.Type(str, default="")
    #: The moment deciding which version is in force (default: SOURCE_DATE_EPOCH, else now).
    as_of = c.Optional(c.Type((str, dt.date, dt.datetime)))
    #: IANA time zone in which effective dates start (midnight) and labels are dated.
    timezone = c.Type(str, default="UTC")
    #: gitignore patterns, relative to `policies_dir`, of the files that are policies (empty:
    #: every *.md at any depth) and of those left out (this list replaces the default one).
    include = c.ListOfItems(c.Type(str), default=[])
    exclude = c.ListOfItems(c.Type(str), default=list(DEFAULT_EXCLUDE))
    extra_keys = c.ListOfItems(c.Type(str), default=[])
    #: Front matter keys other than policydocs' and `extra_keys`: warned about, or ignored
    #: (a repository kept for another tool, such as Jekyll's `layout`).
    foreign_keys = c.Choice(("warn", "ignore"), default="warn")
    #: Where a file without an `effective` date in front matter writes it in its text: a
    #: regular expression with a group named `date` (YYYY-MM-DD).
    effective_pattern = c.Optional(c.Type(str))
    #: Values of `{{ name }}` tags another site generator filled into the texts.
    variables = c.DictOfItems(c.Type(str), default={})
    skip_commits = c.ListOfItems(c.Type(str), default=[])
    #: One file at one commit left out: `{commit: …, path: …}` (the repository path).
    skip = c.ListOfItems(c.Type(dict), default=[])
    #: The commit the published history starts at: earlier revisions are left out, but
    #: each policy's text as it stood then (with its own date).
    history_from = c.Optional(c.Type(str))
    #: Redlines computed by earlier builds, relative to mkdocs.yml; "" turns the cache off.
    cache_dir = c.Type(str, default=".cache/policydocs")
    #: At most this many entries per feed, newest first (default: 50 site-wide, all of a
    #: policy's; every feed within about 1 MB).
    feed_limit = c.Optional(_Count())
    #: A WebSub hub the feeds name (e.g. https://pubsubhubbub.appspot.com/), pinged by the
    #: publish workflow after each deploy.
    websub_hub = c.Optional(c.Type(str))
    #: Pages for uncommitted policy edits: under `mkdocs serve` only, always, or never.
    drafts = c.Choice(("serve", "always", "never"), default="serve")
    #: A policy's raw HTML on pages: cut to an allowlist (see `site.sanitize`), or as written.
    raw_html = c.Choice(("sanitize", "trust"), default="sanitize")
    #: Keep the pages of versions no longer (or never) in force out of search engines'
    #: indexes (`noindex`), as documentation sites do for old versions.
    noindex_old_versions = c.Type(bool, default=True)
    #: Commit authors' names on version pages and in versions.json. A company publishes its
    #: policies as itself, so they are left out unless a site opts in.
    show_authors = c.Type(bool, default=False)
    #: A citable PDF of every version (needs WeasyPrint: `pip install 'policydocs[pdf]'`).
    pdf = c.Type(bool, default=False)


def engine_settings(
    options: PolicyDocsConfig, folder: Path, use_directory_urls: bool = True
) -> Settings:
    """The engine's settings from validated options; `folder` is where relative paths
    start (mkdocs.yml's folder)."""
    timezone = load_timezone(options.timezone)
    return Settings(
        policies_dir=folder / options.policies_dir,
        as_of=resolve_as_of(cast("str | dt.date | None", options.as_of), timezone),
        timezone=timezone,
        url_prefix=normalize_prefix(options.url_prefix),
        use_directory_urls=use_directory_urls,
        extra_keys=frozenset(options.extra_keys),
        skip_commits=normalize_commits(options.skip_commits),
        skip=normalize_skips(options.skip),
        history_from=options.history_from,
        include=tuple(options.include),
        exclude=tuple(options.exclude),
        ignore_unknown_keys=options.foreign_keys == "ignore",
        effective_pattern=compile_effective_pattern(options.effective_pattern),
        variables=MappingProxyType(dict(options.variables)),
        cache_dir=folder / options.cache_dir if options.cache_dir else None,
        show_authors=options.show_authors,
        pdf=options.pdf,
    )


def feed_settings(
    options: PolicyDocsConfig, site_url: str, site_name: str, reading: Reading
) -> FeedSettings:
    """The feeds' settings: the site's address and name, and the plugin's feed options."""
    return FeedSettings(site_url, site_name, options.feed_limit, options.websub_hub, reading)


def reading_of(config: MkDocsConfig) -> Reading:
    """How the site's pages read Markdown (`markdown_extensions`, named in mkdocs.yml;
    an extension given as an object, which only Python code can do, is left out)."""
    names = tuple(name for name in config.markdown_extensions if isinstance(name, str))
    return Reading(names, dict(config.mdx_configs))


@dataclass(frozen=True)
class SiteOptions:
    """What the `policydocs` command knows of a site: its plugin options and the few
    MkDocs settings the engine's output depends on."""

    options: PolicyDocsConfig
    #: mkdocs.yml's folder (None: no mkdocs.yml; paths start in the working folder).
    folder: Path
    config_file: Path | None
    site_url: str | None
    site_name: str
    use_directory_urls: bool = True
    #: How its pages read Markdown (for feeds and reports made without MkDocs).
    reading: Reading = field(default_factory=Reading)

    def settings(self) -> Settings:
        return engine_settings(self.options, self.folder, self.use_directory_urls)


def read_site_options(
    config_file: Path | None, overrides: Mapping[str, object]
) -> tuple[SiteOptions, list[str]]:
    """The site's options as a build would see them, with `overrides` (the command's flags,
    already made absolute where they are paths) on top; and notes to show the user.

    `config_file` None looks for mkdocs.yml as MkDocs does (in the working folder); when there
    is none, the defaults apply. A file that MkDocs would refuse is an error naming it."""
    notes: list[str] = []
    if config_file is None:
        config_file = next((Path(name) for name in CONFIG_NAMES if Path(name).is_file()), None)
        if config_file is None:  # used without a site: the defaults, and no cache left behind
            options = _validated(PolicyDocsConfig(), {"cache_dir": "", **overrides})
            return SiteOptions(options, Path.cwd(), None, None, ""), []
    elif not config_file.is_file():
        raise PolicyError(f"{config_file}: no such configuration file")
    config, warnings = _load(config_file)
    notes += [f"{config_file}: {warning}" for warning in warnings]
    found_options = [
        plugin.config
        for plugin in config.plugins.values()
        if isinstance(plugin.config, PolicyDocsConfig)
    ]
    if not found_options:
        notes.append(f"{config_file.name} does not use the policydocs plugin: its defaults apply")
    options = found_options[0] if found_options else PolicyDocsConfig()
    return (
        SiteOptions(
            _validated(options, overrides),
            config_file.resolve().parent,
            config_file,
            config.site_url,
            config.site_name,
            config.use_directory_urls,
            reading_of(config),
        ),
        notes,
    )


def _validated(options: PolicyDocsConfig, overrides: Mapping[str, object]) -> PolicyDocsConfig:
    """`options` with `overrides` applied, validated as MkDocs validates mkdocs.yml."""
    fresh = PolicyDocsConfig()
    fresh.load_dict({**options, **overrides})
    errors, _ = fresh.validate()
    if errors:
        raise PolicyError([_error(f"option '{key}': {message}") for key, message in errors])
    return fresh


def _load(config_file: Path) -> tuple[MkDocsConfig, list[str]]:
    """mkdocs.yml through MkDocs' loader, and its warnings; what it logs about a file it
    refuses becomes the error."""
    with _mkdocs_messages() as messages:
        try:
            return load_config(str(config_file)), messages
        except (exceptions.Abort, exceptions.ConfigurationError, OSError) as exc:
            raise PolicyError(
                [_error(f"{config_file}: {message}") for message in messages or [str(exc)]]
            ) from exc


def _error(message: str) -> Problem:
    return Problem(Level.ERROR, message)


@contextmanager
def _mkdocs_messages() -> Iterator[list[str]]:
    """MkDocs' own log lines about the configuration (warnings and errors), caught instead
    of printed without saying where they come from."""
    caught: list[str] = []

    class _Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    handler = _Catch(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield caught
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
