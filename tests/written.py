"""What a command wrote: every file under a folder before and after, compared (a build
must write nothing outside its output folder, whatever the history holds)."""

from __future__ import annotations

from pathlib import Path


def snapshot(root: Path) -> dict[Path, bytes]:
    """Every file under `root` (git's own aside) and its bytes."""
    return {
        p.relative_to(root): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def written(root: Path, before: dict[Path, bytes]) -> list[Path]:
    """Files made or changed under `root` since `before`."""
    return sorted(path for path, data in snapshot(root).items() if before.get(path) != data)
