"""Git history → versions: merges, renames, deletions, labels, dates and statuses."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from policydocs.core.errors import PolicyError
from policydocs.history.model import EffectiveSource, PolicyStatus, Status

from ..conftest import build_site, load
from ..gitrepo import GitRepo
from ..histories import long_texts, republished


def labels(site, policy_id: str) -> list[str]:
    return [v.label for v in site.catalog.get(policy_id).versions]


def test_merge_commit_of_a_two_commit_branch_is_one_version(repo: GitRepo) -> None:
    repo.revise("aup", "First text.\n", "2024-01-01T09:00:00+00:00", effective="2024-01-01")
    repo.git("checkout", "-q", "-b", "edit")
    repo.revise(
        "aup",
        "Second text.\n",
        "2024-02-01T09:00:00+00:00",
        effective="2024-03-01",
        summary="Draft",
    )
    repo.revise(
        "aup",
        "Second text, reviewed.\n",
        "2024-02-02T09:00:00+00:00",
        effective="2024-03-01",
        summary="Reviewed",
    )
    repo.git("checkout", "-q", "main")
    merge = repo.merge("edit", "Merge pull request #1", "2024-02-10T15:30:00+01:00")

    versions = load(repo).catalog.get("aup").versions

    assert len(versions) == 2
    merged = versions[1]
    assert merged.commit.sha == merge
    assert merged.commit.is_merge
    assert merged.published.isoformat() == "2024-02-10T15:30:00+01:00"
    assert merged.body == "\nSecond text, reviewed.\n"
    assert merged.summary == "Reviewed"


def test_squash_and_rebase_merges_give_one_version_per_commit(repo: GitRepo) -> None:
    repo.revise("tos", "One.\n", "2024-01-01T09:00:00+00:00")
    repo.revise("tos", "Two.\n", "2024-01-02T09:00:00+00:00")
    repo.revise("tos", "Three.\n", "2024-01-03T09:00:00+00:00")
    assert labels(load(repo), "tos") == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_rename_with_edit_keeps_history_and_records_former_id(repo: GitRepo) -> None:
    text = "Do not spam.\n\nDo not hack.\n\nBe kind to {}.\n"
    repo.revise(
        "acceptable-use",
        text.format("others"),
        "2024-01-01T09:00:00+00:00",
        title="Acceptable Use Policy",
    )
    repo.git("mv", "policies/acceptable-use.md", "policies/aup.md")
    repo.revise(
        "aup", text.format("everyone"), "2024-02-01T09:00:00+00:00", title="Acceptable Use Policy"
    )

    site = load(repo)

    assert [p.id for p in site.catalog.policies] == ["aup"]
    policy = site.catalog.get("aup")
    assert policy.former_ids == ["acceptable-use"]
    assert [v.path for v in policy.versions] == ["policies/acceptable-use.md", "policies/aup.md"]


def test_pure_rename_creates_no_version(repo: GitRepo) -> None:
    repo.revise("old-name", "Same.\n", "2024-01-01T09:00:00+00:00")
    repo.git("mv", "policies/old-name.md", "policies/new-name.md")
    repo.commit("rename", "2024-02-01T09:00:00+00:00")
    policy = load(repo).catalog.get("new-name")
    assert len(policy.versions) == 1
    assert policy.former_ids == ["old-name"]


def test_deleted_policy_is_withdrawn_and_keeps_its_versions(repo: GitRepo) -> None:
    repo.policy("promo", "Offer terms.\n", effective="2024-01-01")
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")
    repo.revise("promo", "Offer terms v2.\n", "2024-01-20T09:00:00+00:00", effective="2024-02-01")
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("offer ended", "2024-06-30T18:00:00+00:00")

    policy = load(repo).catalog.get("promo")

    assert policy.status is PolicyStatus.WITHDRAWN
    assert policy.withdrawal is not None and policy.withdrawal.day.isoformat() == "2024-06-30"
    assert [v.status for v in policy.versions] == [Status.ARCHIVED, Status.WITHDRAWN]
    assert policy.shown is policy.versions[1]
    assert policy.current is None


def test_readded_policy_continues_its_history(repo: GitRepo) -> None:
    repo.revise("promo", "One.\n", "2024-01-01T09:00:00+00:00")
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("withdraw", "2024-02-01T09:00:00+00:00")
    repo.revise("promo", "Two.\n", "2024-03-01T09:00:00+00:00")
    policy = load(repo).catalog.get("promo")
    assert policy.status is PolicyStatus.CURRENT
    assert len(policy.versions) == 2


def test_a_deletion_withdraws_only_what_was_published_since_the_last(repo: GitRepo) -> None:
    republished(repo)
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("withdraw again", "2024-08-01T09:00:00+00:00")
    repo.write("policies/promo.md", "lost its front matter\n")
    bad = repo.commit("broken", "2024-09-01T09:00:00+00:00")
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("and gone", "2024-10-01T09:00:00+00:00")

    promo = load(repo, skip_commits=frozenset({bad[:10]})).catalog.get("promo")
    assert [w.day.isoformat() for w in promo.withdrawals] == ["2024-03-01", "2024-08-01"]
    assert [promo.last_before(w).label for w in promo.withdrawals] == ["2024-01-01", "2024-06-01"]


def test_a_withdrawal_between_two_publications_stays_in_the_timeline(repo: GitRepo) -> None:
    republished(repo)

    gap = load(repo, as_of="2024-04-01").catalog.get("promo")
    assert gap.status is PolicyStatus.WITHDRAWN and gap.current is None
    assert gap.withdrawal is not None and gap.withdrawal.day.isoformat() == "2024-03-01"
    assert [v.status for v in gap.versions] == [Status.WITHDRAWN, Status.UPCOMING]
    assert gap.shown is gap.versions[0]

    later = load(repo, as_of="2024-07-01").catalog.get("promo")
    first, again = later.versions
    assert later.status is PolicyStatus.CURRENT and later.current is again
    assert later.withdrawal is None and len(later.withdrawals) == 1
    assert (first.status, first.replaced_by) == (Status.ARCHIVED, None)
    assert first.withdrawn_by is later.withdrawals[0]
    assert first.in_force_until is not None
    assert first.in_force_until.isoformat() == "2024-03-01T09:00:00+00:00"


def test_same_day_labels_get_suffixes_in_history_order(repo: GitRepo) -> None:
    for hour, text in ((9, "A"), (11, "B"), (15, "C")):
        repo.revise(
            "tos", f"{text}.\n", f"2024-04-01T{hour:02}:00:00+00:00", effective="2024-05-01"
        )
    repo.revise("tos", "D.\n", "2024-04-02T09:00:00+00:00", version="2.0-final")
    repo.revise("tos", "E.\n", "2024-04-03T09:00:00+00:00", version="2.0-final")
    assert labels(load(repo), "tos") == [
        "2024-05-01",
        "2024-05-01-2",
        "2024-05-01-3",
        "2.0-final",
        "2.0-final-2",
    ]


def test_future_effective_date_is_upcoming_until_as_of_reaches_it(repo: GitRepo) -> None:
    repo.revise("tos", "Old.\n", "2024-01-01T09:00:00+00:00", effective="2024-01-01")
    repo.revise(
        "tos",
        "New.\n",
        "2024-06-01T09:00:00+00:00",
        effective="2024-07-01",
        summary="Notice period",
    )

    before = load(repo, as_of="2024-06-30T23:59:59+00:00").catalog.get("tos")
    assert [v.status for v in before.versions] == [Status.CURRENT, Status.UPCOMING]
    assert before.current is before.versions[0]
    assert before.upcoming == [before.versions[1]]

    on_the_day = load(repo, as_of="2024-07-01").catalog.get("tos")
    assert [v.status for v in on_the_day.versions] == [Status.ARCHIVED, Status.CURRENT]
    assert on_the_day.versions[0].replaced_by is on_the_day.versions[1]


def test_effective_dates_start_at_midnight_in_the_site_time_zone(repo: GitRepo) -> None:
    from zoneinfo import ZoneInfo

    repo.revise("tos", "Old.\n", "2024-01-01T09:00:00+00:00", effective="2024-01-01")
    repo.revise("tos", "New.\n", "2024-06-01T09:00:00+00:00", effective="2024-07-01")
    berlin = ZoneInfo("Europe/Berlin")
    # 23:30 UTC on 30 June is already 1 July in Berlin.
    late = load(repo, as_of="2024-06-30T23:30:00+00:00", timezone=berlin).catalog.get("tos")
    assert late.current is late.versions[1]
    utc = load(repo, as_of="2024-06-30T23:30:00+00:00").catalog.get("tos")
    assert utc.current is utc.versions[0]


def test_first_version_with_future_date_leaves_policy_upcoming(repo: GitRepo) -> None:
    repo.revise("new-service", "Terms.\n", "2024-12-01T09:00:00+00:00", effective="2025-01-01")
    policy = load(repo, as_of="2024-12-15").catalog.get("new-service")
    assert policy.status is PolicyStatus.UPCOMING
    assert policy.current is None and policy.shown is None


def test_version_overtaken_before_its_date_never_took_effect(repo: GitRepo) -> None:
    repo.revise("tos", "A.\n", "2024-01-01T09:00:00+00:00", effective="2024-01-01")
    repo.revise("tos", "B.\n", "2024-06-01T09:00:00+00:00", effective="2024-09-01")
    repo.revise("tos", "C.\n", "2024-07-01T09:00:00+00:00", effective="2024-08-01")

    versions = load(repo, as_of="2024-12-01").catalog.get("tos").versions

    assert [v.status for v in versions] == [
        Status.ARCHIVED,
        Status.NEVER_TOOK_EFFECT,
        Status.CURRENT,
    ]
    assert versions[1].replaced_by is versions[2]
    assert versions[0].replaced_by is versions[2]


def test_two_announced_changes_take_effect_in_turn_or_a_revert_postpones(repo: GitRepo) -> None:
    """The two readings of a later change announced while an earlier one is pending (see
    README, Dates and status): in turn, unless the earlier one is reverted first."""
    repo.revise("tos", "Pay 5.\n", "2024-01-01T09:00:00+00:00")
    june = repo.revise("tos", "Pay 6.\n", "2024-03-01T09:00:00+00:00", effective="2024-06-01")
    turn = GitRepo.existing(repo.path.parent / "in-turn")
    repo.git("clone", "-q", str(repo.path), str(turn.path))
    turn.git("config", "user.name", "Test Editor")
    turn.git("config", "user.email", "editor@example.com")
    turn.revise("tos", "Pay 6, in arrears.\n", "2024-04-01T10:00:00+00:00", effective="2024-09-01")
    in_turn = load(turn, as_of="2024-07-01").catalog.get("tos").versions
    assert [v.status for v in in_turn] == [Status.ARCHIVED, Status.CURRENT, Status.UPCOMING]

    repo.git("revert", "--no-edit", june, date="2024-04-01T09:00:00+00:00")
    repo.revise("tos", "Pay 6.\n", "2024-04-01T10:00:00+00:00", effective="2024-09-01")
    postponed = load(repo, as_of="2024-07-01").catalog.get("tos").versions
    assert [v.status for v in postponed] == [
        Status.ARCHIVED,
        Status.NEVER_TOOK_EFFECT,
        Status.CURRENT,  # the revert: the old text again, from its publication
        Status.UPCOMING,
    ]
    assert postponed[2].body == postponed[0].body
    assert postponed[2].in_force_from.isoformat() == "2024-04-01T09:00:00+00:00"


def test_summary_carried_over_unchanged_is_not_this_revisions_summary(repo: GitRepo) -> None:
    repo.revise("tos", "A.\n", "2024-01-01T09:00:00+00:00", summary="Clarified refunds")
    repo.revise("tos", "B.\n", "2024-02-01T09:00:00+00:00", summary="Clarified refunds")
    repo.revise("tos", "C.\n", "2024-03-01T09:00:00+00:00", summary="New arbitration clause")
    summaries = [v.summary for v in load(repo).catalog.get("tos").versions]
    assert summaries == ["Clarified refunds", None, "New arbitration clause"]


def test_passed_effective_date_carried_over_gives_way_to_publication(repo: GitRepo) -> None:
    repo.revise("tos", "A.\n", "2024-02-01T09:00:00+00:00", effective="2024-03-01")
    repo.revise("tos", "A, typo fixed.\n", "2024-08-10T09:00:00+00:00", effective="2024-03-01")

    first, fix = load(repo).catalog.get("tos").versions

    assert fix.effective.isoformat() == "2024-08-10"
    assert fix.effective_source is EffectiveSource.COMMIT
    assert fix.label == "2024-08-10"
    assert first.status is Status.ARCHIVED


def test_future_effective_date_carried_over_is_kept(repo: GitRepo) -> None:
    """A typo fix to an announced change must not bring the change forward."""
    repo.revise("tos", "A.\n", "2024-01-01T09:00:00+00:00", effective="2024-01-01")
    repo.revise("tos", "B.\n", "2024-11-01T09:00:00+00:00", effective="2025-01-01")
    repo.revise("tos", "B, typo fixed.\n", "2024-12-01T09:00:00+00:00", effective="2025-01-01")

    versions = load(repo, as_of="2024-12-15").catalog.get("tos").versions

    assert versions[2].effective.isoformat() == "2025-01-01"
    assert versions[2].effective_source is EffectiveSource.FRONT_MATTER
    assert [v.status for v in versions] == [
        Status.CURRENT,
        Status.NEVER_TOOK_EFFECT,
        Status.UPCOMING,
    ]


def test_missing_effective_date_defaults_to_the_commit(repo: GitRepo) -> None:
    repo.revise("tos", "A.\n", "2024-03-05T23:30:00-05:00")
    (version,) = load(repo).catalog.get("tos").versions
    assert version.effective_source is EffectiveSource.COMMIT
    assert version.in_force_from.isoformat() == "2024-03-05T23:30:00-05:00"
    # Dates shown and used in labels are in the site's time zone (UTC here).
    assert version.label == "2024-03-06"


def test_commit_touching_only_other_files_creates_nothing(repo: GitRepo) -> None:
    repo.revise("tos", "A.\n", "2024-01-01T09:00:00+00:00")
    repo.write("README.md", "hello\n")
    repo.write("policies/images/logo.svg", "<svg/>")
    repo.write("policies/_drafts/idea.md", "not a policy yet (a folder left out by default)\n")
    repo.commit("other files", "2024-02-01T09:00:00+00:00")
    repo.git("update-index", "--chmod=+x", "policies/tos.md")
    repo.commit("mode change only", "2024-03-01T09:00:00+00:00")
    site = load(repo)
    assert [p.id for p in site.catalog.policies] == ["tos"]
    assert labels(site, "tos") == ["2024-01-01"]


def test_version_records_provenance(repo: GitRepo) -> None:
    import hashlib

    path = repo.policy("tos", "Ünïcode text — with “quotes”.\n")
    sha = repo.commit("v1", "2024-01-01T09:00:00+02:00")
    site = load(repo)
    (version,) = site.catalog.get("tos").versions
    raw = path.read_bytes()
    assert version.sha256 == hashlib.sha256(raw).hexdigest()
    [source] = [a.content for a in site.assets if a.dest == f"tos/{version.label}.md"]
    assert source == raw
    assert version.commit.sha == sha
    assert version.commit.author == "Test Editor"
    assert version.published.utcoffset().total_seconds() == 7200


def test_uncommitted_policy_files_are_reported_not_published(repo: GitRepo) -> None:
    repo.revise("tos", "A.\n", "2024-01-01T09:00:00+00:00")
    repo.policy("tos", "Edited, not committed.\n")
    repo.policy("new", "Brand new.\n")
    site = load(repo)
    assert site.catalog.uncommitted == ["policies/new.md", "policies/tos.md"]
    assert site.catalog.get("tos").versions[0].body == "\nA.\n"


def test_git_processes_do_not_grow_with_revisions(tmp_path: Path) -> None:
    """One history walk and one batched blob reader, however many versions there are."""

    def processes(revisions: int) -> int:
        repo = GitRepo(tmp_path / f"r{revisions}")
        for n in range(revisions):
            repo.policy("tos", f"Revision {n}.\n")
            repo.revise("aup", f"Revision {n}.\n", f"2024-01-{n + 1:02}T09:00:00+00:00")
        trace = tmp_path / f"trace-{revisions}.log"
        os.environ["GIT_TRACE"] = str(trace)
        try:
            site = load(repo)
        finally:
            del os.environ["GIT_TRACE"]
        assert sum(len(p.versions) for p in site.catalog.policies) == 2 * revisions
        starts = [line for line in trace.read_text().splitlines() if "trace: built-in: git" in line]
        return len(starts)

    few, many = processes(2), processes(20)
    assert few == many
    assert many <= 6


def test_shallow_clone_history_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    for n in range(3):
        repo.revise("tos", f"Text {n}.\n", f"2024-01-0{n + 1}T09:00:00+00:00")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True
    )
    with pytest.raises(PolicyError, match=r"shallow clone.*fetch-depth: 0"):
        load(GitRepo.existing(clone))


def test_history_from_starts_the_published_history_at_a_commit(repo: GitRepo) -> None:
    """Early history that cannot be published is left out, unread; each policy keeps the
    text in force when the published history starts, with its own date."""
    repo.write("policies/tos.md", "---\ntitle: Terms\nlost its closing fence\n")
    repo.commit("broken, long ago", "2020-01-01T09:00:00+00:00")
    repo.revise("tos", "Good.\n", "2020-06-01T09:00:00+00:00")
    repo.revise("old", "Gone before the start.\n", "2020-07-01T09:00:00+00:00")
    repo.git("rm", "-q", "policies/old.md")
    repo.commit("withdraw old", "2020-08-01T09:00:00+00:00")
    repo.revise("aup", "Rules.\n", "2020-09-01T09:00:00+00:00")
    start = repo.revise("privacy", "Private.\n", "2021-01-01T09:00:00+00:00")
    repo.revise("tos", "Better.\n", "2021-02-01T09:00:00+00:00")

    site = load(repo, history_from=start[:10])

    assert [p.id for p in site.catalog.policies] == ["aup", "privacy", "tos"]
    tos = site.catalog.get("tos")
    assert [(v.label, v.body) for v in tos.versions] == [
        ("2020-06-01", "\nGood.\n"),
        ("2021-02-01", "\nBetter.\n"),
    ]
    assert tos.versions[0].earlier_unpublished
    assert not site.catalog.get("aup").versions[0].earlier_unpublished  # (its first)
    page = build_site(repo, {"history_from": start[:10]}) / "tos/history/index.html"
    assert "The earliest version published here (earlier ones are not)." in page.read_text()
    with pytest.raises(PolicyError, match="'history_from' 'main~9' is not a commit"):
        load(repo, history_from="main~9")


def test_the_catalog_holds_each_versions_text_once(repo: GitRepo) -> None:
    """A long history's texts are most of what a build holds (2,000 versions of 200 KB
    are 400 MB each time they are held): a version keeps its text, and of its file as
    committed only the digest (git and the build's store have the bytes)."""
    import tracemalloc
    from datetime import UTC

    from policydocs.core.settings import Settings, resolve_as_of
    from policydocs.history.catalog import load_catalog

    long_texts(repo, 8)
    settings = Settings(repo.path / "policies", resolve_as_of("2030-01-01", UTC))
    load_catalog(settings)  # (what is loaded once, such as modules, is not counted)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        catalog, _ = load_catalog(settings)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    texts = sum(len(version.body) for version in catalog.get("tos").versions)
    assert texts > 8 * 100_000
    assert held < 1.25 * texts
