"""An on-disk cache of redlines, so a rebuild computes only pairs it has not seen.

Keyed by the two texts' git blob ids and the redline engine's version: the same blobs
always give the same redline, and a new engine version never reads an old entry. The cache
is optional and safe to delete; an unreadable entry is recomputed, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .redline import ENGINE_VERSION, Redline, redline


class RedlineCache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get(self, old_blob: str, new_blob: str, old_text: str, new_text: str) -> Redline:
        path = self._path(old_blob, new_blob)
        if path is not None and path.is_file():
            try:
                result = Redline.from_json(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a damaged entry: compute it again below
            else:
                self.hits += 1
                return result
        self.misses += 1
        result = redline(old_text, new_text)
        if path is not None:
            _write_atomically(path, result.to_json())
        return result

    def _path(self, old_blob: str, new_blob: str) -> Path | None:
        if self.folder is None or not old_blob or not new_blob:
            return None
        key = hashlib.sha256(f"{ENGINE_VERSION}:{old_blob}:{new_blob}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"


def _write_atomically(path: Path, text: str) -> None:
    """Two builds running at once must never read a half-written entry."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only or full disk only costs speed
