"""The lxml side of the feed adapter: the hardened parser, the Podcasting 2.0 reader, and a
fast path that reads well-formed RSS in one lxml pass into exactly the raw fields that
feedparser (plus the podcast:* pass) gives, or declines.

`read_rss(data, headers)` returns `(channel, entries)` or None ("use feedparser"). It applies
only when every condition below holds; anything else, or any doubt, is None:

* the bytes decode the way feedparser decodes them without a warning: UTF-8 (BOM and
  declaration optional) without HTTP headers is parsed as is; anything else is converted by
  feedparser's own `convert_to_utf8` and declines if that warns (UTF-16/32, EBCDIC,
  `Content-Location` and `Content-Language` decline outright);
* the hardened parser reads it strictly (no recovery), with no DOCTYPE, no `base`/`xml:base`
  attribute anywhere (feedparser would resolve links against it), and namespace prefixes
  that map to feedparser's element names one to one;
* the root is `rss` (its `xml:lang` is the channel language, as in feedparser), holding one
  `channel` (no attributes) whose items are plain `item` elements (no attributes);
* every element is one whose feedparser handling is reproduced here (the kind tables below),
  or one feedparser has no handler for (read from feedparser's own class, except for the
  everyday Podcasting 2.0 / Google Play prefixes) and stores under a key catalog never
  reads (with such descendants only, bar the children of a container like
  podcast:liveItem, which act on the channel); the text
  fields are leaves, typed (if at all) as plain text or HTML;
* every item date parses with feedparser's first two date handlers (W3C-DTF, RFC 822): the
  everyday RFC 822 and ISO 8601 forms are read by catalog.fprules itself, any other goes to
  feedparser's own two handlers; an empty date is None as in feedparser.

What is reproduced is feedparser's behaviour (using feedparser's own tables, date handlers
and encoding routine where the everyday answers in catalog.fprules do not apply), not the
spec: first non-empty title
wins, `itunes:summary` before `description` makes the description "content", `content:encoded`
fills an empty summary, a permalink guid is the link when there is none, `itunes:owner`
rewrites the channel author, categories are de-duplicated, text is stripped, mojibake is
repaired and C1 controls map to cp1252, `&amp;` in item links is undone, and so on.
tests/test_fastpath.py compares both paths over the corpus, fixtures and generated feeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree

from catalog.sources.feeds.compat import (
    ATOM_NS,
    DECLINED_NS,
    HTML_TYPES,
    ITUNES_SCHEME,
    LINK_ENTITY,
    MRSS_SCHEME,
    NETSCAPE_NS,
    READ_KEYS,
    RSS1_NS,
    XML_LANG,
    Decline,
    add_tag,
    content_type,
    end_category,
    enforce_href,
    fix_uri,
    fp_handled,
    fp_prefix,
    fp_text,
    fp_uri,
    generic_key,
    is_fp_prefix,
    parse_date,
    save_author,
    sync_author,
    utf8_bytes,
)

PODCAST_NAMESPACES = {
    "https://podcastindex.org/namespace/1.0",
    "https://podcastindex.org/namespace/1.0/",  # a known misspelling seen in the wild
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
}
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def xml_parser(recover: bool) -> etree.XMLParser:
    """The hardened parser: no entity expansion, no DTD, no network (CVE-2026-41066: lxml>=6.1)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def text_of(el: etree._Element | None) -> str | None:
    """All the text inside an element, stripped; None when there is none."""
    if el is None:
        return None
    if not len(el):
        return (el.text or "").strip() or None
    return "".join(el.itertext()).strip() or None


# Prefixes that broken feeds use without declaring them (lxml's recovery keeps the literal
# "itunes:episode" as the tag name; feedparser maps these the same way).
_UNDECLARED = {"podcast": "https://podcastindex.org/namespace/1.0", "itunes": ITUNES_NS}


def ns_local(el: etree._Element) -> tuple[str, str]:
    """(lower-cased namespace, local name) of an element, tolerating undeclared prefixes."""
    tag = el.tag
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns.lower(), local
    prefix, _, local = tag.rpartition(":")
    return _UNDECLARED.get(prefix.lower(), prefix).lower(), local


def _person(el: etree._Element) -> dict[str, Any]:
    return {
        "name": text_of(el),
        "role": el.get("role"),
        "group": el.get("group"),
        "href": el.get("href"),
        "img": el.get("img"),
    }


def _transcript(el: etree._Element) -> dict[str, Any]:
    return {
        "url": el.get("url"),
        "type": el.get("type"),
        "language": el.get("language"),
        "rel": el.get("rel"),
    }


