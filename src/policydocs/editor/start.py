"""`policydocs init`: what a new policy site needs, in a new or existing git repository.

The files come from the package's `starter/` folder (stored without their leading dots,
which packaging tools drop). This project's own workflows are the starter's, installing
policydocs from the checkout; a test keeps them equal.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from importlib.resources import files
from pathlib import Path

from policydocs import __version__
from policydocs.core.errors import PolicyError
from policydocs.editor.new import new_policy

#: The site_url `init` writes: `policydocs check` warns while mkdocs.yml still has it.
SITE_URL_PLACEHOLDER = "https://policies.example.org/"
#: What a site's workflows install when policydocs came from a package index: this
#: release, so that a site builds the same until its maintainers choose to upgrade.
RELEASE = f"policydocs=={__version__}"
#: Each starter file and where it goes in the site's repository.
STARTER = {
    "mkdocs.yml": "mkdocs.yml",
    "docs/index.md": "docs/index.md",
    "gitignore": ".gitignore",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
    "github/workflows/pull-request.yml": ".github/workflows/pull-request.yml",
    "github/pull_request_template.md": ".github/pull_request_template.md",
}
EXAMPLE_POLICY = "terms-of-service"


@dataclass
class Started:
    folder: Path
    written: list[str] = field(default_factory=list)
    #: Files that were there already: never overwritten.
    kept: list[str] = field(default_factory=list)
    #: Whether a git repository was made (the folder was not in one).
    made_repository: bool = False
    #: What the workflows install (see `installed_requirement`).
    requirement: str = RELEASE
    #: Whether CI can install that as it is (not when policydocs came from a local folder).
    requirement_portable: bool = True


def installed_requirement() -> tuple[str, bool]:
    """What CI should install to get the policydocs running now, and whether it can."""
    try:
        origin = distribution("policydocs").read_text("direct_url.json")
    except PackageNotFoundError:
        origin = None
    return requirement_from(origin)


def requirement_from(direct_url: str | None) -> tuple[str, bool]:
    """From how policydocs was installed (PEP 610's direct_url.json, None from an index):
    the same commit of the same repository when it came from git, this release otherwise;
    and False when it came from this machine's disk, which CI cannot reach."""
    if not direct_url:
        return RELEASE, True
    origin = json.loads(direct_url)
    url = str(origin.get("url", ""))
    if url.startswith("file:"):
        return RELEASE, False
    vcs = origin.get("vcs_info", {})
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"policydocs @ git+{url}@{vcs['commit_id']}", True
    return f"policydocs @ {url}", True


def starter_file(name: str, requirement: str = RELEASE) -> str:
    """A starter file's text as `init` writes it; `requirement`: what the workflows
    install (this project's own install from the checkout)."""
    text = files("policydocs").joinpath("starter", name).read_text(encoding="utf-8")
    return text.replace("@REQUIREMENT@", requirement).replace("@SITE_URL@", SITE_URL_PLACEHOLDER)


def start_site(folder: Path) -> Started:
    """Write what is missing of a site into `folder` (made if need be), in a git repository
    (made, with the branch `main` the publish workflow deploys, if the folder is in none)."""
    folder.mkdir(parents=True, exist_ok=True)
    requirement, portable = installed_requirement()
    started = Started(folder, requirement=requirement, requirement_portable=portable)
    if not _in_repository(folder):
        _git(folder, "init", "-q", "-b", "main")
        started.made_repository = True
    for name, target in STARTER.items():
        path = folder / target
        if path.exists():
            started.kept.append(target)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(starter_file(name, requirement), encoding="utf-8")
        started.written.append(target)
    policies = folder / "policies"
    if policies.is_dir() and any(policies.iterdir()):
        started.kept.append("policies/")
    else:
        policy = new_policy(policies, EXAMPLE_POLICY, "Terms of Service")
        started.written.append(policy.relative_to(folder).as_posix())
    return started


def _in_repository(folder: Path) -> bool:
    result = _git(folder, "rev-parse", "--is-inside-work-tree", check=False)
    return result.returncode == 0 and result.stdout.strip() == "true"


def _git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise PolicyError("git is not installed: policydocs publishes a git history") from exc
    if check and result.returncode != 0:
        raise PolicyError(f"{folder}: git {' '.join(args)} failed: {result.stderr.strip()}")
    return result
