"""The spill file (`policydocs.core.spill`): what is kept comes back whole or not at all,
in a file no other process can name, gone once closed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policydocs.core.errors import PolicyError
from policydocs.core.spill import Spill


def test_entries_come_back_as_kept_in_any_order(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "cache")
    texts = [b"", "Fran\u00e7ais \u2014 \U0001f600".encode(), os.urandom(3 << 20), b"last"]
    kept = [spill.keep(text) for text in texts]
    for n in (2, 0, 3, 1, 2):
        assert spill.take(kept[n]) == texts[n]
    spill.close()


def test_the_file_has_no_name_and_is_gone_once_closed(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    kept = spill.keep(b"a rendered page")
    assert list(tmp_path.iterdir()) == []  # nothing another build, or a sweep, could find
    spill.close()
    assert spill.take(kept) is None


def test_an_entry_changed_or_cut_short_is_not_returned(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    first, second = spill.keep(b"first page " * 100), spill.keep(b"second page " * 100)
    assert spill._file is not None
    fd = spill._file.fileno()
    os.pwrite(fd, b"X", first.offset + 5)  # written over
    assert spill.take(first) is None
    assert spill.take(second) == b"second page " * 100
    os.ftruncate(fd, second.offset + 10)  # cut short
    assert spill.take(second) is None
    spill.close()


def test_a_folder_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PolicyError, match="cache/inner: cannot keep generated pages there"):
        Spill(blocker / "inner").keep(b"page")
