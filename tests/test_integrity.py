"""A published policy site is evidence of what a customer was bound by: whatever a
history holds (hostile file names, odd labels, renames), a build writes nothing outside
its output folder, and an input it cannot publish stops it with one line naming the file,
the commit and what clashes, in `mkdocs build`, `policydocs export` and `policydocs check
--history` alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from policydocs import cli
from policydocs.history.selection import Selection

from .conftest import build_site
from .gitrepo import GitRepo
from .written import snapshot, written

TEXT = "---\ntitle: Terms\n---\n\nYou pay 5 pounds.\n"


def outside(paths: list[Path], *allowed: str) -> list[Path]:
    return [path for path in paths if path.parts[0] not in allowed]


@pytest.fixture(autouse=True)
def _outside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command reads ./mkdocs.yml: run it where there is none (not this project's)."""
    monkeypatch.chdir(tmp_path)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def renamed_from(repo: GitRepo, old: str, front: str = "") -> str:
    """A policy committed as `policies/<old>`, then renamed in a commit of its own; the
    first commit's sha."""
    repo.write(f"policies/{old}", TEXT.replace("title: Terms\n", f"title: Terms\n{front}"))
    repo.mkdocs_yml()
    repo.write("README.md", "The repository's own README.\n")
    first = repo.commit("add under an odd name", "2024-01-01T09:00:00+00:00")
    repo.git("mv", f"policies/{old}", "policies/terms.md")
    repo.commit("rename", "2024-02-01T09:00:00+00:00")
    return first


@pytest.mark.parametrize(
    ("old", "front"),
    [
        ("...md", ""),  # id '..': its pages would be in the repository, next to site/
        ("...md", 'version: "README"\n'),  # its raw source: ../README.md
        ("..md", ""),  # id '.' (was a Jinja UndefinedError)
        ("README.md", ""),  # id 'README': MkDocs makes README.md the folder's index
    ],
)
def test_a_former_name_never_writes_outside_the_site(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], old: str, front: str
) -> None:
    first = renamed_from(repo, old, front)
    before = snapshot(repo.path.parent)
    site = build_site(repo)
    assert outside(written(repo.path.parent, before), "repo") == []
    inside_repo = [p.relative_to("repo") for p in written(repo.path.parent, before)]
    assert outside(inside_repo, "site", ".cache", "mkdocs.yml", "docs") == []  # (the test's)
    assert "You pay 5 pounds" in (site / "terms/index.html").read_text(encoding="utf-8")
    before = snapshot(repo.path.parent)
    code, output = run_cli(
        capsys, "export", str(repo.path / "out"), "--policies", str(repo.path / "policies")
    )
    assert code == 0, output
    changed = [p.relative_to("repo") for p in written(repo.path.parent, before)]
    assert outside(changed, "out") == []
    assert (repo.path / "README.md").read_text() == "The repository's own README.\n"
    if Selection("policies").left_out(f"policies/{old}") is not None:
        return  # (hidden, or the README: never a policy, so never a former name either)
    # said, not silent: the old name gets no pages, and why
    assert re.search(
        rf"note: policies/{re.escape(old)} \(commit {first[:12]}\): no pages redirect", output
    )


