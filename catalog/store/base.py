"""The store interface both backends implement (`Store`), and the helpers they share.

Documents are plain JSON dicts with a unique string "id". Every read-modify-write runs in
`transaction()`, which is all-or-nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from catalog.core.errors import StoreError, UsageError

if TYPE_CHECKING:
    from catalog.core.query import Plan

BACKENDS = ("tinydb", "sqlite")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
TABLES = ("shows", "episodes", "people", "summaries", "decisions", "curated", "files")
MIGRATE_HINT_EPISODES = 20_000
MIGRATE_HINT_BYTES = 5_000_000  # a cheap first test: 20,000 episodes take far more JSON

Predicate = Callable[[dict[str, Any]], bool]


class Store(Protocol):
    """What the pipeline and the commands need from a catalog."""

    path: Path
    backend: str

    def all(self, table: str) -> list[dict[str, Any]]: ...
    def scan(self, table: str) -> list[dict[str, Any]]: ...
    def has(self, table: str, doc_id: str) -> bool: ...
    def get(self, table: str, doc_id: str) -> dict[str, Any] | None: ...
    def find(self, table: str, ref: str) -> dict[str, Any]: ...
    def ids(self, table: str) -> list[str]: ...
    def count(self, table: str) -> int: ...
    def shows(self) -> list[dict[str, Any]]: ...
    def episodes(self, show_id: str | None = None) -> list[dict[str, Any]]: ...
    def show_episodes(self, show_id: str) -> list[dict[str, Any]]: ...
    def guid_owners(self, guids: set[str]) -> dict[str, int]: ...
    def show_stats(self) -> dict[str, dict[str, Any]]: ...
    def credited_episodes(self) -> list[dict[str, Any]]: ...
    def select_episodes(
        self, plan: Plan | None, keep: Predicate, *, newest_first_limit: int | None = None
    ) -> list[dict[str, Any]]: ...
    def episodes_with_people(self, keys: set[str]) -> list[dict[str, Any]]: ...
    def transaction(self) -> contextlib.AbstractContextManager[Any]: ...
    def put(self, table: str, docs: Iterable[dict[str, Any]]) -> None: ...
    def delete(self, table: str, ids: Iterable[str]) -> None: ...
    def close(self) -> None: ...


def backend_for(path: Path, backend: str | None = None) -> str:
    """The backend a catalog file uses: `backend` if given, else by the file's extension.

    >>> backend_for(Path("big.sqlite")), backend_for(Path("c.json"))
    ('sqlite', 'tinydb')
    """
    if backend is not None:
        if backend not in BACKENDS:
            raise UsageError(f"unknown backend {backend!r} (choose {' or '.join(BACKENDS)})")
        return backend
    return "sqlite" if path.suffix.lower() in SQLITE_SUFFIXES else "tinydb"


def check_unique(table: str, docs: list[dict[str, Any]]) -> None:
    """StoreError when one write carries two documents with the same id."""
    seen: set[str] = set()
    for doc in docs:
        if doc["id"] in seen:
            raise StoreError(f"duplicate id {doc['id']} in one write to {table}")
        seen.add(doc["id"])


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive slices of at most `size` items.

    >>> list(iter_chunks([1, 2, 3], 2))
    [[1, 2], [3]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]
