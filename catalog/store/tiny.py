"""Adapter, the only user of TinyDB (and filelock): the catalog file.

The interface is backend-neutral (plain dicts keyed by their own string "id"); a second
backend implements the same methods. Guarantees:

* every write is atomic: temp file in the same folder, fsync, `os.replace`, fsync the folder,
  so a process killed at any moment leaves the old or the new catalog, never a torn one;
* every read-modify-write runs in `transaction()`, under an inter-process file lock, on data
  re-read from disk, and ends in exactly one write however many documents changed;
* a process reads the file once (the storage caches it) until a transaction re-reads it;
* the file carries a schema version; a newer one is refused, and a file that cannot be read
  is never overwritten.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from catalog import __version__
from catalog.core.errors import NotFoundError, SchemaError, StoreError
from catalog.core.normalize import person_key
from catalog.core.schema import SCHEMA_VERSION
from catalog.store.base import TABLES, Predicate, check_unique

if TYPE_CHECKING:  # filelock: imported by the first transaction (read-only commands never need it)
    import filelock

    from catalog.core.query import Plan

_J = TypeVar("_J")

_META = "_meta"


class _AtomicJSONStorage(Storage):
    """TinyDB storage: read once and cache; write atomically; defer writes inside a batch."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._cache: dict[str, dict[str, Any]] | None = None
        self.batch = False
        self.dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._cache is None:
            self._cache = self._load()
        return self._cache

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            with self.path.open("rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot read the catalog: {exc.strerror or exc}"
            ) from None
        if not raw.strip():
            raise StoreError(f"{self.path}: the catalog file is empty (not written by catalog)")
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(f"{self.path}: not a catalog file (invalid JSON: {exc})") from None
        if not isinstance(data, dict):
            raise StoreError(f"{self.path}: not a catalog file")
        meta = next(iter((data.get(_META) or {}).values()), None)
        if not isinstance(meta, dict) or not isinstance(meta.get("schema_version"), int):
            raise StoreError(f"{self.path}: not a catalog file (no schema version)")
        version = meta["schema_version"]
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: catalog schema version {version} is newer than this catalog "
                f"program understands ({SCHEMA_VERSION}); upgrade catalog to open it"
            )
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._cache = data
        self.dirty = True
        if not self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.dirty or self._cache is None:
            return
        data = self._cache
        data[_META] = {"1": {"schema_version": SCHEMA_VERSION, "written_by": __version__}}
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        atomic_write_bytes(self.path, payload)
        self.dirty = False

    def invalidate(self) -> None:
        self._cache = None
        self.dirty = False

    def close(self) -> None:
        pass


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` so that readers see the old or the new file, never a part."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except FileNotFoundError:  # a new file: the usual mode, not mkstemp's 0600
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
        tmp = ""
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _copy(value: _J) -> _J:
    """A deep copy of JSON data (faster than copy.deepcopy for plain dicts and lists)."""
    return json.loads(json.dumps(value))  # type: ignore[no-any-return]


class TinyStore:
    """The catalog in one JSON file: tables of plain dicts, each with a unique string "id"."""

    backend = "tinydb"

    def __init__(self, path: Path | str, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._db = TinyDB(str(self.path), storage=_AtomicJSONStorage)
        self._storage: _AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._index: dict[str, dict[str, int]] = {}
        self._in_txn = False

    @functools.cached_property
    def _lock(self) -> filelock.BaseFileLock:
        """The inter-process lock, made by the first transaction (importing filelock costs
        much of a read-only command's start-up)."""
        import filelock

        return filelock.FileLock(str(self.path) + ".lock")

    # -- reading ---------------------------------------------------------------------------
    def _table_index(self, table: str) -> dict[str, int]:
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        if table not in self._index:
            raw = (self._storage.read() or {}).get(table, {})
            self._index[table] = {doc["id"]: int(doc_id) for doc_id, doc in raw.items()}
        return self._index[table]

    def _raw(self, table: str) -> Iterable[dict[str, Any]]:
        """The cached documents themselves: read-only, never handed out."""
        self._table_index(table)
        return ((self._storage.read() or {}).get(table) or {}).values()

    def all(self, table: str) -> list[dict[str, Any]]:
        """Every document of a table (copies: changing them changes nothing stored)."""
        return _copy(list(self._raw(table)))

    def scan(self, table: str) -> list[dict[str, Any]]:
        """The stored documents themselves, without copying: READ-ONLY, for commands that only
        look (at 100,000 episodes a copy costs more than loading the file)."""
        return list(self._raw(table))

    def has(self, table: str, doc_id: str) -> bool:
        """True if a document with this id exists."""
        return doc_id in self._table_index(table)

    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """One document by id, or None."""
        index = self._table_index(table)
        if doc_id not in index:
            return None
        doc: dict[str, Any] = (self._storage.read() or {})[table][str(index[doc_id])]
        return _copy(doc)

    def find(self, table: str, ref: str) -> dict[str, Any]:
        """A document by id or unique id prefix; NotFoundError if there is none or several."""
        noun = {"episodes": "episode", "summaries": "summary", "shows": "show",
                "files": "file"}.get(table, table)  # fmt: skip
        ref = ref.strip()
        doc = self.get(table, ref) if ref else None
        if doc is not None:
            return doc
        hits = [i for i in self._table_index(table) if i.startswith(ref)] if ref else []
        if len(hits) == 1:
            return self.get(table, hits[0]) or {}
        if not hits:
            raise NotFoundError(f"no {noun} with id {ref!r}")
        raise NotFoundError(f"{noun} id prefix {ref!r} is ambiguous ({len(hits)} {table})")

    def ids(self, table: str) -> list[str]:
        """All ids of a table."""
        return list(self._table_index(table))

    def count(self, table: str) -> int:
        """Number of documents in a table."""
        return len(self._table_index(table))

    def shows(self) -> list[dict[str, Any]]:
        """All shows."""
        return self.all("shows")

    def episodes(self, show_id: str | None = None) -> list[dict[str, Any]]:
        """All episodes, or those of one show (only those are copied)."""
        if show_id is None:
            return self.all("episodes")
        return _copy([d for d in self._raw("episodes") if d.get("show_id") == show_id])

    def show_episodes(self, show_id: str) -> list[dict[str, Any]]:
        """The stored documents of one show's episodes, not copied: READ-ONLY."""
        return [d for d in self._raw("episodes") if d.get("show_id") == show_id]

    def guid_owners(self, guids: set[str]) -> dict[str, int]:
        """For each show, how many of these item guids its episodes carry."""
        owners: dict[str, int] = {}
        for doc in self._raw("episodes"):
            if doc.get("guid") in guids:
                owners[doc["show_id"]] = owners.get(doc["show_id"], 0) + 1
        return owners

    def show_stats(self) -> dict[str, dict[str, Any]]:
        """Per show id: the number of episodes and the first and last publication dates."""
        stats: dict[str, dict[str, Any]] = {}
        for ep in self._raw("episodes"):
            st = stats.setdefault(ep["show_id"], {"episodes": 0, "first": None, "last": None})
            st["episodes"] += 1
            pub = ep.get("published")
            if pub:
                st["first"] = min(st["first"] or pub, pub)
                st["last"] = max(st["last"] or pub, pub)
        return stats

    def credited_episodes(self) -> list[dict[str, Any]]:
        """The episodes with credits (the stored documents: READ-ONLY)."""
        return [doc for doc in self._raw("episodes") if doc.get("credits")]

    def select_episodes(
        self, plan: Plan | None, keep: Predicate, *, newest_first_limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Copies of the episodes `keep` accepts (a JSON file has no index: the plan is not
        needed, every episode is looked at)."""
        return _copy([doc for doc in self._raw("episodes") if keep(doc)])

    def episodes_with_people(self, keys: set[str]) -> list[dict[str, Any]]:
        """Copies of the episodes with a credit whose person key is one of `keys`."""
        return _copy([doc for doc in self._raw("episodes")
                      if any((c.get("key") or person_key(c.get("name") or "")) in keys
                             for c in doc.get("credits") or [])])  # fmt: skip

    def close(self) -> None:
        """Nothing to release: the file is read and written whole."""

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyStore]:
        """Lock the file, re-read it, collect writes, and write once at the end.

        On an exception nothing is written and the in-memory state is dropped.
        """
        if self._in_txn:
            yield self
            return
        import filelock

        try:
            self._lock.acquire(timeout=self.lock_timeout)
        except filelock.Timeout:
            raise StoreError(
                f"{self.path}: locked by another catalog process for over {self.lock_timeout:.0f} s"
            ) from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot lock: {exc.strerror or exc}") from None
        try:
            self._reload()
            self._storage.batch = True
            self._in_txn = True
            try:
                yield self
            except BaseException:
                self._reload()
                raise
            if self._storage.dirty:
                self._remove_stale_temps()
            self._storage.flush()
        finally:
            self._storage.batch = False
            self._in_txn = False
            self._lock.release()

    def _remove_stale_temps(self) -> None:
        """Temp files left by a writer that was killed (we hold the lock, so none is live)."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _reload(self) -> None:
        self._storage.invalidate()
        self._index.clear()

    def put(self, table: str, docs: Iterable[dict[str, Any]]) -> None:
        """Insert or replace documents by their "id" (within one transaction: one write)."""
        docs = list(docs)
        if not docs:
            return
        check_unique(table, docs)
        with self.transaction():
            index = self._table_index(table)
            tbl = self._db.table(table)
            existing = {d["id"]: d for d in docs if d["id"] in index}
            if existing:  # replaced where they stand: the table keeps its order

                def replace(doc: MutableMapping[str, Any]) -> None:
                    new = existing[doc["id"]]
                    doc.clear()
                    doc.update(new)

                tbl.update(replace, doc_ids=[index[i] for i in existing])
            new = [d for d in docs if d["id"] not in index]
            if new:
                # Our own integer keys: never rely on TinyDB's cached next id, which goes
                # stale when another process wrote since this one started.
                next_key = max(index.values(), default=0) + 1
                keyed = []
                for offset, doc in enumerate(new):
                    index[doc["id"]] = next_key + offset
                    keyed.append(Document(doc, doc_id=next_key + offset))
                tbl.insert_multiple(keyed)

    def delete(self, table: str, ids: Iterable[str]) -> None:
        """Remove documents by id."""
        ids = list(ids)
        with self.transaction():
            index = self._table_index(table)
            present = [i for i in ids if i in index]
            if present:
                self._db.table(table).remove(doc_ids=[index[i] for i in present])
                for i in present:
                    del index[i]
