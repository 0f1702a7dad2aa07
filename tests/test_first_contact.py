"""What a newcomer meets: the README's quick start run as written, and the package as users
get it (built, checked as PyPI checks it, installed into a clean venv, building a site).

Both install policydocs and its dependencies into new virtual environments from the package
index, as a user does, so they take a minute or two each.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from policydocs import __version__

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: A newcomer's git knows who they are.
IDENTITY = {
    "GIT_AUTHOR_NAME": "New User",
    "GIT_AUTHOR_EMAIL": "new@example.net",
    "GIT_COMMITTER_NAME": "New User",
    "GIT_COMMITTER_EMAIL": "new@example.net",
}


def checkout_copy(folder: Path) -> Path:
    """This repository's files as a clone would have them (committed or not, without what
    .gitignore leaves out), so the tests write nothing into the checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return folder


def quick_start() -> list[str]:
    block = README.split("<!-- quick-start:", 1)[1].split("```sh\n", 1)[1]
    return block.split("```", 1)[0].strip().splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
        return body.decode()


def test_the_readme_quick_start_works_as_written(tmp_path: Path) -> None:
    """Every line of the quick start, in a shell, in a copy of this repository, with a new
    home folder; the last (`mkdocs serve`) is given a free port and asked for the pages."""
    *setup, serve = quick_start()
    assert serve.split("#")[0].strip() == "mkdocs serve"
    repository = checkout_copy(tmp_path / "policydocs")
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    script = "\n".join(["set -euo pipefail", *setup, f"exec mkdocs serve -a 127.0.0.1:{port}"])
    log = tmp_path / "quick-start.log"
    env = {**os.environ, **IDENTITY, "HOME": str(home)}
    env.pop("VIRTUAL_ENV", None)
    with log.open("wb") as output:
        shell = subprocess.Popen(
            ["bash", "-c", script],
            cwd=repository,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        home_page = None
        deadline = time.monotonic() + 600
        while home_page is None and time.monotonic() < deadline:
            if shell.poll() is not None:
                pytest.fail(f"the quick start stopped:\n{log.read_text()}")
            try:
                home_page = fetch(f"http://127.0.0.1:{port}/")
            except OSError:
                time.sleep(1)
        assert home_page is not None, log.read_text()
        assert "Terms of Service" in home_page
        policy = fetch(f"http://127.0.0.1:{port}/terms-of-service/")
        assert "Terms of Service" in policy and "pd-status" in policy
    finally:
        os.killpg(shell.pid, signal.SIGTERM)
        shell.wait(timeout=30)
    site = tmp_path / "legal-site"
    venv = home / ".venvs/policydocs/bin"
    built = subprocess.run(
        [str(venv / "mkdocs"), "build", "--strict"], cwd=site, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    assert (site / "site/terms-of-service/history/index.html").is_file()


def test_the_package_installs_into_a_clean_venv_and_builds_a_site(tmp_path: Path) -> None:
    repository = checkout_copy(tmp_path / "policydocs")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(repository)],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    assert wheel.name == f"policydocs-{__version__}-py3-none-any.whl"
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = Parser().parsestr(
            archive.read(f"policydocs-{__version__}.dist-info/METADATA").decode()
        )
    assert f"policydocs-{__version__}.dist-info/licenses/LICENSE" in names
    for shipped in (
        "policydocs/py.typed",
        "policydocs/starter/gitignore",
        "policydocs/starter/github/workflows/publish.yml",
        "policydocs/templates/policydocs/changes.html",
        "policydocs/assets/changes.js",
    ):
        assert shipped in names, shipped
    assert metadata["License-Expression"] == "MIT"
    required = {
        re.split(r"[ ;<>=!~\[]", line, maxsplit=1)[0] for line in metadata.get_all("Requires-Dist")
    }
    assert {"lxml", "markupsafe", "tzdata", "mkdocs", "mkdocs-material"} <= required

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr
    for command in (["policydocs"], ["python", "-m", "policydocs"]):
        version = subprocess.run(
            [str(venv / "bin" / command[0]), *command[1:], "--version"],
            capture_output=True,
            text=True,
        )
        assert version.stdout == f"policydocs {__version__}\n", version.stderr
    env = {**os.environ, **IDENTITY, "NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "site"
    for step in (
        [str(venv / "bin/policydocs"), "init", str(site)],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "Start the policy site"],
        [str(venv / "bin/mkdocs"), "build", "--strict"],
    ):
        site.mkdir(exist_ok=True)
        done = subprocess.run(step, cwd=site, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    assert (site / "site/terms-of-service/index.html").is_file()
    assert (site / "site/versions.json").is_file()
