"""Decisions about audio files in the shared review queue: accept a suggested episode, set
one by hand, reject (the file keeps a local-only episode), undo. Every decision goes to the
same log as the summaries' (`catalog match log`), marked `"kind": "file"`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalog.core import audiomatch
from catalog.core.errors import NotFoundError, UsageError
from catalog.core.normalize import datetime_to_iso
from catalog.services import decisions, scan
from catalog.store import Store


def pending(store: Store) -> list[dict[str, Any]]:
    """Files waiting for review (present ones), best score first."""
    docs = [d for d in store.all("files") if d.get("state") == "review" and not d.get("missing")]
    return sorted(docs, key=lambda d: (-(d.get("score") or 0), d["path"]))


def find_file(store: Store, ref: str) -> dict[str, Any]:
    """A file document by id or unique id prefix."""
    return store.find("files", ref)


def _snapshot(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc.get(k) for k in ("state", "episode_id", "suggested", "score")}


def log(
    store: Store,
    now: datetime,
    doc: dict[str, Any],
    action: str,
    previous: dict[str, Any],
    *,
    reason: str,
) -> dict[str, Any]:
    """Record a decision about a file in the decision log (numbered with the summaries')."""

    return decisions.log(store, now, doc, action, previous, reason=reason, fields={
        "kind": "file", "file_id": doc["id"], "summary_id": None,
        "title": audiomatch.file_title(doc["info"]), "summary_title": None,
    })  # fmt: skip


ATTACHED = {"auto", "accepted", "manual"}  # states in which a file belongs to a feed episode


def holders(store: Store, episode_id: str, *, exclude: str = "") -> list[dict[str, Any]]:
    """The files (other than `exclude`, present ones) an episode already has: accepting
    another file for it attaches that one beside them (see `decide`'s `alongside`)."""
    return sorted(
        (d for d in store.all("files")
         if d.get("episode_id") == episode_id and d["id"] != exclude
         and d.get("state") in ATTACHED and not d.get("missing")),
        key=lambda d: d["path"],
    )  # fmt: skip


def decide(
    store: Store,
    file_ref: str,
    action: str,
    *,
    now: datetime,
    episode_id: str | None = None,
    reason: str = "",
    alongside: bool = False,
) -> dict[str, Any]:
    """A person's decision: accept (the suggestion or `episode_id`), set, or reject (the file
    keeps a local-only episode, and no rescan matches it again).

    An episode may have several files (copies, parts), but accepting a file for an episode
    that already has one is refused unless `alongside`: then both stay attached."""
    with store.transaction():
        doc = find_file(store, file_ref)
        previous = _snapshot(doc)
        batch = scan.Batch(datetime_to_iso(now))
        if action in {"accept", "set"}:
            target = episode_id or doc.get("suggested") or doc.get("episode_id")
            if not target:
                raise UsageError(f"file {doc['id']} has no suggested episode to accept")
            if store.get("episodes", target) is None:
                raise NotFoundError(f"no episode with id {target!r}")
            if not alongside and (others := holders(store, target, exclude=doc["id"])):
                raise UsageError(
                    f"episode {target} already has file {others[0]['path']}; "
                    "attaching this one beside it needs a yes"
                )
            scan.place(store, batch, doc, "accepted" if action == "accept" else "manual", target)
            scan.join_recordings(store, batch)  # its other formats come along
        elif action == "reject":
            scan.place(store, batch, doc, "rejected", None)
        else:  # pragma: no cover - the CLI offers only the actions above
            raise UsageError(f"unknown action {action!r}")
        scan.settle(store, batch)
        return log(store, now, doc, action, previous, reason=reason or "by hand")


def undo(store: Store, entry: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Undo a decision about a file (called by `undo.undo` inside its transaction)."""
    doc = store.get("files", entry["file_id"])
    if doc is None:
        raise NotFoundError(f"file {entry['file_id']} is no longer in the catalog")
    before = entry["previous"]
    target = before.get("episode_id")
    if (
        target
        and before.get("state") not in {"local", "rejected"}
        and not store.has("episodes", target)
    ):
        raise UsageError(f"episode {target} is gone; the decision cannot be undone")
    previous = _snapshot(doc)
    batch = scan.Batch(datetime_to_iso(now))
    state = before.get("state") or "review"
    local = state in {"local", "rejected"}
    scan.place(
        store, batch, doc, state, None if local else target, suggested=before.get("suggested")
    )
    doc["score"] = before.get("score")
    scan.settle(store, batch)
    entry["undone"] = True
    store.put("decisions", [entry])
    return log(store, now, doc, "undo", previous, reason=f"undid decision {entry['id']}")
