"""What a reader sees around a policy's text, on real builds: the version switcher, "compare
with current", the home page's list of policies, the print header, the phone-ready history.

(How these pages behave in a browser is in tests/browser/.)
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from lxml import html

from policydocs.redline import markup

from ..conftest import build_site, load
from ..gitrepo import GitRepo

CLAUSES = ["Pay monthly.", "Keep your password safe.", "English law applies."]


def terms(repo: GitRepo) -> GitRepo:
    """Terms: 2024-01-01, 2024-02-01, 2024-03-01 (current at 2025), 2099-01-01 (upcoming)."""
    text = list(CLAUSES)
    for day, change in [
        ("2024-01-01", None),
        ("2024-02-01", (0, "Pay monthly in advance.")),
        ("2024-03-01", (2, "Scots law applies in Scotland.")),
        ("2099-01-01", (1, "Use a strong password.")),
    ]:
        if change:
            text[change[0]] = change[1]
        repo.revise(
            "terms",
            "\n\n".join(text) + "\n",
            f"{day if day < '2025' else '2024-06-01'}T09:00:00+00:00",
            title="Terms",
            effective=day,
        )
    repo.revise("privacy", "We keep little.\n", "2024-01-05T09:00:00+00:00", title="Privacy")
    return repo


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = terms(GitRepo(tmp_path_factory.mktemp("reader") / "repo"))
    home = "# Our policies\n\nRead them.\n\n<!-- policydocs:policy-list -->\n\n## Help\n"
    return build_site(repo, {"as_of": "2025-01-01"}, home=home)


def page(site: Path, path: str) -> html.HtmlElement:
    return html.fromstring((site / path / "index.html").read_bytes())


def links(element: html.HtmlElement, text: str) -> list[str]:
    return [a.get("href") for a in element.iter("a") if a.text_content().strip() == text]


def test_switcher_lists_every_version_newest_first_and_marks_the_one_shown(site: Path) -> None:
    version = page(site, "terms/2024-02-01")
    (switcher,) = version.cssselect("details.pd-switcher")
    entries = switcher.cssselect("li a")
    assert [a.text_content() for a in entries] == [
        "Version 2099-01-01",
        "Version 2024-03-01",
        "Version 2024-02-01",
        "Version 2024-01-01",
    ]
    assert [a.get("href") for a in entries] == [
        "../2099-01-01/",
        "../2024-03-01/",
        "./",
        "../2024-01-01/",
    ]
    assert [a.get("aria-current") for a in entries] == [None, None, "page", None]
    statuses = [li.cssselect(".pd-status")[0].text_content() for li in switcher.cssselect("li")]
    assert statuses == ["Upcoming", "Current", "Archived", "Archived"]
    assert "Version 2024-02-01 is one of 4" in switcher.cssselect("summary")[0].text_content()
    current = page(site, "terms")
    marked = current.cssselect("details.pd-switcher a[aria-current]")
    assert [(a.get("href"), a.get("aria-current")) for a in marked] == [("2024-03-01/", "true")]
    for path in ["terms/2024-03-01/changes", "terms/2024-01-01/compare", "terms/history"]:
        switchers = page(site, path).cssselect("details.pd-switcher")
        assert len(switchers) == (0 if path.endswith("history") else 1), path


def test_compare_with_current_goes_to_the_page_that_shows_the_difference(site: Path) -> None:
    def compare_link(path: str) -> list[str]:
        return links(page(site, path), "Compare with the current version")

    # Two versions back: a page of its own; next to the current: a changes page already does.
    assert compare_link("terms/2024-01-01") == ["compare/"]
    assert compare_link("terms/2024-02-01") == ["../2024-03-01/changes/"]
    assert compare_link("terms/2099-01-01") == ["changes/"]
    assert compare_link("terms/2024-03-01") == []
    assert compare_link("terms") == []
    assert compare_link("terms/2024-02-01/changes") == ["../../2024-03-01/changes/"]
    assert compare_link("terms/2099-01-01/changes") == []  # it is this very page
    assert not (site / "terms/2024-02-01/compare").exists()
    assert not (site / "terms/2099-01-01/compare").exists()
    history = page(site, "terms/history")
    # (2099-01-01's comparison is its own changes page, linked once as "What changed")
    assert links(history, "compare with current") == [
        "../2024-03-01/changes/",
        "../2024-01-01/compare/",
    ]
    assert links(history, "What changed").count("../2099-01-01/changes/") == 1


def test_compare_page_marks_everything_since_the_old_version(site: Path) -> None:
    compare = page(site, "terms/2024-01-01/compare")
    heading = compare.cssselect("h1")[0].text_content()
    assert "version 2024-01-01 compared with the current version" in heading
    intro = compare.cssselect(".pd-compare")[0].text_content()
    assert "What has changed since version 2024-01-01" in " ".join(intro.split())
    assert links(compare, "2024-02-01") == ["../../2024-02-01/changes/"]  # the one in between
    inserted = [e.text_content() for e in compare.cssselect(".pd-redline ins")]
    deleted = [e.text_content() for e in compare.cssselect(".pd-redline del")]
    assert any("in advance" in text for text in inserted)
    assert any("Scots" in text for text in inserted)
    assert any("English" in text for text in deleted)
    assert not any("strong" in text for text in inserted)  # upcoming text is not current


def test_comparisons_are_faithful_both_ways(tmp_path: Path) -> None:
    site = load(terms(GitRepo(tmp_path / "repo")), as_of="2025-01-01")
    current = site.catalog.get("terms").current
    assert current is not None and current.label == "2024-03-01"
    (key,) = site.comparisons
    assert key == ("terms", "2024-01-01")
    old = site.catalog.get("terms").versions[0]
    assert markup.accept(site.comparisons[key].markdown) == current.body
    assert markup.reject(site.comparisons[key].markdown) == old.body
    # Once the upcoming version is in force, the older ones compare with it instead.
    later = load(GitRepo.existing(tmp_path / "repo"), as_of="2099-06-01")
    assert sorted(label for _, label in later.comparisons) == ["2024-01-01", "2024-02-01"]


def test_home_page_lists_policies_where_the_marker_is(site: Path) -> None:
    home = html.fromstring((site / "index.html").read_bytes())
    article = home.cssselect("article")[0]
    order = [e.tag for e in article.iter("h1", "h2", "table")]
    assert order[-3:] == ["h1", "table", "h2"]  # the list sits where the marker was
    rows = {row.cssselect("th a")[0].text_content(): row for row in article.cssselect("tbody tr")}
    assert list(rows) == ["Privacy", "Terms"]
    terms_row = rows["Terms"]
    assert terms_row.cssselect("th a")[0].get("href") == "terms/"
    cells = [" ".join(td.text_content().split()) for td in terms_row.cssselect("td")]
    assert cells[0] == "Version 2024-03-01, effective 1 March 2024"
    assert cells[1].startswith("Version 2099-01-01, published 1 June 2024: takes effect 1 January")
    assert links(terms_row, "Version 2099-01-01") == ["terms/2099-01-01/changes/"]
    assert [a.get("href") for a in terms_row.cssselect("td a[type]")] == [
        "terms/rss.xml",
        "terms/atom.xml",
    ]
    privacy = [" ".join(td.text_content().split()) for td in rows["Privacy"].cssselect("td")]
    assert privacy[1] == "First published 5 January 2024"
    assert links(article, "RSS")[0] == "rss.xml"
    assert "policydocs:policy-list" not in (site / "index.html").read_text()


def test_a_site_without_a_home_page_gets_one(tmp_path: Path) -> None:
    site = build_site(terms(GitRepo(tmp_path / "repo")), home=None)
    home = html.fromstring((site / "index.html").read_bytes())
    assert [a.text_content() for a in home.cssselect("article tbody th a")] == ["Privacy", "Terms"]


def test_a_home_page_without_the_marker_is_left_as_written(tmp_path: Path) -> None:
    site = build_site(terms(GitRepo(tmp_path / "repo")))
    home = html.fromstring((site / "index.html").read_bytes())
    assert "Our legal policies." in home.text_content()
    assert home.cssselect("article table") == []


def test_print_header_gives_the_address_of_the_text(site: Path) -> None:
    version = page(site, "terms/2024-02-01").cssselect(".pd-print-only")[0].text_content()
    assert version.strip() == "Permanent address: https://policies.example.com/terms/2024-02-01/"
    current = page(site, "terms").cssselect(".pd-print-only")[0].text_content()
    assert "Printed from https://policies.example.com/terms/" in current
    assert "version 2024-03-01: https://policies.example.com/terms/2024-03-01/" in current


def test_history_cells_say_which_column_they_are(site: Path) -> None:
    history = page(site, "terms/history")
    headings = [th.text_content() for th in history.cssselect("thead th")][1:]
    for row in history.cssselect("tbody tr"):
        assert [td.get("data-label") for td in row.cssselect("td")] == [
            "Effective",
            "Published",
            "Status",
            "Summary",
            "Changes",
            "Source",
        ]
    assert headings == [
        "Effective",
        "Published",
        "Status",
        "Summary of changes",
        "Changes",
        "Source",
    ]


def test_a_renamed_policy_keeps_its_comparison_address(tmp_path: Path) -> None:
    repo = terms(GitRepo(tmp_path / "repo"))
    repo.git("mv", "policies/terms.md", "policies/terms-of-service.md")
    repo.commit("rename", "2024-07-01T09:00:00+00:00")
    site = build_site(repo, {"as_of": "2025-01-01"})
    old = (site / "terms/2024-01-01/compare/index.html").read_text()
    assert 'content="0; url=../../../terms-of-service/2024-01-01/compare/"' in old
    assert (site / "terms-of-service/2024-01-01/compare/index.html").is_file()


def test_a_readme_home_page_is_the_home_page(tmp_path: Path) -> None:
    repo = terms(GitRepo(tmp_path / "repo"))
    repo.write("docs/README.md", "# Welcome\n\n<!-- policydocs:policy-list -->\n")
    site = build_site(repo, home=None)  # strict: a clash with README.md would fail it
    home = html.fromstring((site / "index.html").read_bytes())
    assert home.cssselect("article h1")[0].text_content().startswith("Welcome")
    assert len(home.cssselect("article tbody tr")) == 2


def test_switcher_links_equal_posixpath_relpath_from_any_folder() -> None:
    """The switcher works out the way to a policy's folder once per page: every link must
    be the one posixpath.relpath gives, wherever the page and the target are."""
    from policydocs.site.switcher import _Relative, _relative

    folders = ["", "a", "a/b", "a/b/c", "a/b/c/d", "x", "x/y", "a/x", "b", "a/v1", "a/v1/changes"]
    targets = [
        f"{folder}/{name}".lstrip("/") + slash
        for folder in folders[:9]
        for name in ("b", "c", "v1", "v1.html")
        for slash in ("", "/")
    ]
    for folder in folders:
        relative = _Relative(folder)
        assert [relative(t) for t in targets] == [_relative(t, folder) for t in targets], folder


def test_a_title_with_markup_characters_shows_as_written(tmp_path: Path) -> None:
    """MkDocs and Material print page titles as HTML; a policy's title is text."""
    title = 'Use of <Product> & "Co" </title><script>alert(1)</script>'
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", "Pay monthly.\n", "2024-01-01T09:00:00+00:00", title=title)
    repo.revise("terms", "Pay yearly.\n", "2024-02-01T09:00:00+00:00", title=title)
    site = build_site(repo, {"as_of": "2025-01-01"})
    built = sorted(site.rglob("*.html"))
    assert len(built) > 5
    for path in built:
        tree = html.fromstring(path.read_bytes())
        assert not any("alert" in (s.text or "") for s in tree.iter("script")), path
    current = page(site, "terms")
    assert current.findtext(".//title") == f"{title} - Example Policies"
    assert any(a.text_content().strip() == title for a in current.iter("a"))  # navigation
    for path in ("terms/history", "terms/2024-02-01/changes"):
        assert page(site, path).findtext(".//title").startswith(f"{title}: ")
    search = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    titles = {html.fromstring(f"<p>{doc['title']}</p>").text_content() for doc in search["docs"]}
    assert title in titles


