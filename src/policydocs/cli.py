"""The `policydocs` command: inspect what a repository publishes, without building a site.

It reads the plugin's options from mkdocs.yml as a build does (see `mkdocs_config`), so that
it answers as the site would; its flags override them. Errors are printed as one sentence per
problem (file, commit, field) with exit status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from policydocs import __version__
from policydocs.builder.announce import feed_urls, ping_hub
from policydocs.builder.run import Site, build, check_export_folder, export
from policydocs.core.errors import Level, PolicyError
from policydocs.core.settings import Settings
from policydocs.editor.check import check, check_site_url
from policydocs.editor.compare import compare, compare_base
from policydocs.editor.listing import list_files
from policydocs.editor.new import new_policy
from policydocs.editor.notice import default_sender, message, notice, notices_since, send
from policydocs.editor.report import base_report, html_report, markdown_report, terminal_report
from policydocs.editor.start import start_site
from policydocs.history.catalog import load_catalog
from policydocs.history.git import GitHistory
from policydocs.history.model import Catalog, Policy, Version
from policydocs.mkdocs_config import SiteOptions, feed_settings, read_site_options
from policydocs.site.feeds import FeedSettings
from policydocs.site.urls import UrlScheme


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command != "init":  # (init writes the mkdocs.yml the others read)
            args.site = _read_site(args)
            # once: unpinned, the "as of" moment is the clock's, read when this is made
            args.settings = args.site.settings()
        code: int = args.run(args)
        return code
    except PolicyError as exc:
        for problem in exc.problems:  # errors, and a note after them on what to do
            print(f"policydocs: {problem.level.value}: {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _site(args: argparse.Namespace, feeds: FeedSettings | None = None) -> Site:
    site = build(_settings(args), feeds)
    for warning in site.warnings:
        print(f"policydocs: warning: {warning}", file=sys.stderr)
    for note in site.notes:
        print(f"policydocs: note: {note}", file=sys.stderr)
    return site


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    site = common.add_argument_group(
        "site options",
        "read from the policydocs plugin in mkdocs.yml, as a build reads them; a flag "
        "replaces the file's value",
    )
    site.add_argument(
        "-f",
        "--config-file",
        type=Path,
        help="the site's configuration (default: mkdocs.yml or mkdocs.yaml here, if any)",
    )
    site.add_argument(
        "--policies",
        type=Path,
        help="folder of policy files ('policies_dir'; default: policies beside mkdocs.yml)",
    )
    site.add_argument(
        "--as-of",
        help="date or ISO 8601 moment that decides which version is in force "
        "('as_of'; default: SOURCE_DATE_EPOCH, else now)",
    )
    site.add_argument("--timezone", help="IANA time zone of effective dates ('timezone')")
    site.add_argument("--url-prefix", help="URL path the policies live under ('url_prefix')")
    site.add_argument(
        "--extra-keys",
        type=_names,
        metavar="KEY,...",
        help="front matter keys the site uses itself ('extra_keys')",
    )
    site.add_argument(
        "--skip-commits",
        type=_names,
        metavar="SHA,...",
        help="commits whose revisions are left out ('skip_commits')",
    )

    parser = argparse.ArgumentParser(
        prog="policydocs",
        description="Publish legal policies kept as Markdown in git.",
    )
    parser.add_argument("--version", action="version", version=f"policydocs {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    versions_command = commands.add_parser(
        "versions", parents=[common], help="list every policy and version with its status"
    )
    versions_command.add_argument("--json", action="store_true", help="print versions.json instead")
    versions_command.set_defaults(run=_versions)
    export_command = commands.add_parser(
        "export",
        parents=[common],
        help="write the generated pages (Markdown), sources and versions.json to a folder",
    )
    export_command.add_argument("out", type=Path, help="folder to write into")
    export_command.add_argument(
        "--site-url",
        help="the site's absolute URL (default: mkdocs.yml's site_url); feeds need one",
    )
    export_command.set_defaults(run=_export)
    diff_command = commands.add_parser(
        "diff",
        parents=[common],
        help="redline of one policy: by default, the working tree against the last commit",
    )
    diff_command.add_argument(
        "policy", nargs="?", help="policy id (acceptable-use) or file (policies/x.md)"
    )
    diff_command.add_argument(
        "--base",
        help="instead of one policy: every policy changed since REF (e.g. origin/main), as "
        "one Markdown document for a pull request",
    )
    diff_command.add_argument(
        "--from",
        dest="old",
        help="git revision or version label (default: HEAD, or the one before --to)",
    )
    diff_command.add_argument(
        "--to", dest="new", help="git revision or version label (default: the working tree)"
    )
    diff_command.add_argument(
        "--format",
        choices=("terminal", "markdown", "html"),
        default="terminal",
        help="terminal: coloured, or [-deleted-]{+inserted+} when piped; markdown: for a "
        "pull-request comment; html",
    )
    diff_command.set_defaults(run=_diff)
    check_command = commands.add_parser(
        "check",
        parents=[common],
        help="check policy files before they are merged (file:line:col: level: message)",
    )
    check_command.add_argument("paths", nargs="*", type=Path, help="files to check (default: all)")
    check_command.add_argument(
        "--history", action="store_true", help="check every committed revision too"
    )
    check_command.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_command.add_argument(
        "--list",
        action="store_true",
        help="list every file of the policies folder: the policy each becomes (id, title "
        "source, versions) or why it is left out",
    )
    check_command.set_defaults(run=_check)
    new_command = commands.add_parser("new", parents=[common], help="start a new policy file")
    new_command.add_argument(
        "policy", help="the new policy's id, which becomes its URL (cookie-policy)"
    )
    new_command.add_argument("--title", help="its title (default: from the id)")
    new_command.set_defaults(run=_new)
    notice_command = commands.add_parser(
        "notice",
        parents=[common],
        help="the email announcing a policy change (text, HTML or .eml; --send sends it)",
    )
    notice_command.add_argument("policy", nargs="?", help="a policy id (with VERSION)")
    notice_command.add_argument("version", nargs="?", help="a version label of POLICY")
    notice_command.add_argument(
        "--since",
        default="HEAD^",
        help="every material version published after REF (default: HEAD^, the last merge)",
    )
    notice_command.add_argument(
        "--format", choices=("text", "html", "eml"), default="text", help="(default: text)"
    )
    notice_command.add_argument("--out", type=Path, help="write one file per notice here")
    notice_command.add_argument(
        "--from", dest="sender", help="the sender (default: $NOTICE_FROM, else policies@<host>)"
    )
    notice_command.add_argument(
        "--to", type=_names, metavar="ADDR,...", help="recipients (default: $NOTICE_TO)"
    )
    notice_command.add_argument(
        "--send", action="store_true", help="send through $SMTP_HOST (see README: Notices)"
    )
    notice_command.add_argument("--site-url", help="the site's URL (default: mkdocs.yml's)")
    notice_command.set_defaults(run=_notice)
    websub_command = commands.add_parser(
        "websub",
        parents=[common],
        help="tell the WebSub hub named in mkdocs.yml ('websub_hub') that the feeds changed "
        "(after a deploy)",
    )
    websub_command.set_defaults(run=_websub)
    init_command = commands.add_parser(
        "init",
        help="start a policy site: mkdocs.yml, docs/, policies/ with an example, .gitignore, "
        "the GitHub workflows; never overwrites a file",
    )
    init_command.add_argument(
        "folder", nargs="?", type=Path, default=Path("."), help="where (default: here)"
    )
    init_command.set_defaults(run=_init, site=None)
    return parser


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


#: Flags and the plugin options they replace (and --policies, 'policies_dir').
_OPTION_FLAGS = {
    "as_of": "as_of",
    "timezone": "timezone",
    "url_prefix": "url_prefix",
    "extra_keys": "extra_keys",
    "skip_commits": "skip_commits",
}


def _read_site(args: argparse.Namespace) -> SiteOptions:
    """The site's options (mkdocs.yml, then the flags); notes about them on stderr."""
    overrides: dict[str, object] = {
        option: getattr(args, flag)
        for flag, option in _OPTION_FLAGS.items()
        if getattr(args, flag) is not None
    }
    if args.policies is not None:  # (a flag's path starts here, not beside mkdocs.yml)
        overrides["policies_dir"] = str(args.policies.resolve())
    site, notes = read_site_options(args.config_file, overrides)
    for note in notes:
        print(f"policydocs: note: {note}", file=sys.stderr)
    return site