def podcast_fields(el: etree._Element) -> dict[str, Any]:
    """podcast:* and raw itunes:explicit among the direct children of a channel or item."""
    out: dict[str, Any] = {"persons": [], "transcripts": []}
    for child in el:
        ns, local = ns_local(child)
        if ns in PODCAST_NAMESPACES:
            if local == "person":
                out["persons"].append(_person(child))
            elif local == "transcript":
                out["transcripts"].append(_transcript(child))
            elif local == "chapters" and "chapters" not in out:
                out["chapters"] = {"url": child.get("url"), "type": child.get("type")}
            elif local == "guid":
                out["podcast_guid"] = text_of(child)
            elif local == "locked":
                out["locked"] = text_of(child)
                out["locked_owner"] = child.get("owner")
        elif ns == ITUNES_NS:
            if local == "explicit":
                out["explicit"] = text_of(child)
            elif local == "new-feed-url":
                out["new_feed_url"] = text_of(child)
        elif local == "guid" and not ns:
            out["guid"] = text_of(child)
        elif local == "enclosure" and not ns and "enclosure" not in out:
            out["enclosure"] = (child.get("url") or "").strip()
    return out


# --- what each element does in feedparser ------------------------------------------------------

(K_INERT, K_TITLE, K_MTITLE, K_LINK, K_GUID, K_DESC, K_SUMMARY, K_CONTENT, K_PUB, K_UPD,
 K_ENC, K_ITIMAGE, K_AUTHOR, K_CAT, K_ITCAT, K_MCAT, K_ITKW, K_MKW, K_GENERIC, K_EXPLICIT,
 K_SOURCE, K_LEAF, K_MEDIA, K_PSC, K_CONTRIB, K_SUBTITLE, K_INFO, K_LANG, K_PUBLISHER,
 K_OWNER, K_IMAGE, K_NEWFEED, K_ITEM, K_DECLINE) = range(34)  # fmt: skip

_COMMON = {
    "title": K_TITLE, "dc:title": K_TITLE, "media:title": K_MTITLE, "link": K_LINK,
    "guid": K_GUID, "id": K_GUID,
    "description": K_DESC, "dc:description": K_DESC, "media:description": K_DESC,
    "summary": K_SUMMARY, "itunes:summary": K_SUMMARY,
    "content:encoded": K_CONTENT, "fullitem": K_CONTENT,
    "itunes:image": K_ITIMAGE, "itunes:link": K_ITIMAGE,
    "author": K_AUTHOR, "managingeditor": K_AUTHOR, "itunes:author": K_AUTHOR,
    "dc:author": K_AUTHOR, "dc:creator": K_AUTHOR,
    "category": K_CAT, "keywords": K_CAT, "dc:subject": K_CAT, "itunes:category": K_ITCAT,
    "media:category": K_MCAT, "itunes:keywords": K_ITKW, "media:keywords": K_MKW,
    "itunes:explicit": K_EXPLICIT, "source": K_SOURCE,
    "media:content": K_MEDIA, "media:group": K_MEDIA, "psc:chapters": K_PSC,
    "contributor": K_CONTRIB,
    # handled by feedparser, but nothing catalog reads changes (as leaves)
    "rights": K_LEAF, "copyright": K_LEAF, "dc:rights": K_LEAF, "generator": K_LEAF,
    "itunes:block": K_LEAF, "created": K_LEAF, "dcterms:created": K_LEAF,
    "expirationdate": K_LEAF, "dcterms:valid": K_LEAF, "cloud": K_LEAF,
    "media:rating": K_LEAF, "media:credit": K_LEAF, "media:restriction": K_LEAF,
    "media:license": K_LEAF, "media:player": K_LEAF, "media:thumbnail": K_LEAF,
    "dc:contributor": K_LEAF, "itunes:name": K_LEAF, "itunes:email": K_LEAF, "name": K_LEAF,
    "email": K_LEAF, "url": K_LEAF, "uri": K_LEAF, "homepage": K_LEAF, "width": K_LEAF,
    "height": K_LEAF, "newlocation": K_LEAF, "cc:license": K_LEAF,
    "creativecommons:license": K_LEAF,
}  # fmt: skip
_DATES_PUB = ("pubdate", "published", "issued", "dcterms:issued")
_DATES_UPD = ("updated", "modified", "lastbuilddate", "dc:date", "dcterms:modified")
ITEM_KINDS = {
    **_COMMON,
    **dict.fromkeys(_DATES_PUB, K_PUB), **dict.fromkeys(_DATES_UPD, K_UPD),
    "enclosure": K_ENC,
    "itunes:duration": K_GENERIC, "itunes:episode": K_GENERIC, "itunes:season": K_GENERIC,
    "itunes:episodetype": K_GENERIC,
    "itunes:subtitle": K_LEAF, "subtitle": K_LEAF, "tagline": K_LEAF, "info": K_LEAF,
    "feedburner:browserfriendly": K_LEAF, "language": K_LEAF, "dc:language": K_LEAF,
    "webmaster": K_LEAF, "dc:publisher": K_LEAF, "image": K_IMAGE,
}  # fmt: skip
CHANNEL_KINDS = {
    **_COMMON,
    **dict.fromkeys(_DATES_PUB + _DATES_UPD, K_LEAF),
    "enclosure": K_LEAF,
    "itunes:duration": K_LEAF, "itunes:episode": K_LEAF, "itunes:season": K_LEAF,
    "itunes:episodetype": K_LEAF,
    "itunes:subtitle": K_SUBTITLE, "subtitle": K_SUBTITLE, "tagline": K_SUBTITLE,
    "info": K_INFO, "feedburner:browserfriendly": K_INFO,
    "language": K_LANG, "dc:language": K_LANG,
    "webmaster": K_PUBLISHER, "dc:publisher": K_PUBLISHER, "itunes:owner": K_OWNER,
    "image": K_IMAGE, "itunes:new-feed-url": K_NEWFEED, "item": K_ITEM,
}  # fmt: skip
# Inside media:content / media:group only these (and inert elements) may appear.
_MEDIA_CHILDREN = {"media:content", "media:thumbnail", "media:credit", "media:rating",
                   "media:restriction", "media:license", "media:player"}  # fmt: skip
