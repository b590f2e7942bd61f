"""Pure normalisation: raw feed fields in, clean catalog values out (no I/O, no clock)."""

from __future__ import annotations

import calendar
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

# Characters that must never reach a terminal or a stored display string: C0/C1 controls
# (ESC starts ANSI sequences, feedparser turns `&#27;` into a raw ESC), format characters
# (bidi overrides U+202E, isolates U+2066-2069, zero-width characters used for spoofing) and
# lone surrogates: Unicode categories Cc, Cf and Cs, spelled out as ranges because a regex is
# faster than asking unicodedata per character (tests check it against unicodedata).
_FORMAT_RANGES = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f\ud800-\udfff"
)
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT_RANGES}]")
# The same minus the C0 controls, which JSON escapes itself (used for --json output).
UNSAFE_BEYOND_C0 = re.compile(f"[\x7f-\x9f{_FORMAT_RANGES}]")
_UNSAFE_IN_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT_RANGES}]")
_LINE_BREAKS = str.maketrans({"\n": " ", "\t": " ", "\r": " "})
_SPACES = re.compile(" {2,}")
_PRINTABLE_ASCII_AND_NL = bytes(range(0x20, 0x7F)) + b"\n"


def clean_line(value: object) -> str:
    """Make one line of safe display text: controls and bidi marks dropped, whitespace collapsed.

    >>> clean_line("  Hello\\x1b[31m  \\u202eworld\\n ")
    'Hello[31m world'
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isprintable():  # printable text has no control, format or line-break char
        text = UNSAFE.sub("", text.translate(_LINE_BREAKS))
    return " ".join(text.split())


def clean_block(value: object) -> str:
    """Like `clean_line` but keeps paragraph breaks (at most one blank line in a row)."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii():  # printable ASCII and line breaks only? (deleting them leaves nothing)
        plain = not text.encode().translate(None, _PRINTABLE_ASCII_AND_NL)
    else:
        plain = text.replace("\n", "").isprintable()
    if plain:
        # Only spaces and line breaks: nothing to drop, and words are split by spaces alone.
        if "  " in text:
            text = _SPACES.sub(" ", text)
        lines = [line.strip(" ") for line in text.split("\n")]
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _UNSAFE_IN_BLOCK.sub("", text)
        lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_BLOCK_TAGS = {
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "dd",
    "dt",
}
_SKIP_TAGS = {"script", "style", "template", "noscript", "head", "title"}
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag != "br" and tag != "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS and tag not in {"br", "li"}:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(" ".join(data.split(" ")).replace("\n", " "))


def html_to_text(value: str | None) -> str:
    """Reduce an HTML (or plain text) description to clean text with paragraph breaks.

    >>> html_to_text("<p>Tom &amp; Jerry</p><p>Two <b>cats</b></p><script>x()</script>")
    'Tom & Jerry\\n\\nTwo cats'
    >>> html_to_text("Line one\\nLine two &amp; more")
    'Line one\\nLine two & more'
    """
    if not value:
        return ""
    if not _TAG_RE.search(value):
        # Plain text (This American Life uses newlines for structure): keep the lines.
        return clean_block(_unescape(value))
    simple = _simple_html_to_text(value)
    if simple is not None:
        return simple
    return _html_to_text_parsed(value)


