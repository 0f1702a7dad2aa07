"""Values another site generator filled into a policy's text: Jekyll sites write
`{{ site.email_support }}` and keep the address in their `_config.yml`, which is not part
of the policies' history. A site declares such values in the plugin's `variables` option;
each `{{ name }}` it declares is replaced, wherever a text is shown, by its value. A tag it
does not declare (or one with Liquid filters, `{{ x | upcase }}`) is published as written.

The raw source of a version keeps the committed text: it is the record of what was merged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TAG = re.compile(r"\{\{[ \t]*(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*\}\}")


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """`text` with every declared `{{ name }}` replaced by its value."""
    if not variables or "{{" not in text:
        return text
    return _TAG.sub(lambda match: variables.get(match["name"], match[0]), text)