def _settings(args: argparse.Namespace) -> Settings:
    settings: Settings = args.settings
    return settings


def _versions(args: argparse.Namespace) -> int:
    site = _site(args)
    if args.json:  # the file the site publishes
        index = site.urls.index_dest()
        sys.stdout.write(next(a.content for a in site.assets if a.dest == index).decode())
        return 0
    for policy in site.catalog.policies:
        print(f"{policy.id}  {policy.title}  [{policy.status.value}]  {policy.path}")
        for version in policy.versions:
            print(
                f"  {version.label:<20} effective {version.in_force_text(date.isoformat)}  "
                f"published {version.published_on.isoformat()}  {version.status.value:<17} "
                f"{version.commit.sha[:12]}"
            )
            for withdrawal in policy.withdrawals_after(version):  # as the history page
                day = withdrawal.day.isoformat()
                print(f"  {'withdrawn':<20} on {day}  {withdrawal.commit.sha[:12]}")
    return 0


def _export(args: argparse.Namespace) -> int:
    site: SiteOptions = args.site
    settings = _settings(args)
    check_export_folder(args.out, UrlScheme(settings.url_prefix, settings.use_directory_urls))
    site_url = args.site_url or site.site_url
    feeds = None
    if site_url:
        name = site.site_name or urlsplit(site_url).netloc  # (no mkdocs.yml: no site_name)
        feeds = feed_settings(site.options, site_url, name, site.reading)
    written = export(_site(args, feeds), args.out)
    print(f"policydocs: wrote {len(written)} files to {args.out}")
    if feeds is None:
        print("policydocs: no feeds written: they need absolute URLs (site_url, or --site-url)")
    return 0


