"""Adapter, the user of feedparser (catalog.fprules also asks feedparser's own tables and
handlers for the fast path's rarer cases) and, with catalog.fastrss, of lxml: feed or OPML
bytes → raw fields, or FeedError.

Well-formed RSS goes through `fastrss.read_rss`, one hardened lxml pass that gives exactly
what the feedparser path below gives (tests/test_fastpath.py proves it over the corpus);
everything else (Atom, RSS 1.0, broken XML, odd encodings, constructs the fast path does not
reproduce) goes through feedparser. Set CATALOG_NO_FASTPATH=1 to send every feed through
feedparser (the benchmark compares both).

feedparser gives the normalised core of any RSS/Atom dialect and tolerates broken feeds. It
mangles the Podcasting 2.0 namespace (keeps only the last `podcast:person`, drops its name;
kurtmckee/feedparser#301) and reads `itunes:explicit` "true"/"false" as None (#524), so a
second, hardened lxml pass over the same bytes reads those.
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from catalog.core.errors import FeedError
from catalog.sources.feeds import fast as fastrss
from catalog.sources.feeds.fast import ITUNES_NS, PODCAST_NAMESPACES, ns_local, podcast_fields

__all__ = ["ITUNES_NS", "PODCAST_NAMESPACES", "RawFeed", "parse_feed", "parse_opml", "parse_xml"]

log = logging.getLogger(__name__)

# feedparser warnings that only say the declared and real encodings differ (feedparser#81).
_BENIGN = {"CharacterEncodingOverride", "NonXMLContentType"}


@dataclass
class RawFeed:
    """What the adapter read from one feed: raw channel fields, raw items, warnings."""

    channel: dict[str, Any]
    entries: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def _strip_leading(data: bytes) -> bytes:
    """Whitespace before the XML declaration (seen in acast and Taverncast feeds) breaks lxml."""
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(b"\xef\xbb\xbf"):
        stripped = stripped[3:].lstrip(b" \t\r\n")
    return stripped if stripped.startswith(b"<") else data


def parse_xml(data: bytes) -> tuple[etree._Element | None, bool]:
    """Parse untrusted XML with the hardened parser, strictly, else by recovering.

    Returns the root (None if nothing could be read) and whether recovery was needed.
    """
    data = _strip_leading(data)
    try:
        return etree.fromstring(data, fastrss.xml_parser(False)), False
    except (etree.XMLSyntaxError, ValueError):
        pass
    try:
        return etree.fromstring(data, fastrss.xml_parser(True)), True
    except (etree.XMLSyntaxError, ValueError):
        return None, True


_ROOT_RE = re.compile(rb"<\s*([A-Za-z_][\w.:-]*)")


def sniff_root(data: bytes) -> str:
    """The local name of the document element ("rss", "feed", "opml", "RDF", "html"…)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return ""
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S)
    match = _ROOT_RE.search(head)
    if not match:
        return ""
    return match.group(1).split(b":")[-1].decode("ascii", "replace").lower()


