"""Pure parsing of scraped episode pages (text or HTML) into title, dates, body and tags.

The reference shape is a Sputnik radio page: a clock line (the time of the scrape, not the
air date), "Listen Live", the title, "Get short URL", lead and body paragraphs, the credit
sentence, newsletter and social plugs, a tag line of topics and mentioned people, and
"Community standardsDiscussion". Other sites give a title line, an "Aired …" line and prose.

Pages of the family vary: a line naming the show may stand above the headline, the furniture
comes in another order or glued to its neighbours, the headline comes back as the lead's
heading, the clock line has a time-zone offset glued to its date. So the headline is found
by its role on the page, not by its position: the line repeated as the lead's heading, else
the line just before "Get short URL", else the first line left once the clock, the
furniture and the show's name are gone (`<h1>` or `og:title` on an HTML page).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from catalog.core.normalize import clean_block, clean_line, html_to_text, title_key
from catalog.core.pagedates import parse_clock, parse_date
from catalog.core.people import fix_glued, tag_people

_AIRED = re.compile(
    r"\b(?:aired|air date|airdate|broadcast|first broadcast|originally aired|recorded|"
    r"published|released|posted|date)\s*(?:on)?\s*:?\s*",
    re.I,
)
_FURNITURE = {
    "listen live", "get short url", "community standardsdiscussion", "community standards",
    "discussion", "share", "tweet", "menu", "search", "log in", "subscribe", "comments",
    "read more", "print", "email", "related", "most read", "advertisement", "all podcasts",
    "all programs", "all programmes", "podcasts", "radio", "follow us", "share this",
    "listen", "download", "play", "facebook", "twitter", "telegram",
}  # fmt: skip
_ANCHOR = "get short url"  # the family's headline stands just before it
# Furniture glued to a neighbour by the scrape: "Listen LiveThe Deciding Hour".
_GLUED_FURNITURE = re.compile(
    r"(Listen Live|Get short URL|Community standards|Discussion|All podcasts)(?=[A-Z0-9\"“])"
)
_PROSE_WORDS = 14  # a line of at least this many words ending a sentence is the lead, not a head
_LABEL_WORDS = 8  # a show label or furniture line is at most this long
_TOP_CHARS = 4000  # the top of a page, where the labels `header_labels` counts stand
_PROMO = re.compile(
    r"\b(?:sign up|subscribe|newsletter|telegram|facebook|twitter|instagram|social media|"
    r"follow (?:us|the show)|email us|drop us a line|send us an email|messenger channel|"
    r"keep you (?:up to speed|in the loop)|sound off|share what you think)\b",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """True for a page that carries HTML markup rather than scraped text."""
    return bool(re.search(r"<(?:html|body|p|div|article|h1|br)\b", text[:5000], re.I))


def _meta(page: str, prop: str) -> str | None:
    for tag in re.finditer(r"<meta\b[^>]*>", page[:200_000], re.I):
        attrs = dict(
            (k.lower(), v2 or v3)
            for k, v2, v3 in re.findall(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", tag.group(0))
        )
        if prop in {attrs.get("property", "").lower(), attrs.get("name", "").lower()}:
            return clean_line(html_to_text(attrs.get("content", ""))) or None
    return None


def _html_parts(page: str, shows: Sequence[str]) -> tuple[str | None, str | None, str | None, str]:
    """(title, show, time stamp, body text) of an HTML page; navigation and footers dropped.

    A `<time datetime>` is when the page was published, like a text page's clock line: the
    episode is older, but not necessarily of that day (an "Aired …" line says that)."""
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.I | re.S)
    title_tag = re.search(r"<title[^>]*>(.*?)</title>", page, re.I | re.S)
    title = clean_line(html_to_text(h1.group(1))) if h1 else None
    title = title or _meta(page, "og:title") or _meta(page, "twitter:title")
    show = None
    if title_tag:  # "Headline | Show | Site": the parts name the show
        parts = [
            p.strip()
            for p in re.split(r"\s+[|\-–—]\s+", clean_line(html_to_text(title_tag.group(1))))
        ]
        show = next((found for p in parts[1:] if (found := show_named(p, shows))), None)
        if not title and parts:
            title = parts[0] or None
    if title:
        title, in_title = strip_show(title, shows)
        show = show or in_title
    when = re.search(r"<time[^>]*datetime=[\"']([^\"']+)", page, re.I)
    air = parse_date(when.group(1)) if when else None
    main = re.search(r"<(article|main)\b.*?</\1>", page, re.I | re.S)
    body_html = main.group(0) if main else page
    body_html = re.sub(
        r"<(nav|header|footer|aside|form|script|style|head)\b.*?</\1>", " ", body_html,
        flags=re.I | re.S,
    )  # fmt: skip
    body_html = re.sub(r"<h1[^>]*>.*?</h1>", " ", body_html, flags=re.I | re.S)
    return title, show, air, html_to_text(body_html)


def show_named(line: str, shows: Iterable[str]) -> str | None:
    """The known show a line names, if it names one: the same words ("FAULT ZONE"), or a
    show's title ending or starting with them ("Critical Hour" for "The Critical Hour")."""
    key = title_key(line)
    if not key:
        return None
    for show in shows:
        full = title_key(show)
        if not full:
            continue
        if key == full:
            return show
        if key.count(" ") >= 1 and (full.endswith(" " + key) or full.startswith(key + " ")):
            return show
    return None


