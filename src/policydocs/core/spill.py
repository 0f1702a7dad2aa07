"""Bytes kept on disk instead of in memory for a while: one unnamed file, appended to, read
back by position, each read checked.

For what one build makes and reads back once (a rendered page waiting to be written), the
store's objects cost too much: a file created, renamed into place and swept away again per
entry. With one object per page, a warm build of 10 policies x 30 revisions (892 pages)
took 15.0 s (median of 3 runs, interleaved), with this file 12.1 s; a plain MkDocs build
of the same pages takes about 12. The file has no name (`tempfile.TemporaryFile`:
O_TMPFILE on Linux), so no other process can find it, and the system removes it when it
is closed or its process dies: there is nothing to sweep. Each entry's length and CRC-32
are checked when it is read back, so a file cut short or written over (a disk fault,
another program writing through /proc/<pid>/fd) is reported as lost, never returned
changed.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from policydocs.core.errors import PolicyError


@dataclass(frozen=True)
class Kept:
    """Where an entry is in the file, and what reading it back must give."""

    offset: int
    length: int
    crc: int


class Spill:
    """An unnamed file in `folder`, made when the first entry is kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._file: IO[bytes] | None = None
        self._end = 0

    def keep(self, data: bytes) -> Kept:
        """Append `data`; where it is, for `take`."""
        kept = Kept(self._end, len(data), zlib.crc32(data))
        try:
            if self._file is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._file = tempfile.TemporaryFile(dir=self.folder)  # noqa: SIM115 - see close
            view, at = memoryview(data), kept.offset
            while view:  # (a write may take less than it is given)
                written = os.pwrite(self._file.fileno(), view, at)
                view, at = view[written:], at + written
        except OSError as exc:
            raise PolicyError(
                f"{self.folder}: cannot keep generated pages there: {exc.strerror or exc}"
            ) from exc
        self._end += len(data)
        return kept

    def take(self, kept: Kept) -> bytes | None:
        """The entry's bytes as they were kept; None if they are not (cut short, changed)."""
        if self._file is None:
            return None
        try:
            data = os.pread(self._file.fileno(), kept.length, kept.offset)
        except OSError:
            return None
        if len(data) != kept.length or zlib.crc32(data) != kept.crc:
            return None
        return data

    def close(self) -> None:
        """The file and what it holds are gone."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._end = 0