def parse_opml(data: bytes, location: str) -> list[dict[str, str]]:
    """The feed outlines (xmlUrl, title) of an OPML file, folders flattened, in order."""
    root, _recovered = parse_xml(data)
    if root is None or ns_local(root)[1].lower() != "opml":
        raise FeedError(f"{location}: not a readable OPML file")
    out: list[dict[str, str]] = []
    for outline in root.iter("{*}outline", "outline"):
        attrs = {k.lower(): v for k, v in outline.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        if url:
            out.append({"url": url, "title": (attrs.get("title") or attrs.get("text") or "")})
    return out


def _xml_pass(data: bytes) -> tuple[dict[str, Any] | None, list[dict[str, Any]], bool]:
    """Channel and item podcast fields from lxml; the flag says whether recovery was needed."""
    root, recovered = parse_xml(data)
    if root is None:
        return None, [], True
    local = ns_local(root)[1].lower()
    if local == "rss":
        channel = next((c for c in root if ns_local(c)[1] == "channel"), None)
        items = [] if channel is None else [c for c in channel if ns_local(c)[1] == "item"]
    elif local == "rdf":
        channel = next((c for c in root if ns_local(c)[1] == "channel"), None)
        items = [c for c in root if ns_local(c)[1] == "item"]
    elif local == "feed":
        channel = root
        items = [c for c in root if ns_local(c)[1] == "entry"]
    else:
        return None, [], recovered
    chan = podcast_fields(channel) if channel is not None else None
    return chan, [podcast_fields(i) for i in items], recovered


def _first(*values: Any) -> Any:
    for value in values:
        if value:
            return value
    return None


def _entry_from_feedparser(e: Any) -> dict[str, Any]:
    content = e.get("content") or []
    html_content = next((c.get("value") for c in content if c.get("value")), None)
    image = e.get("image")
    return {
        "guid": e.get("id"),
        "title": e.get("title"),
        "link": e.get("link"),
        # Only ask for updated_parsed when there is no published date: feedparser maps one to
        # the other and warns about it (feedparser issue 310).
        "published_parsed": e.get("published_parsed") or dict.get(e, "updated_parsed"),
        "description_html": e.get("summary"),
        "content_html": html_content,
        "enclosures": [
            {
                "url": enc.get("href") or enc.get("url"),
                "length": enc.get("length"),
                "type": enc.get("type"),
            }
            for enc in e.get("enclosures") or []
        ],
        "duration": e.get("itunes_duration"),
        "episode": e.get("itunes_episode"),
        "season": e.get("itunes_season"),
        "episode_type": e.get("itunes_episodetype"),
        "image": image.get("href") if isinstance(image, dict) else None,
        "author": e.get("author"),
        "keywords": [t.get("term") for t in e.get("tags") or [] if t.get("term")],
        "explicit": e.get("itunes_explicit"),
    }


def _align(entries: list[dict[str, Any]], items: list[dict[str, Any]]) -> bool:
    """Copy lxml item fields onto feedparser entries; False if they could not be paired."""
    if len(entries) == len(items):
        pairs = list(zip(entries, items, strict=True))
    else:
        by_guid = {i["guid"]: i for i in items if i.get("guid")}
        by_enc = {i["enclosure"]: i for i in items if i.get("enclosure")}
        pairs = []
        for entry in entries:
            item = by_guid.get(entry.get("guid") or "")
            if item is None and entry["enclosures"]:
                item = by_enc.get(entry["enclosures"][0]["url"] or "")
            if item is not None:
                pairs.append((entry, item))
        if len(pairs) < len(entries):
            return False
    for entry, item in pairs:
        entry["persons"] = item["persons"]
        entry["transcripts"] = item["transcripts"]
        entry["chapters"] = item.get("chapters")
        if item.get("explicit") is not None:
            entry["explicit"] = item["explicit"]
    return True


# A SAX parse error names its place as `<unknown>:LINE:COLUMN: message` (the parser was
# handed bytes, not a file name): the report says "line 3422, column 202: message".
_SAX_PLACE = re.compile(r"^<[a-z]*>:(\d+):(\d+):\s*")


def _one_line(exc: object) -> str:
    """An exception as one line of the report: `line 3, column 0: undefined entity`.

    >>> _one_line(ValueError("<unknown>:3422:202: not well-formed (invalid token)"))
    'line 3422, column 202: not well-formed (invalid token)'
    """
    text = " ".join(str(exc).split())
    text = _SAX_PLACE.sub(lambda m: f"line {m[1]}, column {m[2]}: ", text, count=1)
    return text[:200] or type(exc).__name__


def fastpath_enabled() -> bool:
    """False when CATALOG_NO_FASTPATH is set (to anything but "" or "0")."""
    return os.environ.get("CATALOG_NO_FASTPATH", "") in ("", "0")


def parse_feed(
    data: bytes,
    location: str,
    headers: dict[str, str] | None = None,
    *,
    fast: bool | None = None,
) -> RawFeed:
    """Parse feed bytes (never a path or URL) into raw channel and entry fields.

    A feed with entries but syntax problems gives warnings; one with no entries and no
    title is not a feed and raises FeedError naming `location`. `fast=False` forces the
    feedparser path (default: the fast path where it applies, unless CATALOG_NO_FASTPATH).
    """
    if not data.strip():
        raise FeedError(f"{location}: empty file")
    if fast is None:
        fast = fastpath_enabled()
    fast_bug = ""
    if fast:
        try:
            read = fastrss.read_rss(data, headers)
        except Exception as exc:  # a bug in the fast path must not cost a feed: feedparser
            log.warning(  # reads it, and the report says so (the traceback goes to the log)
                "fast path failed on %s; reading it with feedparser", location, exc_info=True
            )
            fast_bug = (
                f"internal error in the fast RSS reader ({type(exc).__name__}: "
                f"{_one_line(exc)}); read with feedparser instead (a bug in catalog)"
            )
            read = None
        if read is not None:
            channel, entries = read
            return RawFeed(channel, entries, [] if entries else ["the feed has no episodes"])
    import feedparser  # here: slow to import, and only the slow path needs it

    result = feedparser.parse(
        io.BytesIO(data),
        response_headers=dict(headers or {}) or None,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed = result.get("feed") or {}
    entries = [_entry_from_feedparser(e) for e in result.get("entries") or []]
    warnings: list[str] = [fast_bug] if fast_bug else []
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    title = feed.get("title")
    if not entries and not title:
        reason = f" ({_one_line(bozo)})" if bozo is not None else ""
        root = sniff_root(data)
        what = f"a {root} document" if root and root not in {"rss", "feed", "rdf"} else "not a feed"
        raise FeedError(f"{location}: {what}, no channel title and no episodes{reason}")
    if bozo is not None:
        kind = type(bozo).__name__
        prefix = "encoding" if kind in _BENIGN else "malformed XML, read leniently"
        warnings.append(f"{prefix}: {_one_line(bozo)}")
    if not entries:
        warnings.append("the feed has no episodes")

    channel_px, item_px, recovered = _xml_pass(data)
    if channel_px is None:
        channel_px = {"persons": [], "transcripts": []}
        if any(ns.encode() in data for ns in PODCAST_NAMESPACES if not ns.endswith("/")):
            warnings.append("podcast: namespace tags could not be read (XML too broken)")
    elif recovered and any(i["persons"] for i in item_px):
        warnings.append("podcast: tags read from XML that needed recovery")
    for entry in entries:
        entry.setdefault("persons", [])
        entry.setdefault("transcripts", [])
        entry.setdefault("chapters", None)
    if (
        item_px
        and not _align(entries, item_px)
        and any(i["persons"] or i["transcripts"] or i.get("chapters") for i in item_px)
    ):
        warnings.append("podcast: item tags could not be paired with episodes; ignored")

    image = feed.get("image")
    owner = feed.get("publisher_detail") or {}
    self_url = next(
        (
            lk.get("href")
            for lk in feed.get("links") or []
            if lk.get("rel") == "self" and lk.get("href")
        ),
        None,
    )
    channel = {
        "title": title,
        "link": feed.get("link"),
        "description_html": _first(feed.get("subtitle"), feed.get("summary"), feed.get("info")),
        "language": feed.get("language"),
        "author": feed.get("author"),
        "owner_name": owner.get("name"),
        "owner_email": owner.get("email"),
        "image": image.get("href") if isinstance(image, dict) else None,
        "categories": [
            t.get("term")
            for t in feed.get("tags") or []
            if t.get("term") and "itunes" in (t.get("scheme") or "")
        ],
        "explicit": channel_px.get("explicit", feed.get("itunes_explicit")),
        "podcast_guid": channel_px.get("podcast_guid"),
        "locked": channel_px.get("locked"),
        "locked_owner": channel_px.get("locked_owner"),
        "persons": channel_px["persons"],
        "self_url": self_url,
        "new_feed_url": _first(channel_px.get("new_feed_url"), feed.get("itunes_new-feed-url")),
        "format": result.get("version") or None,
    }
    return RawFeed(channel=channel, entries=entries, warnings=warnings)