def _html_to_text_parsed(value: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(value)
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is very tolerant
        return clean_block(_TAG_RE.sub(" ", html.unescape(value)))
    return clean_block("".join(parser.parts))


# Markup html.parser reads the same way in every Python version: tags with a plain name and
# quoted attribute values free of < and >, text without a stray <, no comment, CDATA, doctype
# or raw-text element. `_simple_html_to_text` reads such markup exactly as _TextExtractor does,
# faster; anything else goes through html.parser (tests compare both).
_WS = "[ \t\n\r\f]"
_ATTR = rf"{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:\"[^\"<>]*\"|'[^'<>]*'))?"
_SIMPLE_TAG = re.compile(
    rf"<(?:/([a-zA-Z][a-zA-Z0-9]*){_WS}*|([a-zA-Z][a-zA-Z0-9]*)(?:{_ATTR})*{_WS}*(/?))>"
)
_RAW_TEXT_TAGS = {"script", "style", "title", "textarea", "xmp", "iframe", "noembed",
                  "noframes", "plaintext", "noscript"}  # fmt: skip
_BREAKS = {"br", "li"}


def _unescape(text: str) -> str:
    """html.unescape, with a shortcut for the usual case: every & starts an &amp;."""
    if text.count("&") == text.count("&amp;"):
        return text.replace("&amp;", "&")
    return html.unescape(text)


def _simple_html_to_text(value: str) -> str | None:
    """`_html_to_text_parsed` for simple markup; None when the markup is not simple."""
    # [text, end tag name, start tag name, "/" of <br/>, text, …, text]
    pieces = _SIMPLE_TAG.split(value)
    parts: list[str] = []
    skip = 0
    last = len(pieces) - 1
    for n in range(0, len(pieces), 4):
        chunk = pieces[n]
        if chunk:
            if "<" in chunk:
                return None
            if not skip:
                parts.append(_unescape(chunk).replace("\n", " "))
        if n == last:
            break
        end_name, start_name, empty = pieces[n + 1], pieces[n + 2], pieces[n + 3]
        tag = (end_name or start_name).lower()
        if tag in _RAW_TEXT_TAGS:
            return None
        if start_name:  # handle_starttag
            if tag in _SKIP_TAGS:
                skip += 1
            elif tag in _BLOCK_TAGS:
                parts.append("\n" if tag in _BREAKS else "\n\n")
        if end_name or empty:  # handle_endtag (<br/> is a start and an end tag)
            if tag in _SKIP_TAGS:
                skip = max(0, skip - 1)
            elif tag in _BLOCK_TAGS and tag not in _BREAKS:
                parts.append("\n\n")
    return clean_block("".join(parts))


_DURATION_RE = re.compile(r"^\d+(?:\.\d+)?$")


def parse_duration(value: object) -> int | float | None:
    """Duration in seconds from `SS`, `MM:SS`, `H:MM:SS` (fractions allowed); None if unusable.

    >>> parse_duration("1745"), parse_duration("29:12"), parse_duration("1:02:03.5")
    (1745, 1752, 3723.5)
    >>> parse_duration("garbage"), parse_duration("-5"), parse_duration("")
    (None, None, None)
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        text = str(value).strip()
        if text.isdecimal():  # whole seconds, the usual form
            whole = int(text)
            return whole if whole <= 10 * 24 * 3600 else None
        if not text:
            return None
        parts = text.split(":")
        if len(parts) > 3 or not all(_DURATION_RE.match(p) for p in parts):
            return None
        if any("." in p for p in parts[:-1]):
            return None
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + float(part)
    if seconds < 0 or seconds > 10 * 24 * 3600:
        return None
    if seconds == int(seconds):
        return int(seconds)
    return round(seconds, 3)


def parse_int(value: object) -> int | None:
    """A non-negative integer from a feed string ("12", " 3 "), else None.

    >>> parse_int(" 12 "), parse_int("²"), parse_int("-1")
    (12, None, None)
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit():
        return None
    try:
        return int(text)
    except ValueError:  # digits int() does not read, such as "²"
        return None


def parse_explicit(value: object) -> bool | None:
    """`itunes:explicit` read as the spec and real feeds use it (case-insensitive).

    >>> [parse_explicit(v) for v in ("true", "Yes", "explicit", "false", "no", "clean", "x")]
    [True, True, True, False, False, False, None]
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "explicit", "1"}:
        return True
    if text in {"false", "no", "clean", "0"}:
        return False
    return None


def struct_to_iso(value: Sequence[int] | None) -> str | None:
    """A UTC `time.struct_time` (as feedparser gives) to ISO 8601 `YYYY-MM-DDTHH:MM:SSZ`."""
    if not value:
        return None
    try:  # a normal date and time (as parsers give it): what the round trip below gives back
        year, month, day, hour, minute, second = value[:6]
        normal = 1900 <= year <= 2200 and 1 <= month <= 12 and 1 <= day <= 28
        normal = normal and 0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60
    except (TypeError, ValueError):
        normal = False
    if normal:
        return f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
    try:
        stamp = calendar.timegm((*tuple(value[:6]), 0, 0, 0))
        dt = datetime.fromtimestamp(stamp, tz=UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None
    if not 1900 <= dt.year <= 2200:
        return None
    return f"{dt.year}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}Z"


def datetime_to_iso(value: datetime) -> str:
    """An aware datetime to UTC ISO 8601 (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Honorifics and ranks dropped from the start of a key ("Sir Tim Rice" is "tim rice"), but
# only while two words remain: "Mr Smith" and "Mrs Smith" stay two people, "Lady Gaga" whole.
_TITLES = {
    "dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir", "dame", "lord", "lady",
    "rev", "rabbi", "fr", "lt", "gen", "col", "maj", "capt", "cpt", "brig", "adm", "sgt",
    "cmdr", "hon",
}  # fmt: skip
# A nickname in quotes between the given names and the rest: 'Matthew "Matt" Rorie'. The
# quotes must stand apart from the words (an apostrophe inside O'Brien is no quote).
_NICKNAME = re.compile(
    r"(?:^|(?<=\s))[\"\u201c\u201d\u201e\u00ab'\u2018\u2019]"
    r"([^\"\u201c\u201d\u201e\u00ab\u00bb'\u2018\u2019]+)"
    r"[\"\u201c\u201d\u00bb'\u2018\u2019](?=\s|$)"
)
# Bump when the rules below change: stored keys were made by them (`catalog people rekey`
# re-keys a catalog, and SQLite rebuilds its person index; see sqlstore.INDEX_VERSION).
PERSON_KEY_VERSION = 2


def person_key(name: str) -> str:
    """A normalised key for matching the same person across spellings.

    Case, accents, punctuation and honorifics are ignored; "Last, First" is turned around;
    a one-word nickname in quotes stands for the given names, a longer one is left out.

    >>> person_key("Dr. Jośeph  Davís"), person_key("Davis, Joseph")
    ('joseph davis', 'joseph davis')
    >>> person_key('Matthew "Matt" Rorie'), person_key("Sir Tim Rice")
    ('matt rorie', 'tim rice')
    >>> person_key("Mrs Smith"), person_key("Lady Gaga"), person_key("Patrick O'Brien")
    ('mrs smith', 'lady gaga', 'patrick o brien')
    """
    if type(name) is str:
        return _cached_person_key(name)
    return _person_key(name)


def _key_words(text: str, keep: int = 2) -> list[str]:
    """The folded words, leading honorifics dropped while more than `keep` words remain."""
    words = _PUNCT.sub(" ", fold(text)).split()
    while len(words) > keep and words[0] in _TITLES:
        words = words[1:]
    return words


def _person_key(name: str) -> str:
    text = clean_line(name)
    if text.count(",") == 1:
        last, first = (p.strip() for p in text.split(","))
        if first and last and " " not in last and first.lower().rstrip(".") not in {"jr", "sr"}:
            text = f"{first} {last}"
    nick = _NICKNAME.search(text)
    if nick is not None:
        given, rest = text[: nick.start()], _key_words(text[nick.end() :], keep=0)
        nickname = _key_words(nick.group(1), keep=0)
        if _key_words(given) and rest:  # the nickname replaces the given names and titles
            names = nickname if len(nickname) == 1 else _key_words(given, keep=0)
            return " ".join([*names, *rest])
    return " ".join(_key_words(text))


def legacy_person_key(name: str) -> str:
    """The key as PERSON_KEY_VERSION 1 made it (for re-keying old catalogs only)."""
    text = clean_line(name)
    if text.count(",") == 1:
        last, first = (p.strip() for p in text.split(","))
        if first and last and " " not in last and first.lower().rstrip(".") not in {"jr", "sr"}:
            text = f"{first} {last}"
    words = _PUNCT.sub(" ", fold(text)).split()
    while words and words[0] in _LEGACY_TITLES and len(words) > 1:
        words = words[1:]
    return " ".join(words)


_LEGACY_TITLES = _TITLES - {"mx", "lord", "lady", "rabbi"}
_PUNCT = re.compile(r"[^\w\s]")
# The same hosts and guests come back episode after episode.
_cached_person_key = functools.lru_cache(maxsize=8192)(_person_key)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text for searching.

    >>> fold("Jiří NOVÁK")
    'jiri novak'
    """
    if text.isascii():  # nothing to decompose: the common case
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def fmt_duration(seconds: object) -> str:
    """Seconds as H:MM:SS or M:SS.

    >>> fmt_duration(3723), fmt_duration(59), fmt_duration(None)
    ('1:02:03', '0:59', '')
    """
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


_TITLE_WORD = re.compile(r"[^\W_]+")


def title_key(text: str) -> str:
    """A title's words, folded, without punctuation: titles that differ only by case, dashes,
    quotes or "&" against "and" have the same key.

    >>> title_key("Lavrov–Tillerson Meet: “Talks” & More!")
    'lavrov tillerson meet talks and more'
    """
    return " ".join(_TITLE_WORD.findall(fold(text or "").replace("&", " and ")))


# Podcast Taxonomy roles in the "cast" group (podcast-namespace taxonomy.json).
# Roles that host a show (Podcast Taxonomy): host, co-host and guest host.
HOST_ROLES = frozenset({"host", "co-host", "guest host"})
CAST_ROLES = {
    "host",
    "co-host",
    "guest host",
    "guest",
    "voice actor",
    "narrator",
    "announcer",
    "reporter",
}


def normalize_person(raw: dict[str, Any], *, source: str, scope: str) -> dict[str, Any] | None:
    """A `podcast:person` (name, role, group, href, img) as a stored credit, or None if nameless."""
    name = clean_line(raw.get("name"))[:128]
    if not name:
        return None
    role = clean_line(raw.get("role")).lower() or "host"
    group = clean_line(raw.get("group")).lower() or "cast"  # the namespace's default
    credit: dict[str, Any] = {
        "name": name,
        "key": person_key(name),
        "role": role,
        "group": group,
        "href": _url(raw.get("href")),
        "img": _url(raw.get("img")),
        "source": source,
        "scope": scope,
    }
    return credit


def _url(value: object) -> str | None:
    text = clean_line(value)
    return text or None


def _enclosures(raw: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for enc in raw:
        url = clean_line(enc.get("url"))
        if not url or url in seen:
            continue
        seen.add(url)
        out.append(
            {
                "url": url,
                "length": parse_int(enc.get("length")),
                "type": clean_line(enc.get("type")) or None,
            }
        )
    return out


def normalize_entry(raw: dict[str, Any], channel_persons: list[dict[str, Any]]) -> dict[str, Any]:
    """One raw feed item (adapter output) to the stored episode fields (no id, no bookkeeping).

    Item-level `podcast:person` tags replace the channel's for that item (namespace spec).
    """
    html_desc = raw.get("description_html") or ""
    html_content = raw.get("content_html") or ""
    richest = html_content if len(html_content) > len(html_desc) else html_desc
    persons = [
        p
        for p in (
            normalize_person(r, source="feed", scope="item") for r in raw.get("persons") or []
        )
        if p
    ]
    if not persons:
        persons = [dict(p, scope="channel") for p in channel_persons]
    published = raw.get("published_iso") or struct_to_iso(raw.get("published_parsed"))
    return {
        "guid": clean_line(raw.get("guid")) or None,
        "title": clean_line(raw.get("title")),
        "link": _url(raw.get("link")),
        "published": published,
        "duration": parse_duration(raw.get("duration")),
        "description": html_to_text(richest),
        "description_html": html_desc or None,
        "content_html": html_content or None,
        "enclosures": _enclosures(raw.get("enclosures") or []),
        "image": _url(raw.get("image")),
        "explicit": parse_explicit(raw.get("explicit")),
        "episode": parse_int(raw.get("episode")),
        "season": parse_int(raw.get("season")),
        "episode_type": clean_line(raw.get("episode_type")).lower() or None,
        "author": clean_line(raw.get("author")) or None,
        "keywords": [k for k in map(clean_line, raw.get("keywords") or []) if k],
        "credits": persons,
        "transcripts": [
            {k: clean_line(v) or None for k, v in t.items()}
            for t in raw.get("transcripts") or []
            if t.get("url")
        ],
        "chapters": (
            {k: clean_line(v) or None for k, v in raw["chapters"].items()}
            if raw.get("chapters") and raw["chapters"].get("url")
            else None
        ),
    }


def normalize_channel(raw: dict[str, Any]) -> dict[str, Any]:
    """Raw channel fields (adapter output) to the stored show fields."""
    persons = [
        p
        for p in (
            normalize_person(r, source="feed", scope="channel") for r in raw.get("persons") or []
        )
        if p
    ]
    locked = clean_line(raw.get("locked")).lower()
    return {
        "title": clean_line(raw.get("title")),
        "link": _url(raw.get("link")),
        "description": html_to_text(raw.get("description_html")),
        "description_html": raw.get("description_html") or None,
        "language": clean_line(raw.get("language")) or None,
        "author": clean_line(raw.get("author")) or None,
        "owner_name": clean_line(raw.get("owner_name")) or None,
        "owner_email": clean_line(raw.get("owner_email")) or None,
        "image": _url(raw.get("image")),
        "categories": [c for c in map(clean_line, raw.get("categories") or []) if c],
        "explicit": parse_explicit(raw.get("explicit")),
        "podcast_guid": clean_line(raw.get("podcast_guid")) or None,
        "locked": {"yes": True, "no": False}.get(locked),
        "locked_owner": clean_line(raw.get("locked_owner")) or None,
        "credits": persons,
        "self_url": _url(raw.get("self_url")),
        "new_feed_url": _url(raw.get("new_feed_url")),
        "format": raw.get("format") or None,
    }


def identity_keys(episode: dict[str, Any]) -> list[str]:
    """The layered identities of an episode, strongest first: guid, enclosure URL, title+date."""
    keys: list[str] = []
    if episode.get("guid"):
        keys.append("guid:" + episode["guid"])
    for enc in episode.get("enclosures") or []:
        keys.append("enclosure:" + enc["url"])
        break
    if episode.get("title"):
        keys.append("title:" + fold(episode["title"]) + "|" + (episode.get("published") or ""))
    return keys
