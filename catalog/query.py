"""Pure episode filtering and sorting for `list` (the full query language builds on this)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from catalog.errors import UsageError
from catalog.normalize import fold

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def date_bound(text: str, *, end: bool) -> str:
    """An ISO timestamp bound from `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (inclusive at both ends).

    >>> date_bound("2017-05", end=False), date_bound("2017-05", end=True)
    ('2017-05-01T00:00:00Z', '2017-05-31T23:59:59Z')
    """
    match = _DATE_RE.match(text.strip())
    if not match:
        raise UsageError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    try:
        if match.group(3):
            day = int(match.group(3))
        elif end:
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            day = (nxt - date(year, month, 1)).days
        else:
            day = 1
        value = date(year, month, day)
    except ValueError:
        raise UsageError(f"bad date {text!r}: no such day") from None
    return value.isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")


@dataclass(frozen=True)
class EpisodeFilter:
    """Simple filters: shows (ids), a date range, and words to find."""

    show_ids: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None

    def matches(self, ep: dict[str, Any]) -> bool:
        """True if the episode passes every filter that is set."""
        if self.show_ids is not None and ep.get("show_id") not in self.show_ids:
            return False
        published = ep.get("published")
        if self.since and (not published or published < self.since):
            return False
        if self.until and (not published or published > self.until):
            return False
        if self.search:
            haystack = fold(" ".join([ep.get("title") or "", ep.get("description") or ""]))
            if not all(word in haystack for word in fold(self.search).split()):
                return False
        return True


def newest_first(episodes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Episodes sorted by date, newest first; undated ones last, then by title."""
    eps = list(episodes)
    eps.sort(key=lambda e: (e.get("title") or "").casefold())
    eps.sort(key=lambda e: e.get("published") or "", reverse=True)
    return eps