_CONTRIB_CHILDREN = {"name", "email", "uri", "url", "homepage"}
_IMAGE_CHILDREN = {"url", "title", "link", "description", "width", "height"}
_PLAIN_TYPES = {"text/plain", "text/html"}
# Kinds that feedparser reads with push_content (a type or mode attribute matters).
_PUSH_CONTENT = {K_TITLE, K_MTITLE, K_DESC, K_SUMMARY, K_CONTENT, K_SUBTITLE, K_INFO}

# The podcast:* pass (podcast_fields) by (lower-cased namespace, local name).
(PX_NONE, PX_PERSON, PX_TRANSCRIPT, PX_CHAPTERS, PX_PGUID, PX_LOCKED, PX_EXPLICIT,
 PX_NEWFEED) = range(8)  # fmt: skip
_PX_PODCAST = {"person": PX_PERSON, "transcript": PX_TRANSCRIPT, "chapters": PX_CHAPTERS,
               "guid": PX_PGUID, "locked": PX_LOCKED}  # fmt: skip
_PX_ITUNES = {"explicit": PX_EXPLICIT, "new-feed-url": PX_NEWFEED}


def _attrs(el: etree._Element) -> dict[str, str]:
    """An element's attributes as feedparser's strict parser hands them to its handlers."""
    out: dict[str, str] = {}
    for key, value in el.attrib.items():
        if key == XML_LANG:  # no handler reads it (the root's is read in _read)
            continue
        if key.startswith("{"):
            raise Decline("namespaced attribute")
        low = key.lower()
        if low in out:
            raise Decline("attributes differing in case only")
        out[low] = value.lower() if low in ("rel", "type") else value
    return out


def _untyped(el: etree._Element) -> None:
    """Decline a text element whose attributes change how feedparser reads it (base64,
    escaped XHTML…); a plain-text or HTML type changes nothing."""
    attrs = _attrs(el)
    if "mode" in attrs or content_type(attrs.get("type", "text/html")) not in _PLAIN_TYPES:
        raise Decline("typed text element")


_MISSING: Any = object()


class _Channel:
    """What the channel walk collects: feedparser's feed dict (the keys that matter), its
    links and tags, the items, and feedparser's own itunes:explicit / new-feed-url."""

    def __init__(self) -> None:
        self.fd: dict[str, Any] = {}
        self.links: list[dict[str, str]] = []
        self.tags: list[list[str | None]] = []
        self.entries: list[dict[str, Any]] = []
        self.fp_explicit: bool | None = None
        self.fp_new_feed: str | None = None


