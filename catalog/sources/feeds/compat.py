"""How feedparser 6.0 treats RSS, for catalog.sources.feeds.fast: which prefix it names a
namespace's elements with, which elements it has handlers for, how it repairs text, its
first two date handlers (W3C-DTF, RFC 822) and how it picks a character encoding. The
everyday cases are answered here in our own code; everything else is answered by
feedparser's own tables, date handlers and encoding routine, imported on first need (so
ingesting an everyday podcast feed never imports feedparser). This is the only module that
uses feedparser's private names, and it refuses a release it was not verified against
(`VERIFIED`). tests/test_fastpath.py checks the everyday answers against the library itself.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import functools
import re
from collections.abc import Mapping
from typing import Any

# feedparser's private names used here (its mixin's tables and methods, its URI fixer, date
# handlers and encoding routine) were checked against these releases; another release must
# be checked again (tests/test_fastpath.py) before it is allowed here.
VERIFIED = ("6.0.11", "6.0.12", "6.0.13", "6.0.14")


@functools.cache
def _verified() -> None:
    """Refuse, at the first use of feedparser's internals, a release not checked against."""
    import feedparser

    version = str(getattr(feedparser, "__version__", "?"))
    if version not in VERIFIED:
        raise RuntimeError(
            f"feedparser {version} is not one catalog.sources.feeds.compat was verified "
            f"against ({', '.join(VERIFIED)}): run tests/test_fastpath.py and add it"
        )


# --- namespaces -------------------------------------------------------------------------------

# The namespaces podcast feeds use day to day (lower-cased URI → the prefix feedparser names
# their elements with; "" for RSS and Atom, whose elements it names without one; None for
# those feedparser does not know). Any other URI is looked up in feedparser's own table
# (fp_prefix). tests/test_fastpath.py checks every entry against feedparser.
COMMON_NAMESPACES: dict[str, str | None] = {
    "": "",
    "http://www.w3.org/2005/atom": "",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://search.yahoo.com/mrss/": "media",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://wellformedweb.org/commentapi/": "wfw",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "https://podcastindex.org/namespace/1.0": None,
    "https://podcastindex.org/namespace/1.0/": None,
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": None,
    "http://www.google.com/schemas/play-podcasts/1.0": None,
    "http://www.spotify.com/ns/rss": None,
    "http://www.rawvoice.com/rawvoicerssmodule/": None,
    "http://fireside.fm/modules/rss/fireside": None,
    "https://schema.acast.com/1.0/": None,
}
# Prefixes podcast feeds bind to namespaces feedparser does not know (Podcasting 2.0, Google
# Play, Atom under its usual prefix…): feedparser names no namespace with them and has no
# handler or dict key under them, so their elements are inert to it (checked in the tests).
FOREIGN_PREFIXES = frozenset(
    ["atom", "podcast", "googleplay", "rawvoice", "spotify", "fireside", "acast", "anchor"]
)
# feedparser calls these itunes, the podcast:* pass does not: leave such feeds to both passes.
DECLINED_NS = {"http://example.com/dtds/podcast-1.0.dtd"}
RSS1_NS = "http://purl.org/rss/1.0/"
NETSCAPE_NS = "http://my.netscape.com/rdf/simple/0.9/"
ATOM_NS = "http://www.w3.org/2005/atom"


@functools.cache
def _fp_namespaces() -> dict[str, str]:
    _verified()
    from feedparser.mixin import _FeedParserMixin  # noqa: TID251

    return {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}


@functools.cache
def _fp_prefixes() -> frozenset[str]:
    return frozenset(p.lower() for p in _fp_namespaces().values() if p)


def fp_prefix(uri: str) -> str | None:
    """The prefix feedparser names a namespace's elements with ("" for none), None when it
    does not know the namespace (it then uses the document's own prefix)."""
    low = uri.lower()
    if "backend.userland.com/rss" in low:
        return ""
    if low in COMMON_NAMESPACES:
        return COMMON_NAMESPACES[low]
    return _fp_namespaces().get(low)