def test_a_date_that_passed_before_publication_is_not_given_as_when_it_took_effect(
    tmp_path: Path,
) -> None:
    """A revision merged after the date in its file is in force from its merge: pages and
    feeds give that day, with the file's date beside it (the label keeps the file's)."""
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", "Pay monthly.\n", "2024-01-01T09:00:00+00:00", title="Terms")
    late = "2024-03-04T09:00:00+00:00"
    repo.revise("terms", "Pay yearly.\n", late, title="Terms", effective="2024-03-01")
    site = build_site(repo, {"as_of": "2024-05-01"})

    def said(path: str, selector: str) -> str:
        return " ".join(page(site, path).cssselect(selector)[0].text_content().split())

    def facts(path: str) -> dict[str, str]:
        rows = page(site, path).cssselect(".pd-facts div")
        return {row.findtext("dt"): row.find("dd").text_content() for row in rows}

    note = "4 March 2024 (on publication; the file gives 1 March 2024)"
    assert facts("terms/2024-03-01") == {
        "Version": "2024-03-01",
        "Effective": note,
        "Published": "4 March 2024",
        "Status": "Current",
    }
    assert "in force, effective 4 March 2024." in said("terms/2024-03-01", ".pd-banner")
    assert "replaced by version 2024-03-01, effective 4 March 2024." in (
        said("terms/2024-01-01", ".pd-banner")
    )
    assert facts("terms/2024-01-01")["Effective"] == "1 January 2024"  # no note where not due
    assert note in said("terms/history", "tbody tr")
    entry = feedparser.parse((site / "terms/atom.xml").read_bytes()).entries[0]
    assert entry.title == "Terms revised — effective 4 March 2024"
    assert f"<strong>Effective:</strong> {note}. Version 2024-03-01." in entry.content[0].value
    (listed,) = json.loads((site / "versions.json").read_bytes())["policies"]
    assert listed["versions"][1]["effective"] == "2024-03-01"
    assert listed["versions"][1]["in_force_from"] == late


