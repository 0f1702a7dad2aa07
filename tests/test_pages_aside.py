"""Generated pages wait on disk, not in memory, between MkDocs reading and writing
them (see `policydocs.mkdocs_aside`): what other plugins see of them, and a page whose
HTML was lost meanwhile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from .conftest import build_site
from .gitrepo import GitRepo

#: A site's hook (a plugin of priority 0): it marks every page's HTML and Markdown as
#: other plugins change them, and records what each page holds once every page is read,
#: and when its template is about to be rendered.
PROBE = """
import json
from pathlib import Path

seen = {"read": {}, "built": {}}

def on_page_markdown(markdown, page, config, files):
    return markdown + "\\n\\nMARKDOWN-ADDED-BY-A-HOOK\\n"

def on_page_content(html, page, config, files):
    return html + "<p>HTML-ADDED-BY-A-HOOK</p>"

def on_env(env, config, files):
    for file in files.documentation_pages():
        page = file.page
        seen["read"][file.src_uri] = [len(page.markdown or ""), len(page.content or "")]
    return env

def on_page_context(context, page, config, nav):
    seen["built"][page.file.src_uri] = [
        "MARKDOWN-ADDED-BY-A-HOOK" in (page.markdown or ""),
        "HTML-ADDED-BY-A-HOOK" in (page.content or ""),
        "The second text." in (page.content or ""),
    ]
    return context

def on_post_build(config):
    Path(config.config_file_path).with_name("seen.json").write_text(json.dumps(seen))
"""

#: A hook that, once every page is read, cuts short the unnamed file they wait in (another
#: program could, through /proc/<pid>/fd; a full or failing disk could lose its end).
CUT_THE_SPILL_SHORT = """
import os

def on_env(env, config, files):
    cache = os.path.join(os.path.dirname(config.config_file_path), ".cache", "policydocs")
    cut = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(cache + "/") and target.endswith("(deleted)"):
            os.ftruncate(int(fd), os.fstat(int(fd)).st_size // 2)
            cut += 1
    assert cut == 1, cut
    return env
"""


def _two_versions(repo: GitRepo) -> None:
    repo.revise("terms", "# Terms\n\nThe first text.\n", "2024-01-01T09:00:00+00:00")
    repo.revise("terms", "# Terms\n\nThe second text.\n", "2024-02-01T09:00:00+00:00")


def test_generated_pages_are_held_only_while_they_are_written(repo: GitRepo) -> None:
    _two_versions(repo)
    repo.write("probe.py", PROBE)
    site = build_site(repo, hooks=["probe.py"])
    seen = json.loads((repo.path / "seen.json").read_text())
    generated = [src for src in seen["read"] if src != "index.md"]
    assert "terms/2024-02-01/changes/index.md" in generated and "terms.md" in generated
    # Once every page is read: the site's own page whole, every generated one let go.
    assert all(length > 0 for length in seen["read"]["index.md"])
    assert {src: seen["read"][src] for src in generated} == {src: [0, 0] for src in generated}
    # Before its template is rendered, each has its Markdown and HTML back, with what
    # other plugins made of them.
    assert seen["built"]["terms.md"] == [True, True, True]
    assert all(seen["built"][src][:2] == [True, True] for src in generated)
    page = (site / "terms/index.html").read_text()
    assert "The second text." in page and "HTML-ADDED-BY-A-HOOK" in page


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the file in /proc")
def test_a_page_lost_on_disk_before_it_is_written_stops_the_build(
    repo: GitRepo, mkdocs_errors
) -> None:
    _two_versions(repo)
    repo.write("lose.py", CUT_THE_SPILL_SHORT)
    with pytest.raises(Abort):
        build_site(repo, hooks=["lose.py"])
    [message] = [m for m in mkdocs_errors() if m.startswith("policydocs:")]
    assert "was cut short or changed before it was written" in message
    assert "nothing of it was published" in message
    lost = Path(message.split(":")[1].strip())  # "policydocs: <page>: ..."
    assert lost.parts[0] in ("terms", "terms.md")
    folder = lost.parent if lost.name == "index.md" else lost.with_suffix("")
    assert not (repo.path / "site" / folder / "index.html").exists()
