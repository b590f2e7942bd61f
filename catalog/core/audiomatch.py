"""Pure core of audio files: which episode a file belongs to (with a score and its reasons),
the credits its tags carry, the local-only episodes of files no feed knows, and the values
`catalog tag` writes back. No I/O: the scan (catalog/scan.py) hands in plain dicts.

Attaching, strongest evidence first:

1. the catalog episode id (`CATALOG_ID`, written by `catalog tag`) or the episode guid
   (ID3 TGID, MP4 `egid`) → 1.0;
2. the file name equal to the file name of one episode's enclosure URL → 0.95;
3. otherwise a weighted mean of title similarity, date, duration, show (album) and file
   name, over the signals available, like summaries (`catalog/match.py`). At or above
   `auto` (with `margin` over the runner-up, and two signals at least) the file is attached;
   from `review` up it waits in `catalog match review`; below, it becomes a local episode.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from catalog.core import match, people
from catalog.core.normalize import (
    HOST_ROLES,
    clean_block,
    clean_line,
    fold,
    person_key,
    title_key,
)
from catalog.core.pagedates import parse_date

LOCAL = "local"  # the `kind` of a show made from files (no feed): `refresh` skips it
WEIGHTS = {"title": 0.45, "date": 0.2, "duration": 0.2, "show": 0.1, "name": 0.15}
# File names that many hosts give every episode: they identify nothing.
_GENERIC_NAMES = {
    "audio",
    "media",
    "episode",
    "download",
    "stream",
    "file",
    "podcast",
    "default",
    "master",
    "final",
    "index",
}
_PLACEHOLDER_ARTISTS = {
    "unknown",
    "unknown artist",
    "various",
    "various artists",
    "artist",
    "n/a",
    "none",
    "null",
    "-",
}


@dataclass(frozen=True)
class Thresholds:
    """Scores at or above `auto` (by `margin` over the runner-up) attach a file; from
    `review` up it waits for a person."""

    auto: float = 0.8
    review: float = 0.5
    margin: float = 0.08


@dataclass
class Attachment:
    """Where one file goes: state auto | review | local, the episode (or the suggestion)."""

    state: str
    episode_id: str | None = None
    score: float | None = None
    reasons: dict[str, Any] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)


def short_hash(*parts: str, length: int = 12) -> str:
    """A stable id from text parts."""
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:length]


def enclosure_name(url: str | None) -> str:
    """The file name of a URL, unquoted and folded ("" for none).

    >>> enclosure_name("https://cdn.example/a/Ep%2012.MP3?x=1")
    'ep 12.mp3'
    """
    if not url:
        return ""
    path = urllib.parse.urlsplit(url).path
    return fold(urllib.parse.unquote(path.rsplit("/", 1)[-1])).strip()


def tag_date(info: Mapping[str, Any]) -> str | None:
    """The day a file was published, as YYYY-MM-DD: from its date tag, else its file name
    ("2017-05-10 show.mp3"); None for a year alone.

    >>> tag_date({"date": "28.02.2021"}), tag_date({"date": "2021", "path": "/a/2020-1-2.mp3"})
    ('2021-02-28', '2020-01-02')
    """
    text = str(info.get("date") or "")
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text.strip())
    if dotted:
        text = f"{dotted.group(3)}-{dotted.group(2)}-{dotted.group(1)}"
    found = parse_date(text[:10]) if re.match(r"\d{4}-\d{1,2}-\d{1,2}", text) else None
    if found is None:
        found = parse_date(PurePath(str(info.get("path") or "")).stem.replace("_", "-"))
    return found


def file_title(info: Mapping[str, Any]) -> str:
    """The title of a file: its title tag, else its file name without the extension."""
    stem = PurePath(str(info.get("path") or "")).stem.replace("_", " ")
    return clean_line(info.get("title")) or clean_line(stem) or "(untitled)"


# -- credits ---------------------------------------------------------------------------------
_FEAT = re.compile(r"\s+(?:feat\.?|ft\.|featuring)\s+(?P<names>.+)$", re.I)
_TITLE_GUESTS = re.compile(
    r"(?:\s|^|[(\[])(?:(?:with|w/|feat\.?|ft\.|featuring)\s+(?:guests?:\s*)?|guests?:\s+)"
    r"(?P<names>[^|()\[\]:–—]+?)"
    r"\s*(?:$|[|()\[\]:–—]|\s-\s)",
    re.I,
)


def split_names(text: str | None) -> list[str]:
    """Names in an artist or guests value: "A; B", "A / B", "A & B", "A and B", "A, B" (a
    comma only splits names of two words or more, so "Davis, Joseph" stays one).

    >>> split_names("Ann Lee & Bo Roe"), split_names("Davis, Joseph")
    (['Ann Lee', 'Bo Roe'], ['Davis, Joseph'])
    """
    out: list[str] = []
    for part in re.split(r"\s*(?:;|/|\x00|&|\band\b)\s*", clean_line(text)):
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            out.extend(pieces)
        elif part.strip():
            out.append(part.strip())
    return list(dict.fromkeys(out))


def _credit(name: str, role: str, evidence: str, confidence: float) -> dict[str, Any]:
    return {
        "name": clean_line(name),
        "key": person_key(name),
        "role": role,
        "group": "cast",
        "bio": None,
        "href": None,
        "img": None,
        "source": "tags",
        "scope": "item",
        "confidence": confidence,
        "evidence": evidence,
    }


def title_guests(title: str) -> list[str]:
    """Guests named in a title: "… with X", "… feat. X", "(w/ X and Y)", "Guest: X".

    >>> title_guests("Ep. 12: Cooking with Ann Lee and Bo Roe | Radio")
    ['Ann Lee', 'Bo Roe']
    >>> title_guests("Cooking with Gas")
    []
    >>> title_guests("Night Shift with Guest: Rosa Okafor")
    ['Rosa Okafor']
    """
    out: list[str] = []
    for found in _TITLE_GUESTS.finditer(title or ""):
        for name in split_names(found.group("names")):
            if people.is_name(name):
                out.append(name)
    return out


def tag_credits(info: Mapping[str, Any], show_title: str = "") -> list[dict[str, Any]]:
    """Credits from a file's tags, all with source "tags": the artist (else the album
    artist) as host, unless it is the show's or album's own name; "feat. X" in it, our
    GUESTS tag, "with X" in the title and the extractor's phrasings in the comment and
    description as guests."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}

    def add(name: str, role: str, evidence: str, confidence: float) -> None:
        credit = _credit(name, role, evidence, confidence)
        if credit["key"] and (credit["key"], role) not in seen:
            seen[(credit["key"], role)] = credit

    not_hosts = {fold(t) for t in (show_title, info.get("album") or "") if t}
    artist = clean_line(info.get("artist")) or clean_line(info.get("album_artist"))
    feat = _FEAT.search(artist)
    if feat:
        artist = artist[: feat.start()]
        for name in split_names(feat.group("names")):
            add(name, "guest", "artist feat.", 0.7)
    if fold(artist) not in not_hosts:
        for name in split_names(artist):
            if fold(name) not in _PLACEHOLDER_ARTISTS:
                add(name, "host", "artist", 0.6)
    for name in info.get("guests") or []:
        add(name, "guest", "guests tag", 0.9)
    for name in title_guests(str(info.get("title") or "")):
        add(name, "guest", "title", 0.7)
    for text in (info.get("comment"), info.get("description")):
        for credit in people.extract(str(text or ""), source="tags").credits:
            add(credit["name"], credit["role"], credit["evidence"], credit["confidence"])
    hosts = {k for k, role in seen if role == "host"}
    return [c for (k, role), c in seen.items() if role == "host" or k not in hosts]


