"""Real pages in a real browser: Debian's Chromium driven by Playwright, on loopback only."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    # Loopback only: any other host fails to resolve at once. Without this a page that asks
    # for an outside resource (Material's Google Fonts stylesheet, say) waits on a network
    # that CI does not have, and the page's body arrives seconds later or not at all.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("browser tests need Debian's chromium: apt-get install chromium")
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


ROOT = Path(__file__).resolve().parents[2]
#: Screenshots and PDFs of the pages the tests visit: looked at by people, never committed.
ARTIFACTS = Path(os.environ.get("POLICYDOCS_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
#: The example site's statuses depend on the day; the tests read it as on this one.
EXAMPLE_AS_OF = "2026-11-22"


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This repository's own example site, built from its git history and served."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = tmp_path_factory.mktemp("example") / "site"
    config = load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(site))
    config.plugins["policydocs"].config.as_of = EXAMPLE_AS_OF
    mkdocs_build(config)
    yield from serve(site)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