@pytest.mark.parametrize(
    ("files", "blamed", "clash"),
    [
        ({"rss.xml.md": ""}, "policies/rss.xml.md", "the site-wide RSS feed at /rss.xml"),
        ({"versions.json.md": ""}, "policies/versions.json.md", "the index of every version"),
        ({"terms.md": 'version: "rss.xml"\n'}, "policies/terms.md", "the RSS feed of 'terms'"),
        ({"terms.md": 'version: "history"\n'}, "policies/terms.md", "the history page of 'terms'"),
        ({"Terms.md": "", "terms.md": ""}, "policies/terms.md", "differ only in capitals"),
    ],
)
def test_a_generated_url_that_clashes_is_an_error_everywhere(
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    mkdocs_errors,
    files: dict[str, str],
    blamed: str,
    clash: str,
) -> None:
    for name, front in files.items():
        repo.write(f"policies/{name}", TEXT.replace("title: Terms\n", f"title: Terms\n{front}"))
    sha = repo.commit("add", "2024-01-01T09:00:00+00:00")
    located = f"{blamed} (commit {sha[:12]})"
    with pytest.raises(Abort):
        build_site(repo, home=None)  # (the generated home page)
    [message] = [m for m in mkdocs_errors() if "clashes" in m]
    assert located in message and clash in message
    policies = str(repo.path / "policies")
    site_url = "https://policies.example.com/"
    before = snapshot(repo.path.parent)
    code, output = run_cli(
        capsys, "export", str(repo.path / "out"), "--policies", policies, "--site-url", site_url
    )
    assert code == 1 and located in output and clash in output
    assert "Traceback" not in output
    assert written(repo.path.parent, before) == []
    code, output = run_cli(capsys, "check", "--history", "--policies", policies)
    assert code == 1 and f"{blamed}: error:" in output and clash in output


@pytest.mark.parametrize(
    ("name", "clash"),
    [("sitemap.xml", "MkDocs' sitemap.xml at /sitemap.xml"), ("404.html", "MkDocs' 404.html")],
)
def test_mkdocs_own_files_are_taken_too(
    repo: GitRepo, mkdocs_errors, name: str, clash: str
) -> None:
    """Files only MkDocs writes: the site's build knows them (the CLI knows the engine's)."""
    repo.write(f"policies/{name}.md", TEXT)
    sha = repo.commit("add")
    with pytest.raises(Abort):
        build_site(repo)
    [message] = [m for m in mkdocs_errors() if "clashes" in m]
    assert f"policies/{name}.md (commit {sha[:12]})" in message and clash in message


