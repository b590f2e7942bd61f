"""Orchestration of audio files: walk folders, read the files that changed, attach them to
episodes (or to local-only episodes of a show named after the album or folder), keep the
credits their tags carry, and mark the files that went missing. Nothing is printed here.

Incremental: a file whose resolved path, size and mtime are those stored is not read again,
and a scan that finds nothing new writes nothing. Files waiting for review or kept as local
episodes are matched again (from their stored tags, without reading them) when the feed
episodes changed since they were last matched. All writes of a scan are one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from catalog.core.errors import TagError
from catalog.core.normalize import datetime_to_iso
from catalog.services import derive
from catalog.sources.audio import tags
from catalog.store import Store

if TYPE_CHECKING:  # the matcher (rapidfuzz) is imported only by scans that attach files
    from catalog.core import audiomatch

log = logging.getLogger(__name__)
LOCAL = "local"  # the kind of a show made from files (audiomatch.LOCAL)

Progress = Callable[[int, int, str], None]
Reader = Callable[[str], tags.AudioInfo]
PERSON_STATES = {"accepted", "manual", "rejected"}  # decided by a person: never re-matched
ATTACHED = {"auto", "accepted", "manual"}  # states in which a file belongs to a feed episode
REMATCH = {"local", "review"}


@dataclass
class FileReport:
    """The outcome of one file: read or not, and where it went."""

    path: str
    status: Literal["new", "changed", "moved", "unchanged", "missing", "error"] = "new"
    outcome: str | None = None  # attached | local | review | kept
    file_id: str | None = None
    episode_id: str | None = None
    state: str | None = None
    score: float | None = None
    title: str | None = None
    error: str | None = None
    traceback: str | None = field(default=None, repr=False)  # of `error`, for --debug

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json` (the traceback goes to stderr, with --debug)."""
        out = dict(self.__dict__)
        del out["traceback"]
        return out


@dataclass
class ScanReport:
    """All files of one scan, and what the scan added."""

    files: list[FileReport] = field(default_factory=list)
    read: int = 0
    new_episodes: int = 0
    new_shows: int = 0

    @property
    def failed(self) -> list[FileReport]:
        """The files (or folders) that could not be read."""
        return [r for r in self.files if r.status == "error"]

    def counts(self) -> dict[str, int]:
        """How many files ended in each status and outcome."""
        out: dict[str, int] = {}
        for row in self.files:
            for key in (row.status, row.outcome):
                if key:
                    out[key] = out.get(key, 0) + 1
        return out


@dataclass
class Batch:
    """The documents one operation changes, written with one `put` per table at the end:
    TinyDB rewrites a whole table on every put, so per-file puts would be quadratic."""

    stamp: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    episodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    shows: dict[str, dict[str, Any]] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # episode ids whose files changed
    new_episodes: int = 0
    new_shows: int = 0


def file_id(real_path: str) -> str:
    """The id of a file document: a stable hash of its resolved path."""
    return hashlib.sha1(("file\x00" + real_path).encode("utf-8")).hexdigest()[:16]