class _Reader:
    """One document's walk: feedparser's state (title depth, content flag, feed dict)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes  # unknown namespace URI → the document's one prefix for it
        self.item_kinds: dict[str, tuple[int, int]] = {}
        self.channel_kinds: dict[str, tuple[int, int]] = {}
        self.inert: dict[str, bool] = {}
        self.names: dict[str, str] = {}
        self.td = -1  # feedparser's title_depth
        self.has_content = 0  # feedparser's hasContent

    # -- classification (cached per tag) ---------------------------------------------------
    def name(self, tag: object) -> str:
        """feedparser's name for an element: "prefix:local", lower-cased."""
        if not isinstance(tag, str):
            raise Decline("not an element")
        name = self.names.get(tag)
        if name is not None:
            return name
        if tag[0] != "{":
            name = tag.lower()
        else:
            uri, _, local = tag[1:].partition("}")
            prefix = fp_prefix(uri)
            if prefix is None:
                prefix = self.prefixes.get(uri)
                if prefix is None:
                    raise Decline(f"namespace {uri!r} has no single prefix")
            name = f"{prefix.lower()}:{local.lower()}" if prefix else local.lower()
        self.names[tag] = name
        return name

    def is_inert(self, tag: object) -> bool:
        """No feedparser handler, and stored under a key catalog never reads."""
        if not isinstance(tag, str):
            return False
        known = self.inert.get(tag)
        if known is None:
            name = self.name(tag)
            known = not fp_handled(name) and generic_key(name) not in READ_KEYS
            self.inert[tag] = known
        return known

    def _classify(self, tag: object, kinds: dict[str, int]) -> tuple[int, int]:
        name = self.name(tag)
        kind = kinds.get(name)
        if kind is None:
            kind = K_INERT if self.is_inert(tag) else K_DECLINE
        px = PX_NONE
        assert isinstance(tag, str)
        if tag[0] == "{":
            uri, _, local = tag[1:].partition("}")
            ns = uri.lower()
            if ns in PODCAST_NAMESPACES:
                px = _PX_PODCAST.get(local, PX_NONE)
            elif ns == ITUNES_NS:
                px = _PX_ITUNES.get(local, PX_NONE)
        return kind, px

    def check_tree(self, el: etree._Element, allowed: set[str] | None = None) -> None:
        """Every descendant is inert (or an allowed harmless leaf, or media:content)."""
        for sub in el.iterdescendants():
            tag = sub.tag
            if self.is_inert(tag):
                continue
            name = self.name(tag)
            if allowed is None or name not in allowed:
                raise Decline(f"<{name}> inside <{self.name(el.tag)}>")
            if len(sub) and name != "media:content":
                raise Decline(f"<{name}> with children")
            if name == "psc:chapter" and "start" not in _attrs(sub):
                raise Decline("psc:chapter without start")

    def kids(self, kind: int, el: etree._Element) -> None:
        """Children of the container kinds (and leaves for the rest)."""
        if not len(el):
            return
        if kind == K_INERT:
            self.check_tree(el)
        elif kind == K_MEDIA:
            self.check_tree(el, _MEDIA_CHILDREN)
        elif kind == K_PSC:
            self.check_tree(el, {"psc:chapter"})
        elif kind == K_CONTRIB:
            self.check_tree(el, _CONTRIB_CHILDREN)
        else:
            raise Decline(f"<{self.name(el.tag)}> with children")

    # -- an item -------------------------------------------------------------------------
    def item(self, el: etree._Element) -> dict[str, Any]:
        """One item's raw fields, as `feeds._entry_from_feedparser` + the podcast:* pass."""
        if len(el.attrib):
            raise Decline("item attributes")
        kinds = self.item_kinds
        td = -1
        has_content = self.has_content
        title = link = guid = summary = author = _MISSING
        published = updated = _MISSING
        generic: dict[str, str] = {}
        content: list[str] = []
        links: list[dict[str, str]] = []
        image = None
        tags: list[list[str | None]] = []
        fp_explicit: bool | None = None
        persons: list[dict[str, Any]] = []
        transcripts: list[dict[str, Any]] = []
        chapters: dict[str, Any] | None = None
        px_explicit: str | None = None
        for child in el:
            tag = child.tag
            info = kinds.get(tag)
            if info is None:
                info = kinds[tag] = self._classify(tag, ITEM_KINDS)
            kind, px = info
            if px:
                if px == PX_PERSON:
                    persons.append(_person(child))
                elif px == PX_TRANSCRIPT:
                    transcripts.append(_transcript(child))
                elif px == PX_CHAPTERS:
                    if chapters is None:
                        chapters = {"url": child.get("url"), "type": child.get("type")}
                elif px == PX_EXPLICIT:
                    px_explicit = text_of(child)
            if kind <= K_CONTENT and kind != K_INERT:  # the text elements
                if len(child):
                    raise Decline("text element with children")
                if kind not in (K_LINK, K_GUID) and len(child.attrib):
                    _untyped(child)
                if kind in (K_TITLE, K_MTITLE):
                    text = fp_text(child.text)
                    if not -1 < td <= 4:
                        title = text
                    if text and kind == K_TITLE:
                        td = 4
                elif kind in (K_DESC, K_SUMMARY):
                    text = fp_text(child.text)
                    if summary is not _MISSING and not has_content:
                        has_content = 1  # read as content (feedparser's _start_content)
                        content.append(text)
                    else:
                        summary = text
                elif kind == K_CONTENT:
                    has_content = 1
                    text = fp_text(child.text)
                    content.append(text)
                    if summary is _MISSING:
                        summary = text
                elif kind == K_GUID:
                    attrs = _attrs(child) if len(child.attrib) else {}
                    permalink = attrs.get("ispermalink", "true") == "true"
                    guid = fp_uri(child.text) if permalink else fp_text(child.text)
                    if permalink and link is _MISSING:
                        link = guid
                else:  # K_LINK
                    attrs = _attrs(child) if len(child.attrib) else {}
                    if attrs:
                        attrs.setdefault("rel", "alternate")
                        self_rel = attrs["rel"] == "self"
                        attrs.setdefault(
                            "type", "application/atom+xml" if self_rel else "text/html"
                        )
                        enforce_href(attrs)
                        links.append(attrs)
                    if "href" in attrs:
                        attrs["href"] = fix_uri(attrs["href"])
                        alternate = attrs["rel"] == "alternate"
                        if alternate and content_type(attrs["type"]) in HTML_TYPES:
                            link = attrs["href"]
                    else:
                        text = fp_uri(child.text)
                        if "&" in text:
                            text = LINK_ENTITY.sub(r"&\g<1>", text.replace("&amp;", "&"))
                        link = text
                        if text and attrs:
                            attrs["href"] = text
                continue
            if kind == K_INERT:
                if len(child):
                    self.check_tree(child)
            elif kind in (K_PUB, K_UPD, K_GENERIC, K_AUTHOR):
                if len(child):
                    raise Decline("text element with children")
                if kind == K_AUTHOR:
                    author = fp_text(child.text)
                elif kind == K_GENERIC:
                    if len(child.attrib):  # feedparser would store the attributes instead
                        raise Decline("attributes on a generic element")
                    generic[self.name(tag)] = fp_text(child.text)
                elif kind == K_PUB:
                    published = parse_date(fp_text(child.text))
                else:
                    updated = parse_date(fp_text(child.text))
            elif kind == K_ENC:
                if len(child):
                    raise Decline("enclosure with children")
                attrs = enforce_href(_attrs(child))
                attrs["rel"] = "enclosure"
                links.append(attrs)
            elif kind == K_ITIMAGE:
                if len(child):
                    raise Decline("itunes:image with children")
                attrs = _attrs(child)
                if attrs.get("href"):
                    image = attrs["href"]
                elif attrs.get("url"):
                    image = attrs["url"]
            elif kind == K_EXPLICIT:
                if len(child):
                    raise Decline("itunes:explicit with children")
                raw = None if len(child.attrib) else (child.text or "")
                fp_explicit = True if raw == "yes" else False if raw == "clean" else None
            elif kind in (K_CAT, K_MCAT, K_ITCAT):
                self.category(child, kind, tags)
            elif kind in (K_ITKW, K_MKW):
                if len(child) or len(child.attrib):
                    raise Decline("keywords with children or attributes")
                scheme = ITUNES_SCHEME if kind == K_ITKW else None
                for term in fp_text(child.text).split(","):
                    if term.strip():
                        add_tag(tags, term.strip(), scheme, None)
            elif kind in (K_SOURCE, K_IMAGE):
                if len(child):
                    raise Decline("source or image with children")
                td = -1  # feedparser's _start_source / _start_image
            elif kind == K_DECLINE:
                raise Decline(f"<{self.name(tag)}> in an item")
            else:  # K_LEAF, K_MEDIA, K_PSC, K_CONTRIB
                self.kids(kind, child)
        self.td = td
        self.has_content = 0  # feedparser's _end_item
        explicit = px_explicit if px_explicit is not None else fp_explicit
        return {
            "guid": None if guid is _MISSING else guid,
            "title": None if title is _MISSING else title,
            "link": None if link is _MISSING else link,
            "published_parsed": (None if published is _MISSING else published)
            or (None if updated is _MISSING else updated),
            "description_html": None if summary is _MISSING else summary,
            "content_html": next((c for c in content if c), None),
            "enclosures": [
                {
                    "url": lk.get("href") or lk.get("url"),
                    "length": lk.get("length"),
                    "type": lk.get("type"),
                }
                for lk in links
                if lk["rel"] == "enclosure"
            ],
            "duration": generic.get("itunes:duration"),
            "episode": generic.get("itunes:episode"),
            "season": generic.get("itunes:season"),
            "episode_type": generic.get("itunes:episodetype"),
            "image": image,
            "author": None if author is _MISSING else author,
            "keywords": [t[0] for t in tags if t[0]],
            "explicit": explicit,
            "persons": persons,
            "transcripts": transcripts,
            "chapters": chapters,
        }

    def category(self, el: etree._Element, kind: int, tags: list[list[str | None]]) -> None:
        """category / media:category / itunes:category (nested ones too) into the tag list."""
        attrs = _attrs(el) if len(el.attrib) else {}
        if kind == K_ITCAT:
            add_tag(tags, attrs.get("text"), ITUNES_SCHEME, None)
            text = el.text or ""
            for sub in el:
                if self.name(sub.tag) != "itunes:category":
                    raise Decline("itunes:category holding something else")
                self.category(sub, K_ITCAT, tags)
                text += sub.tail or ""
        else:
            if len(el):
                raise Decline("category with children")
            if kind == K_MCAT:
                attrs.setdefault("scheme", MRSS_SCHEME)
            add_tag(tags, attrs.get("term"), attrs.get("scheme", attrs.get("domain")),
                     attrs.get("label"))  # fmt: skip
            text = el.text or ""
        end_category(tags, fp_text(text))

    # -- the channel ---------------------------------------------------------------------
    def channel(
        self, el: etree._Element, version: str, lang: str | None
    ) -> tuple[dict[str, Any], list[Any]]:
        """The raw channel fields (as `feeds.parse_feed` builds them) and the items."""
        if len(el.attrib):
            raise Decline("channel attributes")
        st = _Channel()
        if lang:
            st.fd["language"] = lang.replace("_", "-")
        self.channel_children(el, 3, st)
        fd = st.fd
        px = podcast_fields(el)
        image = fd.get("image")
        owner = fd.get("publisher_detail") or {}
        channel = {
            "title": fd.get("title"),
            "link": fd.get("link"),
            "description_html": fd.get("subtitle") or fd.get("summary") or fd.get("info") or None,
            "language": fd.get("language"),
            "author": fd.get("author"),
            "owner_name": owner.get("name"),
            "owner_email": owner.get("email"),
            "image": image.get("href") if isinstance(image, dict) else None,
            "categories": [t[0] for t in st.tags if t[0] and "itunes" in (t[1] or "")],
            "explicit": px.get("explicit", st.fp_explicit),
            "podcast_guid": px.get("podcast_guid"),
            "locked": px.get("locked"),
            "locked_owner": px.get("locked_owner"),
            "persons": px["persons"],
            "self_url": next(
                (lk["href"] for lk in st.links if lk.get("rel") == "self" and lk.get("href")),
                None,
            ),
            "new_feed_url": px.get("new_feed_url") or st.fp_new_feed or None,
            "format": version or None,
        }
        return channel, st.entries

    def channel_children(self, parent: etree._Element, depth: int, st: _Channel) -> None:
        """Channel-level elements, in order; those inside a container without a feedparser
        handler (podcast:liveItem) act on the channel too, one level deeper."""
        kinds = self.channel_kinds
        fd = st.fd
        for child in parent:
            tag = child.tag
            info = kinds.get(tag)
            if info is None:
                info = kinds[tag] = self._classify(tag, CHANNEL_KINDS)
            kind = info[0]
            if kind == K_ITEM:
                if tag != "item" or depth != 3:
                    raise Decline(f"{tag} as an item")
                st.entries.append(self.item(child))
                continue
            if kind == K_INERT and len(child):
                try:
                    self.check_tree(child)
                except Decline:
                    self.channel_children(child, depth + 1, st)
                continue
            if kind in (K_INERT, K_LEAF, K_MEDIA, K_PSC, K_CONTRIB):
                self.kids(kind, child)
                continue
            if kind == K_DECLINE:
                raise Decline(f"<{self.name(tag)}> in the channel")
            if kind in (K_CAT, K_MCAT, K_ITCAT):
                self.category(child, kind, st.tags)
                continue
            if kind == K_IMAGE:
                self.rss_image(child, fd, depth + 1)
                continue
            if kind == K_OWNER:
                self.owner(child, fd)
                continue
            if len(child):
                raise Decline(f"<{self.name(tag)}> with children")
            if len(child.attrib) and kind in _PUSH_CONTENT:
                _untyped(child)
            attrs = _attrs(child) if len(child.attrib) else {}
            if kind == K_LINK:
                attrs.setdefault("rel", "alternate")
                self_rel = attrs["rel"] == "self"
                attrs.setdefault("type", "application/atom+xml" if self_rel else "text/html")
                enforce_href(attrs)
                st.links.append(attrs)
                if "href" in attrs:
                    attrs["href"] = fix_uri(attrs["href"])
                    alternate = attrs["rel"] == "alternate"
                    if alternate and content_type(attrs["type"]) in HTML_TYPES:
                        fd["link"] = attrs["href"]
                else:
                    text = fp_uri(child.text)
                    if "&" in text:
                        text = LINK_ENTITY.sub(r"&\g<1>", text)
                    fd["link"] = attrs["href"] = text
                continue
            if kind == K_GUID:
                permalink = attrs.get("ispermalink", "true") == "true"
                fd["id"] = fp_uri(child.text) if permalink else fp_text(child.text)
                if permalink:
                    fd.setdefault("link", fd["id"])
                continue
            if kind == K_ITIMAGE:
                href = attrs.get("href") or attrs.get("url")
                if href:
                    fd["image"] = {"href": href}
                continue
            if kind == K_SOURCE:
                self.td = -1
                continue
            if kind == K_EXPLICIT:
                raw = None if attrs else (child.text or "")
                st.fp_explicit = True if raw == "yes" else False if raw == "clean" else None
                continue
            if kind in (K_ITKW, K_MKW):
                if attrs:
                    raise Decline("keywords with attributes")
                scheme = ITUNES_SCHEME if kind == K_ITKW else None
                for term in fp_text(child.text).split(","):
                    if term.strip():
                        add_tag(st.tags, term.strip(), scheme, None)
                continue
            text = fp_text(child.text)
            if kind in (K_TITLE, K_MTITLE):
                if not -1 < self.td <= depth:
                    fd["title"] = text
                if text and kind == K_TITLE:
                    self.td = depth
            elif kind in (K_DESC, K_SUMMARY):
                if "summary" in fd and not self.has_content:
                    self.has_content = 1
                    fd["content"] = text
                else:
                    fd["subtitle" if kind == K_DESC else "summary"] = text
            elif kind == K_CONTENT:
                self.has_content = 1
                fd["content"] = text
                fd.setdefault("summary", text)
            elif kind == K_SUBTITLE:
                fd["subtitle"] = text
            elif kind == K_INFO:
                fd["info"] = text
            elif kind == K_LANG:
                fd["language"] = text
            elif kind == K_AUTHOR:
                fd.setdefault("authors", []).append({})
                fd["author"] = text
                sync_author(fd)
            elif kind == K_PUBLISHER:
                fd["publisher"] = text
                sync_author(fd, "publisher")
            elif kind == K_NEWFEED:
                if attrs:
                    raise Decline("itunes:new-feed-url with attributes")
                st.fp_new_feed = text
            else:  # pragma: no cover - every channel kind is handled above
                raise Decline(f"<{self.name(tag)}> unexpected")

    def rss_image(self, el: etree._Element, fd: dict[str, Any], depth: int) -> None:
        """RSS <image>: its url is the channel image (unless an itunes:image follows)."""
        image = fd.setdefault("image", {})
        self.td = -1
        for sub in el:
            name = self.name(sub.tag)
            if sub.tag != name or name not in _IMAGE_CHILDREN or len(sub):
                raise Decline(f"<{name}> in <image>")
            if name == "link" and len(sub.attrib):
                raise Decline("<link> with attributes in <image>")
            if name == "url":
                image["href"] = fp_uri(sub.text)
            elif name == "title":
                if len(sub.attrib):
                    _untyped(sub)
                text = fp_text(sub.text)
                if not -1 < self.td <= depth:
                    image["title"] = text
                if text:
                    self.td = depth

    def owner(self, el: etree._Element, fd: dict[str, Any]) -> None:
        """itunes:owner: the owner's name and email, which also rewrite the channel author."""
        for sub in el:
            name = self.name(sub.tag)
            if name in ("itunes:name", "itunes:email") and not len(sub):
                save_author(fd, name[7:], (sub.text or "").strip(), "publisher")
            elif not self.is_inert(sub.tag):
                raise Decline(f"<{name}> in itunes:owner")
            elif len(sub):
                self.check_tree(sub)
        sync_author(fd, "publisher")