def test_a_label_that_is_another_versions_source_is_an_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Version 'x' has its source at terms/x.md, where version 'x.md' would have a folder."""
    repo.revise("terms", "One.\n", "2024-01-01T09:00:00+00:00", version="x")
    sha = repo.revise("terms", "Two.\n", "2024-02-01T09:00:00+00:00", version="x.md")
    code, output = run_cli(capsys, "versions", "--policies", str(repo.path / "policies"))
    assert code == 1
    assert f"policies/terms.md (commit {sha[:12]}), field 'version'" in output
    assert "the Markdown source of version x of 'terms' at /terms/x.md" in output


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("rss.xml", "the site-wide RSS feed"),
        ("index", "the home page"),
        ("..", "cannot be a policy id"),
        ("Terms", "differ only in capitals"),
    ],
)
def test_new_refuses_an_id_the_build_would_refuse(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], name: str, fragment: str
) -> None:
    repo.write("policies/terms.md", TEXT)
    code, output = run_cli(capsys, "new", name, "--policies", str(repo.path / "policies"))
    assert code == 1 and fragment in output
    assert sorted(p.name for p in (repo.path / "policies").iterdir()) == ["terms.md"]


def test_check_finds_a_clash_in_the_working_tree(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("policies/terms.md", TEXT)
    repo.commit("add")
    repo.write("policies/atom.xml.md", TEXT)
    repo.write(
        "policies/terms.md", TEXT.replace("title: Terms\n", 'title: Terms\nversion: "draft"\n')
    )
    code, output = run_cli(capsys, "check", "--policies", str(repo.path / "policies"))
    assert code == 1
    assert "policies/atom.xml.md: error: the page of policy 'atom.xml'" in output
    assert "the site-wide Atom feed at /atom.xml" in output
    assert "policies/terms.md: error: 'version': the page of version draft of 'terms'" in output


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    return "---\ntitle: T\n" + "\n".join(lines) + "\nsummary: *i\n---\n\nText.\n"


def _nested_list(levels: int) -> str:
    return "---\ntitle: T\n---\n\n" + "".join("    " * n + f"- item {n}\n" for n in range(levels))


#: Revisions a careless editor or an attacker could merge: each stops a build, an export
#: and `check --history` with one line naming the file, the commit (and the field).
BAD_REVISIONS = {
    "a 400-byte YAML alias bomb (was a 161 s stall)": (
        _alias_bomb(),
        None,
        "an alias (*name) is not allowed in front matter",
    ),
    "YAML nested past the parser's stack": (
        "---\ntitle: T\nnote: '*'\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n\nText.\n",
        None,
        "nested too deeply",
    ),
    "a title given twice": ("---\ntitle: A\ntitle: B\n---\n\nText.\n", "title", "given twice"),
    "an effective moment past the calendar (was OverflowError)": (
        "---\ntitle: T\neffective: 9999-12-31T23:00:00-05:00\n---\n\nText.\n",
        "effective",
        "outside the years 1900 to 9998",
    ),
    "a list nested 1,000 levels (was RecursionError)": (
        _nested_list(1000),
        None,
        "nested more than 50 levels deep at line 55",
    ),
    "a NUL byte in the text": ("---\ntitle: T\n---\n\nText\x00.\n", None, "U+0000"),
    "a control character in the title": ("---\ntitle: T\x01\n---\n\nText.\n", None, "U+0001"),
    "the redline's own marks, which would fake a change": (
        '---\ntitle: T\n---\n\nWe <ins class="pd-ins">never</ins> sell your data.\n',
        None,
        "'class=\"pd-ins' at line 5, column 9 is policydocs' own redline markup",
    ),
}


def _every_entry_point_refuses(
    repo: GitRepo,
    capsys,
    mkdocs_errors,
    sha: str,
    fragment: str,
    field: str | None,
    skippable: bool = True,
) -> None:
    """`skippable`: 'skip_commits' can leave the revision out, and the message says how."""
    located = f"policies/terms.md (commit {sha[:12]})" + (f", field '{field}'" if field else "")
    with pytest.raises(Abort):
        build_site(repo)
    assert any(located in m and fragment in m for m in mkdocs_errors()), mkdocs_errors()
    policies = str(repo.path / "policies")
    before = snapshot(repo.path.parent)
    code, output = run_cli(capsys, "export", str(repo.path / "out"), "--policies", policies)
    assert code == 1 and located in output and fragment in output, output
    error, *hint = output.splitlines()  # one line, and how to leave a merged revision out
    assert located in error and "Traceback" not in output
    if skippable:
        assert hint[0].startswith("policydocs: info: a merged revision cannot be changed")
        assert hint[0].endswith(f"'skip_commits' (or --skip-commits): {sha[:12]}")
    assert len(hint) == int(skippable)
    assert written(repo.path.parent, before) == []
    code, output = run_cli(capsys, "check", "--history", "--policies", policies)
    assert code == 1 and fragment in output, output
    assert re.search(rf"policies/terms.md[:0-9]*: error: .*\(commit {sha[:12]}\)", output)


@pytest.mark.parametrize("case", BAD_REVISIONS)
def test_a_revision_that_cannot_be_published_is_one_line_everywhere(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], mkdocs_errors, case: str
) -> None:
    text, field, fragment = BAD_REVISIONS[case]
    repo.write("policies/terms.md", text)
    sha = repo.commit("bad revision", "2024-01-01T09:00:00+00:00")
    _every_entry_point_refuses(repo, capsys, mkdocs_errors, sha, fragment, field)


def test_a_commit_dated_past_the_calendar_is_named(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], mkdocs_errors
) -> None:
    """git stores years past 9999; Python's calendar ends there (was a ValueError)."""
    repo.write("policies/terms.md", TEXT)
    sha = repo.commit("from the far future", "@253402300800 +0000")
    _every_entry_point_refuses(repo, capsys, mkdocs_errors, sha, "the commit's date", None, False)


