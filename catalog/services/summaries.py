"""Orchestration of summaries: import pages, match them to episodes, and decide on them
(automatic or by a person) so that it can be shown and undone. Nothing is printed here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from catalog.core import match, pages, people
from catalog.core.errors import CatalogError, NotFoundError, SummaryError, UsageError
from catalog.core.normalize import datetime_to_iso, person_key
from catalog.services import derive
from catalog.services.decisions import log
from catalog.store import Store

PAGE_SUFFIXES = {".txt", ".html", ".htm"}
MAX_PAGE_BYTES = 5 * 1024 * 1024
ACCEPTED = {"auto", "accepted", "manual"}  # states in which a summary owns its episode


@dataclass
class PageReport:
    """The outcome of importing one page."""

    source: str
    status: Literal["new", "unchanged", "error"] = "new"
    summary_id: str | None = None
    title: str | None = None
    state: str | None = None
    episode_id: str | None = None
    score: float | None = None
    guests: list[str] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return dict(self.__dict__)


def expand_pages(paths: Iterable[str]) -> list[Path]:
    """Files as given; folders become their .txt/.html pages, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            out.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                )
            )
        else:
            out.append(path)
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_page(path: Path) -> tuple[str, str]:
    """(content hash, text) of a page file, or SummaryError naming it."""
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SummaryError(f"{path}: {size} bytes is over the {MAX_PAGE_BYTES}-byte cap")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SummaryError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SummaryError(f"{path}: is a folder") from None
    except OSError as exc:
        raise SummaryError(f"{path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise SummaryError(f"{path}: empty page")
    if b"\x00" in data[:4096]:
        raise SummaryError(f"{path}: not a text or HTML page")
    return hashlib.sha256(data).hexdigest()[:16], _decode(data)


def build_summary(
    digest: str,
    text: str,
    path: Path,
    now: datetime,
    *,
    shows: Sequence[str] = (),
    labels: Iterable[str] = (),
) -> dict[str, Any]:
    """A summary document from a page's text: parsed, with credits and mentions extracted.

    `shows` are the catalog's show titles and `labels` the furniture lines of the batch
    (`pages.common_labels`): neither is ever taken for the page's title."""
    page = pages.parse_page(text, name=path.name, shows=shows, labels=labels)
    if not page["title"] and not page["body"]:
        raise SummaryError(f"{path}: no title and no text found")
    found = people.extract(page["body"], source="summary", title=page["title"] or "")
    # The page's tag line names its topics (the politicians in the news): a person there is
    # talked about, whatever a sentence of the page seems to say ("to meet with … Tillerson"),
    # unless a sentence introduces them as the guest (`people.introduced`).
    hosts = [c["name"] for c in found.credits if c["role"] == "host"]
    tagged = {person_key(m) for m in page["mentions"]} - people.introduced(page["body"], hosts)
    found.credits = [c for c in found.credits if c["key"] not in tagged]
    credited = {c["key"] for c in found.credits}
    mentions = people.unique_people(
        [m for m in page["mentions"] + found.mentions if person_key(m) not in credited]
    )
    return {
        "id": digest, "path": str(path.resolve()), **page,
        "mentions": mentions, "credits": found.credits,
        "imported_at": datetime_to_iso(now), "state": "unmatched", "episode_id": None,
        "suggested": None, "score": None, "reasons": {}, "candidates": [],
    }  # fmt: skip


def import_pages(
    store: Store,
    paths: Iterable[str],
    *,
    now: datetime,
    thresholds: match.Thresholds,
    show_ids: set[str] | None = None,
) -> list[PageReport]:
    """Import pages (content-hashed: the same page twice is a no-op), then match the new ones.

    A page that cannot be read is reported and the others go on.
    """
    rows: list[PageReport] = []
    new_docs: list[dict[str, Any]] = []
    seen: dict[str, str] = {}  # digest → title, for a page given twice in one call
    # Two passes: the first learns the batch's furniture (a show's label above every
    # headline) from the tops of the pages, the second reads them again and parses them;
    # only one page's text is held at a time.
    tops: dict[str, list[str]] = {}  # digest → the page's top lines (a page twice counts once)
    for path in expand_pages(paths):
        try:
            digest, text = read_page(path)
        except CatalogError:
            continue  # reported by the second pass
        if not pages.looks_like_html(text):
            tops[digest] = pages.header_labels(text)
    labels = pages.common_labels(tops.values())
    shows = [s["title"] for s in store.all("shows") if s.get("title")]
    for path in expand_pages(paths):
        row = PageReport(source=str(path))
        rows.append(row)
        try:
            digest, text = read_page(path)
            row.summary_id = digest
            if digest in seen or store.has("summaries", digest):
                existing = store.get("summaries", digest) or {}
                row.status = "unchanged"
                row.title = existing.get("title") or seen.get(digest)
                row.state, row.episode_id = existing.get("state"), existing.get("episode_id")
                continue
            doc = build_summary(digest, text, path, now, shows=shows, labels=labels)
            seen[digest] = doc["title"]
            new_docs.append(doc)
            row.title = doc["title"]
            row.guests = [c["name"] for c in doc["credits"] if c["role"] == "guest"]
        except CatalogError as exc:
            row.status, row.error = "error", str(exc)
    if new_docs:
        with store.transaction():
            store.put("summaries", new_docs)
            outcome = run_matching(
                store,
                [d["id"] for d in new_docs],
                now=now,
                thresholds=thresholds,
                show_ids=show_ids,
            )
        for row in rows:
            if row.summary_id in outcome and row.status != "error":
                state, cand = outcome[row.summary_id]
                row.state = state
                row.episode_id = cand.episode_id if cand else None
                row.score = cand.score if cand else None
    return rows


def _taken(store: Store, exclude: set[str]) -> set[str]:
    return {
        s["episode_id"]
        for s in store.all("summaries")
        if s.get("state") in ACCEPTED and s.get("episode_id") and s["id"] not in exclude
    }


def run_matching(
    store: Store,
    summary_ids: list[str],
    *,
    now: datetime,
    thresholds: match.Thresholds,
    show_ids: set[str] | None = None,
    dry_run: bool = False,
) -> dict[str, tuple[str, match.Candidate | None]]:
    """Score the given summaries against every episode and apply the one-to-one outcome.

    Automatic acceptances are logged as decisions; review and unmatched states are stored
    with their candidates. Summaries a person decided on are never passed in here.
    """
    index = episode_index(store)
    docs = {sid: store.get("summaries", sid) for sid in summary_ids}
    shows = store.all("shows")
    ranked = {
        sid: match.rank(with_show_ids(doc, shows), index, show_ids=show_ids)
        for sid, doc in docs.items()
        if doc is not None
    }
    outcome = match.assign(ranked, _taken(store, set(summary_ids)), thresholds)
    if dry_run:
        return outcome
    with store.transaction():
        touched: set[str] = set()
        for sid, (state, cand) in outcome.items():
            doc = docs[sid]
            assert doc is not None
            doc["candidates"] = [
                {"episode_id": c.episode_id, "score": c.score, "reasons": c.reasons}
                for c in ranked[sid]
            ]
            previous = _snapshot(doc)
            doc["score"] = cand.score if cand else None
            doc["reasons"] = cand.reasons if cand else {}
            if state == "auto" and cand is not None:
                touched |= _set(store, doc, "auto", cand.episode_id, refresh=False)
                log(store, now, doc, "auto", previous, reason=_why(cand))
            else:
                suggested = cand.episode_id if cand else None
                touched |= _set(store, doc, state, None, suggested=suggested, refresh=False)
        for show_id in touched:  # once per show, not once per page
            derive.refresh_show(store, show_id)
    return outcome


def episode_index(store: Store) -> match.EpisodeIndex:
    """Every episode, ready for matching (with its show's title: "Topic | Show" is "Topic")."""
    titles = {s["id"]: s.get("title") or "" for s in store.all("shows")}
    return match.EpisodeIndex(store.episodes(), titles)


def with_show_ids(doc: dict[str, Any], shows: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary with the ids of the shows its page names ("show_ids"; none if it names
    none the catalog holds): the show signal of matching."""
    named = doc.get("show")
    if not named:
        return doc
    ids = [s["id"] for s in shows if pages.show_named(named, [s.get("title") or ""])]
    return dict(doc, show_ids=ids) if ids else doc


def _why(cand: match.Candidate) -> str:
    parts = [f"{k} {v:.2f}" for k, v in cand.reasons.items() if isinstance(v, float)]
    return f"score {cand.score:.2f} (" + ", ".join(parts) + ")"


def _snapshot(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc.get(k) for k in ("state", "episode_id", "suggested", "score")}


def _set(
    store: Store,
    doc: dict[str, Any],
    state: str,
    episode_id: str | None,
    suggested: str | None = None,
    *,
    refresh: bool = True,
) -> set[str]:
    """Point a summary at an episode (or none), keeping the episode side in step.

    Returns the shows whose derived credits need refreshing; with `refresh` (the default)
    they are refreshed here, otherwise the caller does it once for a whole batch.
    """
    old = doc.get("episode_id")
    doc.update(state=state, episode_id=episode_id, suggested=suggested)
    shows: set[str] = set()
    for ep_id, sid in ((old, None), (episode_id, doc["id"])):
        if not ep_id:
            continue
        ep = store.get("episodes", ep_id)
        if ep is None:
            continue
        if sid is None and ep.get("summary_id") != doc["id"]:
            continue
        ep["summary_id"] = sid
        store.put("episodes", [ep])
        shows.add(ep["show_id"])
    store.put("summaries", [doc])
    if refresh:
        for show_id in shows:
            derive.refresh_show(store, show_id)
    return shows


def find_summary(store: Store, ref: str) -> dict[str, Any]:
    """A summary by id or unique id prefix."""
    return store.find("summaries", ref)


def holder(store: Store, episode_id: str, *, exclude: str = "") -> dict[str, Any] | None:
    """The summary (other than `exclude`) that an episode already has, if any: accepting
    another one for that episode would take it away (see `decide`'s `move`)."""
    return next(
        (s for s in store.all("summaries")
         if s.get("episode_id") == episode_id and s["id"] != exclude),
        None,
    )  # fmt: skip


def decide(
    store: Store,
    summary_id: str,
    action: str,
    *,
    now: datetime,
    episode_id: str | None = None,
    reason: str = "",
    move: bool = False,
) -> dict[str, Any]:
    """A person's decision: accept (the suggestion or `episode_id`), set, reject, clear.

    An episode has at most one summary: accepting one for an episode that has another is
    refused unless `move`, which detaches the other (back to unmatched, where `match run`
    can match it again) and logs that as its own "clear" decision, undoable."""
    with store.transaction():
        doc = find_summary(store, summary_id)
        previous = _snapshot(doc)
        if action in {"accept", "set"}:
            target = episode_id or doc.get("suggested") or doc.get("episode_id")
            if not target:
                raise UsageError(f"summary {doc['id']} has no suggested episode to accept")
            if store.get("episodes", target) is None:
                raise NotFoundError(f"no episode with id {target!r}")
            other = holder(store, target, exclude=doc["id"])
            if other is not None and not move:
                raise UsageError(
                    f"episode {target} already has summary {other['id']}; "
                    "moving this one there needs a yes"
                )
            if other is not None:
                before = _snapshot(other)
                _set(store, other, "unmatched", None)  # one summary per episode
                why = f"moved: summary {doc['id'][:8]} took episode {target}"
                log(store, now, other, "clear", before, reason=why)
            _set(store, doc, "accepted" if action == "accept" else "manual", target)
        elif action == "reject":
            _set(store, doc, "rejected", None)
        elif action == "clear":
            _set(store, doc, "unmatched", None)
        else:  # pragma: no cover - the CLI offers only the actions above
            raise UsageError(f"unknown action {action!r}")
        return log(store, now, doc, action, previous, reason=reason or "by hand")


def undo_summary(store: Store, entry: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Undo a decision about a summary by restoring the state it replaced (called by
    `undo.undo` inside its transaction); the undo is itself logged."""
    doc = store.get("summaries", entry["summary_id"])
    if doc is None:
        raise NotFoundError(f"summary {entry['summary_id']} is gone")
    before = entry["previous"]
    target = before.get("episode_id")
    if target:  # give the episode back, if another summary took it meanwhile
        for other in store.all("summaries"):
            if other["id"] != doc["id"] and other.get("episode_id") == target:
                raise UsageError(
                    f"episode {target} now belongs to summary {other['id']}; clear that first"
                )
    previous = _snapshot(doc)
    doc["score"] = before.get("score")
    _set(
        store,
        doc,
        before.get("state") or "unmatched",
        target,
        suggested=before.get("suggested"),
    )
    entry["undone"] = True
    store.put("decisions", [entry])
    return log(store, now, doc, "undo", previous, reason=f"undid decision {entry['id']}")


def clear_episode(store: Store, episode_id: str, *, now: datetime) -> dict[str, Any]:
    """Detach whatever summary is matched to an episode."""
    with store.transaction():
        owner = next((s for s in store.all("summaries") if s.get("episode_id") == episode_id), None)
        if owner is None:
            raise NotFoundError(f"episode {episode_id} has no summary")
        return decide(store, owner["id"], "clear", now=now, reason="cleared by hand")


def pending(store: Store, *, state: str = "review") -> list[dict[str, Any]]:
    """Summaries in one state, best score first."""
    docs = [s for s in store.all("summaries") if s.get("state") == state]
    return sorted(docs, key=lambda s: (-(s.get("score") or 0), s.get("title") or ""))
