"""`policydocs new`: a policy file whose front matter is valid from the start."""

from __future__ import annotations

from pathlib import Path

from .errors import PolicyError
from .frontmatter import LABEL_PATTERN

TEMPLATE = """\
---
title: {title}
# effective: YYYY-MM-DD   (the day it takes effect; without it, the day it is merged)
summary: First publication of our {title}.
---

Write the policy here, starting with its text: the title above is its heading. To link
to another policy, link to its file in this folder (its name ending in .md).
"""


def new_policy(folder: Path, policy_id: str, title: str | None = None) -> Path:
    if not LABEL_PATTERN.match(policy_id):
        raise PolicyError(
            f"{policy_id!r} cannot be a policy id: it becomes the URL, so use letters, digits, "
            "'.', '_' or '-' (for example 'cookie-policy')"
        )
    path = folder / f"{policy_id}.md"
    if path.exists():
        raise PolicyError(f"{path}: already exists; edit it instead")
    folder.mkdir(parents=True, exist_ok=True)
    title = title or policy_id.replace("-", " ").replace("_", " ").title()
    path.write_text(TEMPLATE.format(title=title.replace("\n", " ")), encoding="utf-8")
    return path
