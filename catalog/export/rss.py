"""Podcast RSS 2.0 for a curated show, built with lxml's element API (never with strings).

Namespaces: itunes, Podcasting 2.0, atom, content. Deterministic: the same catalog and
definition give the same bytes (no build time). Item guids are UUIDv5 of our feed URL and the
source episode, so they are stable across re-exports and unique in the feed; `podcast:guid`
is UUIDv5 of the feed URL per the namespace spec. Item-level `podcast:person` tags replace the
channel's, so every item restates its hosts next to its guests.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from email.utils import format_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from catalog.core.curated import is_http, parse_category
from catalog.core.normalize import HOST_ROLES, UNSAFE, clean_block, clean_line, html_to_text

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CAST = HOST_ROLES | {"guest"}
MIME_BY_EXT = {".mp3": "audio/mpeg", ".m4a": "audio/x-m4a", ".mp4": "video/mp4",
               ".m4v": "video/x-m4v", ".mov": "video/quicktime", ".pdf": "application/pdf",
               ".aac": "audio/aac", ".ogg": "audio/ogg", ".opus": "audio/opus"}  # fmt: skip
ALLOWED_TAGS = {"p", "ol", "ul", "li", "a", "b", "i", "strong", "em", "br"}


def podcast_guid(feed_url: str) -> str:
    """UUIDv5 of the feed URL without scheme and trailing slashes (namespace spec).

    >>> podcast_guid("https://podnews.net/rss")
    '9b024349-ccf0-5f69-a609-6b82873eab3c'
    """
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NS, bare))


class _Sanitizer(HTMLParser):
    """HTML reduced to Apple/PSP-1's allowlist; links only to http(s)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self.skip += 1
            return
        if tag not in ALLOWED_TAGS or self.skip:
            return
        if tag == "br":
            self.out.append("<br/>")
            return
        if tag == "a":
            href = dict(attrs).get("href")
            if not is_http(href):
                return
            self.out.append(f'<a href="{_attr(href or "")}">')
        else:
            self.out.append(f"<{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self.skip = max(0, self.skip - 1)
            return
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.skip:  # whitespace collapsed, not stripped: "Hi <a>there</a>" keeps its space
            cleaned = UNSAFE.sub("", data.replace("\n", " ").replace("\t", " "))
            self.out.append(_text(re.sub(r"\s+", " ", cleaned)))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def sanitize_html(html: str) -> str:
    """Reduce HTML to the allowlist (p ol ul li a b i strong em br; http(s) links only).

    >>> sanitize_html('<p onclick="x">Hi <a href="javascript:x">there</a><script>y()</script></p>')
    '<p>Hi there</p>'
    """
    parser = _Sanitizer()
    parser.feed(html)
    return parser.result()


def _sub(
    parent: etree._Element, tag: str, text: object = None, **attrs: str | None
) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = clean_line(text)
    return el


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _description(ep: dict[str, Any], summary: dict[str, Any] | None) -> str:
    """The item description: the feed's HTML (sanitised), enriched from the matched summary
    with who the guests are, kept under Apple's 4000 bytes."""
    html = ep.get("content_html") or ep.get("description_html") or ""
    body = sanitize_html(html) if html else ""
    if not body.strip() and ep.get("description"):
        body = "".join(f"<p>{_text(p)}</p>" for p in clean_block(ep["description"]).split("\n\n"))
    extra = []
    guests = [c for c in ep.get("credits") or [] if c.get("role") == "guest"]
    if guests:
        items = []
        for c in guests:
            who = _text(clean_line(c["name"]))
            if is_http(c.get("href")):
                who = f'<a href="{_attr(c["href"])}">{who}</a>'
            if c.get("bio"):
                who += ", " + _text(clean_line(c["bio"]))
            items.append(f"<li>{who}</li>")
        extra.append("<p>Guests:</p><ul>" + "".join(items) + "</ul>")
    if summary and summary.get("body") and not body.strip():
        paras = clean_block(summary["body"]).split("\n\n")[:2]
        extra.append("".join(f"<p>{_text(p)}</p>" for p in paras))
    text = (body + "".join(extra)).strip()
    if len(text.encode("utf-8")) > 3900:
        text = _fit(text, 3500)
    return text or f"<p>{_text(clean_line(ep.get('title') or ''))}</p>"


def _fit(html: str, limit: int) -> str:
    """Plain paragraphs from `html`, cut at a word to stay under `limit` bytes (Apple: 4000)."""
    plain = html_to_text(html)
    cut = plain.encode("utf-8")[:limit].decode("utf-8", "ignore")
    if len(cut) < len(plain):
        cut = cut.rsplit(" ", 1)[0] + " …"
    return "".join(f"<p>{_text(p)}</p>" for p in cut.split("\n\n") if p.strip())


def _enclosure(ep: dict[str, Any]) -> dict[str, Any] | None:
    for enc in ep.get("enclosures") or []:
        url = enc.get("url")
        if isinstance(url, str) and " " in url.strip():  # a space in a file name: encode it
            enc = dict(enc, url=url.strip().replace(" ", "%20"))
        if is_http(enc.get("url")):
            found: dict[str, Any] = enc
            return found
    return None


def _mime(enc: dict[str, Any]) -> str:
    kind = clean_line(enc.get("type"))
    if "/" in kind:
        return kind
    path = urlsplit(enc["url"]).path.lower()
    return next((m for ext, m in MIME_BY_EXT.items() if path.endswith(ext)), "audio/mpeg")


def _persons(parent: etree._Element, credits: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, str]] = set()
    for c in credits:
        role = (c.get("role") or "").lower()
        if role not in CAST or (c.get("key") or c["name"], role) in seen:
            continue
        seen.add((c.get("key") or c["name"], role))
        el = _sub(parent, _q(PODCAST, "person"), c["name"][:128], role=role)
        for attr in ("href", "img"):
            if is_http(c.get(attr)):
                el.set(attr, c[attr])


