"""Orchestration: sources in, catalog updated, a per-source report out (nothing printed here)."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from catalog.core import normalize, people
from catalog.core.errors import CatalogError, FeedError
from catalog.services import derive
from catalog.sources import feeds
from catalog.sources.fetch import FetchResult, FetchSettings, fetch, is_url
from catalog.store import Store

log = logging.getLogger(__name__)

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".opml", ".feed"}

# Fields of an episode that come from the feed; everything else on a stored episode
# (bookkeeping, matched summaries, files, manual credits) survives a re-ingest.
CONTENT_FIELDS = (
    "guid",
    "title",
    "link",
    "published",
    "duration",
    "description",
    "description_html",
    "content_html",
    "enclosures",
    "image",
    "explicit",
    "episode",
    "season",
    "episode_type",
    "author",
    "keywords",
    "credit_inputs",
    "transcripts",
    "chapters",
)


@dataclass
class SourceReport:
    """The outcome of one source: counts, warnings, and an error if it failed."""

    source: str
    status: Literal["ok", "not-modified", "gone", "error", "opml", "restore"] = "ok"
    show_id: str | None = None
    show_title: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return dict(self.__dict__)


@dataclass
class IngestReport:
    """All sources of one ingest or refresh run."""

    sources: list[SourceReport] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceReport]:
        """The sources that ended in an error."""
        return [s for s in self.sources if s.status == "error"]


Progress = Callable[[int, int, str], None]


def _short_hash(*parts: str, length: int = 12) -> str:
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:length]


def _location(source: str, base: str | None = None) -> str:
    """A canonical location: URLs as given, paths absolute (relative to an OPML's folder)."""
    try:
        return _canonical(source, base)
    except ValueError:  # an unparseable URL: fetch() reports it as one line
        return source.strip()


def _canonical(source: str, base: str | None) -> str:
    if is_url(source):
        return source.strip()
    if base and is_url(base):
        return urllib.parse.urljoin(base, source.strip())
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme and len(scheme) > 1:
        return source.strip()  # refused later with a clear message
    path = Path(source).expanduser()
    if base and not path.is_absolute():
        path = Path(base).parent / path
    return str(path.resolve())


def expand_sources(sources: Iterable[str]) -> list[str]:
    """Folders become their feed files (sorted); everything else is kept as given."""
    out: list[str] = []
    for source in sources:
        if not is_url(source) and Path(source).expanduser().is_dir():
            folder = Path(source).expanduser()
            files = sorted(
                p
                for p in folder.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FEED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            )
            out.extend(str(p) for p in files)
        else:
            out.append(source)
    return out


def ingest(
    store: Store,
    sources: Iterable[str],
    *,
    now: datetime,
    settings: FetchSettings | None = None,
    on_progress: Progress | None = None,
    debug: bool = False,
) -> IngestReport:
    """Ingest feed files, URLs, OPML files and folders of them.

    One bad source never stops the rest: it is reported and the others go on. The sources
    are stored as one batch (`Store.batch`: a TinyDB catalog is written once, at the end).
    """
    with store.batch():
        return _ingest_all(store, sources, now=now, settings=settings,
                           on_progress=on_progress, debug=debug)  # fmt: skip


def _ingest_all(
    store: Store,
    sources: Iterable[str],
    *,
    now: datetime,
    settings: FetchSettings | None,
    on_progress: Progress | None,
    debug: bool,
) -> IngestReport:
    settings = settings or FetchSettings()
    queue: list[tuple[str, str | None]] = [(_location(s), None) for s in expand_sources(sources)]
    report = IngestReport()
    done = 0
    seen: set[str] = set()
    while queue:
        location, parent = queue.pop(0)
        if location in seen:
            continue
        seen.add(location)
        if parent and is_url(parent) and not is_url(location):
            # A list fetched from the web must not make us read local files.
            report.sources.append(
                SourceReport(
                    source=location,
                    status="error",
                    error=f"{location}: refusing a non-http(s) feed listed in {parent}",
                )
            )
            done += 1
            continue
        if on_progress:
            on_progress(done, done + len(queue) + 1, location)
        with _gc_paused():
            rows, children = _ingest_one(store, location, now=now, settings=settings, debug=debug)
        report.sources.extend(rows)
        queue[0:0] = [(_location(c, base=location), location) for c in children]
        done += 1
    if on_progress:
        on_progress(done, done, "")
    return report


def refresh(
    store: Store,
    *,
    now: datetime,
    settings: FetchSettings | None = None,
    on_progress: Progress | None = None,
    debug: bool = False,
) -> IngestReport:
    """Re-ingest every known show from its stored feed location, with conditional GET (as
    one batch, like `ingest`)."""
    with store.batch():
        return _refresh_all(store, now=now, settings=settings, on_progress=on_progress,
                            debug=debug)  # fmt: skip


def _refresh_all(
    store: Store,
    *,
    now: datetime,
    settings: FetchSettings | None,
    on_progress: Progress | None,
    debug: bool,
) -> IngestReport:
    settings = settings or FetchSettings()
    report = IngestReport()
    # Local shows (made from audio files by `catalog scan`) have no feed to fetch.
    shows = sorted(
        (s for s in store.shows() if s.get("kind") != "local" and s.get("feed_url")),
        key=lambda s: (s.get("title") or "").casefold(),
    )
    for n, show in enumerate(shows):
        if on_progress:
            on_progress(n, len(shows), show["feed_url"])
        if show.get("status") == "gone":
            report.sources.append(
                SourceReport(
                    source=show["feed_url"],
                    status="gone",
                    show_id=show["id"],
                    show_title=show.get("title"),
                    warnings=["the feed answered 410 Gone earlier; not fetched again"],
                )
            )
            continue
        with _gc_paused():
            rows, _children = _ingest_one(
                store, show["feed_url"], now=now, settings=settings, known=show, debug=debug
            )
        report.sources.extend(rows)
    if on_progress:
        on_progress(len(shows), len(shows), "")
    return report


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while one source is read and stored: an ingest
    makes hundreds of thousands of small dicts and lists (and no cycles), and the
    collector's repeated scans of them cost ~8% of the ingest of a large feed."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _find_show_by_location(store: Store, location: str) -> dict[str, Any] | None:
    for show in store.shows():
        if location == show.get("feed_url") or location in (show.get("sources") or []):
            return show
    return None


def _ingest_one(
    store: Store,
    location: str,
    *,
    now: datetime,
    settings: FetchSettings,
    known: dict[str, Any] | None = None,
    debug: bool = False,
) -> tuple[list[SourceReport], list[str]]:
    row = SourceReport(source=location)
    known = known or _find_show_by_location(store, location)
    try:
        fetched = fetch(
            location,
            settings,
            etag=(known or {}).get("etag"),
            last_modified=(known or {}).get("last_modified"),
        )
        if fetched.status != "ok":
            _record_status(store, known, fetched, row, now)
            return [row], []
        if fetched.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
            _restore(store, location, fetched.data, row)
            return [row], []
        if feeds.sniff_root(fetched.data) == "opml":
            children = [o["url"] for o in feeds.parse_opml(fetched.data, location)]
            row.status = "opml"
            row.show_title = f"OPML: {len(children)} feeds"
            if not children:
                row.warnings.append("the OPML file lists no feeds")
            return [row], children
        raw = feeds.parse_feed(fetched.data, location, fetched.headers or None)
        row.warnings.extend(raw.warnings)
        channel = normalize.normalize_channel(raw.channel)
        episodes, dup_warnings, skipped = _normalize_entries(raw, channel)
        if not episodes and not channel["title"]:
            raise FeedError(f"{location}: no channel title and no usable episodes")
        row.warnings.extend(skipped)
        row.duplicates = len(dup_warnings)
        row.warnings.extend(dup_warnings[:5])
        if len(dup_warnings) > 5:
            row.warnings.append(f"… and {len(dup_warnings) - 5} more duplicate items")
        with store.transaction():
            _merge(store, location, fetched, channel, episodes, row, now)
    except CatalogError as exc:
        row.status = "error"
        row.error = str(exc)
        if known is not None:
            _record_error(store, known["id"], row.error, now)
    except Exception as exc:
        # A bug in catalog (or a library) on one feed must not stop a batch of hundreds;
        # it is reported as such, and --debug (debug=True) shows the traceback instead.
        if debug:
            raise
        log.exception("bug while ingesting %s", location)
        row.status = "error"
        row.error = (
            f"{location}: internal error {type(exc).__name__}: {exc} "
            "(a bug in catalog; run with --debug for the traceback)"
        )
    return [row], []


def _restore(store: Store, location: str, data: bytes, row: SourceReport) -> None:
    """Put back a `catalog export json|jsonl` backup: every document by its id (a restore
    over an existing catalog updates the documents it carries and leaves the rest)."""
    from catalog.core.dump import read_export

    backup = read_export(data, source=location)
    row.status = "restore"
    with store.transaction():
        for table in ("shows", "episodes", "summaries", "curated", "people", "decisions", "files"):
            docs = backup.get(table) or []
            for doc in docs:
                if store.has(table, doc["id"]):
                    row.updated += 1
                else:
                    row.new += 1
            store.put(table, [dict(d) for d in docs])
    row.show_title = f"backup: {len(backup.get('shows') or [])} shows"


def _normalize_entries(
    raw: feeds.RawFeed, channel: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Normalised episodes, then warnings about duplicate items and about skipped ones."""
    episodes: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    warnings: list[str] = []
    skipped = 0
    for entry in raw.entries:
        ep = normalize.normalize_entry(entry, channel["credits"])
        keys = normalize.identity_keys(ep)
        if not keys:
            skipped += 1
            continue
        if keys[0] in seen:
            kind, _, value = keys[0].partition(":")
            warnings.append(
                f"duplicate item ({kind} {value[:80]!r}): kept the first, "
                f"{ep['title'][:60]!r} skipped"
            )
            continue
        seen[keys[0]] = ep["title"]
        episodes.append(ep)
    skips = (
        [f"skipped {skipped} item(s) with no guid, no enclosure and no title"] if skipped else []
    )
    return episodes, warnings, skips


def _record_status(
    store: Store,
    known: dict[str, Any] | None,
    fetched: FetchResult,
    row: SourceReport,
    now: datetime,
) -> None:
    row.status = fetched.status
    if known is None:
        if fetched.status == "gone":
            row.status = "error"
            row.error = f"{fetched.location}: HTTP 410 Gone"
        return
    row.show_id, row.show_title = known["id"], known.get("title")
    with store.transaction():
        show = store.get("shows", known["id"])
        if show is None:
            return
        show["last_checked"] = _checked(show.get("last_checked"), normalize.datetime_to_iso(now))
        show["last_error"] = None
        if fetched.status == "gone":
            show["status"] = "gone"
            row.warnings.append("the feed is gone (HTTP 410); its episodes are kept")
        else:
            show["status"] = "ok"
            if fetched.permanent_url:
                _move_feed(show, fetched.permanent_url, row)
        store.put("shows", [show])


def _checked(before: str | None, stamp: str) -> str:
    """A show's last check, an episode's last sighting: `stamp`, or the time already stored
    if it is of the same (UTC) day. Only the day is shown, and so a re-ingest of unchanged
    feeds on the same day changes nothing, and writes nothing.

    >>> _checked("2024-05-01T08:00:00Z", "2024-05-01T21:30:00Z")
    '2024-05-01T08:00:00Z'
    >>> _checked("2024-04-30T08:00:00Z", "2024-05-01T21:30:00Z")
    '2024-05-01T21:30:00Z'
    """
    return before if before and before[:10] == stamp[:10] else stamp


def _record_error(store: Store, show_id: str, error: str, now: datetime) -> None:
    try:
        with store.transaction():
            show = store.get("shows", show_id)
            if show is not None:
                show["status"] = "error"
                show["last_error"] = error
                show["last_checked"] = _checked(
                    show.get("last_checked"), normalize.datetime_to_iso(now)
                )
                store.put("shows", [show])
    except CatalogError:  # the store itself is the problem; the row already says what failed
        pass


def _move_feed(show: dict[str, Any], url: str, row: SourceReport) -> None:
    if url and url != show.get("feed_url") and is_url(url):
        row.warnings.append(f"feed moved to {url}")
        show["feed_url"] = url
        if url not in show["sources"]:
            show["sources"].append(url)


def _resolve_show(
    store: Store, location: str, channel: dict[str, Any], episodes: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Find the stored show this feed belongs to: by location, podcast:guid, self URL, or
    (a feed that moved host, like the Critical Role snapshots) by the item guids it shares."""
    by_location = _find_show_by_location(store, location)
    if by_location is not None:
        return by_location
    shows = store.shows()
    if channel.get("podcast_guid"):
        for show in shows:
            if show.get("podcast_guid") == channel["podcast_guid"]:
                return show
    urls = {u for u in (channel.get("self_url"), channel.get("new_feed_url")) if u}
    for show in shows:
        known = {
            show.get("feed_url"),
            show.get("self_url"),
            show.get("new_feed_url"),
            *(show.get("sources") or []),
        }
        if urls & {u for u in known if u}:
            return show
    guids = {e["guid"] for e in episodes if e.get("guid")}
    if guids:
        local = {s["id"] for s in shows if s.get("kind") == "local"}
        owners = {k: v for k, v in store.guid_owners(guids).items() if k not in local}
        if owners:
            best, hits = max(owners.items(), key=lambda kv: kv[1])
            if hits * 2 >= len(guids):
                return store.get("shows", best)
    return None


def _merge(
    store: Store,
    location: str,
    fetched: FetchResult,
    channel: dict[str, Any],
    episodes: list[dict[str, Any]],
    row: SourceReport,
    now: datetime,
) -> None:
    stamp = normalize.datetime_to_iso(now)
    show = _resolve_show(store, location, channel, episodes)
    if show is None:
        identity = channel.get("podcast_guid") or channel.get("self_url") or location
        show_id = _short_hash("show", identity, length=10)
        while store.has("shows", show_id):
            show_id = _short_hash("show", identity, show_id, length=10)
        show = {"id": show_id, "feed_url": location, "sources": [location], "added": stamp}
    show.update(channel)
    if location not in show["sources"]:
        show["sources"].append(location)
    show.update(
        status="ok",
        last_error=None,
        last_checked=_checked(show.get("last_checked"), stamp),
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )
    if fetched.permanent_url:
        _move_feed(show, fetched.permanent_url, row)
    new_url = channel.get("new_feed_url")
    if new_url and is_url(location) and is_url(new_url) and new_url != show["feed_url"]:
        _move_feed(show, new_url, row)
        # The validators belong to the old URL: the first fetch of the new one is plain.
        show["etag"] = show["last_modified"] = None
    row.show_id, row.show_title = show["id"], show.get("title")

    # The stored documents themselves (read-only: matches are copied before they change).
    existing = store.show_episodes(show["id"])
    by_guid = {e["guid"]: e for e in existing if e.get("guid")}
    by_enc = {e["enclosures"][0]["url"]: e for e in existing if e.get("enclosures")}
    by_title = {
        k: e for e in existing for k in normalize.identity_keys(e) if k.startswith("title:")
    }
    used: set[str] = set()
    out: list[dict[str, Any]] = []
    # Credits from prose: the feed's items are read together (a name on most of them, or in
    # the show's own title, is its host).
    items = [(ep["title"], ep["description"]) for ep in episodes]
    prose = people.extract_items(items, people.channel_text(channel))
    for ep, found in zip(episodes, prose, strict=True):
        _split_credit_inputs(ep, found)
    for ep in episodes:
        match = _match(ep, by_guid, by_enc, by_title, used)
        if match is None:
            ep_id = _short_hash(show["id"], normalize.identity_keys(ep)[0])
            while store.has("episodes", ep_id) or ep_id in used:
                ep_id = _short_hash(show["id"], ep_id)
            doc = {
                "id": ep_id,
                "show_id": show["id"],
                **ep,
                "first_seen": stamp,
                "last_seen": stamp,
                "updated_at": stamp,
                "absent_since": None,
                "summary_id": None,
            }
            row.new += 1
        else:
            doc = dict(match)
            kept = match.get("credit_inputs") or {}  # fixes by hand survive a re-ingest
            content = dict(ep, credit_inputs={**ep["credit_inputs"],
                                              "manual": kept.get("manual") or [],
                                              "removed": kept.get("removed") or []})  # fmt: skip
            if "tags" in kept:  # the tags of its audio files (catalog/scan.py)
                content["credit_inputs"]["tags"] = kept["tags"]
            changed = any(match.get(k) != content[k] for k in CONTENT_FIELDS)
            doc.update(content, last_seen=_checked(match.get("last_seen"), stamp),
                       absent_since=None)  # fmt: skip
            if changed:
                doc["updated_at"] = stamp
                row.updated += 1
            else:
                row.unchanged += 1
        used.add(doc["id"])
        out.append(doc)
    for ep in existing:
        if ep["id"] not in used and not ep.get("absent_since"):
            out.append(dict(ep, absent_since=stamp))
            row.absent += 1
    store.put("shows", [show])
    # One write of the episodes: the merged ones with their derived fields, and any other
    # episode of the show whose derived fields change (regular hosts may have changed).
    final = {doc["id"]: doc for doc in out}
    show_now = [final.pop(ep["id"], ep) for ep in existing] + list(final.values())
    final = {doc["id"]: doc for doc in out}
    final.update((doc["id"], doc) for doc in derive.derived(store, show["id"], show_now))
    store.put("episodes", list(final.values()))


def _split_credit_inputs(ep: dict[str, Any], prose: people.Extraction) -> None:
    """Feed tags and what the title and description say become the episode's credit inputs;
    the merged `credits` are derived from them (and the summary) by `derive.refresh_show`."""
    ep["credit_inputs"] = {
        "feed": ep.pop("credits"),
        "description": prose.credits,
        "manual": [],
        "removed": [],
        "mentions": prose.mentions,
    }


def _match(
    ep: dict[str, Any],
    by_guid: dict[str, dict[str, Any]],
    by_enc: dict[str, dict[str, Any]],
    by_title: dict[str, dict[str, Any]],
    used: set[str],
) -> dict[str, Any] | None:
    """Layered identity: guid, else enclosure URL, else title+date; a weaker layer never
    joins two episodes that a stronger one tells apart."""
    guid = ep.get("guid")
    enc = ep["enclosures"][0]["url"] if ep.get("enclosures") else None
    candidates = []
    if guid and guid in by_guid:
        candidates.append(by_guid[guid])
    if enc and enc in by_enc:
        candidates.append(by_enc[enc])
    for key in normalize.identity_keys(ep):
        if key.startswith("title:") and key in by_title:
            candidates.append(by_title[key])
    for cand in candidates:
        if cand["id"] in used:
            continue
        if guid and cand.get("guid") and cand["guid"] != guid:
            continue
        cand_enc = cand["enclosures"][0]["url"] if cand.get("enclosures") else None
        if not (guid and cand.get("guid") == guid) and enc and cand_enc and cand_enc != enc:
            continue
        return cand
    return None


def find_episode(store: Store, ref: str) -> dict[str, Any]:
    """An episode by id or unique id prefix; NotFoundError if there is none or several."""
    return store.find("episodes", ref)


__all__ = ["IngestReport", "SourceReport", "find_episode", "ingest", "refresh"]
