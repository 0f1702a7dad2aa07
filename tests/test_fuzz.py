"""Histories no one would write on purpose, made by Hypothesis: hostile and odd file names,
labels that look like the site's own files, renames, deletions, dates that go back. Whatever
the history holds, a build writes only inside its output folder, stops only with errors
that name a file, and `policydocs check --history` reports every error the build gives."""

from __future__ import annotations

import contextlib
import tempfile
from datetime import UTC
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import Abort

from policydocs.builder import run
from policydocs.core.errors import Level, PolicyError
from policydocs.core.settings import Settings, resolve_as_of
from policydocs.editor.check import check
from policydocs.site.feeds import FeedSettings

from .conftest import build_site
from .gitrepo import GitRepo
from .written import snapshot, written

#: Names that have broken builds, or would: the site's own files, parents, MkDocs' index
#: rule, case twins, spaces, accents.
NAMES = [
    "..", ".", "...", "rss.xml", "atom.xml", "versions.json", "sitemap.xml", "404.html",
    "index", "README", "Terms", "terms", "TERMS", "history", "draft", "a b", "ümlaut",
    "x.md", "-", "_", "assets", "search", "terms.html",
]  # fmt: skip
#: Mostly ordinary, so that one odd thing in a history is not hidden behind another.
PLAIN = ["terms", "privacy", "cookies", "aup"]
LABELS = [None] * 6 + [
    "rss.xml",
    "atom.xml",
    "history",
    "draft",
    "x.md",
    "x",
    "2.0",
    "../up",
    "a/b",
]
SUFFIXES = [".md"] * 8 + [".MD", ".markdown", ""]


def _names() -> st.SearchStrategy[str]:
    made = st.text(alphabet="aT.-_ x/", min_size=1, max_size=6)
    stems = st.one_of(st.sampled_from(PLAIN), st.sampled_from(NAMES), made)
    return st.builds(lambda stem, suffix: stem + suffix, stems, st.sampled_from(SUFFIXES)).filter(
        lambda name: all(part not in ("", ".", "..", ".git") for part in name.split("/"))
    )


def _text(draw, label: str | None) -> str:
    front = ["title: Terms"] if draw(st.integers(0, 19)) else []
    if label is not None:
        front.append(f'version: "{label}"')
    body = draw(st.sampled_from(["You pay 5 pounds.", "You pay 6 pounds.", "## Fees\n\nPay."]))
    return "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n"


@st.composite
def histories(draw) -> list[tuple[str, dict[str, str | None], str]]:
    """Commits, each (message, {file: text or None for deleted}, date)."""
    files: dict[str, str] = {}
    commits = []
    day = 1
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["add", "edit", "edit", "rename", "rename", "delete"]))
        changes: dict[str, str | None] = {}
        if action == "add" or not files:
            name = draw(_names())
            changes[name] = files[name] = _text(draw, draw(st.sampled_from(LABELS)))
        else:
            name = draw(st.sampled_from(sorted(files)))
            if action == "edit":
                changes[name] = files[name] = _text(draw, draw(st.sampled_from(LABELS)))
            elif action == "rename":
                new = draw(_names())
                if new in files:
                    continue
                changes[name], changes[new] = None, files[name]
                files[new] = files.pop(name)
            else:
                changes[name] = None
                del files[name]
        day += draw(st.sampled_from([1, 1, 1, -1]))  # now and then, a date that goes back
        commits.append((action, changes, f"2024-02-{max(day, 1):02d}T09:00:00+00:00"))
    return commits


def _make(root: Path, history: list[tuple[str, dict[str, str | None], str]]) -> GitRepo:
    repo = GitRepo(root / "repo")
    for message, changes, date in history:
        for name, text in changes.items():
            path = repo.path / "policies" / name
            if text is None:
                if path.is_file():
                    repo.git("rm", "-q", "--cached", "--", f"policies/{name}")
                    path.unlink()
            else:
                repo.write(f"policies/{name}", text)
        repo.commit(message, date)
    return repo


def _errors_name_a_file(exc: PolicyError) -> None:
    for problem in exc.problems:
        if problem.level is not Level.ERROR:
            continue  # (a note after them: how to leave merged revisions out)
        assert problem.path or "policies" in problem.message, str(problem)


FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)


@FUZZ
@given(history=histories())
def test_any_history_exports_inside_its_folder_or_stops_naming_a_file(history) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = _make(root, history)
        policies = repo.path / "policies"
        policies.mkdir(exist_ok=True)
        options = Settings(policies_dir=policies, as_of=resolve_as_of("2030-01-01", UTC))
        before = snapshot(root)
        try:
            site = run.build(options, FeedSettings("https://legal.example.com/", "Legal"))
            run.export(site, repo.path / "out")
            failed: PolicyError | None = None
        except PolicyError as exc:
            failed = exc
            _errors_name_a_file(exc)
        assert [p for p in written(root, before) if p.parts[:2] != ("repo", "out")] == []
        found = check(options, history=True)
        if failed is not None:
            reported = {(p.path, p.commit, p.message) for p in found if p.level is Level.ERROR}
            for problem in failed.problems:
                if problem.path:  # the build's errors are check's errors
                    assert (problem.path, problem.commit, problem.message) in reported


@settings(FUZZ, max_examples=8)
@given(history=histories())
def test_any_history_builds_with_mkdocs_inside_site_or_stops(history) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo = _make(root, history)
        (repo.path / "policies").mkdir(exist_ok=True)
        repo.mkdocs_yml({"as_of": "2030-01-01"})
        before = snapshot(root)
        with contextlib.suppress(Abort):  # (its message is in MkDocs' log)
            build_site(repo, strict=False)
        allowed = {"site", ".cache", "mkdocs.yml", "docs"}
        assert [p for p in written(root, before) if p.parts[1] not in allowed] == []


def test_the_fuzzed_histories_reach_what_they_are_for() -> None:
    """Not a test of policydocs: the strategy makes renames, deletions and odd names."""
    seen = set()

    @settings(max_examples=60, deadline=None)
    @given(history=histories())
    def collect(history) -> None:
        for action, changes, _ in history:
            seen.add(action)
            seen.update(name for name in changes if name.removesuffix(".md") in NAMES)

    collect()
    assert {"add", "edit", "rename", "delete"} <= seen
    assert len(seen - {"add", "edit", "rename", "delete"}) >= 5  # hostile names, several
