""" "What applied on this day?" on a policy's history page: the policy's periods in force
(`history.model.Period`, worked out by the build's own rules, days in the site's time
zone) written into the page for a small script (`assets/lookup.js`) to answer from.
Without JavaScript the history table's effective dates answer it."""

from __future__ import annotations

import json

from markupsafe import Markup

from policydocs.history.model import Policy
from policydocs.site.switcher import relative
from policydocs.site.urls import UrlScheme


def lookup_data(policy: Policy, urls: UrlScheme, page_url: str) -> Markup:
    """The periods as JSON, safe inside a `<script type="application/json">`: each
    version's label and page (relative to the page at `page_url`), None for a withdrawal,
    and its first and last day (None: still in force)."""
    periods = []
    for period in policy.periods:
        version = period.version
        target = urls.version(version) if version is not None else None
        periods.append(
            {
                "label": version.label if version is not None else None,
                "url": relative(target, page_url) if target is not None else None,
                "first": period.first_day.isoformat(),
                "last": period.last_day.isoformat() if period.last_day else None,
            }
        )
    return Markup(json.dumps(periods).replace("</", "<\\/"))
