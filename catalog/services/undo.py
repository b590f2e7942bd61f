"""Undo any decision of the log, whatever it was about (a summary, an audio file, a
suggested credit): the one place that knows every kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalog.services import creditreview, decisions, filereview, summaries
from catalog.store import Store


def undo(store: Store, decision_id: str | None, *, now: datetime) -> dict[str, Any]:
    """Undo a decision (the latest one not yet undone, by default) by restoring the state
    it replaced; the undo is itself logged."""
    with store.transaction():
        entry = decisions.undoable(store, decision_id)
        if entry.get("kind") == "file":
            return filereview.undo(store, entry, now=now)
        if entry.get("kind") == "credit":
            return creditreview.undo(store, entry, now=now)
        return summaries.undo_summary(store, entry, now=now)
