"""Our reading of podcastparser's own test feeds against the output podcastparser expects.

../shared/corpus/podcastparser-tests holds gPodder podcastparser's tests/data: 70 small
feeds `<name>.rss`, each with `<name>.json`, podcastparser's expected parse (see SOURCES.md).
Each feed is read as the ingest reads it (parse_feed, normalize_channel, _normalize_entries)
and every field both sides have is compared through the one table below. Every difference
must be listed, with its reason, in KNOWN (ours is right) or WRONG_ON_OUR_SIDE (ours is
wrong, not fixed yet); a listed difference that no longer differs fails too.
"""

from __future__ import annotations

import calendar
import json
import re
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from conftest import CORPUS

from catalog.core import normalize
from catalog.core.errors import FeedError
from catalog.services import ingest
from catalog.sources import feeds

PP = CORPUS / "podcastparser-tests"
NAMES = sorted(p.stem for p in PP.glob("*.rss")) if PP.is_dir() else []
# podcastparser ran on each file as file://tests/data/<name>.rss (its relative URLs and its
# default titles come from that URL).

pytestmark = pytest.mark.skipif(not PP.is_dir(), reason="../shared/corpus is absent")

# --- the one table: podcastparser's field -> how to read ours, how to read theirs ------------

Getter = Callable[[dict[str, Any]], Any]


def _same(value: Any) -> Any:
    return value


def _no_zero(value: Any) -> Any:
    """podcastparser writes 0 for an unknown time or duration."""
    return value or None


