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
# Where a TinyDB catalog's commands cost about twice SQLite's (`list --limit 20`, whole
# process): bench/tiny_bench.py measures it (about 6,000 to 15,000 episodes on a 2-core
# machine, busy or quiet) and says whether this threshold still fits.
MIGRATE_HINT_EPISODES = 10_000
MIGRATE_HINT_BYTES = 8_000_000  # a cheap first test: 10,000 episodes take more JSON

Predicate = Callable[[dict[str, Any]], bool]


class Store(Protocol):
    """What the services and the commands need from a catalog (TinyDB or SQLite).

    Documents are JSON dicts with a unique string "id". What `all`, `get`, `find` and
    `episodes` return are copies, the caller's to change (a change is stored only by `put`,
    inside `transaction()`); what `scan`, `show_episodes` and `credited_episodes` return may
    be the stored documents themselves: READ-ONLY.
    """

    path: Path
    backend: str

    def all(self, table: str) -> list[dict[str, Any]]:
        """Every document of a table."""

    def scan(self, table: str) -> list[dict[str, Any]]:
        """Every document of a table, not copied: READ-ONLY (for commands that only look)."""

    def has(self, table: str, doc_id: str) -> bool:
        """Whether the table holds a document with this id."""

    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """The document with this id, or None."""

    def find(self, table: str, ref: str) -> dict[str, Any]:
        """The document with this id or unique id prefix; NotFoundError/UsageError if none
        or several."""

    def ids(self, table: str) -> list[str]:
        """The ids of a table's documents."""

    def count(self, table: str) -> int:
        """How many documents a table holds."""

    def shows(self) -> list[dict[str, Any]]:
        """Every show."""

    def episodes(self, show_id: str | None = None) -> list[dict[str, Any]]:
        """Every episode, or a show's."""

    def show_episodes(self, show_id: str) -> list[dict[str, Any]]:
        """A show's episodes, not copied: READ-ONLY (what a re-ingest merges into)."""

    def guid_owners(self, guids: set[str]) -> dict[str, int]:
        """For each show id, how many of these item guids its episodes carry."""

    def show_stats(self) -> dict[str, dict[str, Any]]:
        """Per show id: the number of episodes and the first and last publication dates."""

    def credited_episodes(self) -> list[dict[str, Any]]:
        """The episodes with credits, not copied: READ-ONLY (what the people registry reads)."""

    def select_episodes(
        self, plan: Plan | None, keep: Predicate, *, newest_first_limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The episodes a query selects: `plan` narrows them in the store where it can,
        `keep` decides; with `newest_first_limit`, only that many newest are needed."""

    def episodes_with_people(self, keys: set[str]) -> list[dict[str, Any]]:
        """Copies of the episodes with a credit whose person key is one of `keys`."""

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """All-or-nothing: every write inside is stored, or none is."""

    def batch(self) -> contextlib.AbstractContextManager[Any]:
        """Many transactions of one command (an ingest of many sources): each is still
        all-or-nothing, but the store may write them together (TinyDB: once at the end)."""

    def put(self, table: str, docs: Iterable[dict[str, Any]]) -> None:
        """Insert or replace documents by id."""

    def delete(self, table: str, ids: Iterable[str]) -> None:
        """Remove documents by id."""

    def close(self) -> None:
        """Release the file (and its lock)."""


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
