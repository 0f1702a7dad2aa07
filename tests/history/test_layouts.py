"""The layouts real policy repositories have: nested folders, `index.md` folders, no front
matter, dates written in the text, moves between folders, names with spaces, another
tool's front matter (see ../shared/fixtures/README.md for the real ones)."""

from __future__ import annotations

import json
import re

import pytest

from policydocs.core.settings import compile_effective_pattern
from policydocs.history.model import EffectiveSource

from ..conftest import build_site, load, policydocs
from ..gitrepo import GitRepo

MOZILLA_DATE = r'\{:\s*datetime="(?P<date>\d{4}-\d{2}-\d{2})"\s*\}'


def commit(repo: GitRepo, files: dict[str, str], date: str, message: str = "edit") -> str:
    for path, text in files.items():
        repo.write(path, text)
    return repo.commit(message, date)


def ids(site) -> list[str]:
    return [policy.id for policy in site.catalog.policies]


def test_every_md_at_any_depth_is_a_policy_and_index_md_names_its_folder(repo: GitRepo) -> None:
    commit(
        repo,
        {
            "policies/terms/index.md": "---\ntitle: Terms\n---\n\nTerms.\n",
            "policies/privacy/index.md": "---\ntitle: Privacy\n---\n\nPrivacy.\n",
            "policies/privacy/eu/subprocessors.md": "---\ntitle: EU\n---\n\nList.\n",
            "policies/Cookies.MD": "---\ntitle: Cookies\n---\n\nCookies.\n",
            "policies/README.md": "# About this repository\n",
            "policies/_template.md": "---\ntitle: Template\n---\n",
            "policies/.github/PULL_REQUEST_TEMPLATE.md": "Describe the change.\n",
            "policies/index.md": "# All policies\n",
        },
        "2024-01-01T09:00:00+00:00",
    )
    site = load(repo)
    assert ids(site) == ["Cookies", "privacy", "privacy/eu/subprocessors", "terms"]
    versions = site.catalog.get("privacy/eu/subprocessors").versions
    assert [v.path for v in versions] == ["policies/privacy/eu/subprocessors.md"]
    assert site.urls.current(site.catalog.get("privacy/eu/subprocessors")) == (
        "privacy/eu/subprocessors/"
    )


def test_include_and_exclude_patterns_pick_the_files(repo: GitRepo) -> None:
    commit(
        repo,
        {
            "policies/en/terms.md": "# Terms\n\nText.\n",
            "policies/en/archive/old.md": "# Old\n\nText.\n",
            "policies/de/terms.md": "# AGB\n\nText.\n",
        },
        "2024-01-01T09:00:00+00:00",
    )
    site = load(repo, include=("en/*.md",), exclude=("archive/",))
    assert ids(site) == ["en/terms"]


def test_names_with_spaces_and_capitals_get_readable_urls(repo: GitRepo) -> None:
    commit(
        repo,
        {"policies/Example Co/Terms of Service.md": "# Terms of Service\n\nText.\n"},
        "2024-01-01T09:00:00+00:00",
    )
    site = load(repo)
    policy = site.catalog.get("Example-Co/Terms-of-Service")
    assert policy.path == "policies/Example Co/Terms of Service.md"
    built = build_site(repo)
    page = built / "Example-Co/Terms-of-Service/index.html"
    assert "Terms of Service" in page.read_text()


def test_two_names_making_one_url_are_an_error_naming_both(repo: GitRepo) -> None:
    commit(
        repo,
        {
            "policies/Terms of Service.md": "# Terms\n\nOne.\n",
            "policies/Terms-of-Service.md": "# Terms\n\nTwo.\n",
        },
        "2024-01-01T09:00:00+00:00",
    )
    result = policydocs(repo.path, "check", "--history", "--as-of", "2030-01-01")
    assert result.returncode == 1
    assert "two policies would share the URL 'Terms-of-Service/'" in result.stdout
    assert "policies/Terms of Service.md" in result.stdout
    assert "policies/Terms-of-Service.md" in result.stdout


def test_without_front_matter_the_title_is_the_first_heading_printed_once(
    repo: GitRepo,
) -> None:
    commit(
        repo,
        {
            "policies/notice.md": "# Privacy Notice\n\nWe care.\n\n## Data\n\nSome.\n",
            "policies/plain_terms.md": "Just text, no heading.\n",
        },
        "2024-01-01T09:00:00+00:00",
    )
    site = load(repo)
    assert site.catalog.get("notice").title == "Privacy Notice"
    assert site.catalog.get("plain_terms").title == "Plain terms"
    built = build_site(repo)
    html = (built / "notice/index.html").read_text()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "Privacy Notice</h1>" in html
    assert ("We care." in html and ">Data</h2>" in html) or "Data</h2>" in html
    # The raw source is the file as committed, heading included.
    label = site.catalog.get("notice").latest.label
    assert (built / f"notice/{label}.md").read_text().startswith("# Privacy Notice\n")


