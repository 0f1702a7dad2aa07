"""The store's writes: each goes to a partial file of its own, never to one that exists."""

from __future__ import annotations

import os
from pathlib import Path

from policydocs.core import store as store_module
from policydocs.core.store import OBJECTS, PARTIAL_SUFFIX, Store


def test_a_partial_file_left_under_the_next_name_is_passed_over(tmp_path: Path) -> None:
    """A killed process of the same id may have left partial files under the very names
    this one picks next: they are neither written into nor published."""
    store = Store(tmp_path / "cache")
    (tmp_path / "cache" / OBJECTS).mkdir(parents=True)
    upcoming = next(store_module._NUMBERS) + 1
    left = [
        tmp_path / "cache" / OBJECTS / f"{os.getpid()}-{upcoming + n}{PARTIAL_SUFFIX}"
        for n in range(3)
    ]
    for path in left:
        path.write_bytes(b"left by a killed build")

    digest = store.put(b"the text as committed\n")
    published = tmp_path / "site" / "terms" / "index.md"
    assert store.copy(digest, published)

    assert store.read(digest) == b"the text as committed\n"
    assert published.read_bytes() == b"the text as committed\n"
    assert [path.read_bytes() for path in left] == [b"left by a killed build"] * 3
    assert not list(published.parent.glob(f"*{PARTIAL_SUFFIX}"))