# -- attaching -------------------------------------------------------------------------------
def _day(text: str | None) -> int | None:
    try:
        return date.fromisoformat(str(text)[:10]).toordinal() if text else None
    except ValueError:
        return None


def _date_sim(file_day: str | None, year: str | None, published: str | None) -> float | None:
    ep_day = _day(published)
    if ep_day is None:
        return None
    if file_day and (day := _day(file_day)) is not None:
        gap = abs(day - ep_day)
        return 1.0 if gap <= 1 else 0.7 if gap <= 3 else 0.3 if gap <= 14 else 0.0
    if year:
        return 0.5 if str(published)[:4] == year else 0.0
    return None


def duration_sim(a: float | None, b: float | None) -> float | None:
    """How close two lengths are: 1.0 within 3 s (or 0.5 %), 0.7 within 30 s (or 2 %), 0.3
    within 10 %, else 0.0; None when one is unknown.

    >>> duration_sim(3600, 3602), duration_sim(3600, 3630), duration_sim(3600, 3900)
    (1.0, 0.7, 0.3)
    """
    if not a or not b:
        return None
    gap = abs(a - b)
    rel = gap / max(a, b)
    return (
        1.0
        if gap <= 3 or rel <= 0.005
        else 0.7
        if gap <= 30 or rel <= 0.02
        else (0.3 if rel <= 0.1 else 0.0)
    )


