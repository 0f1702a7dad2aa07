from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from policydocs.builder import run
from policydocs.core.settings import Settings, resolve_as_of

from .gitrepo import GitRepo

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def policydocs(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The `policydocs` command, run in `cwd` as a user runs it (with `env` added)."""
    return subprocess.run(
        [sys.executable, "-m", "policydocs", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


def load(repo: GitRepo, as_of: str = "2030-01-01", **options: object) -> run.Site:
    """Run the engine on a repository, as the plugin would (no MkDocs involved)."""
    settings = Settings(
        policies_dir=repo.path / "policies",
        as_of=resolve_as_of(as_of, UTC),
        **options,  # type: ignore[arg-type]
    )
    return run.build(settings)


def build_site(
    repo: GitRepo,
    plugin_options: dict | None = None,
    *,
    strict: bool = True,
    command: str = "build",
    dirty: bool = False,
    **extra: object,
) -> Path:
    """A real, in-process MkDocs build of the repository, with the startup and shutdown
    events the `mkdocs` command sends (`command="serve"` for what `mkdocs serve` builds;
    `dirty` as `mkdocs build --dirty`); returns the site folder."""
    options = {"as_of": "2030-01-01", **(plugin_options or {})}
    config_file = repo.mkdocs_yml(options, **extra)
    config = load_config(str(config_file), strict=strict, site_dir=str(repo.path / "site"))
    config.plugins.on_startup(command=command, dirty=dirty)
    try:
        mkdocs_build(config, dirty=dirty)
    finally:
        config.plugins.on_shutdown()
    return repo.path / "site"


@pytest.fixture
def mkdocs_errors(caplog: pytest.LogCaptureFixture):
    """The ERROR lines MkDocs logged (a failing plugin logs its message, then aborts)."""
    caplog.set_level(logging.WARNING)

    def errors() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]

    return errors