def _timestamp(iso: str | None) -> int | None:
    if not iso:
        return None
    return calendar.timegm(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def _their_enclosures(value: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    # podcastparser's placeholders for "not given": size -1 and type application/octet-stream
    # (no feed here declares that type itself).
    return [
        (
            e["url"],
            None if e.get("file_size", -1) == -1 else e["file_size"],
            None if e.get("mime_type") == "application/octet-stream" else e.get("mime_type"),
        )
        for e in value
    ]


def _our_enclosures(ep: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(e["url"], e["length"], e["type"]) for e in ep["enclosures"]]


def _our_persons(ep: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(p["name"], p["role"], p["group"], p["href"], p["img"]) for p in ep["credits"]]


def _their_persons(value: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(p["name"], p["role"], p["group"], p.get("href"), p.get("img")) for p in value]


def _richest_html(ep: dict[str, Any]) -> str | None:
    """The HTML our plain-text description is made from (as normalize_entry chooses it)."""
    desc, content = ep["description_html"] or "", ep["content_html"] or ""
    return (content if len(content) > len(desc) else desc).strip() or None


# podcastparser's channel field -> (our channel's value, their value normalised); None: we
# do not store that field, so it is not compared.
CHANNEL_FIELDS: dict[str, tuple[Getter, Callable[[Any], Any]] | None] = {
    "title": (lambda c: c["title"], _same),
    "link": (lambda c: c["link"], _same),
    "description": (lambda c: c["description"], _same),
    "cover_url": (lambda c: c["image"], _same),
    "language": (lambda c: c["language"], _same),
    "itunes_author": (lambda c: c["author"], _same),
    "itunes_owner": (
        lambda c: {"name": c["owner_name"], "email": c["owner_email"]},
        lambda v: {"name": v.get("name"), "email": v.get("email")},
    ),
    "itunes_categories": (lambda c: c["categories"], lambda v: [t for cat in v for t in cat]),
    "explicit": (lambda c: c["explicit"], _same),
    "new_url": (lambda c: c["new_feed_url"], _same),
    "import_prohibited": (lambda c: c["locked"], _same),
    "payment_url": None,  # we keep no payment (Flattr) links
    "funding_url": None,  # podcast:funding is not stored
    "generator": None,
    "itunes_keywords": None,  # channel keywords are not stored
    "type": None,  # itunes:type (episodic/serial) is not stored
    "paged_feed_first": None,  # RFC 5005 paging is not followed
    "paged_feed_next": None,
}
# podcastparser's episode field -> (our episode's value, their value normalised).
EPISODE_FIELDS: dict[str, tuple[Getter, Callable[[Any], Any]] | None] = {
    "title": (lambda e: e["title"], _same),
    "guid": (lambda e: e["guid"], _same),
    "link": (lambda e: e["link"], _same),
    "description": (lambda e: e["description"], _same),
    "description_html": (_richest_html, _same),
    "published": (lambda e: _timestamp(e["published"]), _no_zero),
    "total_time": (lambda e: e["duration"], _no_zero),
    "enclosures": (_our_enclosures, _their_enclosures),
    "episode_art_url": (lambda e: e["image"], _same),
    "number": (lambda e: e["episode"], _same),
    "season": (lambda e: e["season"], _same),
    "type": (lambda e: e["episode_type"], _same),
    "explicit": (lambda e: e["explicit"], _same),
    "itunes_author": (lambda e: e["author"], _same),
    "persons": (_our_persons, _their_persons),
    "transcript_url": (lambda e: e["transcripts"][0]["url"] if e["transcripts"] else None, _same),
    "chapters_json_url": (lambda e: (e["chapters"] or {}).get("url"), _same),
    "payment_url": None,  # we keep no payment links
    "chapters": None,  # Podlove simple chapters (psc:) are not read
    "subtitle": None,  # itunes:subtitle is not stored
}
# Fields podcastparser writes only when it found HTML: compared only where it did.
ONLY_WHERE_THEIRS = {"description_html"}

# Why a difference is right on our side (or at least what we mean to do).
NO_TITLE = "no channel title: we store none; podcastparser makes one from the file name"
NO_EPISODE_TITLE = (
    "no item title: we store none; podcastparser makes one from the enclosure's file name"
)
NO_GUID = (
    "no guid: we store none (identity falls back to the enclosure URL or title + date); "
    "podcastparser copies the enclosure URL or link into the guid"
)
GUID_AS_WRITTEN = (
    "a guid is an opaque identifier, kept as written; podcastparser resolves it as a URL "
    "against the feed's location (file://tests/data/)"
)
REFUSED = (
    "no channel title and no items: ingest refuses the file as not a feed (README, Ingesting "
    "feeds); compared again with podcastparser's title added"
)
TYPE_KEPT = (
    "we keep an unknown itunes:episodeType as written (lower-cased); podcastparser drops values"
    " other than full/trailer/bonus"
)
ATOM_LINK = (
    "we read the Atom feed's alternate <link>; podcastparser reads no channel link from Atom"
)
ATOM_AUTHOR = "we read the Atom feed's <author>; podcastparser reads no author from Atom"
ATOM_SUMMARY = (
    "we read the Atom entry's <summary> as its description; podcastparser leaves it empty"
)
RICHEST_TEXT = (
    "our text comes from the longest of description/itunes:summary and content:encoded (the "
    "show notes); podcastparser keeps the shorter description as its text"
)
EMPTY_CATEGORY = "an itunes:category with no text is dropped; podcastparser keeps an empty one"
SAME_FILE_ONCE = (
    "the same URL as enclosure and media:content is one file, stored once; podcastparser lists "
    "it twice"
)
MAX_EPISODES = "podcastparser ran with max_episodes=1 (max_episodes.param.json); we read every item"
KEPT_NO_ENCLOSURE = (
    "we keep an item known by its title alone (no guid, no enclosure); podcastparser drops it"
)
KEPT_NO_TITLE = "we keep an item with a guid and enclosures but no title; podcastparser drops it"

KNOWN: dict[tuple[str, str], str] = {
    ("atom_content_encoded", "link"): ATOM_LINK,
    ("atom_content_encoded", "itunes_author"): ATOM_AUTHOR,
    ("atom_published_updated", "link"): ATOM_LINK,
    ("atom_published_updated", "itunes_author"): ATOM_AUTHOR,
    ("atom_published_updated", "episode.description"): ATOM_SUMMARY,
    ("atom_relative_cover", "feed"): REFUSED,
    ("atom_updated", "link"): ATOM_LINK,
    ("atom_updated", "itunes_author"): ATOM_AUTHOR,
    ("atom_updated", "episode.description"): ATOM_SUMMARY,
    ("chapters", "episode.guid"): GUID_AS_WRITTEN,
    ("duration", "title"): NO_TITLE,
    ("duration", "episode.guid"): GUID_AS_WRITTEN,
    ("empty", "feed"): REFUSED,
    ("episode_itunes_author", "title"): NO_TITLE,
    ("episode_itunes_author", "episode.guid"): NO_GUID,
    ("episode_number", "title"): NO_TITLE,
    ("episode_number", "episode.guid"): NO_GUID,
    ("episode_number_invalid", "title"): NO_TITLE,
    ("episode_number_invalid", "episode.guid"): NO_GUID,
    ("episode_podcast_chapters", "episode.guid"): NO_GUID,
    ("episode_podcast_person", "episode.guid"): NO_GUID,
    ("episode_podcast_transcript", "episode.guid"): NO_GUID,
    ("episode_season", "title"): NO_TITLE,
    ("episode_season", "episode.guid"): NO_GUID,
    ("episode_type", "episode.guid"): NO_GUID,
    ("episode_type_invalid", "episode.guid"): NO_GUID,
    ("episode_type_invalid", "episode.type"): TYPE_KEPT,
    ("explicit_episode", "title"): NO_TITLE,
    ("explicit_episode", "episode.guid"): NO_GUID,
    ("explicit_feed", "feed"): REFUSED,
    ("generator", "feed"): REFUSED,
    ("html_description", "episode.guid"): NO_GUID,
    ("html_description_rss_both", "episode.guid"): NO_GUID,
    ("html_description_rss_both", "episode.description"): RICHEST_TEXT,
    ("html_in_description", "episode.guid"): NO_GUID,
    ("html_in_description_rss_both", "episode.guid"): NO_GUID,
    ("html_in_description_rss_both_different", "episode.guid"): NO_GUID,
    ("image_url_on_newline", "feed"): REFUSED,
    ("itunes_author", "feed"): REFUSED,
    ("itunes_categories", "feed"): REFUSED,
    ("itunes_categories_empty", "feed"): REFUSED,
    ("itunes_categories_empty", "itunes_categories"): EMPTY_CATEGORY,
    ("itunes_duration", "title"): NO_TITLE,
    ("itunes_duration", "episode.guid"): GUID_AS_WRITTEN,
    ("itunes_episode_image", "title"): NO_TITLE,
    ("itunes_episode_image", "episode.guid"): GUID_AS_WRITTEN,
    ("itunes_keywords", "feed"): REFUSED,
    ("itunes_no_xmlns", "title"): NO_TITLE,
    ("itunes_no_xmlns", "episode.guid"): GUID_AS_WRITTEN,
    ("itunes_owner", "feed"): REFUSED,
    ("itunes_owner_name_only", "feed"): REFUSED,
    ("itunes_subtitle", "title"): NO_TITLE,
    ("itunes_subtitle", "episode.guid"): GUID_AS_WRITTEN,
    ("itunes_subtitle", "episode.description"): RICHEST_TEXT,
    ("itunes_type", "episode.guid"): NO_GUID,
    ("itunes_type_garbage", "episode.guid"): NO_GUID,
    ("itunes_type_missing", "episode.guid"): NO_GUID,
    ("itunes_type_serial", "episode.guid"): NO_GUID,
    ("itunes_xmlns", "title"): NO_TITLE,
    ("itunes_xmlns", "episode.guid"): GUID_AS_WRITTEN,
    ("language", "feed"): REFUSED,
    ("leading_space_url", "title"): NO_TITLE,
    ("leading_space_url", "episode.guid"): NO_GUID,
    ("max_episodes", "episodes"): MAX_EPISODES,
    ("max_episodes", "episode.guid"): NO_GUID,
    ("media_episode_thumbnail", "title"): NO_TITLE,
    ("media_episode_thumbnail", "episode.guid"): GUID_AS_WRITTEN,
    ("media_episode_thumbnail_atom", "title"): NO_TITLE,
    ("media_episode_thumbnail_atom_group", "title"): NO_TITLE,
    ("media_episode_thumbnail_group", "title"): NO_TITLE,
    ("media_episode_thumbnail_group", "episode.guid"): GUID_AS_WRITTEN,
    ("multi_enclosures", "episode.guid"): NO_GUID,
    ("multi_enclosures", "episode.enclosures"): SAME_FILE_ONCE,
    ("no_enclosure", "title"): NO_TITLE,
    ("no_enclosure", "episodes"): KEPT_NO_ENCLOSURE,
    ("no_enclosure", "episode.guid"): NO_GUID,
    ("no_guid", "title"): NO_TITLE,
    ("no_guid", "episode.title"): NO_EPISODE_TITLE,
    ("no_guid", "episode.guid"): NO_GUID,
    ("no_title", "title"): NO_TITLE,
    ("no_title", "episode.title"): NO_EPISODE_TITLE,
    ("no_title", "episode.guid"): NO_GUID,
    ("no_title_multi_enclosure", "title"): NO_TITLE,
    ("no_title_multi_enclosure", "episodes"): KEPT_NO_TITLE,
    ("no_url", "title"): NO_TITLE,
    ("payment", "episode.guid"): NO_GUID,
    ("podcast_funding", "feed"): REFUSED,
    ("podcast_locked_feed", "feed"): REFUSED,
    ("redirect_new_location", "feed"): REFUSED,
    ("relative", "title"): NO_TITLE,
    ("relative", "episode.guid"): NO_GUID,
    ("relative_cover", "feed"): REFUSED,
    ("simple", "episode.guid"): NO_GUID,
}

# Differences where ours is wrong (not fixed here; allowed to differ so the suite stays green).
GUID_AS_LINK = (
    "a guid that is a permalink by default but not a URL ('a') becomes the link as written, "
    "unresolved: not a usable link"
)
ATOM_ID_AS_LINK = (
    "an Atom <id> becomes the link when there is none (Atom has no guid-is-permalink rule)"
)
ATOM_ICON = "the Atom feed's <icon>/<logo> is not read as the show's image"
RELATIVE_URL = (
    "relative URLs are stored as written ('example.mp3'), not resolved against the feed's URL: "
    "unusable"
)
MEDIA_THUMBNAIL = "media:thumbnail (also inside media:group) is not read as the episode's image"
MEDIA_CONTENT = (
    "media:content (also inside media:group) is not read as an enclosure: the item has no audio"
)
KEYWORDS_AS_CATEGORIES = (
    "the channel's itunes:keywords are stored as its categories (feedparser files them as tags "
    "with the iTunes scheme)"
)
OWNER_AS_AUTHOR = (
    "the itunes:owner's name becomes the show's author when there is no itunes:author (only "
    "when the owner has an e-mail)"
)

WRONG_ON_OUR_SIDE: dict[tuple[str, str], str] = {
    ("atom_relative_cover", "link"): ATOM_ID_AS_LINK,
    ("atom_relative_cover", "cover_url"): ATOM_ICON,
    ("chapters", "episode.link"): GUID_AS_LINK,
    ("duration", "episode.link"): GUID_AS_LINK,
    ("itunes_duration", "episode.link"): GUID_AS_LINK,
    ("itunes_episode_image", "episode.link"): GUID_AS_LINK,
    ("itunes_keywords", "itunes_categories"): KEYWORDS_AS_CATEGORIES,
    ("itunes_no_xmlns", "episode.link"): GUID_AS_LINK,
    ("itunes_owner", "itunes_author"): OWNER_AS_AUTHOR,
    ("itunes_subtitle", "episode.link"): GUID_AS_LINK,
    ("itunes_xmlns", "episode.link"): GUID_AS_LINK,
    ("media_episode_thumbnail", "episode.link"): GUID_AS_LINK,
    ("media_episode_thumbnail", "episode.episode_art_url"): MEDIA_THUMBNAIL,
    ("media_episode_thumbnail_atom", "episode.link"): ATOM_ID_AS_LINK,
    ("media_episode_thumbnail_atom", "episode.episode_art_url"): MEDIA_THUMBNAIL,
    ("media_episode_thumbnail_atom_group", "episode.link"): ATOM_ID_AS_LINK,
    ("media_episode_thumbnail_atom_group", "episode.episode_art_url"): MEDIA_THUMBNAIL,
    ("media_episode_thumbnail_group", "episode.link"): GUID_AS_LINK,
    ("media_episode_thumbnail_group", "episode.episode_art_url"): MEDIA_THUMBNAIL,
    ("mediarss", "episode.enclosures"): MEDIA_CONTENT,
    ("no_enclosure", "episode.enclosures"): RELATIVE_URL,
    ("relative", "episode.enclosures"): RELATIVE_URL,
    ("relative_cover", "cover_url"): RELATIVE_URL,
}


# --- reading both sides -----------------------------------------------------------------------


def ours(name: str, data: bytes | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Our channel and episodes, read as ingest reads them, in podcastparser's order (newest
    first, feed order among equal dates)."""
    path = PP / f"{name}.rss"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feedparser's own DeprecationWarnings
        raw = feeds.parse_feed(path.read_bytes() if data is None else data, str(path))
    channel = normalize.normalize_channel(raw.channel)
    episodes, _duplicates, _skipped = ingest._normalize_entries(raw, channel)
    episodes.sort(key=lambda e: _timestamp(e["published"]) or 0, reverse=True)
    return channel, episodes


_OPENING = re.compile(rb"<(?:channel|feed)\b[^>]*>")


def _blank(value: Any) -> Any:
    return None if value in ("", [], {}, None) or value == {"name": None, "email": None} else value


def _compare(
    table: dict[str, tuple[Getter, Callable[[Any], Any]] | None],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    prefix: str,
) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for field, how in table.items():
        if how is None or (field in ONLY_WHERE_THEIRS and field not in theirs):
            continue
        get_ours, read_theirs = how
        have = _blank(get_ours(mine))
        want = _blank(read_theirs(theirs[field])) if field in theirs else None
        if have != want:
            out[prefix + field] = (have, want)
    return out


def _pairs(
    mine: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each of their episodes with ours: the one with the same title if exactly one has it,
    else the one at the same place (podcastparser sorts serial feeds oldest first, and drops
    some items we keep)."""
    pairs, used = [], set()
    for n, want in enumerate(theirs):
        same = [i for i, ep in enumerate(mine) if ep["title"] == want.get("title")]
        pick = same[0] if len(same) == 1 else n
        if pick < len(mine) and pick not in used:
            used.add(pick)
            pairs.append((mine[pick], want))
    return pairs


def differences(name: str) -> dict[str, tuple[Any, Any]]:
    """field -> (ours, theirs) for every compared field that differs ("episode.x": any
    episode's x; "episodes": how many)."""
    expected = json.loads((PP / f"{name}.json").read_text(encoding="utf-8"))
    unknown = set(expected) - set(CHANNEL_FIELDS) - {"episodes"}
    assert not unknown, f"podcastparser fields missing from the table: {unknown}"
    out: dict[str, tuple[Any, Any]] = {}
    try:
        channel, episodes = ours(name)
    except FeedError as exc:
        # Ingest refuses a file with no title and no items. To compare the channel fields
        # these tests are about, read it again with the title podcastparser gave it.
        out["feed"] = (f"refused: {exc}".replace(str(PP), "…"), "read")
        data = (PP / f"{name}.rss").read_bytes()
        titled = _OPENING.sub(rf"\g<0><title>{name}</title>".encode(), data, count=1)
        try:
            channel, episodes = ours(name, titled)
        except FeedError:  # not even a channel (an old <redirect>): nothing more to compare
            return out
    out.update(_compare(CHANNEL_FIELDS, channel, expected, ""))
    if len(episodes) != len(expected["episodes"]):
        out["episodes"] = (len(episodes), len(expected["episodes"]))
    for mine, theirs in _pairs(episodes, expected["episodes"]):
        unknown = set(theirs) - set(EPISODE_FIELDS)
        assert not unknown, f"podcastparser episode fields missing from the table: {unknown}"
        for field, pair in _compare(EPISODE_FIELDS, mine, theirs, "episode.").items():
            out.setdefault(field, pair)
    return out


# --- the tests --------------------------------------------------------------------------------


def test_the_corpus_is_whole() -> None:
    assert len(NAMES) == 70
    assert all((PP / f"{n}.json").is_file() for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_matches_podcastparser(name: str) -> None:
    found = differences(name)
    listed = {f for (n, f) in {**KNOWN, **WRONG_ON_OUR_SIDE} if n == name}
    new = {f: found[f] for f in sorted(set(found) - listed)}
    gone = sorted(listed - set(found))
    assert not new, f"{name}: differences from podcastparser not in KNOWN (ours, theirs): {new}"
    assert not gone, f"{name}: listed differences that no longer differ: {gone}"


def test_the_lists_name_real_feeds_and_fields() -> None:
    both = set(KNOWN) & set(WRONG_ON_OUR_SIDE)
    assert not both, f"listed as right and as wrong: {both}"
    fields = {*CHANNEL_FIELDS, "feed", "episodes", *(f"episode.{f}" for f in EPISODE_FIELDS)}
    for name, field in {**KNOWN, **WRONG_ON_OUR_SIDE}:
        assert name in NAMES, name
        assert field in fields, field
