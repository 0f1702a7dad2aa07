"""The GitHub workflows cannot run here: their YAML is validated against GitHub's schema
(check-jsonschema ships it), and every command they run is one the suite tests."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def steps(path: Path) -> list[dict]:
    workflow = yaml.safe_load(path.read_text())
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_are_publish_and_pull_request_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["publish.yml", "pull-request.yml"]
    assert (ROOT / ".github/pull_request_template.md").is_file()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_valid_for_github(path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema",
         "vendor.github-workflows", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_checks_out_the_whole_history(path: Path) -> None:
    checkouts = [s for s in steps(path) if s.get("uses", "").startswith("actions/checkout")]
    assert checkouts and all(s["with"]["fetch-depth"] == 0 for s in checkouts)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_policydocs_command_exists(path: Path) -> None:
    commands = [
        shlex.split(line.split(">")[0])
        for step in steps(path)
        for line in step.get("run", "").splitlines()
        if line.strip().startswith("policydocs ")
    ]
    assert commands
    for command in commands:
        result = subprocess.run(
            [sys.executable, "-m", "policydocs.cli", command[1], "--help"],
            capture_output=True, text=True,
        )  # fmt: skip
        assert result.returncode == 0, command
        for option in (word.split("=")[0] for word in command[2:] if word.startswith("--")):
            assert option in result.stdout, (command, option)


def test_publish_checks_builds_strictly_and_rebuilds_daily() -> None:
    publish = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    runs = [s.get("run", "") for s in steps(ROOT / ".github/workflows/publish.yml")]
    assert "policydocs check" in runs and "mkdocs build --strict" in runs
    assert publish[True]["schedule"]  # 'on' is read as True by YAML 1.1


def test_pull_request_puts_the_redline_in_the_summary_and_a_comment() -> None:
    runs = "\n".join(s.get("run", "") for s in steps(ROOT / ".github/workflows/pull-request.yml"))
    assert 'policydocs diff --base "origin/$BASE_REF" > redline.md' in runs
    assert '>> "$GITHUB_STEP_SUMMARY"' in runs
    assert "gh pr comment" in runs
