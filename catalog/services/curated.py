"""Curated shows: saved definitions (a feed's details, pinned episodes and a query) that
`catalog export rss` turns into a podcast feed. The rules are `core.curated`'s."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalog.core import curated
from catalog.core.errors import NotFoundError, UsageError
from catalog.store import Store


def fields(values: dict[str, Any]) -> dict[str, Any]:
    """The definition fields among `values` that were given (not None)."""
    return {k: v for k, v in values.items() if k in curated.FIELDS and v is not None}


def get(store: Store, name: str) -> dict[str, Any]:
    doc = store.get("curated", name)
    if doc is None:
        raise NotFoundError(f"no curated show {name!r} (see `catalog curate list`)")
    return doc


def create(store: Store, name: str, values: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Save a new definition, checked; a name in use is refused."""
    if not curated.NAME.fullmatch(name):
        raise UsageError(f"curated show name {name!r}: use letters, digits, '-', '_' or '.'")
    with store.transaction():
        if store.get("curated", name) is not None:
            raise UsageError(f"curated show {name!r} exists; change it with `curate edit`")
        doc = {"id": name, "name": name, "pinned": [], **fields(values)}
        curated.check(doc, now=now)
        store.put("curated", [doc])
    return doc


def edit(store: Store, name: str, values: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Change the given fields of a definition (the others stay), checked."""
    with store.transaction():
        doc = get(store, name)
        doc.update(fields(values))
        curated.check(doc, now=now)
        store.put("curated", [doc])
    return doc


def episodes_of(store: Store, definition: dict[str, Any], *, now: datetime) -> list[dict[str, Any]]:
    """Pinned episodes in their order, then those the query selects, newest first."""
    from catalog.core import query
    from catalog.services.selection import select

    pinned = []
    for ep_id in definition.get("pinned") or []:
        ep = store.get("episodes", ep_id)
        if ep is not None:
            pinned.append(ep)
    found: list[dict[str, Any]] = []
    if definition.get("query"):
        hits, _ctx = select(store, query.tokenize(definition["query"]), now=now)
        found = query.newest_first(hits)
    ids = {e["id"] for e in pinned}
    return pinned + [e for e in found if e["id"] not in ids]
