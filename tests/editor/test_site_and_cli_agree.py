"""The `policydocs` command answers as the site does: it reads the plugin's options from
mkdocs.yml through MkDocs' loader, and its flags override them."""

from __future__ import annotations

import json

import pytest

from ..conftest import build_site, policydocs
from ..gitrepo import GitRepo

#: 03:00 UTC is still 28 February in Los Angeles: a version effective on 1 March is upcoming.
MOMENT = "2027-03-01T03:00:00+00:00"


def statuses(index: dict) -> dict[tuple[str, str], tuple[str, str, str]]:
    return {
        (policy["id"], v["label"]): (v["status"], v["in_force_from"], v["effective"])
        for policy in index["policies"]
        for v in policy["versions"]
    }


def history(repo: GitRepo, folder: str = "policies") -> str:
    """Three revisions in `folder`, the last effective on 1 March 2027 and owned by Legal;
    the second's front matter broken; the sha of the broken one."""

    def revise(body: str, date: str, front: str) -> str:
        repo.write(f"{folder}/terms.md", f"---\ntitle: Terms\n{front}---\n\n{body}\n")
        return repo.commit("revise terms", date)

    revise("One.", "2026-01-05T10:00:00+00:00", "effective: 2026-01-05\n")
    broken = revise("Two.", "2026-06-01T10:00:00+00:00", "effective: [June\n")
    revise("Three.", "2027-01-10T10:00:00+00:00", "effective: 2027-03-01\nowner: Legal\n")
    return broken


@pytest.mark.parametrize(
    "options",
    [
        {"timezone": "America/Los_Angeles"},
        {"timezone": "Asia/Tokyo", "url_prefix": "legal"},
        {"policies_dir": "legal"},
    ],
    ids=["los-angeles", "tokyo-prefixed", "another-folder"],
)
def test_site_and_cli_agree_on_every_version(repo: GitRepo, options: dict) -> None:
    broken = history(repo, options.get("policies_dir", "policies"))
    plugin = {**options, "as_of": MOMENT, "extra_keys": ["owner"], "skip_commits": [broken[:10]]}
    prefix = options.get("url_prefix", "")
    site = build_site(repo, plugin) / prefix  # --strict: the configured skip is not a warning
    published = json.loads((site / "versions.json").read_text(encoding="utf-8"))

    printed = policydocs(repo.path, "versions", "--json")
    assert printed.returncode == 0, printed.stderr
    assert statuses(json.loads(printed.stdout)) == statuses(published)
    assert printed.stdout == (site / "versions.json").read_text(encoding="utf-8")
    listed = policydocs(repo.path, "versions").stdout
    expected = "upcoming" if options.get("timezone") == "America/Los_Angeles" else "current"
    assert statuses(published)[("terms", "2027-03-01")][0] == expected
    assert f"2027-03-01           effective 2027-03-01  published 2027-01-10  {expected}" in listed

    check = policydocs(repo.path, "check", "--strict", "--history")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 errors, 0 warnings" in check.stderr
    assert "skip_commits" in check.stdout  # said, as information
    exported = policydocs(repo.path, "export", str(repo.path / "out"))
    assert exported.returncode == 0, exported.stderr
    assert (repo.path / "out" / prefix / "versions.json").read_text(
        encoding="utf-8"
    ) == printed.stdout
    assert (repo.path / "out" / prefix / "atom.xml").is_file()  # site_url from mkdocs.yml
    diff = policydocs(repo.path, "diff", "terms", "--from", "2026-01-05", "--to", "2027-03-01")
    assert diff.returncode == 0, diff.stderr
    assert "[-One.-]" in diff.stdout
    skipped = policydocs(repo.path, "diff", "terms", "--to", broken)
    assert skipped.returncode == 1 and "Traceback" not in skipped.stderr
    assert f"info: commit {broken[:12]} is listed in 'skip_commits'" in skipped.stderr


def test_flags_override_the_file(repo: GitRepo) -> None:
    broken = history(repo)
    repo.mkdocs_yml({"timezone": "America/Los_Angeles", "as_of": MOMENT, "extra_keys": ["owner"]})
    as_configured = policydocs(repo.path, "versions", "--skip-commits", "0" * 10)
    # the file's skip_commits is replaced: the broken revision is read, and refused
    assert as_configured.returncode == 1
    assert "'skip_commits' (or --skip-commits)" in as_configured.stderr
    utc = policydocs(repo.path, "versions", "--json", "--timezone", "UTC", "--skip-commits", broken)
    assert utc.returncode == 0, utc.stderr
    assert statuses(json.loads(utc.stdout))[("terms", "2027-03-01")][0] == "current"


def test_config_file_is_found_as_mkdocs_finds_it(repo: GitRepo, monkeypatch) -> None:
    """`-f` chooses the file; INHERIT and !ENV are honoured, as MkDocs' loader does."""
    broken = history(repo)
    repo.write("docs/index.md", "# Policies\n")
    repo.write(
        "config/base.yml",
        "site_name: Base\nsite_url: https://policies.example.com/\ntheme:\n  name: material\n"
        "plugins:\n  - policydocs:\n      timezone: America/Los_Angeles\n"
        "      extra_keys: [owner]\n"
        "      as_of: !ENV [AS_OF, '2020-01-01']\n",
    )
    repo.write("production.yml", "INHERIT: config/base.yml\n")
    monkeypatch.setenv("AS_OF", MOMENT)
    no_file = policydocs(repo.path, "versions")
    assert no_file.returncode == 1  # no mkdocs.yml: the defaults, so the broken revision is read
    assert "'skip_commits' (or --skip-commits)" in no_file.stderr
    result = policydocs(
        repo.path, "versions", "--json", "-f", "production.yml", "--skip-commits", broken
    )
    assert result.returncode == 0, result.stderr
    assert statuses(json.loads(result.stdout))[("terms", "2027-03-01")][0] == "upcoming"
    missing = policydocs(repo.path, "versions", "-f", "nowhere.yml")
    assert (missing.returncode, missing.stderr) == (
        1,
        "policydocs: error: nowhere.yml: no such configuration file\n",
    )


def test_a_file_mkdocs_refuses_is_an_error_naming_it(repo: GitRepo) -> None:
    history(repo)
    repo.mkdocs_yml({"timezone": "UTC", "feed_limit": 0})
    result = policydocs(repo.path, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "mkdocs.yml: Config value 'plugins': Plugin 'policydocs' option 'feed_limit': "
        "expected a whole number" in result.stderr
    )
    repo.mkdocs_yml({"timezone": "UTC"})
    bad_flag = policydocs(repo.path, "versions", "--timezone", "Nowhere/City")
    assert bad_flag.returncode == 1
    assert "unknown time zone 'Nowhere/City'" in bad_flag.stderr
