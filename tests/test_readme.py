"""The README tells the truth about what a newcomer types and what can be configured."""

from __future__ import annotations

import re
from pathlib import Path

from policydocs.mkdocs_config import PolicyDocsConfig

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_first_lines_are_the_two_commands_and_ci_runs_the_test_one() -> None:
    serve, suite = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert serve.startswith("python3 -m pip install --upgrade nox && nox -s serve ")
    command = suite.split("#")[0].strip()
    assert command == "python3 -m pip install --upgrade nox && nox -s lint tests browser"
    ci = (ROOT / ".ci/run").read_text()
    assert (
        "python3 -m pip install --quiet --upgrade nox\npython3 -m nox -s lint tests browser" in ci
    )


def test_the_configuration_table_lists_every_option_with_its_default() -> None:
    table = README.split("<!-- options:", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", table, re.MULTILINE)
    documented = {name: default.strip() for name, default in rows}
    assert list(documented) == [name for name, _ in PolicyDocsConfig._schema]
    for name, option in PolicyDocsConfig._schema:
        default = option.default
        if default is None:
            assert documented[name] == "none", name
        elif isinstance(default, bool):
            assert documented[name] == f"`{str(default).lower()}`", name
        elif isinstance(default, list) and default:
            assert documented[name] == f"`[{', '.join(default)}]`", name
        elif default == "" or default == []:
            assert documented[name] == f"`{default!r}`".replace("'", '"'), name
        else:
            assert documented[name] == f"`{default}`", name
