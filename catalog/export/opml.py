"""Pure OPML 2.0 writer: the catalog's source feeds (and curated feeds) as subscriptions.

The document is built with the `xml.etree.ElementTree` element API, never by formatting
strings, and uses only the standard `outline` attributes (`type="rss"`, `text`, `title`,
`xmlUrl`, `htmlUrl`) that gPodder, newsboat and other podcast apps import.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, TextIO
from urllib.parse import urlsplit

from catalog.core.normalize import clean_line

DEFAULT_TITLE = "catalog subscriptions"
CURATED_FOLDER = "Curated"
# Not XML 1.0 characters, and not removed by `clean_line` (which drops controls and bidi).
_NOT_XML = re.compile("[\ufffe\uffff]")


def _text(value: object) -> str:
    """One line of text that is safe to display and legal in XML."""
    return _NOT_XML.sub("", clean_line(value))


def web_url(value: object) -> str | None:
    """`value` as a clean http(s) URL with a host, else None (local paths, other schemes).

    >>> web_url("https://example.org/feed.xml"), web_url("/home/me/feed.xml")
    ('https://example.org/feed.xml', None)
    """
    url = _text(value)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc or " " in url:
        return None
    return url


def _feed_url(show: Mapping[str, Any]) -> str | None:
    """Where a show is subscribed to: its feed URL, or for a local file its `self_url`."""
    return web_url(show.get("feed_url")) or web_url(show.get("self_url"))


def _outline(parent: ET.Element, title: str, xml_url: str, html_url: str | None) -> None:
    attrs = {"type": "rss", "text": title, "title": title, "xmlUrl": xml_url}
    if html_url:
        attrs["htmlUrl"] = html_url
    ET.SubElement(parent, "outline", attrs)


def _title(doc: Mapping[str, Any], url: str | None) -> str:
    return _text(doc.get("title")) or _text(doc.get("name")) or url or "(untitled)"


def write_opml(
    out: TextIO,
    shows: Iterable[Mapping[str, Any]],
    curated: Iterable[Mapping[str, Any]] = (),
    *,
    title: str = DEFAULT_TITLE,
    date_created: datetime | None = None,
) -> list[str]:
    """Write an OPML 2.0 subscription list; return the titles of the feeds left out.

    One `<outline type="rss">` per show, sorted by title: its http(s) `feed_url`, or for a
    show ingested from a local file its `self_url` if that is http(s); shows with neither
    are skipped and their titles returned so the caller can report them. Curated shows
    (dicts with name, title, feed_url, link) go in a folder outline "Curated"; one without
    an http(s) feed_url is skipped and reported too. `dateCreated` is written only when
    `date_created` is given (so the output is deterministic). Open the stream as UTF-8.
    """
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _text(title) or DEFAULT_TITLE
    if date_created is not None:
        stamp = date_created if date_created.tzinfo else date_created.replace(tzinfo=UTC)
        ET.SubElement(head, "dateCreated").text = format_datetime(
            stamp.astimezone(UTC), usegmt=True
        )
    body = ET.SubElement(root, "body")
    skipped: list[str] = []

    def order(doc: Mapping[str, Any]) -> tuple[str, str]:
        return (_title(doc, None).casefold(), str(doc.get("id") or doc.get("name") or ""))

    for show in sorted(shows, key=order):
        url = _feed_url(show)
        if url is None:
            skipped.append(_title(show, _text(show.get("feed_url")) or None))
            continue
        _outline(body, _title(show, url), url, web_url(show.get("link")))

    folder: ET.Element | None = None
    for item in sorted(curated, key=order):
        url = web_url(item.get("feed_url"))
        if url is None:
            skipped.append(_title(item, None))
            continue
        if folder is None:
            folder = ET.SubElement(
                body, "outline", {"text": CURATED_FOLDER, "title": CURATED_FOLDER}
            )
        _outline(folder, _title(item, url), url, web_url(item.get("link")))

    ET.indent(root, space="  ")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
    return skipped
