"""Developer tasks. `nox -s lint tests browser` is what CI runs (see .ci/run, README)."""

from __future__ import annotations

import ctypes.util
import os
import shutil

import nox

nox.options.sessions = ["lint", "tests", "browser"]
nox.options.reuse_existing_virtualenvs = True

#: Types of the libraries that ship none (for mypy in the lint session).
TYPE_STUBS = ("types-PyYAML", "types-Markdown", "lxml-stubs", "types-cachetools")

#: Material 9.7+ prints a MkDocs 2.0 notice on every run; it is not about this project.
QUIET = {"NO_MKDOCS_2_WARNING": "1"}


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite: real git repositories, real MkDocs builds (and PDFs, made
    with WeasyPrint, which needs the Pango system library)."""
    _apt(
        session,
        ctypes.util.find_library("pango-1.0") is None,
        ("libpango-1.0-0", "libpangoft2-1.0-0"),
        "WeasyPrint's Pango",
    )
    session.install("-e", ".[test]")
    session.run("pytest", "--ignore=tests/browser", *session.posargs, env=QUIET)


@nox.session
def browser(session: nox.Session) -> None:
    """Pages in a real browser: Debian's chromium driven by Playwright (no browser download)."""
    missing = not (os.environ.get("CHROMIUM") or shutil.which("chromium"))
    _apt(session, missing, ("chromium",), "Debian's chromium")
    # axe-playwright-python: axe-core's axe.min.js from PyPI (no npm needed), pinned.
    session.install("-e", ".[test]", "playwright", "axe-playwright-python==0.1.8")
    session.run("pytest", "tests/browser", *session.posargs, env=QUIET)


def _apt(session: nox.Session, missing: bool, packages: tuple[str, ...], what: str) -> None:
    """System packages a session needs that pip cannot install: installed when missing
    (as root, as on CI), else an error saying how."""
    if not missing:
        return
    if os.geteuid() != 0:
        session.error(f"install {what} first: sudo apt-get install {' '.join(packages)}")
    session.run("apt-get", "update", "-qq", external=True)
    session.run("apt-get", "install", "-y", "-qq", *packages, external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """Style (ruff), types (mypy --strict on src/) and the layers (import-linter contracts
    in pyproject.toml; ARCHITECTURE.md says why each layer imports only those below)."""
    session.install("-e", ".", "ruff", "mypy", "import-linter", *TYPE_STUBS)
    session.run("ruff", "check", "src", "tests", "scripts", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "scripts", "noxfile.py")
    session.run("mypy")
    session.run("lint-imports")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the example site (this repository's policies) into site/, strictly."""
    session.install("-e", ".")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=QUIET)


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the example site on http://127.0.0.1:8000/ (live reload on edits; a save
    renders only what it changed: see the README's editor workflow)."""
    session.install("-e", ".")
    # --livereload: works around Click 8.2+/8.3 disabling live reload (mkdocs issue #4032).
    session.run("mkdocs", "serve", "--livereload", "--dirty", *session.posargs, env=QUIET)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks; figures are ratios against a baseline measured in the same run."""
    # redlines: a baseline the redline bench compares (0.6 imports typing_extensions
    # without declaring it)
    session.install("-e", ".", "redlines", "typing_extensions")
    session.run("python", "scripts/bench.py", *session.posargs, env=QUIET)