def _audio_files(root: str) -> Iterator[tuple[str, os.stat_result | OSError]]:
    """(path, stat or error) of the audio files under a resolved folder, by suffix, sorted:
    hidden files and folders skipped, symlinked files resolved, symlinked folders not
    followed. One `scandir` per folder and one `stat` per file: a rescan of thousands of
    unchanged files costs little more than this walk."""
    stack = [root]
    while stack:
        try:
            entries = sorted(os.scandir(stack.pop()), key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in tags.AUDIO_SUFFIXES:
                path = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
                try:
                    yield path, entry.stat(follow_symlinks=False) if path == entry.path else (
                        os.stat(path))  # fmt: skip
                except OSError as exc:
                    yield path, exc
        stack.extend(reversed(folders))


def _walk(paths: Iterable[str], report: ScanReport) -> tuple[list[str], list[tuple[str, int, int]]]:
    """(resolved folders, [(resolved path, size, mtime_ns)]) of the audio files given."""
    roots: list[str] = []
    found: dict[str, tuple[str, int, int]] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            roots.append(os.path.realpath(path))
            files = list(_audio_files(roots[-1]))
        elif path.is_file():
            real = os.path.realpath(path)
            files = [(real, os.stat(real))]
        else:
            report.files.append(
                FileReport(str(path), "error", error=f"{path}: no such file or folder")
            )
            continue
        for real, st in files:
            if isinstance(st, OSError):
                report.files.append(FileReport(real, "error", error=f"{real}: {st.strerror}"))
            else:
                found.setdefault(real, (real, st.st_size, st.st_mtime_ns))
    return roots, list(found.values())


def _under(path: str, roots: list[str]) -> bool:
    return any(path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def fingerprint(store: Store) -> str:
    """What the feed episodes look like now (count, newest first-seen and update stamps): a
    file matched against another fingerprint is worth matching again."""
    local = {s["id"] for s in store.scan("shows") if s.get("kind") == LOCAL}
    n, seen, updated = 0, "", ""
    for ep in store.scan("episodes"):
        if ep.get("show_id") not in local:
            n += 1
            seen = max(seen, ep.get("first_seen") or "")
            updated = max(updated, ep.get("updated_at") or "")
    return f"{n}|{seen}|{updated}"


def lookup(store: Store) -> audiomatch.EpisodeLookup:
    """The feed episodes (not the local ones) prepared for attaching files."""
    from catalog.core import audiomatch

    shows = store.scan("shows")
    local = {s["id"] for s in shows if s.get("kind") == LOCAL}
    titles = {s["id"]: s.get("title") or "" for s in shows}
    episodes = (e for e in store.scan("episodes") if e.get("show_id") not in local)
    return audiomatch.EpisodeLookup(episodes, titles)


def scan(
    store: Store,
    paths: Iterable[str],
    *,
    now: datetime,
    auto: float = 0.8,
    review: float = 0.5,
    on_progress: Progress | None = None,
    reader: Reader | None = None,
    debug: bool = False,
) -> ScanReport:
    """Scan folders (and files) of audiomatch. One unreadable file is reported and the rest go on.

    Files scoring `auto` or more against an episode are attached to it, from `review` up
    they wait for review (see `audiomatch.attach`). `reader` reads one file (default
    `tags.read_info`, looked up at each call).
    """
    read = reader or tags.read_info
    report = ScanReport()
    roots, found = _walk(paths, report)
    known = {d["id"]: d for d in store.scan("files")}
    rows: dict[str, FileReport] = {}
    infos: dict[str, dict[str, Any]] = {}
    for n, (path, size, mtime) in enumerate(found):
        if on_progress:
            on_progress(n, len(found), path)
        fid = file_id(path)
        old = known.get(fid)
        row = rows[fid] = FileReport(path, file_id=fid)
        if old and old.get("size") == size and old.get("mtime_ns") == mtime:
            row.status, row.episode_id, row.state = "unchanged", old.get("episode_id"), old["state"]
            row.title = old.get("title")
            continue
        row.status = "changed" if old else "new"
        try:
            infos[fid] = read(path).as_dict()
            report.read += 1
        except TagError as exc:
            row.status, row.error = "error", str(exc)
            row.traceback = "".join(traceback.format_exception(exc))
        except Exception as exc:
            if debug:
                raise
            log.exception("bug while reading %s", path)
            row.status = "error"
            row.error = (
                f"{path}: internal error {type(exc).__name__}: {exc} "
                "(a bug in catalog; run with --debug for the traceback)"
            )
    if on_progress:
        on_progress(len(found), len(found), "")
    present = {file_id(p) for p, _s, _m in found}
    gone = [d for fid, d in known.items() if fid not in present and _under(d["path"], roots)]
    back = [d for fid, d in known.items() if fid in present and d.get("missing")]
    needed = infos or back or [d for d in gone if not d.get("missing")]
    rematch = [d for fid, d in known.items() if fid in present and d.get("state") in REMATCH]
    if not needed and rematch:
        mark = fingerprint(store)
        needed = [d for d in rematch if d.get("matched_against") != mark]
    gone_ids = {d["id"] for d in gone}
    if needed:
        with store.transaction():
            limits = (auto, review)
            _apply(store, report, rows, infos, gone_ids, now, limits)  # drops moved ones
    report.files.extend(rows.values())
    report.files.extend(
        FileReport(
            d["path"],
            "missing",
            file_id=d["id"],
            episode_id=d.get("episode_id"),
            state=d.get("state"),
            title=d.get("title"),
        )
        for d in gone
        if d["id"] in gone_ids
    )
    return report


def _apply(
    store: Store,
    report: ScanReport,
    rows: dict[str, FileReport],
    infos: dict[str, dict[str, Any]],
    gone: set[str],
    now: datetime,
    limits: tuple[float, float],
) -> None:
    from catalog.core import audiomatch

    thresholds = audiomatch.Thresholds(auto=limits[0], review=limits[1])
    batch = Batch(datetime_to_iso(now))
    mark = fingerprint(store)
    built: list[audiomatch.EpisodeLookup] = []

    def eps() -> audiomatch.EpisodeLookup:  # built once, and only if a file is to be matched
        if not built:
            built.append(lookup(store))
        return built[0]

    moved_from = {}  # (size, duration, title) of a missing file → its document
    for fid in gone:
        doc = store.get("files", fid)
        if doc is not None:
            moved_from[(doc["size"], doc["info"].get("duration"), doc["info"].get("title"))] = doc
    for fid, info in infos.items():
        row = rows[fid]
        doc = store.get("files", fid) or {
            "id": fid,
            "first_seen": batch.stamp,
            "state": None,
            "episode_id": None,
        }
        is_new = not store.has("files", fid)
        key = (info["size"], info.get("duration"), info.get("title"))
        previous = moved_from.pop(key, None) if is_new else None
        if previous is not None:
            row.status = "moved"
            doc.update({k: previous.get(k) for k in ("first_seen", "state", "episode_id")})
            gone.discard(previous["id"])
            batch.files[previous["id"]] = {"id": previous["id"], "_delete": True}
        doc.update(
            path=info["path"],
            size=info["size"],
            mtime_ns=info["mtime_ns"],
            info=info,
            scanned_at=batch.stamp,
            missing=False,
        )
        if doc.get("state") in PERSON_STATES or (row.status == "moved" and doc.get("episode_id")):
            place(store, batch, doc, doc["state"], doc.get("episode_id"))
            row.outcome = "kept"
        else:
            _attach(store, batch, doc, eps, thresholds, row)
        doc["matched_against"] = mark
        row.episode_id, row.state, row.title = (
            doc.get("episode_id"),
            doc["state"],
            audiomatch.file_title(info),
        )
    for fid, row in rows.items():
        if fid in infos or row.status != "unchanged":
            continue
        doc = store.get("files", fid)
        if doc is None:
            continue
        if doc.get("missing"):
            doc["missing"] = False
            batch.files[fid] = doc
            batch.touched.add(doc.get("episode_id") or "")
        if doc["state"] in REMATCH and doc.get("matched_against") != mark:
            _attach(store, batch, doc, eps, thresholds, row)
            doc["matched_against"] = mark
            row.episode_id, row.state = doc.get("episode_id"), doc["state"]
    for fid in gone:
        doc = store.get("files", fid)
        if doc is not None and not doc.get("missing"):
            doc["missing"] = True
            batch.files[fid] = doc
            batch.touched.add(doc.get("episode_id") or "")
    join_recordings(store, batch, rows)
    settle(store, batch)
    report.new_episodes, report.new_shows = batch.new_episodes, batch.new_shows


def _attach(
    store: Store,
    batch: Batch,
    doc: dict[str, Any],
    eps: Callable[[], audiomatch.EpisodeLookup],
    thresholds: audiomatch.Thresholds,
    row: FileReport,
) -> None:
    from catalog.core import audiomatch

    found = audiomatch.attach(doc["info"], eps(), thresholds)
    doc.update(score=found.score, reasons=found.reasons, candidates=found.candidates)
    if found.state == "auto":
        place(store, batch, doc, "auto", found.episode_id)
        row.outcome = "attached"
    elif found.state == "review":
        place(store, batch, doc, "review", None, suggested=found.episode_id)
        row.outcome = "review"
    else:
        place(store, batch, doc, "local", None)
        row.outcome = "local"
    row.score = found.score


def place(
    store: Store,
    batch: Batch,
    doc: dict[str, Any],
    state: str,
    episode_id: str | None,
    *,
    suggested: str | None = None,
) -> None:
    """Point a file at an episode (states auto, accepted, manual), at nothing (review), or at
    its local-only episode, made if needed (local, rejected). Written by `settle`."""
    from catalog.core import audiomatch

    batch.touched.add(doc.get("episode_id") or "")
    if state in {"local", "rejected"} and not episode_id:
        episode_id = _local_episode(store, batch, doc["info"])
    doc.update(state=state, episode_id=episode_id, suggested=suggested)
    show_title = ""
    if episode_id:
        ep = batch.episodes.get(episode_id) or store.get("episodes", episode_id) or {}
        show = batch.shows.get(ep.get("show_id") or "") or store.get(
            "shows", ep.get("show_id") or ""
        )
        show_title = (show or {}).get("title") or ""
    doc["credits"] = audiomatch.tag_credits(doc["info"], show_title)
    doc["title"] = audiomatch.file_title(doc["info"])
    batch.touched.add(episode_id or "")
    batch.files[doc["id"]] = doc


def join_recordings(store: Store, batch: Batch, rows: dict[str, FileReport] | None = None) -> None:
    """Files of a batch and the other formats of their recordings (`audiomatch.same_recording`,
    among every present file) share one episode: the feed episode one of them is attached to
    (a person's decision first, then the best score), which the others in `local` or
    `review` join as `auto`; else the local episode of the first (one already stored
    first). Files a person decided about stay where they are."""
    from catalog.core import audiomatch

    changed = [d for d in batch.files.values() if not d.get("_delete") and not d.get("missing")]
    if not changed:
        return
    docs = {d["id"]: d for d in store.scan("files") if not d.get("missing") and d.get("info")}
    for fid, d in batch.files.items():
        if d.get("_delete") or d.get("missing"):
            docs.pop(fid, None)
        else:
            docs[fid] = d  # the batch's copy is the current one
    buckets: dict[tuple[str, ...], list[str]] = {}
    for d in docs.values():
        for key in audiomatch.recording_keys(d["info"]):
            buckets.setdefault(key, []).append(d["id"])
    done: set[str] = set()
    for doc in changed:
        if doc["id"] in done:
            continue
        group, todo = {doc["id"]}, [doc["id"]]
        while todo:
            info = docs[todo.pop()]["info"]
            for key in audiomatch.recording_keys(info):
                for other in buckets.get(key, []):
                    if other not in group and audiomatch.same_recording(info, docs[other]["info"]):
                        group.add(other)
                        todo.append(other)
        done |= group
        if len(group) > 1:
            _share(store, batch, sorted((docs[i] for i in group), key=lambda d: d["path"]), rows)
    used = {d.get("episode_id") for d in batch.files.values() if not d.get("_delete")}
    for ep_id in [e for e in batch.episodes if e not in used]:  # made, then left by its file
        del batch.episodes[ep_id]
        batch.new_episodes -= 1
    shows = {e["show_id"] for e in batch.episodes.values()}
    for show_id in [s for s in batch.shows if s not in shows]:
        del batch.shows[show_id]
        batch.new_shows -= 1


def _share(
    store: Store, batch: Batch, group: list[dict[str, Any]], rows: dict[str, FileReport] | None
) -> None:
    """Put the files of one recording on one episode (see `join_recordings`)."""
    attached = [d for d in group if d.get("state") in ATTACHED and d.get("episode_id")]
    if attached:
        lead = min(attached, key=lambda d: (d["state"] == "auto", -(d.get("score") or 0)))
        state, movers = "auto", [d for d in group if d.get("state") in REMATCH]
    else:
        local = [d for d in group if d.get("state") == "local" and d.get("episode_id")]
        if len(local) < 2:
            return
        lead = min(local, key=lambda d: d["episode_id"] in batch.episodes)  # a stored one
        state, movers = "local", [d for d in local if d is not lead]
    target = lead["episode_id"]
    for found in movers:
        if (found.get("state"), found.get("episode_id")) == (state, target):
            continue
        doc = batch.files.get(found["id"]) or store.get("files", found["id"]) or found
        place(store, batch, doc, state, target)
        if state == "auto":
            note = f"the same recording as {Path(lead['path']).name}"
            doc.update(score=lead.get("score"), reasons={"notes": [note]}, candidates=[])
        row = (rows or {}).get(doc["id"])
        if row is not None:
            row.episode_id, row.state = target, state
            row.outcome = "attached" if state == "auto" else "local"
            if state == "auto":
                row.score = lead.get("score")


def _local_episode(store: Store, batch: Batch, info: dict[str, Any]) -> str:
    from catalog.core import audiomatch

    name = audiomatch.local_show_name(info)
    show_id = audiomatch.local_show_id(name)
    if show_id not in batch.shows and not store.has("shows", show_id):
        batch.shows[show_id] = audiomatch.local_show(
            name, str(Path(info["path"]).parent), batch.stamp
        )
        batch.new_shows += 1
    ep_id = audiomatch.local_episode_id(show_id, info)
    if ep_id not in batch.episodes and not store.has("episodes", ep_id):
        batch.episodes[ep_id] = audiomatch.local_episode(show_id, info, batch.stamp)
        batch.new_episodes += 1
    return ep_id


def settle(store: Store, batch: Batch) -> None:
    """Write a batch: files, new local shows and episodes, the tag credits of every episode
    whose files changed, local episodes left without files (removed), derived credits."""
    from catalog.core import audiomatch

    deleted = [fid for fid, d in batch.files.items() if d.get("_delete")]
    store.delete("files", deleted)
    store.put("files", [d for d in batch.files.values() if not d.get("_delete")])
    store.put("shows", list(batch.shows.values()))
    store.put("episodes", list(batch.episodes.values()))
    batch.touched.discard("")
    if not batch.touched:
        return
    by_episode: dict[str, list[dict[str, Any]]] = {}
    for doc in store.scan("files"):
        if doc.get("episode_id") in batch.touched:
            by_episode.setdefault(doc["episode_id"], []).append(doc)
    local = {s["id"] for s in store.scan("shows") if s.get("kind") == LOCAL}
    changed, orphans, shows = [], [], set()
    for ep_id in batch.touched:
        ep = store.get("episodes", ep_id)
        if ep is None:
            continue
        shows.add(ep["show_id"])
        files = by_episode.get(ep_id, [])
        inputs = ep.setdefault("credit_inputs", {})
        if (
            ep["show_id"] in local
            and not files
            and not inputs.get("manual")
            and not ep.get("summary_id")
        ):
            orphans.append(ep_id)  # a local episode exists only for its files
            continue
        credits = audiomatch.merge_tag_credits(d for d in files if not d.get("missing"))
        if inputs.get("tags", []) != credits:
            if credits:
                inputs["tags"] = credits
            else:  # no "tags" key at all, as in an episode that never had a file
                inputs.pop("tags", None)
            changed.append(ep)
    store.put("episodes", changed)
    store.delete("episodes", orphans)
    emptied = shows & local
    for ep in store.scan("episodes"):
        emptied.discard(ep.get("show_id") or "")
    store.delete("shows", emptied)
    for show_id in sorted(shows - emptied):
        derive.refresh_show(store, show_id)


def files_of(store: Store, episode_id: str) -> list[dict[str, Any]]:
    """The files attached to an episode, present ones first."""
    docs = [d for d in store.scan("files") if d.get("episode_id") == episode_id]
    return sorted(docs, key=lambda d: (bool(d.get("missing")), d["path"]))


def episodes_with_files(store: Store) -> set[str]:
    """The ids of the episodes that have a file that is not missing (for `has:file`)."""
    return {
        d["episode_id"] for d in store.scan("files") if d.get("episode_id") and not d.get("missing")
    }


__all__ = ["FileReport", "ScanReport", "episodes_with_files", "files_of", "place", "scan", "settle"]