def is_fp_prefix(prefix: str) -> bool:
    """Whether feedparser names some namespace's elements with this (lower-cased) prefix."""
    if prefix in FOREIGN_PREFIXES:
        return False
    return prefix in COMMON_NAMESPACES.values() or prefix in _fp_prefixes()


# --- handlers and keys --------------------------------------------------------------------------


@functools.cache
def _fp_handled() -> frozenset[str]:
    """Element names ("prefix:local", lower-cased) feedparser has a _start_/_end_ handler for,
    read from the class that holds its handlers."""
    _verified()
    from feedparser.mixin import _FeedParserMixin  # noqa: TID251

    prefixes = _fp_prefixes()
    handled = set()
    for attr in dir(_FeedParserMixin):
        for start in ("_start_", "_end_"):
            if attr.startswith(start):
                name = attr[len(start) :].lower()
                head, _, tail = name.partition("_")
                handled.add(f"{head}:{tail}" if tail and head in prefixes else name)
    return frozenset(handled)


@functools.cache
def _fp_keymap() -> dict[str, str]:
    """FeedParserDict's key aliases (a generic element <date> is stored under "updated")."""
    _verified()
    from feedparser.util import FeedParserDict

    keymap: dict[str, str | list[str]] = FeedParserDict.keymap
    return {k: v[0] if isinstance(v, list) else v for k, v in keymap.items()}


def fp_handled(name: str) -> bool:
    """Whether feedparser has a handler for the element it names `name`."""
    prefix, colon, _ = name.partition(":")
    if colon and prefix in FOREIGN_PREFIXES:
        return False
    return name in _fp_handled()


def generic_key(name: str) -> str:
    """The key feedparser stores an element without a handler under."""
    key = name.replace(":", "_", 1)
    prefix, colon, _ = name.partition(":")
    if colon and prefix in FOREIGN_PREFIXES:
        return key
    return _fp_keymap().get(key, key)


# Keys of feedparser's dicts that catalog reads, or that steer feedparser's own state: an
# element without a handler is harmless only when its generic key is none of these.
READ_KEYS = frozenset([
    "id", "title", "link", "links", "published_parsed", "updated_parsed", "summary", "content",
    "itunes_duration", "itunes_episode", "itunes_season", "itunes_episodetype", "image", "author",
    "authors", "author_detail", "tags", "itunes_explicit", "subtitle", "info", "language",
    "publisher", "publisher_detail", "publishers", "itunes_new-feed-url", "guidislink",
    "published", "updated", "entries", "feed",
])  # fmt: skip
# feedparser undoes what looks like an entity reference in a link's text: "&x;" → "&x".
LINK_ENTITY = re.compile(r"&(\w+);", re.ASCII)
HTML_TYPES = {"application/xhtml+xml", "text/html"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ITUNES_SCHEME = "http://www.itunes.com/"
MRSS_SCHEME = "http://search.yahoo.com/mrss/category_schema"


class Decline(Exception):
    """The fast path cannot promise feedparser's result for this feed."""


@functools.cache
def _c1_to_cp1252() -> dict[int, str]:
    """C1 control code points → the characters cp1252 has at those bytes (the five bytes
    cp1252 leaves undefined stay as they are)."""
    table = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


def _repair(text: str) -> str:
    """feedparser's repairs of a non-ASCII value: text that is UTF-8 read as Latin-1 is read
    again as UTF-8, then C1 controls become the cp1252 characters they stand for."""
    if max(text) <= "\xff":  # all Latin-1: maybe UTF-8 bytes taken one by one
        with contextlib.suppress(UnicodeDecodeError):
            text = text.encode("latin-1").decode("utf-8")
    if any("\x80" <= ch <= "\x9f" for ch in text):
        text = text.translate(_c1_to_cp1252())
    return text


def fp_text(raw: str | None) -> str:
    """A text element's value as feedparser stores it."""
    if not raw:
        return ""
    text = raw.strip()
    return text if text.isascii() else _repair(text)


def fp_uri(raw: str | None) -> str:
    """A link, guid or image URL as feedparser stores it (resolved against no base)."""
    if not raw:
        return ""
    text = raw.strip()
    text = fix_uri(text)
    return text if text.isascii() else _repair(text)


def fix_uri(uri: str) -> str:
    """A URI as feedparser's _urljoin leaves it against no base: only a "scheme:///…" changes
    (feedparser drops the extra slashes; its own regular expression does it)."""
    if ":///" not in uri:
        return uri
    _verified()
    from feedparser.urls import _urifixer  # noqa: TID251

    fixed: str = _urifixer.sub(r"\1\3", uri)
    return fixed


def content_type(value: str | None) -> str:
    value = (value or "").lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(value, value)  # fmt: skip


# --- dates: feedparser's first two handlers, W3C-DTF then RFC 822 ----------------------------

_Tuple = tuple[int, ...]
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
# Hours east of UTC of the zone names the everyday forms below allow.
_ZONE_HOURS = {"GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6,
               "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}  # fmt: skip

# The everyday RFC 822 form ("Mon, 05 Jan 2015 09:00:00 +0000"), matched in one go.
_RFC822_COMMON = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d\d?) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) "
    r"(?:([+-])(\d\d)(\d\d)|(GMT|UTC?|Z|[ECMP][SD]T))\Z"
)
# The everyday ISO 8601 form ("2015-01-05T09:00:00Z", "…+01:00"), matched in one go.
_ISO_COMMON = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:(Z)|([+-])(\d\d):(\d\d))\Z")