def test_a_heading_rename_shows_in_the_redline(repo: GitRepo) -> None:
    commit(repo, {"policies/notice.md": "# Privacy Notice\n\nText.\n"}, "2024-01-01T09:00:00Z")
    commit(repo, {"policies/notice.md": "# Privacy Policy\n\nText.\n"}, "2024-02-01T09:00:00Z")
    site = load(repo)
    policy = site.catalog.get("notice")
    assert [v.title for v in policy.versions] == ["Privacy Notice", "Privacy Policy"]
    built = build_site(repo)
    changes = (built / f"notice/{policy.latest.label}/changes/index.html").read_text()
    assert "Notice" in changes and "Policy" in changes
    assert re.search(r"<del[^>]*>[^<]*Notice", changes)


def test_effective_date_written_in_the_text_is_found_by_the_pattern(repo: GitRepo) -> None:
    text = '# Notice\n\nEffective May 4, 2026\n{: datetime="2026-05-04" }\n\nText.\n'
    commit(repo, {"policies/notice.md": text}, "2026-04-01T09:00:00+00:00")
    typo = text.replace("Text.", "Text, fixed.")
    commit(repo, {"policies/notice.md": typo}, "2026-06-01T09:00:00+00:00")
    site = load(repo, effective_pattern=compile_effective_pattern(MOZILLA_DATE))
    first, second = site.catalog.get("notice").versions
    assert first.label == "2026-05-04"
    assert first.effective_source is EffectiveSource.TEXT
    # A date carried over by a later revision that had already passed: the publication's.
    assert second.effective_source is EffectiveSource.COMMIT
    assert str(second.in_force_on) == "2026-06-01"


def test_an_effective_pattern_without_a_date_group_is_refused() -> None:
    from policydocs.core.errors import PolicyError

    with pytest.raises(PolicyError, match="no group named 'date'"):
        compile_effective_pattern(r"Effective (\d{4})")


def test_a_move_between_folders_keeps_history_and_old_urls(repo: GitRepo) -> None:
    commit(repo, {"policies/legal/terms.md": "# Terms\n\nOne.\n"}, "2024-01-01T09:00:00Z")
    (repo.path / "policies/customers").mkdir()
    repo.git("mv", "policies/legal/terms.md", "policies/customers/terms.md")
    repo.commit("move", "2024-02-01T09:00:00Z")
    commit(repo, {"policies/customers/terms.md": "# Terms\n\nTwo.\n"}, "2024-03-01T09:00:00Z")
    site = load(repo)
    policy = site.catalog.get("customers/terms")
    assert len(policy.versions) == 2
    assert policy.former_ids == ["legal/terms"]
    built = build_site(repo)
    old = (built / "legal/terms/index.html").read_text()
    assert "customers/terms/" in old and 'http-equiv="refresh"' in old


def test_a_policy_withdrawn_then_published_again_in_another_file_of_its_id_is_one(
    repo: GitRepo,
) -> None:
    """`terms.md` deleted, then months later `terms/index.md` (the same policy, the same
    URL) in another commit: its history continues, as when the same file comes back."""
    commit(repo, {"policies/terms.md": "# Terms\n\nOne.\n"}, "2024-01-01T09:00:00Z")
    repo.git("rm", "-q", "policies/terms.md")
    repo.commit("withdraw", "2024-02-01T09:00:00Z")
    commit(repo, {"policies/terms/index.md": "# Terms\n\nTwo.\n"}, "2024-03-01T09:00:00Z")
    terms = load(repo).catalog.get("terms")
    assert [v.path for v in terms.versions] == ["policies/terms.md", "policies/terms/index.md"]
    assert [w.day.isoformat() for w in terms.withdrawals] == ["2024-02-01"]
    assert terms.path == "policies/terms/index.md" and terms.current is terms.versions[1]


def test_moving_a_file_into_an_excluded_folder_withdraws_it(repo: GitRepo) -> None:
    commit(repo, {"policies/terms.md": "# Terms\n\nOne.\n"}, "2024-01-01T09:00:00Z")
    repo.git("mv", "policies/terms.md", "policies/_archive.md")
    repo.commit("archive", "2024-02-01T09:00:00Z")
    policy = load(repo).catalog.get("terms")
    assert len(policy.versions) == 1 and len(policy.withdrawals) == 1


def test_another_tools_front_matter_is_ignored_and_redirect_from_honoured(
    repo: GitRepo,
) -> None:
    text = (
        "---\ntitle: Privacy\nlayout: policy\ndescription: About data\n"
        "redirect_from:\n  - /privacy-policy/\n  - /old.html\n---\n\n# Privacy\n\nText.\n"
    )
    commit(repo, {"policies/privacy/index.md": text}, "2024-01-01T09:00:00Z")
    warned = policydocs(repo.path, "check", "--strict")
    assert warned.returncode == 1 and "unknown front matter key 'layout'" in warned.stdout
    repo.mkdocs_yml({"foreign_keys": "ignore"})
    quiet = policydocs(repo.path, "check", "--strict")
    assert quiet.returncode == 0, quiet.stdout
    built = build_site(repo, {"foreign_keys": "ignore"})
    moved = (built / "privacy-policy/index.html").read_text()
    assert 'http-equiv="refresh"' in moved and "/privacy/" in moved
    index = json.loads((built / "versions.json").read_text())
    assert [p["id"] for p in index["policies"]] == ["privacy"]


