"""Orchestration of `catalog tag`: the tag changes that would bring audio files in line with
the catalog (title, show as album, date, hosts as artist, guests, guid, feed URL,
description, catalog id), and writing them. Nothing is printed here."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from catalog.core import audiomatch
from catalog.core.errors import TagError
from catalog.core.normalize import datetime_to_iso
from catalog.sources.audio import tags
from catalog.store import Store

Progress = Callable[[int, int, str], None]


@dataclass
class TagPlan:
    """One file: its episode, and field → (value in the file, value to write); `guessed`:
    the values taken from file or folder names that are not written (see `plan`)."""

    file_id: str
    path: str
    episode_id: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    status: Literal["planned", "same", "written", "error"] = "planned"
    error: str | None = None
    guessed: dict[str, Any] = field(default_factory=dict)
    traceback: str | None = field(default=None, repr=False)  # of `error`, for --debug

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json` (the traceback goes to stderr, with --debug)."""
        out = dict(self.__dict__)
        del out["traceback"]
        out["changes"] = {k: {"old": old, "new": new} for k, (old, new) in self.changes.items()}
        return out


def plan(
    store: Store, episode_ids: set[str] | None = None, *, from_paths: bool = False
) -> list[TagPlan]:
    """What writing would change in the present files of these episodes (all episodes with
    files when None). Each file is read afresh: the diff is against the file as it is now.

    Values a local episode took from a file or folder name (`audiomatch.path_guesses`) are
    left out (listed in `guessed`) unless `from_paths`: only what the catalog knows is
    written. A dry run and a write use the same plan."""
    plans: list[TagPlan] = []
    shows = {s["id"]: s for s in store.scan("shows")}
    present = [d for d in store.scan("files") if d.get("episode_id") and not d.get("missing")]
    docs = [d for d in present if episode_ids is None or d["episode_id"] in episode_ids]
    by_episode: dict[str, list[dict[str, Any]]] = {}
    for doc in present:
        by_episode.setdefault(doc["episode_id"], []).append(doc)
    by_show: dict[str, list[dict[str, Any]]] = {}  # the files of each local show, when needed
    for doc in sorted(docs, key=lambda d: d["path"]):
        row = TagPlan(doc["id"], doc["path"], doc["episode_id"])
        plans.append(row)
        ep = store.get("episodes", doc["episode_id"])
        if ep is None:
            row.status, row.error = "error", f"{doc['path']}: episode {doc['episode_id']} is gone"
            continue
        try:
            current = tags.current_values(tags.read_info(doc["path"]))
        except TagError as exc:
            row.status, row.error = "error", str(exc)
            row.traceback = "".join(traceback.format_exception(exc))
            continue
        show = shows.get(ep["show_id"])
        changes = audiomatch.tag_diff(current, audiomatch.planned_tags(ep, show))
        if not from_paths and (show or {}).get("kind") == audiomatch.LOCAL:
            if not by_show:
                for ep_id, files in by_episode.items():
                    other = store.get("episodes", ep_id)
                    by_show.setdefault((other or {}).get("show_id") or "", []).extend(files)
            guessed = audiomatch.path_guesses(
                ep, show, by_episode.get(ep["id"], []), by_show.get(ep["show_id"], [])
            )
            row.guessed = {k: changes.pop(k)[1] for k in sorted(guessed) if k in changes}
        row.changes = changes
        row.status = "planned" if row.changes else "same"
    return plans


def write(
    store: Store,
    plans: list[TagPlan],
    *,
    now: datetime,
    on_progress: Progress | None = None,
) -> list[TagPlan]:
    """Write the planned changes, file by file (each verified, see `tags.write_tags`); one
    failure is reported and the others go on. The stored file documents take the new size,
    mtime and tags, so the next scan does not read the files again."""
    todo = [p for p in plans if p.status == "planned"]
    written: dict[str, tags.AudioInfo] = {}
    for n, row in enumerate(todo):
        if on_progress:
            on_progress(n, len(todo), row.path)
        try:
            info = tags.write_tags(row.path, {k: new for k, (_old, new) in row.changes.items()})
        except TagError as exc:
            row.status, row.error = "error", str(exc)
            row.traceback = "".join(traceback.format_exception(exc))
            continue
        row.status = "written"
        written[row.file_id] = info
    if on_progress:
        on_progress(len(todo), len(todo), "")
    if written:
        stamp = datetime_to_iso(now)
        with store.transaction():
            docs = []
            for fid, info in written.items():
                doc = store.get("files", fid)
                if doc is not None:
                    data = info.as_dict()
                    doc.update(
                        size=data["size"],
                        mtime_ns=data["mtime_ns"],
                        info=data,
                        scanned_at=stamp,
                        tagged_at=stamp,
                    )
                    docs.append(doc)
            store.put("files", docs)
    return plans
