"""The review queue of `catalog match review`: the summaries, then the audio files, whose
match waits for a person; and accepting every suggestion from a score up in one go
(`--yes`), or only saying what that would do (`--dry-run`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from catalog.core import audiomatch
from catalog.services import filereview, summaries
from catalog.store import Store


@dataclass(frozen=True)
class BatchRow:
    """One queued item and what the batch does with it."""

    kind: Literal["summary", "file"]
    id: str
    title: str
    score: float
    accept: bool  # its suggestion scores at least the minimum


def batch_accept(store: Store, *, minimum: float, now: datetime, apply: bool) -> list[BatchRow]:
    """Every queued summary, then file, with whether its suggestion is accepted; with
    `apply`, those are accepted (each a logged decision that `match undo` can take back)."""
    rows: list[BatchRow] = []
    for doc in summaries.pending(store):
        rows.append(_row("summary", doc["id"], doc.get("title") or "", doc, minimum))
        if apply and rows[-1].accept:
            summaries.decide(store, doc["id"], "accept", now=now, reason=_why(doc, minimum))
    for doc in filereview.pending(store):
        rows.append(_row("file", doc["id"], audiomatch.file_title(doc["info"]), doc, minimum))
        if apply and rows[-1].accept:
            filereview.decide(store, doc["id"], "accept", now=now, reason=_why(doc, minimum))
    return rows


def _row(
    kind: Literal["summary", "file"], doc_id: str, title: str, doc: dict[str, Any], minimum: float
) -> BatchRow:
    score = float(doc.get("score") or 0)
    return BatchRow(kind, doc_id, title, score, bool(doc.get("suggested")) and score >= minimum)


def _why(doc: dict[str, Any], minimum: float) -> str:
    return f"--yes at score {doc.get('score') or 0:.2f} >= {minimum}"