def test_a_commit_whose_date_git_cannot_give_is_named(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], mkdocs_errors
) -> None:
    """A commit object written by hand, with a timestamp before 1970."""
    repo.write("policies/terms.md", TEXT)
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    body = f"tree {tree}\nauthor E <e@x> -100 +0000\ncommitter E <e@x> -100 +0000\n\nold\n"
    (repo.path / "commit.txt").write_text(body)
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", "commit.txt")
    (repo.path / "commit.txt").unlink()
    repo.git("update-ref", "refs/heads/main", sha)
    _every_entry_point_refuses(repo, capsys, mkdocs_errors, sha, "cannot be read", None, False)


def test_the_deepest_nesting_allowed_renders_on_pages_and_in_feeds(repo: GitRepo) -> None:
    from policydocs.history.publishable import MAX_NESTING

    repo.write("policies/terms.md", _nested_list(MAX_NESTING))
    repo.commit("deep but allowed", "2024-01-01T09:00:00+00:00")
    repo.write("policies/terms.md", _nested_list(MAX_NESTING).replace("item 49", "item 49 b"))
    repo.commit("deeper change", "2024-02-01T09:00:00+00:00")
    site = build_site(repo)
    deepest = f"item {MAX_NESTING - 1}"
    assert deepest in (site / "terms/index.html").read_text(encoding="utf-8")
    assert "item 49 b" in (site / "terms/atom.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["export", "{repo}/afile"], "afile: not a folder"),
        (["export", "{repo}/policies"], "not empty, and not an earlier export"),
        (["export", "{repo}/out", "--site-url", "not a url"], "not an absolute http(s) address"),
        (["diff", "terms", "--to", "deadbeef"], "'deadbeef' is neither a git revision nor"),
    ],
)
def test_command_line_mistakes_are_one_line(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    repo.write("policies/terms.md", TEXT)
    repo.write("afile", "not a folder\n")
    repo.commit("add")
    before = snapshot(repo.path.parent)
    argv = [arg.format(repo=repo.path) for arg in args] + [
        "--policies",
        str(repo.path / "policies"),
    ]
    code, output = run_cli(capsys, *argv)
    assert code == 1 and fragment in output and len(output.splitlines()) == 1, output
    assert written(repo.path.parent, before) == []


@pytest.mark.parametrize("name", ["cookies.markdown", "archive/cookies.mdown"])
def test_a_markdown_file_that_is_not_read_is_said_so(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], mkdocs_errors, name: str
) -> None:
    repo.write("policies/terms.md", TEXT)
    repo.write(f"policies/{name}", TEXT)
    sha = repo.commit("add")
    with pytest.raises(Abort):  # a warning: a strict build stops
        build_site(repo)
    assert any(f"policies/{name} (commit {sha[:12]}): not published" in m for m in mkdocs_errors())
    code, output = run_cli(capsys, "check", "--strict", "--policies", str(repo.path / "policies"))
    assert code == 1 and f"policies/{name}: warning: not published" in output


def test_commit_dates_that_go_back_are_warned_of(repo: GitRepo, mkdocs_errors) -> None:
    """A rebase or a wrong clock: the later revision is dated first, so the earlier one
    never took effect, which the site said without saying why."""
    repo.revise("terms", "One.\n", "2024-05-01T09:00:00+00:00")
    sha = repo.revise("terms", "Two.\n", "2024-03-01T09:00:00+00:00")
    site = build_site(repo, strict=False)
    [warning] = [m for m in mkdocs_errors() if "dated" in m]
    assert f"policies/terms.md (commit {sha[:12]})" in warning
    assert "before the revision before it (2024-05-01T09:00:00+00:00" in warning
    assert "Never took effect" in (site / "terms/2024-05-01/index.html").read_text(encoding="utf-8")


