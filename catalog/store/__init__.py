"""The catalog's storage: the interface both backends implement, and the choice between them.

TinyDB (`catalog.store.tiny.TinyStore`, one JSON file) is the default; SQLite
(`catalog.store.sqlite.SQLiteStore`, stdlib sqlite3 in WAL mode) is for large catalogs. A file
named `*.sqlite`, `*.sqlite3` or `*.db` is SQLite, anything else TinyDB, unless `backend` says
otherwise. Neither backend module is imported until a catalog of its kind is opened, so a
SQLite catalog never loads TinyDB and the reverse.

Documents are plain JSON dicts with a unique string "id". Every read-modify-write runs in
`transaction()`, which is all-or-nothing.
"""

from __future__ import annotations

from pathlib import Path

from catalog.store.base import (
    BACKENDS,
    MIGRATE_HINT_BYTES,
    MIGRATE_HINT_EPISODES,
    SQLITE_SUFFIXES,
    TABLES,
    Predicate,
    Store,
    backend_for,
    check_unique,
    iter_chunks,
)

__all__ = ["BACKENDS", "MIGRATE_HINT_BYTES", "MIGRATE_HINT_EPISODES", "SQLITE_SUFFIXES", "TABLES",
           "Predicate", "Store", "backend_for", "check_unique", "copy_catalog", "iter_chunks",
           "open_store"]  # fmt: skip


def open_store(path: Path, backend: str | None = None) -> Store:
    """Open (or prepare to create) the catalog at `path`."""
    if backend_for(path, backend) == "sqlite":
        from catalog.store.sqlite import SQLiteStore

        return SQLiteStore(path)
    from catalog.store.tiny import TinyStore

    return TinyStore(path)


def copy_catalog(source: Store, target: Store) -> dict[str, int]:
    """Every document of every table from one store into another (one transaction), read
    under the source's lock so that no writer changes it halfway."""
    counts: dict[str, int] = {}
    with source.transaction(), target.transaction():
        for table in TABLES:
            docs = source.scan(table)
            target.put(table, docs)
            counts[table] = len(docs)
    return counts
