"""Pure flattening of episodes into rows for CSV, templates and scripts."""

from __future__ import annotations

import string
from collections.abc import Set
from typing import Any

from catalog.core.errors import UsageError
from catalog.core.normalize import HOST_ROLES, clean_line, fmt_duration

COLUMNS = ("id", "date", "show", "title", "duration", "hosts", "guests", "mentions", "guid",
           "link", "enclosure", "summary", "published")  # fmt: skip
# --format fields: the columns, with the duration as the table shows it (1:02:03), and the
# raw seconds as duration_s.
TEMPLATE_FIELDS = (*COLUMNS, "duration_s")
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


def template_row(ep: dict[str, Any], show_title: str = "") -> dict[str, str]:
    """The fields of a --format template: `episode_row`, with `duration` as H:MM:SS (as the
    table shows it) and `duration_s` the seconds."""
    row = episode_row(ep, show_title)
    row["duration_s"] = row["duration"]
    row["duration"] = fmt_duration(ep.get("duration"))
    return row


def check_template(template: str) -> None:
    """Refuse a --format template with an unknown field or a bad format spec, naming it
    (before printing anything). Python format specs work: `{title:>40}`, `{title:.20}`."""
    fields = ", ".join(TEMPLATE_FIELDS)
    try:
        parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template)
                  if f is not None]  # fmt: skip
    except ValueError as exc:
        raise UsageError(f"bad --format template {template!r}: {exc}") from None
    for field, spec, conversion in parsed:
        if field == "":
            raise UsageError(f"empty field '{{}}' in --format (fields: {fields})")
        if field not in TEMPLATE_FIELDS:
            raise UsageError(f"unknown field {field!r} in --format (fields: {fields})")
        bang = f"!{conversion}" if conversion else ""
        one = "{" + field + bang + (f":{spec}" if spec else "") + "}"
        try:
            one.format_map(dict.fromkeys(TEMPLATE_FIELDS, ""))
        except (KeyError, ValueError, IndexError, AttributeError, TypeError) as exc:
            raise UsageError(f"bad format {one!r} in --format: {exc}") from None


def render_template(template: str, row: dict[str, str]) -> str:
    """A row through a `str.format` template, every value made safe for a terminal line."""
    return template.format_map({k: clean_line(v) for k, v in row.items()})
