"""The review queue of `catalog match review`: the summaries, then the audio files, whose
match waits for a person; accepting every suggestion from a score up in one go (`--yes`),
or only saying what that would do (`--dry-run`); and the counts a review ends with."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from catalog.core import audiomatch
from catalog.services import filereview, summaries
from catalog.store import Store

Kind = Literal["summary", "file"]


@dataclass
class Tally:
    """What a review did: accepted, marked unmatched, skipped (a person said skip, or the
    batch would have taken an episode's page or file away), and left (not reached, or
    below the batch's minimum)."""

    accepted: int = 0
    unmatched: int = 0
    skipped: int = 0
    left: int = 0

    def as_dict(self) -> dict[str, int]:
        """Plain data for `--json`."""
        return asdict(self)


@dataclass(frozen=True)
class Held:
    """What an episode already has, that accepting another item for it would affect: a
    summary (moved off it) or files (kept beside the new one)."""

    kind: Kind
    id: str
    title: str
    state: str
    score: float | None
    count: int = 1  # files: how many the episode has

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return asdict(self)


@dataclass(frozen=True)
class BatchRow:
    """One queued item and what the batch does with it."""

    kind: Kind
    id: str
    title: str
    score: float
    accept: bool  # its suggestion scores at least the minimum, and it takes nothing away
    episode_id: str | None = None  # the suggestion
    held: Held | None = None  # what the suggested episode already has
    moved: bool = False  # accepted although the episode had something (`move`)

    @property
    def action(self) -> Literal["accept", "skip", "leave"]:
        """accept; skip (its episode has a page or file, and no `move`); leave (no
        suggestion, or one below the minimum)."""
        return "accept" if self.accept else "skip" if self.held else "leave"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return {
            "kind": self.kind, "id": self.id, "title": self.title, "score": self.score,
            "action": self.action, "episode_id": self.episode_id,
            "held": self.held.as_dict() if self.held else None, "moved": self.moved,
        }  # fmt: skip


def held(store: Store, kind: Kind, doc_id: str, episode_id: str) -> Held | None:
    """What `episode_id` already has that accepting item `doc_id` for it would affect."""
    if kind == "summary":
        other = summaries.holder(store, episode_id, exclude=doc_id)
        if other is None:
            return None
        return Held("summary", other["id"], other.get("title") or "", other.get("state") or "",
                    other.get("score"))  # fmt: skip
    files = filereview.holders(store, episode_id, exclude=doc_id)
    if not files:
        return None
    first = files[0]
    return Held("file", first["id"], first["path"], first.get("state") or "", first.get("score"),
                count=len(files))  # fmt: skip


def batch_accept(
    store: Store, *, minimum: float, now: datetime, apply: bool, move: bool = False
) -> list[BatchRow]:
    """Every queued summary, then file, with whether its suggestion is accepted; with
    `apply`, those are accepted (each a logged decision that `match undo` can take back).

    A suggestion whose episode already has a summary (or a file) is skipped, never taken
    silently, unless `move`: then the summary is moved off it (the file kept beside)."""
    rows: list[BatchRow] = []
    queue: list[tuple[Kind, dict[str, Any], str]] = [
        ("summary", d, d.get("title") or "") for d in summaries.pending(store)
    ]
    queue += [("file", d, audiomatch.file_title(d["info"])) for d in filereview.pending(store)]
    claimed: dict[tuple[Kind, str], Held] = {}  # what this batch gave (a dry run too)
    for kind, doc, title in queue:
        score = float(doc.get("score") or 0)
        target = doc.get("suggested")
        has = (claimed.get((kind, target)) or held(store, kind, doc["id"], target)
               if target else None)  # fmt: skip
        good = bool(target) and score >= minimum
        row = BatchRow(kind, doc["id"], title, score, good and (has is None or move), target,
                       has if good else None, moved=good and move and has is not None)  # fmt: skip
        rows.append(row)
        if row.accept and target:
            claimed[kind, target] = Held(kind, doc["id"], title, "accepted", score)
        if apply and row.accept:
            why = f"--yes at score {score:.2f} >= {minimum}" + (" (--move)" if row.moved else "")
            if kind == "summary":
                summaries.decide(store, doc["id"], "accept", now=now, reason=why, move=move)
            else:
                filereview.decide(store, doc["id"], "accept", now=now, reason=why, alongside=move)
    return rows


def tally(rows: list[BatchRow]) -> Tally:
    """The counts of a batch: accepted, skipped (would take something away), left."""
    out = Tally()
    for row in rows:
        if row.action == "accept":
            out.accepted += 1
        elif row.action == "skip":
            out.skipped += 1
        else:
            out.left += 1
    return out
