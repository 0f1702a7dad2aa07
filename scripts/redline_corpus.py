"""Write the redline corpus (tests/redline/corpus/): real revision pairs of real policies.

Each pair is one policy file at two consecutive first-parent commits of a public policy
repository (the git bundles in ../shared/fixtures/), both texts stored as git has them, so
that the tests and `nox -s bench` can compare redlines on real revisions without the
bundles. The pairs are those that showed a defect in the redline (issue 25) and ordinary
revisions beside them: one-word fixes, dates, rewrites, tables.

    python scripts/redline_corpus.py [--fixtures ../shared/fixtures] [--out tests/redline/corpus]

The corpus README (the pairs' origin and licence) is written with them.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Origin:
    bundle: str
    name: str
    url: str
    licence: str


BASECAMP = Origin(
    "basecamp-policies.bundle",
    "Basecamp's policies",
    "https://github.com/basecamp/policies",
    "CC BY 4.0",
)
MOZILLA = Origin(
    "mozilla-legal-docs.bundle",
    "Mozilla's legal documents",
    "https://github.com/mozilla/legal-docs",
    "CC BY-SA 3.0",
)

#: (origin, file, old commit, new commit, what the pair shows)
PAIRS = [
    (BASECAMP, "security/index.md", "9d973b2f", "10930e3b", "a link address with spaces"),
    (BASECAMP, "taxes/index.md", "36758d50", "e57667cf", "a link left open, then fixed"),
    (BASECAMP, "sla/index.md", "ed3389bd", "ac8ea2de", "a link reference definition"),
    (BASECAMP, "refund/index.md", "ed3389bd", "9e46ca99", "emphasis opened twice, closed once"),
    (BASECAMP, "abuse/index.md", "e76baaa6", "948ac5ae", "a rewrite; emphasis left open"),
    (BASECAMP, "terms/index.md", "36f066c", "9ddba6f", "an ordinary revision"),
    (BASECAMP, "terms/index.md", "9ddba6f", "9141097", "one link fixed"),
    (BASECAMP, "privacy/index.md", "7d41828", "9ab2a5f", "a link reverted"),
    (BASECAMP, "privacy/index.md", "0f86ffd", "75cb0dd", "ampersands"),
    (BASECAMP, "privacy/index.md", "ee2024a", "53b4984", "a quarterly update"),
    (MOZILLA, "en/firefox_privacy_notice.md", "2fb47b99", "3775c49b", "a table of empty cells"),
    (MOZILLA, "en/firefox_privacy_notice.md", "a08576d2", "57c46b3b", "a table restyled"),
    (MOZILLA, "en/firefox_privacy_notice.md", "57c46b3b", "b87746c0", "an HTML table's anchor"),
    (MOZILLA, "en/firefox_privacy_notice.md", "05e838d8", "9d67c84e", "list paragraphs unlisted"),
    (MOZILLA, "en/firefox_privacy_notice.md", "1976adb1", "6294fffe", "rules and attributes"),
    (MOZILLA, "en/firefox_privacy_notice.md", "1b001a79", "cd43f0e4", "links and capitals"),
    (MOZILLA, "en/firefox_privacy_notice.md", "07c68133", "e89fac46", "a rewrite"),
    (MOZILLA, "en/firefox_privacy_notice.md", "e89fac46", "6e773a70", "a large revision"),
    (MOZILLA, "en/firefox_cloud_services_tos.md", "9769a9f3", "ea4de99d", "a date attribute"),
    (
        MOZILLA,
        "en/subscription_services_privacy_notice.md",
        "383d30e3",
        "12c83023",
        "headings' attributes and levels",
    ),
    (MOZILLA, "en/websites_privacy_notice.md", "c16e6a08", "4e8087a3", "a setext heading"),
    (MOZILLA, "en/websites_privacy_notice.md", "5e4c676c", "22a72a2d", "a domain changed"),
    (MOZILLA, "en/firefox_terms_of_use.md", "1be85b09", "b3b32c92", "one link's anchor"),
    (MOZILLA, "en/firefox_terms_of_use.md", "cd43f0e4", "5bd121c0", "an ordinary revision"),
    (MOZILLA, "en/acceptable_use_policy.md", "1e569a5b", "7aecbc01", "an ordinary revision"),
    (MOZILLA, "en/mozilla_privacy_policy.md", "9769a9f3", "09a89e74", "a typo"),
    (MOZILLA, "de/focus_privacy_notice.md", "9769a9f3", "a927c65d", "an item's paragraphs"),
]


def _git(repository: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repository), *arguments], capture_output=True, text=True, check=True
    ).stdout


def _name(path: str, old: str, new: str) -> str:
    stem = path.removesuffix(".md").replace("/index", "").replace("/", "-").replace("_", "-")
    return f"{stem}-{old[:8]}-{new[:8]}"


def write(fixtures: Path, out: Path) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        clones: dict[str, Path] = {}
        for origin, path, old, new, shows in PAIRS:
            if origin.bundle not in clones:
                clone = Path(temporary) / origin.bundle
                subprocess.run(
                    ["git", "clone", "-q", str(fixtures / origin.bundle), str(clone)], check=True
                )
                clones[origin.bundle] = clone
            clone = clones[origin.bundle]
            old_id, new_id = (_git(clone, "rev-parse", c).strip() for c in (old, new))
            folder = out / _name(path, old_id, new_id)
            folder.mkdir(parents=True, exist_ok=True)
            for name, commit in (("old.md", old_id), ("new.md", new_id)):
                blob = subprocess.run(
                    ["git", "-C", str(clone), "show", f"{commit}:{path}"],
                    capture_output=True,
                    check=True,
                ).stdout
                (folder / name).write_bytes(blob)
            rows.append(
                f"| `{folder.name}` | {origin.name} ({origin.url}), `{path}` "
                f"| `{old_id}` | `{new_id}` | {origin.licence} | {shows} |"
            )
    readme = [
        "# Redline corpus: real revision pairs",
        "",
        "Each folder holds one policy file at two consecutive first-parent commits of a public",
        "repository, as git has them: `old.md` and `new.md`. Written by",
        "`scripts/redline_corpus.py` from the bundles in `../shared/fixtures/`; the texts are",
        "the copyright of their owners, under the licence named. `tests/redline/test_corpus.py`",
        "checks each pair's redline, and `nox -s bench` counts its marked words against",
        "`git diff --word-diff`.",
        "",
        "| folder | from | old commit | new commit | licence | shows |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    (out / "README.md").write_text("\n".join(readme), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT.parent / "shared" / "fixtures")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "redline" / "corpus")
    arguments = parser.parse_args()
    write(arguments.fixtures, arguments.out)


if __name__ == "__main__":
    main()
