"""Pure flattening of episodes into rows for CSV, templates and scripts."""

from __future__ import annotations

import string
from collections.abc import Set
from typing import Any

from catalog.core.errors import UsageError
from catalog.core.normalize import HOST_ROLES, clean_line

COLUMNS = ("id", "date", "show", "title", "duration", "hosts", "guests", "mentions", "guid",
           "link", "enclosure", "summary", "published")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def names(credits: list[dict[str, Any]], roles: Set[str]) -> str:
    """'; '-separated names of the credits with one of `roles`, in order, once each."""
    out: list[str] = []
    for credit in credits:
        if credit.get("role") in roles and credit.get("name") not in out:
            out.append(credit["name"])
    return "; ".join(out)


def episode_row(ep: dict[str, Any], show_title: str = "") -> dict[str, str]:
    """One flat row per episode: plain strings, credits joined with '; '."""
    enclosures = ep.get("enclosures") or []
    duration = ep.get("duration")
    return {
        "id": ep["id"],
        "date": (ep.get("published") or "")[:10],
        "show": show_title,
        "title": ep.get("title") or "",
        "duration": str(round(duration)) if isinstance(duration, int | float) else "",
        "hosts": names(ep.get("credits") or [], HOST_ROLES),
        "guests": names(ep.get("credits") or [], {"guest"}),
        "mentions": "; ".join(ep.get("mentions") or []),
        "guid": ep.get("guid") or "",
        "link": ep.get("link") or "",
        "enclosure": enclosures[0]["url"] if enclosures else "",
        "summary": ep.get("summary_id") or "",
        "published": ep.get("published") or "",
    }


def csv_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (OWASP CSV injection).

    >>> csv_safe("=HYPERLINK(\\"x\\")"), csv_safe("-5"), csv_safe("plain")
    ('\\'=HYPERLINK("x")', "'-5", 'plain')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def check_template(template: str) -> None:
    """Refuse a --format template that names an unknown field (before printing anything)."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise UsageError(f"bad --format template {template!r}: {exc}") from None
    if "" in fields:
        raise UsageError(f"empty field '{{}}' in --format (fields: {', '.join(COLUMNS)})")
    unknown = [f for f in fields if f not in COLUMNS]
    if unknown:
        raise UsageError(f"unknown field {unknown[0]!r} in --format (fields: {', '.join(COLUMNS)})")
    try:
        template.format_map(dict.fromkeys(COLUMNS, ""))
    except (KeyError, ValueError, IndexError, AttributeError, TypeError) as exc:
        raise UsageError(f"bad --format template {template!r}: {exc}") from None


def render_template(template: str, row: dict[str, str]) -> str:
    """A row through a `str.format` template, every value made safe for a terminal line."""
    return template.format_map({k: clean_line(v) for k, v in row.items()})
