"""What a build left in its cache (see policydocs.store), told apart by content, as a person
debugging the cache would tell them apart: tests look at the files themselves."""

from __future__ import annotations

import re
from pathlib import Path

_RECORD = re.compile(rb"[0-9a-f]{64}\n\{")


def objects(cache: Path) -> list[Path]:
    """Pages' Markdown, feed files and each version's file as committed, each named by
    its SHA-256."""
    return sorted(p for p in cache.glob("objects/??/*") if not p.name.endswith(".tmp"))


def entries(cache: Path) -> dict[Path, bytes]:
    """Keyed entries and what each holds (after its checksum line)."""
    found = {}
    for path in sorted(cache.glob("entries/??/*")):
        if not path.name.endswith(".tmp"):
            found[path] = path.read_bytes().partition(b"\n")[2]
    return found


def pages(cache: Path) -> list[Path]:
    """Objects holding a generated page's Markdown (its front matter is JSON)."""
    return [p for p in objects(cache) if p.read_bytes().startswith(b"---\n{")]


#: How every feed file begins: RSS and Atom, and JSON Feed.
_FEED_STARTS = (b"<?xml", b'{\n  "version": "https://jsonfeed.org/')


def feeds(cache: Path) -> list[Path]:
    return [p for p in objects(cache) if p.read_bytes().startswith(_FEED_STARTS)]


def sources(cache: Path, committed: list[bytes]) -> list[Path]:
    """Objects holding one of the `committed` files (a version's Markdown source)."""
    return [p for p in objects(cache) if p.read_bytes() in committed]


def redlines(cache: Path) -> list[Path]:
    return [p for p, data in entries(cache).items() if data.startswith(b'{"markdown"')]


def page_records(cache: Path) -> list[Path]:
    """What a rebuild reads of a stored changes or comparison page: its Markdown's
    object, then its redline's counts and sections."""
    return [p for p, data in entries(cache).items() if _RECORD.match(data)]


def named(paths: list[Path]) -> set[str]:
    """Each file's name and inode: a file written again gets a new one."""
    return {f"{p.name}@{p.stat().st_ino}" for p in paths}
