"""`policydocs new`: a policy file whose front matter is valid from the start."""

from __future__ import annotations

from pathlib import Path

from policydocs.core.errors import PolicyError, shown
from policydocs.history.model import is_segment
from policydocs.site.outputs import Label, check_files
from policydocs.site.urls import UrlScheme

#: The template's body begins with this: `policydocs check` refuses a file that still has
#: it, so a template is never merged and published as a policy.
PLACEHOLDER = "Write the policy here"
TEMPLATE = f"""\
---
title: {{title}}
# effective: YYYY-MM-DD   (the day it takes effect; without it, the day it is merged)
summary: First publication of our {{title}}.
---

{PLACEHOLDER}, starting with its text: the title above is its heading. To link
to another policy, link to its file in this folder (its name ending in .md).
"""


def new_policy(
    folder: Path, policy_id: str, title: str | None = None, urls: UrlScheme | None = None
) -> Path:
    """A new policy file in `folder`, unless its id cannot be a URL, or its pages would
    clash with the site's files or another policy's (as the build would find)."""
    if not is_segment(policy_id):
        raise PolicyError(
            f"{shown(policy_id)} cannot be a policy id: it becomes the URL, so use letters, "
            "digits, '.', '_' or '-', not starting with '.' (for example 'cookie-policy')"
        )
    path = folder / f"{policy_id}.md"
    if path.exists():
        raise PolicyError(f"{path}: already exists; edit it instead")
    others: list[tuple[str, str, list[Label]]] = [
        (other.stem, str(other), []) for other in sorted(folder.glob("*.md"))
    ]
    found = check_files(urls or UrlScheme(), [*others, (policy_id, str(path), [])])
    clashes = [problem for problem in found.errors if problem.path == str(path)]
    if clashes:
        raise PolicyError(clashes)
    folder.mkdir(parents=True, exist_ok=True)
    title = title or policy_id.replace("-", " ").replace("_", " ").title()
    path.write_text(TEMPLATE.format(title=title.replace("\n", " ")), encoding="utf-8")
    return path
