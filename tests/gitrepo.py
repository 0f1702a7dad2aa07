"""Real git repositories with scripted history, for tests and benchmarks.

Every commit gets explicit author and committer dates, so histories (and the sites built
from them) are reproducible; nothing here imitates git, it runs it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

DEFAULT_DATE = "2024-01-15T10:00:00+00:00"


class GitRepo:
    def __init__(self, path: Path):
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Editor")
        self.git("config", "user.email", "editor@example.com")
        self.git("config", "commit.gpgsign", "false")

    @classmethod
    def existing(cls, path: Path) -> GitRepo:
        """Wrap a repository made elsewhere (a clone) without initialising it."""
        repo = cls.__new__(cls)
        repo.path = path
        return repo

    def git(self, *args: str, date: str = DEFAULT_DATE) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        result = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)
        return path

    def policy(self, name: str, body: str = "Text.\n", **front: object) -> Path:
        """Write policies/<name>.md with front matter (title defaults to the name)."""
        front.setdefault("title", name.replace("-", " ").title())
        header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
        return self.write(f"policies/{name}.md", f"---\n{header}---\n\n{body}")

    def revise(self, name: str, body: str, date: str, **front: object) -> str:
        """Write one policy and commit it on its own: one revision at `date`."""
        self.policy(name, body, **front)
        return self.commit(f"revise {name}", date)

    def commit(self, message: str, date: str = DEFAULT_DATE) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def merge(self, branch: str, message: str, date: str) -> str:
        """A pull request merged with a merge commit (`--no-ff`), as GitHub's merge button does."""
        self.git("merge", "-q", "--no-ff", branch, "-m", message, date=date)
        return self.head()

    def mkdocs_yml(
        self,
        plugin_options: dict | None = None,
        *,
        home: str | None = "# Policies\n\nOur legal policies.\n",
        **extra: object,
    ) -> Path:
        """mkdocs.yml with the plugin; `home` is docs/index.md's text (None: no such file)."""
        plugin: object = {"policydocs": plugin_options} if plugin_options else "policydocs"
        config = {
            "site_name": "Example Policies",
            "site_url": "https://policies.example.com/",
            "theme": {"name": "material"},
            "plugins": ["search", plugin],
            **extra,
        }
        index = self.path / "docs/index.md"
        if home is None:
            index.unlink(missing_ok=True)
            (self.path / "docs").mkdir(exist_ok=True)
        else:
            self.write("docs/index.md", home)
        return self.write("mkdocs.yml", yaml.safe_dump(config, sort_keys=False))