def regular_hosts(episodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hosts credited on at least half of the episodes, in order of first appearance."""
    counts: dict[str, int] = {}
    first: dict[str, dict[str, Any]] = {}
    for ep in episodes:
        for c in ep.get("credits") or []:
            if c.get("role") in HOST_ROLES:
                key = c.get("key") or c["name"]
                if key not in first:
                    first[key] = c
                counts[key] = counts.get(key, 0) + 1
    return [first[k] for k in first if episodes and counts[k] * 2 >= len(episodes)]


def build_rss(
    definition: dict[str, Any],
    episodes: list[dict[str, Any]],
    summaries: dict[str, dict[str, Any]] | None = None,
) -> tuple[bytes, list[dict[str, Any]]]:
    """The feed's bytes, and the episodes it could not carry (no http(s) enclosure)."""
    summaries = summaries or {}
    feed_url = definition["feed_url"]
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = _sub(rss, "channel")
    _sub(channel, "title", definition["title"])
    _sub(channel, "link", definition["link"])
    desc = clean_block(definition.get("description") or definition["title"])
    _sub(channel, "description").text = desc.encode("utf-8")[:3990].decode("utf-8", "ignore")
    _sub(channel, "language", definition.get("language") or "en")
    _sub(channel, _q(ATOM, "link"), href=feed_url, rel="self", type="application/rss+xml")
    _sub(channel, "generator", "catalog")
    if definition.get("author"):
        _sub(channel, _q(ITUNES, "author"), definition["author"])
    if definition.get("owner_email"):
        owner = _sub(channel, _q(ITUNES, "owner"))
        _sub(owner, _q(ITUNES, "name"), definition.get("author") or definition["title"])
        _sub(owner, _q(ITUNES, "email"), definition["owner_email"])
    _sub(channel, _q(ITUNES, "image"), href=definition["image"])
    top, sub = parse_category(definition["category"])
    cat = etree.SubElement(channel, _q(ITUNES, "category"), {"text": top})
    if sub:
        etree.SubElement(cat, _q(ITUNES, "category"), {"text": sub})
    _sub(channel, _q(ITUNES, "explicit"), "true" if definition.get("explicit") else "false")
    _sub(channel, _q(ITUNES, "type"), "episodic")
    _sub(channel, _q(PODCAST, "guid"), podcast_guid(feed_url))
    _sub(
        channel,
        _q(PODCAST, "locked"),
        "yes" if definition.get("locked") else "no",
        owner=definition.get("owner_email") or None,
    )
    carried = [ep for ep in episodes if _enclosure(ep)]
    skipped = [ep for ep in episodes if not _enclosure(ep)]
    # Items without persons would inherit the channel's: only state regular hosts when every
    # item names its own people, so nobody is credited on an episode they are not on.
    if all(any(c.get("role") in CAST for c in ep.get("credits") or []) for ep in carried):
        _persons(channel, regular_hosts(carried))
    for ep in carried:
        enc = _enclosure(ep)
        assert enc is not None
        item = _sub(channel, "item")
        _sub(item, "title", ep.get("title") or "(untitled)")
        if is_http(ep.get("link")):
            _sub(item, "link", ep["link"])
        _sub(item, "description").text = etree.CDATA(
            _description(ep, summaries.get(ep.get("summary_id") or ""))
        )
        length = enc.get("length")
        _sub(
            item,
            "enclosure",
            url=enc["url"],
            type=_mime(enc),
            length=str(length if isinstance(length, int) and length >= 0 else 0),
        )
        identity = f"{feed_url}\n{ep.get('show_id')}\n{ep.get('guid') or ep['id']}"
        _sub(item, "guid", str(uuid.uuid5(PODCAST_GUID_NS, identity)), isPermaLink="false")
        if ep.get("published"):
            when = datetime.fromisoformat(ep["published"].replace("Z", "+00:00"))
            _sub(item, "pubDate", format_datetime(when))
        if isinstance(ep.get("duration"), int | float):
            _sub(item, _q(ITUNES, "duration"), str(round(ep["duration"])))
        if ep.get("explicit") is not None:
            _sub(item, _q(ITUNES, "explicit"), "true" if ep["explicit"] else "false")
        for key in ("episode", "season"):
            if isinstance(ep.get(key), int) and ep[key] > 0:
                _sub(item, _q(ITUNES, key), str(ep[key]))
        if ep.get("episode_type") in {"full", "trailer", "bonus"}:
            _sub(item, _q(ITUNES, "episodeType"), ep["episode_type"])
        if is_http(ep.get("image")) and str(ep["image"]).lower().endswith((".jpg", ".png")):
            _sub(item, _q(ITUNES, "image"), href=ep["image"])
        _persons(
            item, sorted(ep.get("credits") or [], key=lambda c: c.get("role") not in HOST_ROLES)
        )
        for tr in ep.get("transcripts") or []:
            if is_http(tr.get("url")) and tr.get("type"):
                _sub(
                    item,
                    _q(PODCAST, "transcript"),
                    url=tr["url"],
                    type=tr["type"],
                    language=tr.get("language") or None,
                    rel=tr.get("rel") or None,
                )
        chapters = ep.get("chapters") or {}
        if is_http(chapters.get("url")):
            _sub(
                item,
                _q(PODCAST, "chapters"),
                url=chapters["url"],
                type=chapters.get("type") or "application/json+chapters",
            )
    body: bytes = etree.tostring(rss, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body, skipped
