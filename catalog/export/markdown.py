"""Pure Markdown writer: an episode guide a person would publish (per show, newest first).

Every untrusted string (titles, names, bios, descriptions, summaries) is stripped of control
and bidi characters and has its Markdown syntax escaped, so a feed cannot inject links,
images, HTML or headings; links are only made from http(s) URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

from catalog.core.normalize import HOST_ROLES, clean_block, clean_line, fmt_duration

# Characters with a meaning anywhere in a line (CommonMark, GFM tables/strikethrough,
# GitHub math): escaped with a backslash, which CommonMark allows before any ASCII
# punctuation. `#` is escaped everywhere because a trailing one closes an ATX heading; `&`
# only where it starts an entity reference ("&amp;", "&#60;"), which would be decoded.
_INLINE = re.compile(r"[\\`*_\[\]<>|~#$]|&(?=#?[0-9A-Za-z]+;)")
# Characters that start a block only at the beginning of a line: list items, setext
# underlines, ordered list markers ("1." / "1)").
_LINE_START = re.compile(r"^([-+=])|^(\d{1,9})([.)])", re.MULTILINE)
_PARAGRAPHS = 2


def md_escape(value: object) -> str:
    """One line of untrusted text as literal Markdown.

    >>> md_escape("[x](javascript:alert(1)) *a* <b>\\u202e")
    '\\\\[x\\\\](javascript:alert(1)) \\\\*a\\\\* \\\\<b\\\\>'
    """
    return _escape(clean_line(value))


def md_escape_block(value: object) -> str:
    """Untrusted text with paragraphs as literal Markdown (paragraph breaks kept)."""
    return _escape(clean_block(value))


def _escape(text: str) -> str:
    text = _INLINE.sub(lambda m: "\\" + m.group(), text)
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else rf"{m[2]}\{m[3]}", text)


def md_url(value: object) -> str | None:
    """An http(s) URL made safe as a Markdown link destination, else None.

    >>> md_url("https://example.org/a (b)"), md_url("javascript:alert(1)")
    ('https://example.org/a%20%28b%29', None)
    """
    url = clean_line(value)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def _link(text: str, url: object) -> str:
    """`[text](url)` for an http(s) URL; the escaped text alone otherwise."""
    target = md_url(url)
    return f"[{md_escape(text)}]({target})" if target else md_escape(text)


def _names(credits: Iterable[Mapping[str, Any]], roles: Set[str]) -> list[Mapping[str, Any]]:
    """The credits with one of `roles`, once per name, in order."""
    seen: set[str] = set()
    out: list[Mapping[str, Any]] = []
    for credit in credits:
        name = clean_line(credit.get("name"))
        if credit.get("role") in roles and name and name not in seen:
            seen.add(name)
            out.append(credit)
    return out


def _guest(credit: Mapping[str, Any]) -> str:
    text = _link(clean_line(credit.get("name")), credit.get("href"))
    bio = md_escape(credit.get("bio"))
    return f"{text} ({bio})" if bio else text


def _facts(ep: Mapping[str, Any]) -> str:
    """The line under an episode heading: length, hosts, guests (bio, website), mentions."""
    credits = [c for c in ep.get("credits") or [] if isinstance(c, Mapping)]
    parts: list[str] = []
    length = fmt_duration(ep.get("duration"))
    if length:
        parts.append(f"Length: {length}")
    hosts = _names(credits, HOST_ROLES)
    if hosts:
        parts.append("Hosts: " + ", ".join(md_escape(c.get("name")) for c in hosts))
    guests = _names(credits, {"guest"})
    if guests:
        parts.append("Guests: " + "; ".join(_guest(c) for c in guests))
    mentions = [m for m in map(md_escape, ep.get("mentions") or []) if m]
    if mentions:
        parts.append("Mentioned: " + ", ".join(mentions))
    return " · ".join(parts)


def _excerpt(text: object) -> str:
    """The first paragraphs of a text, escaped, blank-line separated."""
    paragraphs = [p for p in clean_block(text).split("\n\n") if p.strip()]
    return "\n\n".join(_escape(p) for p in paragraphs[:_PARAGRAPHS])


def _newest_first(episodes: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    by_id = sorted(episodes, key=lambda e: str(e.get("id", "")))
    dated = sorted((e for e in by_id if e.get("published")), key=lambda e: str(e["published"]))
    return dated[::-1] + [e for e in by_id if not e.get("published")]


def write_markdown(
    out: TextIO,
    shows: Iterable[Mapping[str, Any]],
    episodes: Iterable[Mapping[str, Any]],
    summaries_by_id: Mapping[str, Mapping[str, Any]],
) -> None:
    """Write an episode guide: per show (by title) `# Title` and its description, then per
    episode, newest first, `## YYYY-MM-DD — Title`, a line with length, hosts, guests (bio,
    website link) and mentions, and the first paragraphs of its summary (else description).

    Shows without any of `episodes` are left out; episodes of a show not in `shows` are
    listed under "Other episodes" rather than dropped.
    """
    show_list = sorted(
        shows, key=lambda s: (clean_line(s.get("title")).casefold(), str(s.get("id", "")))
    )
    known = {str(s.get("id")) for s in show_list}
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for ep in episodes:
        show_id = str(ep.get("show_id"))
        groups.setdefault(show_id if show_id in known else "", []).append(ep)
    sections: list[tuple[str, str, list[Mapping[str, Any]]]] = [
        (md_escape(s.get("title")) or "Untitled show", md_escape_block(s.get("description")),
         groups[str(s.get("id"))])
        for s in show_list
        if str(s.get("id")) in groups
    ]  # fmt: skip
    if "" in groups:
        sections.append(("Other episodes", "", groups[""]))
    blocks: list[str] = []
    for title, description, eps in sections:
        blocks.append(f"# {title}")
        if description:
            blocks.append(description)
        for ep in _newest_first(eps):
            date = str(ep.get("published") or "")[:10] or "Undated"
            blocks.append(f"## {md_escape(date)} — {md_escape(ep.get('title')) or 'Untitled'}")
            facts = _facts(ep)
            if facts:
                blocks.append(facts)
            summary = summaries_by_id.get(str(ep.get("summary_id") or ""))
            text = _excerpt(summary.get("body")) if summary else ""
            text = text or _excerpt(ep.get("description"))
            if text:
                blocks.append(text)
    out.write("\n\n".join(blocks) + "\n" if blocks else "")