_BASE_ATTRIBUTE = etree.XPath('boolean(//@*[translate(local-name(), "BASE", "base") = "base"])')


def _canonical(uri: str) -> str | None:
    """feedparser's prefix for a known namespace URI, or the URI itself for an unknown one."""
    prefix = fp_prefix(uri)
    return uri if prefix is None else prefix


def _namespace_prefixes(root: etree._Element, body: bytes) -> dict[str, str]:
    """Unknown namespace URI → the one prefix feedparser will name its elements with; Decline
    when declarations could make feedparser name an element otherwise."""
    decls: list[tuple[str | None, str]] = list(root.nsmap.items())  # the root's own
    if body.count(b"xmlns") != len(decls):  # declared further down too (or the word in text)
        decls = [(p or None, u) for _ev, (p, u) in etree.iterwalk(root, events=("start-ns",))]
    by_prefix: dict[str | None, set[str]] = {}
    unknown: dict[str, str] = {}
    for prefix, uri in decls:
        by_prefix.setdefault(prefix, set()).add(uri)
        low = uri.lower()
        if low in DECLINED_NS:
            raise Decline(f"namespace {uri}")
        if fp_prefix(uri) is not None:
            continue
        if prefix is None or unknown.setdefault(uri, prefix) != prefix:
            raise Decline(f"namespace {uri} without one prefix")
    unknown_prefixes = {p.lower() for p in unknown.values()}
    lowered: dict[str, str] = {}
    for prefix, uris in by_prefix.items():
        if len({_canonical(u) for u in uris}) > 1:
            raise Decline(f"prefix {prefix} bound to different namespaces")
        if prefix is None:
            continue
        if lowered.setdefault(prefix.lower(), prefix) != prefix:
            raise Decline(f"prefixes {prefix} and {lowered[prefix.lower()]}")
        uri = next(iter(uris))
        known = fp_prefix(uri)
        if known is None:
            if is_fp_prefix(prefix.lower()):
                raise Decline(f"prefix {prefix} of an unknown namespace")
        elif prefix != known.lower() and (prefix in unknown_prefixes or is_fp_prefix(prefix)):
            raise Decline(f"prefix {prefix} of {uri.lower()}")
    return {uri: prefix.lower() for uri, prefix in unknown.items()}