def _as_utc(fields: tuple[int, int, int, int, int, int], east: int) -> _Tuple | None:
    """A wall-clock time `east` minutes ahead of UTC as a UTC time tuple; None if invalid."""
    try:
        local = datetime.datetime(*fields)
        return tuple((local - datetime.timedelta(minutes=east)).utctimetuple())
    except (OverflowError, ValueError):
        return None


def _everyday(value: str) -> tuple[bool, _Tuple | None]:
    """(matched, parsed) for the two everyday forms, read by our own code."""
    common = _RFC822_COMMON.match(value)
    if common:
        day, month, year, hour, minute, second, sign, tzh, tzm, zone = common.groups()
        east = _ZONE_HOURS[zone] * 60 if zone else int(tzh) * 60 + int(tzm)
        fields = (int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second))
        return True, _as_utc(fields, -east if sign == "-" else east)
    iso = _ISO_COMMON.match(value)
    if iso:
        year, month, day, hour, minute, second, zulu, sign, tzh, tzm = iso.groups()
        east = 0 if zulu else int(tzh) * 60 + int(tzm)
        fields = (int(year), int(month), int(day), int(hour), int(minute), int(second))
        return True, _as_utc(fields, -east if sign == "-" else east)
    return False, None


def parse_date(value: str) -> _Tuple | None:
    """feedparser's `_parse_date` for what its first two handlers read; Decline otherwise.

    The everyday forms are read here; any other date goes to feedparser's own W3C-DTF and
    RFC 822 handlers (imported on first need), in the order `_parse_date` tries them."""
    if not value:
        return None
    matched, parsed = _everyday(value)
    if parsed:
        return parsed
    if not matched:
        _verified()
        from feedparser.datetimes.rfc822 import _parse_date_rfc822  # noqa: TID251
        from feedparser.datetimes.w3dtf import _parse_date_w3dtf  # noqa: TID251

        for handler in (_parse_date_w3dtf, _parse_date_rfc822):
            try:
                stamp = handler(value)
            except (KeyError, OverflowError, ValueError, AttributeError):
                continue
            if stamp and len(stamp) == 9:
                return tuple(stamp)
    raise Decline(f"date {value[:40]!r}")  # feedparser's later handlers might read it


# --- encodings --------------------------------------------------------------------------------

# A leading XML declaration that says version 1.0 and, if anything, UTF-8.
_PLAIN_DECLARATION = re.compile(
    rb"<\?xml\s+version\s*=\s*([\"'])1\.0\1"
    rb"(?:\s+encoding\s*=\s*([\"'])utf-8\2)?"
    rb"(?:\s+standalone\s*=\s*([\"'])(?:yes|no)\3)?\s*\?>",
    re.IGNORECASE,
)