def strip_show(title: str, shows: Iterable[str]) -> tuple[str, str | None]:
    """A title without a show's name before or after it ("Topic | Fault Zone" → "Topic")."""
    for show in shows:
        for pattern in (
            rf"^\s*{re.escape(show)}\s*[:|\-–—]\s+(?P<rest>.+)$",
            rf"^(?P<rest>.+?)\s+[|\-–—]\s*{re.escape(show)}\s*$",
        ):
            found = re.match(pattern, title, re.I)
            if found and title_key(found.group("rest")):
                return found.group("rest").strip(), show
    return title, None


def _is_tag_line(line: str) -> bool:
    items = [i.strip() for i in line.split(",")]
    return (
        len(items) >= 3
        and not line.rstrip().endswith((".", "!", "?"))
        and all(0 < len(i.split()) <= 5 for i in items)
    )


def _is_prose(line: str) -> bool:
    return len(line) > 200 or (
        line.endswith((".", "!", "…", ".”", '."')) and len(line.split()) >= _PROSE_WORDS
    )


def _lines(text: str) -> Iterator[str]:
    """The page's non-empty lines, cleaned, with furniture glued to a neighbour split off."""
    text = _GLUED_FURNITURE.sub(r"\1\n", text.replace("\r", "\n"))
    for raw in text.split("\n"):
        if line := clean_line(fix_glued(raw)):
            yield line


def header_labels(text: str) -> list[str]:
    """The short lines at the top of a text page (keys), before its first paragraph: what
    `common_labels` counts across a batch of pages."""
    out: list[str] = []
    for line in itertools.islice(_lines(text[:_TOP_CHARS]), 12):
        if _is_prose(line):
            break
        if len(line.split()) <= _LABEL_WORDS and parse_clock(line) is None:
            out.append(title_key(line))
    return out


def common_labels(tops: Iterable[list[str]], *, least: int = 3) -> set[str]:
    """Lines at the top of at least `least` pages (a show's label, a site's menu), given
    each page's `header_labels`: furniture to every one of them, never a headline."""
    counts: dict[str, int] = {}
    for keys in tops:
        for key in set(keys):
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n >= least and key}


def parse_page(
    text: str,
    *,
    name: str = "",
    shows: Sequence[str] = (),
    labels: Iterable[str] = (),
) -> dict[str, Any]:
    """Parse one scraped page: title, show, scrape time, air date, body paragraphs and tags.

    `name` is the file name (or URL); its slug words and any date in it are hints. `shows`
    are the catalog's show titles: a line naming one is the page's show, never its title.
    `labels` are line keys known to be furniture (`common_labels` of the batch).
    """
    html_title = air_date = show = stamp = None
    if looks_like_html(text):
        html_title, show, stamp, text = _html_parts(text, shows)
    furniture = set(labels)
    scraped_at = None
    content: list[str] = []
    anchor: int | None = None  # how many content lines came before "Get short URL"
    before_title: list[str] = []  # label lines of the page's top (a show not in the catalog)
    in_header = True
    for line in _lines(text):
        low = line.lower()
        in_header = in_header and not _is_prose(line)
        if in_header and (clock := parse_clock(line)) is not None:
            scraped_at = scraped_at or clock
            continue
        if low == _ANCHOR:
            anchor = len(content) if anchor is None else anchor
            continue
        if low in _FURNITURE or low.startswith("community standards"):
            continue
        if title_key(line) in furniture:  # the batch's label (a show not in the catalog)
            if in_header:
                before_title.append(line)
            continue
        if _PROMO.search(line) and len(line) < 300:
            continue
        if in_header and len(line.split()) <= _LABEL_WORDS and (named := show_named(line, shows)):
            show = show or named
            continue
        content.append(line)
    scraped_at = scraped_at or stamp
    header = 0
    while header < len(content) and not _is_prose(content[header]):
        header += 1
    title = html_title
    if title is not None:
        content = [c for c in content if title_key(c) != title_key(title)] or content
    else:
        title = _headline(content, header, anchor, before_title)
    if title:
        title, in_title = strip_show(title, shows)
        show = show or in_title
    if show is None and before_title:
        show = before_title[0]
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
    if show is None and shows:  # "fault-zone-belgrade-talks-stall"
        slug_key = title_key(slug.replace("-", " ").replace("_", " "))
        show = next(
            (s for s in shows if title_key(s) and slug_key.startswith(title_key(s) + " ")), None
        )
    return {
        "title": title or "",
        "show": show,
        "scraped_at": scraped_at,
        "air_date": air_date,
        "slug": slug,
        "slug_date": parse_date(slug.replace("_", "-")),
        "body": clean_block("\n\n".join(content)),
        "tags": tags,
        "mentions": people,
        "topics": topics,
    }


def _headline(content: list[str], header: int, anchor: int | None, before: list[str]) -> str | None:
    """Take the headline out of a text page's lines (see the module's docstring); the lines
    above it at the top of the page are labels (`before`), not body."""
    tops = [i for i in range(header) if len(content[i]) <= 200]
    if not tops:
        return None
    keys = [title_key(c) for c in content]
    pick: int | None = None
    for i in tops:  # the headline again as the lead's heading
        if keys[i] and keys[i] in keys[i + 1 :]:
            pick = i
            break
    if pick is None and anchor is not None:
        above = [i for i in tops if i < anchor]
        pick = above[-1] if above else next((i for i in tops if i >= anchor), None)
    if pick is None:
        pick = tops[0]
    title = content[pick]
    before.extend(content[i] for i in tops if i < pick)
    drop = {i for i in tops if i < pick} | {pick}
    drop |= {i for i in range(header) if keys[i] == keys[pick]}
    content[:] = [c for i, c in enumerate(content) if i not in drop]
    return title
