"""Pure parsing of scraped episode pages (text or HTML) into title, dates, body and tags.

The reference shape is a Sputnik radio page: a clock line (the time of the scrape, not the
air date), "Listen Live", the title, "Get short URL", lead and body paragraphs, the credit
sentence, newsletter and social plugs, a tag line of topics and mentioned people, and
"Community standardsDiscussion". Other sites give a title line, an "Aired …" line and prose.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from catalog.normalize import clean_block, clean_line, html_to_text
from catalog.people import fix_glued, tag_people

MONTHS = {
    m: i + 1
    for i, names in enumerate([
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ])
    for m in names
}  # fmt: skip
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MON})\.?,?\s+(?P<y>\d{{4}})", re.I),
    re.compile(rf"(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I),
]
_CLOCK = re.compile(
    rf"^\d{{1,2}}:\d{{2}}\s*(?:GMT|UTC|[A-Z]{{2,4}})?\s*(?P<date>\d{{1,2}}\s+(?:{_MON})\w*\s+\d{{4}})$",
    re.I,
)
_AIRED = re.compile(
    r"\b(?:aired|air date|airdate|broadcast|first broadcast|originally aired|recorded|"
    r"published|released|posted|date)\s*(?:on)?\s*:?\s*",
    re.I,
)
_FURNITURE = {
    "listen live", "get short url", "community standardsdiscussion", "community standards",
    "discussion", "share", "tweet", "menu", "search", "log in", "subscribe", "comments",
    "read more", "print", "email", "related", "most read", "advertisement",
}  # fmt: skip
_PROMO = re.compile(
    r"\b(?:sign up|subscribe|newsletter|telegram|facebook|twitter|instagram|social media|"
    r"follow (?:us|the show)|email us|drop us a line|send us an email|messenger channel|"
    r"keep you (?:up to speed|in the loop)|sound off|share what you think)\b",
    re.I,
)


def parse_date(text: str) -> str | None:
    """The first calendar date in a text, as YYYY-MM-DD.

    >>> parse_date("Aired March 14, 2017"), parse_date("07 March 2021"), parse_date("2017-5-10")
    ('2017-03-14', '2021-03-07', '2017-05-10')
    """
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
        try:
            value = date(int(parts["y"]), month, int(parts["d"])).isoformat()
        except ValueError:
            continue
        if best is None or match.start() < best[0]:
            best = (match.start(), value)
    return best[1] if best else None


def looks_like_html(text: str) -> bool:
    """True for a page that carries HTML markup rather than scraped text."""
    return bool(re.search(r"<(?:html|body|p|div|article|h1|br)\b", text[:5000], re.I))


def _html_parts(page: str) -> tuple[str | None, str | None, str]:
    """(title, air date, body text) of an HTML page; navigation and footers dropped."""
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.I | re.S)
    title_tag = re.search(r"<title[^>]*>(.*?)</title>", page, re.I | re.S)
    title = clean_line(html_to_text(h1.group(1))) if h1 else None
    if not title and title_tag:
        title = clean_line(html_to_text(title_tag.group(1))).split(" | ")[0]
    when = re.search(r"<time[^>]*datetime=[\"']([^\"']+)", page, re.I)
    air = parse_date(when.group(1)) if when else None
    main = re.search(r"<(article|main)\b.*?</\1>", page, re.I | re.S)
    body_html = main.group(0) if main else page
    body_html = re.sub(
        r"<(nav|header|footer|aside|form|script|style)\b.*?</\1>", " ", body_html, flags=re.I | re.S
    )
    body_html = re.sub(r"<h1[^>]*>.*?</h1>", " ", body_html, flags=re.I | re.S)
    return title, air, html_to_text(body_html)


def _is_tag_line(line: str) -> bool:
    items = [i.strip() for i in line.split(",")]
    return (
        len(items) >= 3
        and not line.rstrip().endswith((".", "!", "?"))
        and all(0 < len(i.split()) <= 5 for i in items)
    )


def parse_page(text: str, *, name: str = "") -> dict[str, Any]:
    """Parse one scraped page: title, scrape time, air date, body paragraphs and tags.

    `name` is the file name (or URL); its slug words and any date in it are hints.
    """
    html_title = air_date = None
    if looks_like_html(text):
        html_title, air_date, text = _html_parts(text)
    lines = [clean_line(fix_glued(line)) for line in text.replace("\r", "\n").split("\n")]
    scraped_at = None
    content: list[str] = []
    for line in lines:
        if not line:
            continue
        clock = _CLOCK.match(line)
        if clock and scraped_at is None and not content:
            scraped_at = parse_date(clock.group("date"))
            continue
        low = line.lower()
        if low in _FURNITURE or low.startswith("community standards"):
            continue
        if _PROMO.search(line) and len(line) < 300:
            continue
        content.append(line)
    title = html_title
    if title is None and content and len(content[0]) <= 200:
        title = content.pop(0)
    elif title is not None and content and clean_line(content[0]) == title:
        content.pop(0)
    tags: list[str] = []
    if content and _is_tag_line(content[-1]):
        tags = [t.strip() for t in content.pop().split(",") if t.strip()]
    for line in content[:4]:  # "Aired May 23, 2017" near the top
        aired = _AIRED.match(line)
        if aired and air_date is None:
            air_date = parse_date(line[aired.end() :])
            if air_date and len(line) < 60:
                content.remove(line)
            break
    if air_date is None:
        for line in content:
            aired = re.search(
                r"\b(?:originally aired|first broadcast|air date)\s*(?:on)?\s*:?"
                r"\s*(.{6,30})",
                line,
                re.I,
            )
            if aired and (found := parse_date(aired.group(1))):
                air_date = found
                break
    people, topics = tag_people(tags)
    slug = re.sub(r"\.(txt|html?|md)$", "", name.rsplit("/", 1)[-1], flags=re.I)
    return {
        "title": title or "",
        "scraped_at": scraped_at,
        "air_date": air_date,
        "slug": slug,
        "slug_date": parse_date(slug.replace("_", "-")),
        "body": clean_block("\n\n".join(content)),
        "tags": tags,
        "mentions": people,
        "topics": topics,
    }