def _plain_utf8(data: bytes) -> bytes | None:
    """The bytes to parse when `data` is UTF-8 (BOM optional) with no declaration or a plain
    1.0 / UTF-8 one, which feedparser reads as the same text without a warning; else None."""
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    if body.startswith(b"<?"):
        first_line = body.split(b"\n", 1)[0]
        if not _PLAIN_DECLARATION.match(body) or first_line.count(b"encoding") > 1:
            return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return body


def utf8_bytes(data: bytes, headers: Mapping[str, str] | None) -> bytes:
    """The UTF-8 bytes that feedparser's strict parser would see (same text); Decline when
    feedparser would warn about the encoding or use headers we do not reproduce.

    Plain UTF-8 without HTTP headers is passed through; anything else goes through
    feedparser's own `convert_to_utf8` (imported on first need)."""
    if not headers:
        plain = _plain_utf8(data)
        if plain is not None:
            return plain
    headers = dict(headers or {})
    if "content-location" in headers or "content-language" in headers:
        raise Decline("Content-Location / Content-Language header")
    start = data[:4]
    if b"\x00" in start or start[:2] in (codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE):
        raise Decline("UTF-16/32 document")
    if start == b"Lo\xa7\x94":  # "<?xm" in EBCDIC
        raise Decline("EBCDIC document")
    _verified()
    from feedparser.encodings import convert_to_utf8  # noqa: TID251

    result: dict[str, Any] = {}
    converted: bytes = convert_to_utf8(headers, data, result)
    if result.get("bozo"):
        error = result.get("bozo_exception")
        name = type(error).__name__
        if name == "NonXMLContentType":
            raise Decline(f"not an XML content type ({error})")
        raise Decline(f"encoding: {error}")
    return converted


def enforce_href(attrs: dict[str, str]) -> dict[str, str]:
    """A link's address under "href" as feedparser keeps it: a url attribute first, else a
    uri one, else href; a non-empty one replaces the url and uri attributes."""
    present = [attrs[name] for name in ("url", "uri", "href") if name in attrs]
    if present and present[0]:
        for name in ("url", "uri"):
            attrs.pop(name, None)
        attrs["href"] = present[0]
    return attrs


Tag = list[str | None]  # [term, scheme, label]


def add_tag(tags: list[Tag], term: str | None, scheme: str | None, label: str | None) -> None:
    """Record a tag as feedparser does: nothing for an empty one, each distinct one once."""
    tag: Tag = [term, scheme, label]
    if any(tag) and tag not in tags:
        tags.append(tag)


def end_category(tags: list[Tag], value: str) -> None:
    """A category's text: the term of the tag its attributes opened if that has none, else a
    tag of its own."""
    if value and tags and not tags[-1][0]:
        tags[-1][0] = value
    elif value:
        add_tag(tags, value, None, None)


class _Context:
    """Stands in for feedparser's parser where its author book-keeping reads the context."""

    def __init__(self, fd: dict[str, Any]) -> None:
        self.fd = fd

    def _get_context(self) -> dict[str, Any]:
        return self.fd


def sync_author(fd: dict[str, Any], key: str = "author") -> None:
    """Bring fd[key] and fd[key + "_detail"] into step the way feedparser does after an
    author element: the last structured author (name, email) gives the string; otherwise the
    string names the author. A string that may hold an e-mail address is handed to
    feedparser's own `_sync_author_detail` (imported on first need), which splits it."""
    detail: dict[str, Any] = fd.get(key + "s", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name or email:
            fd[key] = f"{name} ({email})" if name and email else name or email
        return
    text = fd.get(key)
    if not text:
        return
    if "@" in text:
        _verified()
        from feedparser.mixin import _FeedParserMixin  # noqa: TID251

        _FeedParserMixin._sync_author_detail(_Context(fd), key)
        return
    fd.setdefault(key + "_detail", detail)  # (an earlier detail stays; this one gets the name)
    detail["name"] = text


def save_author(fd: dict[str, Any], key: str, value: str, prefix: str) -> None:
    """An owner's (or author's) name or email: stored in fd[prefix + "_detail"], then the
    author string synced, and the value also set on the last author (feedparser's order)."""
    fd.setdefault(prefix + "_detail", {})[key] = value
    sync_author(fd)
    authors = fd.setdefault("authors", [{}])
    authors[-1][key] = value