def test_a_version_ended_by_a_withdrawal_says_so(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.revise("promo", "One.\n", "2024-01-01T09:00:00+00:00", title="Promo")
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00", title="Terms")
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("withdraw", "2024-03-01T09:00:00+00:00")
    repo.revise("promo", "Two.\n", "2024-06-01T09:00:00+00:00", title="Promo")
    site = build_site(repo, {"as_of": "2024-07-01"})
    banner = page(site, "promo/2024-01-01").cssselect(".pd-banner")[0].text_content()
    assert "It stopped being in force on 1 March 2024, when the policy was withdrawn" in (
        " ".join(banner.split())
    )


def _long_history(repo: GitRepo, count: int) -> GitRepo:
    for n in range(count):
        repo.revise(
            "terms",
            f"You pay {n} pounds.\n",
            f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T09:00:00+00:00",
        )
    return repo


def test_a_long_history_lists_the_neighbourhood_and_links_to_the_rest(tmp_path: Path) -> None:
    site = build_site(_long_history(GitRepo(tmp_path / "repo"), 14))
    (switcher,) = page(site, "terms/2024-01-06").cssselect("details.pd-switcher")
    items = [li.text_content().split(":")[0] for li in switcher.cssselect("li")]
    assert items == [
        "Version 2024-01-14",  # the newest, in force
        "5 more versions (all versions)",
        "Version 2024-01-08",
        "Version 2024-01-07",
        "Version 2024-01-06",  # this page's
        "Version 2024-01-05",
        "Version 2024-01-04",
        "3 more versions (all versions)",
    ]
    assert {a.get("href") for a in switcher.cssselect(".pd-switcher__more a")} == {"../history/"}
    assert "Version 2024-01-06 is one of 14" in switcher.cssselect("summary")[0].text_content()
    history = page(site, "terms/history")
    assert len(history.cssselect("tbody tr")) == 14  # where every version is listed


def test_pages_do_not_grow_with_the_history(tmp_path: Path) -> None:
    """Every page carried every version: at 2,000 revisions, 355 KB a page (2.2 GB for a
    200 KB policy). Now a version page is the same size whatever the history's length."""

    def version_page_size(count: int) -> float:
        site = build_site(_long_history(GitRepo(tmp_path / f"repo{count}"), count))
        sizes = [p.stat().st_size for p in site.glob("terms/2024-*/index.html")]
        assert len(sizes) == count
        return sum(sizes) / len(sizes)

    assert version_page_size(24) / version_page_size(12) < 1.01
