"""What a build holds at once. A long history's texts are most of it: 2 policies x 1,000
revisions of 200 KB are 400 MB each time every text is held, so each is held once (by
its version) and everything made from one is let go once it is stored."""

from __future__ import annotations

import tracemalloc
from datetime import UTC
from pathlib import Path

from policydocs.builder.run import Run
from policydocs.core.settings import Settings, resolve_as_of
from policydocs.core.store import Store

from ..gitrepo import GitRepo
from ..histories import long_texts


def test_pages_are_stored_one_at_a_time_not_held_together(tmp_path: Path) -> None:
    repo = long_texts(GitRepo(tmp_path / "repo"), 16)
    settings = Settings(repo.path / "policies", resolve_as_of("2030-01-01", UTC))
    store = Store(tmp_path / "store")
    Run(settings, None, False, 0, store).close()  # (what is loaded once is not counted)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        # (no workers: the changes and comparison pages are made only when read)
        run = Run(settings, None, False, 0, store)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    run.close()
    texts = sum(len(version.body) for version in run.catalog.get("tos").versions)
    assert texts > 16 * 100_000
    assert peak < 1.5 * texts