class EpisodeLookup:
    """The feed episodes prepared once for a scan: by catalog id, guid and enclosure name,
    plus the summaries' inverted index for title candidates (built only when needed)."""

    def __init__(self, episodes: Iterable[dict[str, Any]], show_titles: Mapping[str, str]):
        self.eps = {e["id"]: e for e in episodes}
        self.show_titles = show_titles
        self.by_guid: dict[str, list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for ep in self.eps.values():
            if ep.get("guid"):
                self.by_guid[ep["guid"]].append(ep["id"])
            for enc in (ep.get("enclosures") or [])[:1]:
                if name := enclosure_name(enc.get("url")):
                    self.by_name[name].append(ep["id"])
        self._index: match.EpisodeIndex | None = None

    @property
    def index(self) -> match.EpisodeIndex:
        if self._index is None:
            self._index = match.EpisodeIndex(list(self.eps.values()))
        return self._index

    def title_candidates(self, title: str, day: str | None, stem: str) -> list[str]:
        if not self.eps:
            return []
        probe = {"title": title, "slug": stem, "air_date": day}
        index = self.index
        return [index.eps[i].id for i in index.candidates(probe, limit=20)]


def _signals(
    info: Mapping[str, Any], ep: dict[str, Any], lookup: EpisodeLookup
) -> dict[str, float]:
    sims: dict[str, float] = {
        "title": round(match.title_similarity(file_title(info), ep.get("title") or ""), 3)
    }
    raw_date = str(info.get("date") or "")
    year = raw_date[:4] if re.fullmatch(r"\d{4}", raw_date[:4]) else None
    if (d := _date_sim(tag_date(info), year, ep.get("published"))) is not None:
        sims["date"] = d
    if (d := duration_sim(info.get("duration"), ep.get("duration"))) is not None:
        sims["duration"] = d
    show = lookup.show_titles.get(ep.get("show_id") or "")
    if info.get("album") and show:
        sims["show"] = round(match.title_similarity(str(info["album"]), show), 3)
    name = fold(PurePath(str(info.get("path") or "")).name)
    enc = (ep.get("enclosures") or [{}])[0].get("url")
    if name and enc and enclosure_name(enc) == name:  # renamed files are common: no penalty
        sims["name"] = 1.0
    return sims


def _value(sims: Mapping[str, float]) -> float:
    total = sum(WEIGHTS[k] for k in sims)
    return round(sum(WEIGHTS[k] * v for k, v in sims.items()) / total, 4) if total else 0.0


def _exact(info: Mapping[str, Any], lookup: EpisodeLookup) -> Attachment | None:
    cid = info.get("catalog_id")
    if cid and cid in lookup.eps:
        return Attachment("auto", cid, 1.0, {"notes": ["catalog id in the tags"]})
    hits = lookup.by_guid.get(str(info.get("episode_guid") or ""), [])
    if len(hits) > 1:  # the same guid in two shows: the one the album or feed URL names
        album = fold(str(info.get("album") or ""))
        hits = [
            h
            for h in hits
            if fold(lookup.show_titles.get(lookup.eps[h].get("show_id") or "", "")) == album
        ]
    if len(hits) == 1:
        return Attachment("auto", hits[0], 1.0, {"notes": ["episode guid in the tags"]})
    name = fold(PurePath(str(info.get("path") or "")).name)
    stem = PurePath(name).stem
    hits = lookup.by_name.get(name, [])
    if len(hits) == 1 and stem not in _GENERIC_NAMES and len(stem) > 3:
        return Attachment("auto", hits[0], 0.95, {"notes": ["file name of the enclosure"]})
    return None


def attach(info: Mapping[str, Any], lookup: EpisodeLookup, thresholds: Thresholds) -> Attachment:
    """Where a file belongs: an exact identity from its tags or name, else the best scored
    candidate (auto or review), else nowhere (state "local")."""
    exact = _exact(info, lookup)
    if exact is not None:
        return exact
    name = fold(PurePath(str(info.get("path") or "")).name)
    ids = list(lookup.by_name.get(name, []))
    ids += lookup.title_candidates(file_title(info), tag_date(info), PurePath(name).stem)
    scored = []
    for ep_id in dict.fromkeys(ids):
        sims = _signals(info, lookup.eps[ep_id], lookup)
        scored.append((_value(sims), ep_id, sims))
    scored.sort(key=lambda s: (-s[0], s[1]))
    candidates = [{"episode_id": e, "score": v, "reasons": dict(s)} for v, e, s in scored[:5]]
    if not scored or scored[0][0] < thresholds.review:
        return Attachment("local", None, scored[0][0] if scored else None, {}, candidates)
    best, ep_id, sims = scored[0]
    margin = best - (scored[1][0] if len(scored) > 1 else 0.0)
    reasons: dict[str, Any] = {**sims, "margin": round(margin, 3)}
    confident = best >= thresholds.auto and margin >= thresholds.margin and len(sims) >= 2
    return Attachment("auto" if confident else "review", ep_id, best, reasons, candidates)


def search(
    info: Mapping[str, Any], text: str, lookup: EpisodeLookup, top: int = 5
) -> list[dict[str, Any]]:
    """Candidates for a free-text search typed in the review queue, best first: the text
    finds the episodes (as a file with that title would find them), and each is scored
    against the file itself, by the same signals as `attach`, so an episode gets the same
    confidence whether the scan or a search put it on the list."""
    ids = list(dict.fromkeys(lookup.title_candidates(text, None, "")))
    near = [(match.title_similarity(text, lookup.eps[e].get("title") or ""), e) for e in ids]
    found = [e for _sim, e in sorted(near, key=lambda p: (-p[0], p[1]))[:top]]
    scored = [(_value(sims), e, sims) for e in found
              for sims in [_signals(info, lookup.eps[e], lookup)]]  # fmt: skip
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [{"episode_id": e, "score": v, "reasons": dict(s)} for v, e, s in scored]


# -- local-only shows and episodes -------------------------------------------------------------
def local_show_name(info: Mapping[str, Any]) -> str:
    """A local show is named after the album, else the file's folder."""
    folder = PurePath(str(info.get("path") or "")).parent.name
    return clean_line(info.get("album")) or clean_line(folder) or "Local files"


def local_show_id(name: str) -> str:
    """The id of the local show of that name (the same name → the same show)."""
    return short_hash("local-show", fold(name), length=10)


def local_show(name: str, folder: str, stamp: str) -> dict[str, Any]:
    """A show document for files without a feed (the shape of a feed's show)."""
    return {
        "id": local_show_id(name),
        "kind": LOCAL,
        "feed_url": None,
        "sources": [],
        "folder": folder,
        "added": stamp,
        "title": name,
        "link": None,
        "description": "",
        "description_html": None,
        "language": None,
        "author": None,
        "owner_name": None,
        "owner_email": None,
        "image": None,
        "categories": [],
        "explicit": None,
        "podcast_guid": None,
        "locked": None,
        "locked_owner": None,
        "credits": [],
        "self_url": None,
        "new_feed_url": None,
        "format": None,
        "status": LOCAL,
        "last_error": None,
        "last_checked": None,
        "etag": None,
        "last_modified": None,
    }


def local_episode_id(show_id: str, info: Mapping[str, Any]) -> str:
    """The same title and day in the same local show are one episode (two copies of a
    recording, a file moved or re-encoded): a rescan never duplicates it."""
    return short_hash(show_id, "title:" + fold(file_title(info)) + "|" + (tag_date(info) or ""))


SAME_LENGTH = 2.0  # seconds: two encodes of one recording are no further apart


def _tag(info: Mapping[str, Any], key: str) -> str:
    return title_key(clean_line(info.get(key)))


def _year(info: Mapping[str, Any]) -> str | None:
    found = re.search(r"\b(\d{4})\b", str(info.get("date") or ""))
    return found.group(1) if found else None


def recording_keys(info: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """Where to look for other formats of a file's recording: the same stem in its folder,
    and the same title, album and artist (`same_recording` decides)."""
    path = PurePath(str(info.get("path") or ""))
    keys: list[tuple[str, ...]] = [("stem", str(path.parent), fold(path.stem))]
    title, album, artist = (_tag(info, k) for k in ("title", "album", "artist"))
    if title and (album or artist):
        keys.append(("tags", title, album, artist))
    return keys


def same_recording(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two files are one recording in two formats (an MP3 and an M4A of an
    episode): lengths within `SAME_LENGTH` (when both are known), dates that do not
    disagree, and either the same stem in the same folder with no tag that differs, or the
    same title, album and artist (title and one of the others given) and both lengths known.
    Different recordings that share an album or artist have other titles and stay apart.

    >>> mp3 = {"path": "/a/ep.mp3", "title": "Ep", "album": "Show", "duration": 600.0}
    >>> same_recording(mp3, dict(mp3, path="/b/other.m4a", duration=601.5))
    True
    >>> same_recording(mp3, dict(mp3, path="/b/other.m4a", title="Ep 2"))
    False
    >>> same_recording(mp3, {"path": "/a/ep.m4a", "duration": 599.0})  # untagged copy
    True
    """
    pa, pb = PurePath(str(a.get("path") or "")), PurePath(str(b.get("path") or ""))
    if pa == pb:
        return False
    da, db = a.get("duration"), b.get("duration")
    if da and db and abs(float(da) - float(db)) > SAME_LENGTH:
        return False
    for day_a, day_b in ((_year(a), _year(b)), (tag_date(a), tag_date(b))):
        if day_a and day_b and day_a != day_b:
            return False
    fields = ("title", "album", "artist")
    if pa.parent == pb.parent and fold(pa.stem) == fold(pb.stem):
        return all(_tag(a, k) == _tag(b, k) for k in fields if _tag(a, k) and _tag(b, k))
    keys = recording_keys(a)
    return bool(da and db) and len(keys) > 1 and keys[1] in recording_keys(b)


def local_episode(show_id: str, info: Mapping[str, Any], stamp: str) -> dict[str, Any]:
    """An episode document for a file no feed knows (the shape of a feed's episode)."""
    day = tag_date(info)
    track = info.get("track")
    return {
        "id": local_episode_id(show_id, info),
        "show_id": show_id,
        "guid": None,
        "title": file_title(info),
        "link": None,
        "published": f"{day}T00:00:00Z" if day else None,
        "duration": info.get("duration"),
        "description": info.get("description") or info.get("comment") or "",
        "description_html": None,
        "content_html": None,
        "enclosures": [],
        "image": None,
        "explicit": None,
        "episode": track if isinstance(track, int) else None,
        "season": None,
        "episode_type": None,
        "author": clean_line(info.get("artist")) or None,
        "keywords": list(info.get("keywords") or []),
        "transcripts": [],
        "chapters": None,
        "credit_inputs": {
            "feed": [],
            "description": [],
            "manual": [],
            "removed": [],
            "mentions": [],
            "tags": [],
        },
        "credits": [],
        "mentions": [],
        "topics": [],
        "first_seen": stamp,
        "last_seen": stamp,
        "updated_at": stamp,
        "absent_since": None,
        "summary_id": None,
    }


def merge_tag_credits(files: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The tag credits of an episode: those of its files, one per person and role."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in files:
        for credit in doc.get("credits") or []:
            out.setdefault((credit["key"], credit["role"]), credit)
    return list(out.values())


# -- writing tags back -----------------------------------------------------------------------
def planned_tags(ep: Mapping[str, Any], show: Mapping[str, Any] | None) -> dict[str, Any]:
    """What `catalog tag` writes for an episode: only the values the catalog has."""
    credits = ep.get("credits") or []
    hosts = [c["name"] for c in credits if c.get("role") in HOST_ROLES]
    guests = [c["name"] for c in credits if c.get("role") == "guest"]
    # The feed's public address: a feed ingested from a file has its own URL in atom:link.
    urls = [(show or {}).get(k) or "" for k in ("feed_url", "self_url", "new_feed_url")]
    feed = next((u for u in urls if u.startswith(("http://", "https://"))), "")
    values: dict[str, Any] = {
        "title": clean_line(ep.get("title")),
        "album": clean_line((show or {}).get("title")),
        "date": str(ep.get("published") or "")[:10],
        "artist": "; ".join(dict.fromkeys(hosts)),
        "guests": list(dict.fromkeys(guests)),
        "episode_guid": clean_line(ep.get("guid")),
        "feed_url": feed,
        "description": clean_block(ep.get("description")),
        "catalog_id": ep.get("id") or "",
    }
    return {k: v for k, v in values.items() if v}


PATH_GUESSES = ("title", "album", "date")  # what a local episode may take from a path


def path_guesses(
    ep: Mapping[str, Any],
    show: Mapping[str, Any] | None,
    episode_files: Iterable[Mapping[str, Any]],
    show_files: Iterable[Mapping[str, Any]],
) -> set[str]:
    """The planned fields whose values a local episode or show took from a file's path, not
    from any tag: the title from a file name, the show (album) from a folder name, the day
    from a file name ("2017-05-10 show.mp3"). `catalog tag` writes them only when asked.
    A feed's values, and a local one that some file's tag holds, come from the catalog.

    >>> ep = {"title": "ep7", "published": None}
    >>> sorted(path_guesses(ep, {"kind": "local", "title": "recordings"}, [{}], [{}]))
    ['album', 'title']
    >>> path_guesses(ep, {"kind": None, "title": "recordings"}, [{}], [{}])
    set()
    """
    if (show or {}).get("kind") != LOCAL:
        return set()
    infos = [dict(d.get("info") or {}) for d in episode_files]
    guessed = set()
    if not any(clean_line(i.get("title")) == ep.get("title") for i in infos):
        guessed.add("title")
    day = str(ep.get("published") or "")[:10]
    if day and not any(tag_date({"date": i.get("date")}) == day for i in infos):
        guessed.add("date")
    album = fold(str((show or {}).get("title") or ""))
    albums = (fold(clean_line((d.get("info") or {}).get("album"))) for d in show_files)
    if album and album not in albums:
        guessed.add("album")
    return guessed


def tag_diff(current: Mapping[str, Any], planned: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """field → (old, new) for every planned value the file does not have yet."""
    return {k: (current.get(k), v) for k, v in planned.items() if current.get(k) != v}