def test_an_effective_time_with_an_offset_keeps_the_files_date_in_the_label(repo: GitRepo) -> None:
    """The README: a label and versions.json's `effective` keep the file's date; +14:00
    moved both to the day before in London."""
    import json

    repo.revise(
        "terms", "One.\n", "2024-06-01T09:00:00+00:00", effective="2025-01-01T00:00:00+14:00"
    )
    site = build_site(repo, {"timezone": "Europe/London"})
    [version] = json.loads((site / "versions.json").read_text())["policies"][0]["versions"]
    assert version["label"] == version["effective"] == "2025-01-01"
    assert version["in_force_from"] == "2025-01-01T00:00:00+14:00"
    page = (site / "terms/2025-01-01/index.html").read_text(encoding="utf-8")
    assert "31 December 2024</time> (the file gives" in page
    assert "1 January 2025</time>, 00:00+14:00)" in page


HOSTILE = (
    "## Terms\n\nYou pay 5 pounds.<script>alert('page')</script>\n\n"
    '<img src="x.png" onerror="alert(1)"> <a href="javascript:alert(2)">Pay here</a>\n\n'
    '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>\n\n'
    '<div onclick="alert(3)" class="note">A note.</div>\n\n'
    "| Plan | Price |\n|:-----|------:|\n| Basic | 5 |\n"
)
PAYLOADS = ("alert(", "onerror", "javascript:", "<iframe", "display:none", "onclick")


def test_a_policys_raw_html_is_sanitised_on_every_page(repo: GitRepo) -> None:
    repo.revise("terms", HOSTILE, "2024-01-01T09:00:00+00:00", title="Terms")
    repo.revise(
        "terms", HOSTILE.replace("5 pounds", "6 pounds"), "2024-02-01T09:00:00+00:00", title="Terms"
    )
    site = build_site(repo, markdown_extensions=["tables", {"toc": {"permalink": True}}])
    for path in ["terms", "terms/2024-01-01", "terms/2024-02-01", "terms/2024-02-01/changes"]:
        page = (site / path / "index.html").read_text(encoding="utf-8")
        assert [p for p in PAYLOADS if p in page] == [], path
        assert "Pay here</a>" in page and "A note." in page, path  # the text stays
        assert 'class="note"' in page and '<td style="text-align:right">5' in page, path
    changes = (site / "terms/2024-02-01/changes/index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<del class="pd-del" id="pd-change-1">5</del><ins class="pd-ins">6</ins>', changes
    )
    assert 'class="headerlink" href="#terms"' in changes


def test_a_site_that_trusts_its_editors_keeps_their_html(repo: GitRepo) -> None:
    repo.revise("terms", HOSTILE, "2024-01-01T09:00:00+00:00", title="Terms")
    site = build_site(repo, {"raw_html": "trust"})
    assert "<script>alert('page')</script>" in (site / "terms/index.html").read_text(
        encoding="utf-8"
    )
    feed = (site / "terms/atom.xml").read_text(encoding="utf-8")
    assert "alert(" not in feed and "javascript:" not in feed  # feeds: always sanitised


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("We <b>must pay all the fees</b> now.\n", "We <i>must pay all the fees</i> now.\n"),
        ("A <span>long\nline</span> here.\n", "A <em>long\nline</em> here.\n"),
        ("A <span>long\nline</span> here.\n", "A <span>long\nline</span> there.\n"),
        ("<u>Note</u>: pay <b>now</b>.\n", "<u>Notice</u>: pay <b>today</b>.\n"),
    ],
)
def test_a_redline_mark_never_splits_an_html_element(old: str, new: str) -> None:
    from policydocs.redline.blocks import _unbalanced
    from policydocs.redline.engine import redline
    from policydocs.redline.markup import accept, reject

    marked = redline(old, new).markdown
    assert accept(marked) == new and reject(marked) == old
    spans = re.findall(r"<(ins|del) class=\"pd-[^>]*>(.*?)</\1>", marked, re.DOTALL)
    assert spans or '<pre class="pd-del pd-block"' in marked  # (or shown whole, as source)
    assert all(not _unbalanced(content) for _, content in spans), marked