_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}


def _read(data: bytes, headers: Mapping[str, str] | None) -> tuple[dict[str, Any], list[Any]]:
    body = utf8_bytes(data, headers)
    try:
        root = etree.fromstring(body, xml_parser(False))
    except (etree.XMLSyntaxError, ValueError):
        raise Decline("not well-formed XML") from None
    if root.tag != "rss":
        raise Decline(f"root {root.tag!r}")
    if root.getroottree().docinfo.doctype:
        raise Decline("DOCTYPE")
    attrs = _attrs(root)
    if "lang" in attrs and XML_LANG in root.attrib:
        raise Decline("lang and xml:lang on the root")
    lang = root.get(XML_LANG, attrs.get("lang")) or None
    if b"base" in data.lower() and _BASE_ATTRIBUTE(root):
        raise Decline("base attribute")
    prefixes = _namespace_prefixes(root, body)
    version = ""
    for prefix, uri in root.nsmap.items():  # feedparser's track_namespace, root declarations
        low = uri.lower()
        if not version:
            if prefix is None and low == NETSCAPE_NS:
                version = "rss090"
            elif low == RSS1_NS:
                version = "rss10"
            elif low == ATOM_NS:
                version = "atom10"
    if not version.startswith("rss"):
        declared = attrs.get("version", "")
        version = _VERSIONS.get(declared) or ("rss20" if declared.startswith("2.") else "rss")
    children = list(root)
    if len(children) != 1 or children[0].tag != "channel":
        raise Decline("the root does not hold exactly one channel")
    channel, entries = _Reader(prefixes).channel(children[0], version, lang)
    if not entries and not channel["title"]:
        raise Decline("no title and no items (feedparser words that error)")
    return channel, entries


def try_read(
    data: bytes, headers: Mapping[str, str] | None = None
) -> tuple[tuple[dict[str, Any], list[dict[str, Any]]] | None, str]:
    """(channel, entries) from the fast path, or None and the reason it declined."""
    try:
        return _read(data, headers), ""
    except Decline as exc:
        return None, str(exc)


def read_rss(
    data: bytes, headers: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(channel, entries) exactly as the feedparser path gives them, or None (use it)."""
    return try_read(data, headers)[0]