def _diff(args: argparse.Namespace) -> int:
    if args.base:
        start, comparisons = compare_base(_settings(args), args.base)
        sys.stdout.write(base_report(args.base, start, comparisons))
        return 0
    if not args.policy:
        raise PolicyError("name a policy to compare, or give --base REF for every changed one")
    comparison = compare(_settings(args), args.policy, args.old, args.new)
    if args.format == "terminal":
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(terminal_report(comparison, color=color))
    elif args.format == "markdown":
        sys.stdout.write(markdown_report(comparison))
    else:
        sys.stdout.write(html_report(comparison, args.site.reading))
    return 0


def _check(args: argparse.Namespace) -> int:
    site: SiteOptions = args.site
    if args.list:
        listed, failures = list_files(_settings(args))
        for row in listed:
            print(row.line())
        for failure in failures:
            print(failure, file=sys.stderr)
        policies = sum(1 for row in listed if row.policy_id is not None)
        print(
            f"policydocs check --list: {policies} policies, {len(listed) - policies} files "
            "left out",
            file=sys.stderr,
        )
        return 1 if failures else 0
    problems = check(_settings(args), args.paths or None, args.history, site.reading)
    if site.config_file is not None:
        problems += check_site_url(site.site_url, str(site.config_file))
    for problem in problems:
        print(problem.located())
    errors = sum(1 for p in problems if p.level is Level.ERROR)
    warnings = sum(1 for p in problems if p.level is Level.WARNING)
    print(f"policydocs check: {errors} errors, {warnings} warnings", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _new(args: argparse.Namespace) -> int:
    settings = _settings(args)
    urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
    path = new_policy(settings.policies_dir, args.policy, args.title, urls)
    print(f"policydocs: created {path}; write the policy, then run 'policydocs check'")
    return 0


def _notice(args: argparse.Namespace) -> int:
    site: SiteOptions = args.site
    site_url = args.site_url or site.site_url
    if not site_url:
        raise PolicyError("a notice links to the site: set site_url in mkdocs.yml or --site-url")
    feeds = feed_settings(
        site.options, site_url, site.site_name or urlsplit(site_url).netloc, site.reading
    )
    settings = _settings(args)
    catalog, _ = load_catalog(settings)
    if args.policy:
        chosen = [_one_version(catalog, args.policy, args.version)]
        since = None
    else:
        with GitHistory(settings.policies_dir) as history:
            commits = history.first_parent_since(args.since)
            if commits is None and args.since == "HEAD^":  # the first commit: all of it
                commits = [history.head]
        if commits is None:
            raise PolicyError(f"'{args.since}' is not a revision of this repository")
        chosen = notices_since(catalog, commits)
        since = args.since
    if not chosen:
        print(f"policydocs: no material change to announce since {since}")
        return 0
    urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
    items = [notice(p, v, urls, feeds.base, feeds.site_name) for p, v in chosen]
    sender = args.sender or os.environ.get("NOTICE_FROM") or default_sender(site_url)
    recipients = args.to or _names(os.environ.get("NOTICE_TO", ""))
    mails = [message(item, sender, recipients) for item in items]
    if args.send:
        send(mails, os.environ)
        print(f"policydocs: sent {len(mails)} notice(s) to {', '.join(recipients) or sender}")
        return 0
    rendered = {
        "text": [f"Subject: {i.subject}\n\n{i.text}" for i in items],
        "html": [i.html for i in items],
        "eml": [mail.as_string() for mail in mails],
    }[args.format]
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        suffix = {"text": "txt", "html": "html", "eml": "eml"}[args.format]
        for item, content in zip(items, rendered, strict=True):
            path = args.out / f"{item.policy.id}-{item.version.label}.{suffix}"
            path.write_text(content, encoding="utf-8")
            print(f"policydocs: wrote {path}")
        return 0
    if len(rendered) > 1 and args.format != "text":
        raise PolicyError(f"{len(rendered)} notices: give --out DIR to write one file each")
    sys.stdout.write("\n".join(rendered))
    return 0


def _one_version(catalog: Catalog, policy_id: str, label: str | None) -> tuple[Policy, Version]:
    policy = next((p for p in catalog.policies if policy_id in (p.id, *p.former_ids)), None)
    if policy is None:
        raise PolicyError(f"{policy_id}: no such policy (see 'policydocs versions')")
    if label is None:
        return policy, policy.latest
    version = next((v for v in policy.versions if v.label == label), None)
    if version is None:
        labels = ", ".join(v.label for v in policy.versions)
        raise PolicyError(f"{policy_id}: no version '{label}' (its versions: {labels})")
    return policy, version


def _websub(args: argparse.Namespace) -> int:
    site: SiteOptions = args.site
    hub = site.options.websub_hub
    if not hub:
        print("policydocs: no 'websub_hub' in the site's options: no hub to tell")
        return 0
    if not site.site_url:
        raise PolicyError("the feeds' addresses need the site's: set site_url in mkdocs.yml")
    feeds = feed_settings(
        site.options, site.site_url, site.site_name, site.reading
    )  # (checks both URLs)
    settings = _settings(args)
    catalog, _ = load_catalog(settings)
    urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
    pings = ping_hub(hub, feed_urls(catalog, urls, feeds.base))
    for ping in pings:
        print(f"policydocs: {hub}: {ping.feed}: {ping.answer}")
    refused = [ping for ping in pings if not ping.ok]
    if refused:
        print(f"policydocs: error: the hub did not accept {len(refused)} of {len(pings)} pings",
              file=sys.stderr)  # fmt: skip
    return 1 if refused else 0


def _init(args: argparse.Namespace) -> int:
    started = start_site(args.folder)
    if started.made_repository:
        print(f"policydocs: made a git repository in {args.folder} (branch main)")
    for path in started.written:
        print(f"policydocs: wrote {path}")
    for path in started.kept:
        print(f"policydocs: kept {path} (already there)")
    if not started.requirement_portable:
        print(
            f"policydocs: note: the workflows install {started.requirement}, but this "
            "policydocs was installed from a folder on this machine: until that release is "
            "on PyPI, point their Install step at where CI can get it (e.g. a git URL)"
        )
    go = f"cd {shlex.quote(str(args.folder))} && " if args.folder != Path(".") else ""
    print(
        "\nNext: commit (the site publishes what is committed), then serve it:\n"
        f'  {go}git add -A && git commit -m "Start the policy site"\n'
        "  mkdocs serve"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
