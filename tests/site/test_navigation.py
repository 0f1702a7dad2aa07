"""Policies grouped by folder in the site's navigation: a section per folder, titled by
its `_folder.yml` or `.pages`, with the folder's own policy first in it."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from ..conftest import build_site
from ..gitrepo import GitRepo


def navigation(page: Path) -> list[object]:
    """The primary navigation as nested lists: a page is its title, a section is
    (its title, its items)."""
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    [nav] = tree.xpath("//nav[contains(@class, 'md-nav--primary')]")

    def items(ul) -> list[object]:
        found: list[object] = []
        for li in ul.xpath("./li"):
            nested = li.xpath("./nav/ul")
            if nested:
                label = li.xpath("./label[contains(@class, 'md-nav__link')]")[0]
                found.append((label.text_content().strip(), items(nested[0])))
            else:
                found.append(li.xpath("./a")[0].text_content().strip())
        return found

    return items(nav.xpath("./ul")[0])


def policy(title: str) -> str:
    return f"---\ntitle: {title}\n---\n\nText.\n"


def test_folders_are_sections_titled_by_their_files_with_their_own_policy_first(
    repo: GitRepo,
) -> None:
    for path, text in {
        "policies/terms.md": policy("Terms of Service"),
        "policies/privacy/index.md": policy("Privacy Policy"),
        "policies/privacy/cookies.md": policy("Cookie Policy"),
        "policies/privacy/eu/subprocessors.md": policy("EU Subprocessors"),
        "policies/privacy/_folder.yml": "title: Privacy and data protection\n",
        "policies/privacy/eu/.pages": "title: European Union\nnav: [...]\n",
        "policies/security/overview.md": policy("Security Overview"),
    }.items():
        repo.write(path, text)
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    theme = {"name": "material", "features": ["navigation.footer"]}
    site = build_site(repo, {"as_of": "2024-06-01"}, theme=theme)
    assert navigation(site / "terms/index.html") == [
        "Policies",
        "Terms of Service",
        (
            "Privacy and data protection",
            ["Privacy Policy", "Cookie Policy", ("European Union", ["EU Subprocessors"])],
        ),
        ("Security", ["Security Overview"]),
    ]
    # The footer's next and previous links follow the navigation's order.
    page = lxml.html.fromstring((site / "privacy/index.html").read_bytes())
    [previous] = page.xpath("//a[contains(@class, 'md-footer__link--prev')]/@aria-label")
    [following] = page.xpath("//a[contains(@class, 'md-footer__link--next')]/@aria-label")
    assert (previous, following) == ("Previous: Terms of Service", "Next: Cookie Policy")
