"""The decision log: every decision about a summary, an audio file or a suggested credit,
automatic or by hand, with what it replaced (so that `undo` can restore it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalog.core.errors import NotFoundError, UsageError
from catalog.core.normalize import datetime_to_iso
from catalog.store import Store


def log(
    store: Store,
    now: datetime,
    doc: dict[str, Any],
    action: str,
    previous: dict[str, Any],
    *,
    reason: str,
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Record a decision (what, when, why, and the state before it, for undo) about a
    summary, or, with `fields` naming it, about another kind of document."""
    number = store.count("decisions") + 1
    entry = {
        "id": str(number), "time": datetime_to_iso(now), "summary_id": doc["id"],
        "summary_title": doc.get("title"), "action": action, "episode_id": doc.get("episode_id"),
        "state": doc.get("state"), "score": doc.get("score"), "reason": reason,
        "previous": previous, "undone": False, **(fields or {}),
    }  # fmt: skip
    store.put("decisions", [entry])
    return entry


def undoable(store: Store, decision_id: str | None) -> dict[str, Any]:
    """The decision to undo: `decision_id`, else the latest one not yet undone."""
    entries = sorted(store.all("decisions"), key=lambda d: int(d["id"]))
    live = [d for d in entries if not d["undone"] and d["action"] != "undo"]
    if decision_id is None:
        if not live:
            raise NotFoundError("there is no decision to undo")
        return live[-1]
    hits = [d for d in entries if d["id"] == decision_id]
    if not hits:
        raise NotFoundError(f"no decision {decision_id!r} (see `catalog match log`)")
    entry = hits[0]
    if entry["undone"] or entry["action"] == "undo":
        raise UsageError(f"decision {decision_id} cannot be undone")
    return entry