def test_links_between_nested_policies_work_on_every_page(repo: GitRepo) -> None:
    commit(
        repo,
        {
            "policies/terms/index.md": "# Terms\n\nSee [privacy](../privacy/index.md#data).\n",
            "policies/privacy/index.md": "# Privacy\n\n## Data\n\nSee [all](../index.md).\n",
        },
        "2024-01-01T09:00:00Z",
    )
    commit(
        repo,
        {"policies/terms/index.md": "# Terms\n\nRead [privacy](../privacy/index.md#data).\n"},
        "2024-02-01T09:00:00Z",
    )
    built = build_site(repo)  # strict: a link MkDocs cannot resolve fails the build
    site = load(repo)
    terms = site.catalog.get("terms")
    for page in [
        "terms/index.html",
        f"terms/{terms.versions[0].label}/index.html",
        f"terms/{terms.latest.label}/changes/index.html",
    ]:
        html = (built / page).read_text()
        hrefs = re.findall(r'href="([^"]*privacy[^"]*#data)"', html)
        assert hrefs, page
        target = (built / page).parent / hrefs[0].split("#")[0]
        assert (target / "index.html").is_file(), (page, hrefs)


def test_check_list_says_what_is_read_and_what_is_left_out(repo: GitRepo) -> None:
    commit(
        repo,
        {
            "policies/privacy/index.md": "# Privacy\n\nThe [DPA](dpa.pdf).\n",
            "policies/README.md": "About.\n",
            "policies/terms.markdown": "# Terms\n",
            "policies/privacy/dpa.pdf": "%PDF",
            "policies/privacy/notes.txt": "Not linked.",
            "policies/privacy/_folder.yml": "title: Privacy\n",
        },
        "2024-01-01T09:00:00Z",
    )
    result = policydocs(repo.path, "check", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "policies/privacy/index.md: policy 'privacy' (title from first heading; 1 version)" in lines
    )
    assert "policies/README.md: left out: the exclude pattern 'README.md' matches it" in lines
    assert "policies/terms.markdown: left out: only *.md files are policies" in lines
    assert "policies/privacy/dpa.pdf: published as a file that policies link to" in lines
    assert "policies/privacy/notes.txt: left out: only *.md files are policies" in lines
    assert (
        "policies/privacy/_folder.yml: titles its folder's section in the navigation "
        "(if it has policies)" in lines
    )


def test_variables_fill_in_another_generators_tags_and_a_new_value_makes_new_pages(
    repo: GitRepo, tmp_path
) -> None:
    """Jekyll's `{{ site.email }}`, whose value lived in a _config.yml outside the history;
    the raw source keeps the tag; a tag not declared is printed as written."""
    text = "# Terms\n\nWrite to [us]({{ site.email }}) or {{site.email}}; {{ page.x }} stays.\n"
    commit(repo, {"policies/terms.md": text}, "2024-01-01T09:00:00Z")
    commit(repo, {"policies/terms.md": text + "\nMore.\n"}, "2024-02-01T09:00:00Z")
    cache = tmp_path / "cache"
    first = load(repo, variables={"site.email": "mailto:a@example.com"}, cache_dir=cache)
    terms = first.catalog.get("terms")
    assert "[us](mailto:a@example.com) or mailto:a@example.com; {{ page.x }}" in terms.latest.body
    [source] = [a.content for a in first.assets if a.dest == f"terms/{terms.latest.label}.md"]
    assert b"{{ site.email }}" in source
    second = load(repo, variables={"site.email": "mailto:b@example.com"}, cache_dir=cache)
    changes = second.catalog.get("terms").latest
    src = f"terms/{changes.label}/changes/index.md"
    [redline] = [page.markdown for page in second.pages if page.src == src]
    assert "mailto:b@example.com" in redline
    assert "mailto:a@example.com" not in redline


def test_long_file_names_are_published_and_the_limit_is_said_as_it_is(repo: GitRepo) -> None:
    """A real tracker's names run past 64 characters; the limit is 200 per name."""
    long = "Terms of Service for the Example Company Cloud Platform and Its Related Services"
    commit(repo, {f"policies/{long}.md": "# Terms\n\nText.\n"}, "2024-01-01T09:00:00Z")
    assert ids(load(repo)) == [long.replace(" ", "-")]
    too_long = "x" * 201
    commit(repo, {f"policies/{too_long}.md": "# X\n\nText.\n"}, "2024-02-01T09:00:00Z")
    result = policydocs(repo.path, "check", "--history", "--as-of", "2030-01-01")
    assert result.returncode == 1
    assert "at most 200 per folder or file name" in result.stdout
    assert "for example" not in result.stdout
