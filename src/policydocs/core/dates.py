"""The years a site can date: effective dates, commit dates and the "as of" moment all
fall within them."""

from __future__ import annotations

from datetime import UTC, datetime

#: The years a date on the site may fall in (effective dates, commit dates): further out,
#: moving a moment to another time zone leaves the calendar Python can hold.
YEARS = (1900, 9998)


def in_range(moment: datetime) -> bool:
    """Whether a moment (with its offset) falls within `YEARS`, in any time zone."""
    first, last = YEARS
    try:
        return first <= moment.astimezone(UTC).year <= last
    except (OverflowError, ValueError):
        return False
