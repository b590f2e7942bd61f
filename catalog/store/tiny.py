"""Adapter, the only user of TinyDB (and filelock, and orjson): the catalog file.

The interface is backend-neutral (plain dicts keyed by their own string "id"); a second
backend implements the same methods. Guarantees:

* every write is atomic: temp file in the same folder, fsync, `os.replace`, fsync the folder,
  so a process killed at any moment leaves the old or the new catalog, never a torn one;
* every read-modify-write runs in `transaction()`, under an inter-process file lock, on data
  re-read from disk when another process has replaced the file since this one read it, and
  ends in at most one write however many documents changed; a transaction (or a put) that
  changes nothing writes nothing: the file keeps its bytes, inode and mtime;
* inside `batch()` (an ingest of many sources) the transactions are written together, once
  at the end; each still rolls back alone on an exception (a savepoint), and the lock is let
  go between two of them once the batch has held it for `batch_hold`, after writing,
  so that a waiting writer never times out (it waits, readers see the old file meanwhile);
* a process reads the file once (the storage caches it) until a transaction re-reads it;
* the file carries a schema version; a newer one is refused, and a file that cannot be read
  is never overwritten.

The file is TinyDB's JSON (tables of documents keyed by TinyDB's integer ids, as strings);
documents are read and written in it directly, with orjson when it is installed (the same
bytes as the standard library's `json`, several times faster), else `json`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import Storage

from catalog import __version__
from catalog.core.errors import NotFoundError, SchemaError, StoreError
from catalog.core.normalize import person_key
from catalog.core.schema import SCHEMA_VERSION
from catalog.store.base import TABLES, Predicate, check_unique

try:
    import orjson
except ModuleNotFoundError:  # the standard library does the same, slower
    orjson = None  # type: ignore[assignment]

if TYPE_CHECKING:  # filelock: imported by the first transaction (read-only commands never need it)
    import filelock

    from catalog.core.query import Plan

_J = TypeVar("_J")

_META = "_meta"
Stat = tuple[int, int, int, int]


def _loads(raw: bytes) -> Any:
    """JSON to Python, with the cyclic collector paused: it would scan the million new
    (acyclic) containers of a large catalog again and again while they are made, and then
    again in each younger generation; they are moved straight to the oldest one instead
    (`gc.freeze` then `gc.unfreeze`), which a command's collections seldom reach."""
    paused = gc.isenabled()
    gc.disable()
    try:
        if orjson is not None:
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                pass  # what orjson refuses (NaN, huge integers…) json may read, or say why
        return json.loads(raw)
    finally:
        gc.freeze()
        gc.unfreeze()
        if paused:
            gc.enable()


def _dumps(data: Any) -> bytes:
    """Python to compact UTF-8 JSON (orjson's bytes are json.dumps(ensure_ascii=False)'s)."""
    if orjson is not None:
        with contextlib.suppress(TypeError):  # not plain JSON data: json says why
            return orjson.dumps(data)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _stat(path: Path) -> Stat | None:
    """What changes whenever a writer replaces the file (a new inode, new times)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class _AtomicJSONStorage(Storage):
    """TinyDB storage: read once and cache; written atomically, and only when dirty."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._cache: dict[str, dict[str, Any]] | None = None
        self.dirty = False
        self.seen: Stat | None = None  # the file as this process last read or wrote it

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._cache is None:
            self.seen = _stat(self.path)
            self._cache = self._load()
        return self._cache

    def data(self) -> dict[str, dict[str, Any]]:
        """The cached tables (read on first use)."""
        data = self.read()
        assert data is not None
        return data

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
            data = _loads(raw)
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
        """(TinyDB's own writes: the store changes the cached tables itself.)"""
        self._cache = data
        self.dirty = True

    def flush(self) -> None:
        """Write the cache, if it changed since it was read."""
        if not self.dirty or self._cache is None:
            return
        data = self._cache
        data[_META] = {"1": {"schema_version": SCHEMA_VERSION, "written_by": __version__}}
        atomic_write_bytes(self.path, _dumps(data))
        self.seen = _stat(self.path)
        self.dirty = False

    def stale(self) -> bool:
        """Whether another process replaced the file since this one read or wrote it."""
        return self._cache is not None and _stat(self.path) != self.seen

    def invalidate(self) -> None:
        self._cache = None
        self.dirty = False
        self.seen = None

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
    return _loads(_dumps(value))  # type: ignore[no-any-return]


def _newest_first(docs: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The first `limit` documents in the default listing order (dated by date descending,
    then id; undated last, by id), without sorting them all.

    >>> docs = [{"id": "b", "published": "2024"}, {"id": "a", "published": "2024"},
    ...         {"id": "c", "published": None}, {"id": "d", "published": "2023"}]
    >>> [d["id"] for d in _newest_first(docs, 2)], [d["id"] for d in _newest_first(docs, 4)]
    (['a', 'b'], ['a', 'b', 'd', 'c'])
    """
    if limit <= 0:
        return []
    dated = [d for d in docs if d.get("published")]
    if len(dated) >= limit:  # those as new as the limit-th newest, ties included
        cut = heapq.nlargest(limit, (d["published"] for d in dated))[-1]
        dated = [d for d in dated if d["published"] >= cut]
        undated = []
    else:
        undated = sorted((d for d in docs if not d.get("published")), key=lambda e: e["id"])
    dated.sort(key=lambda e: e["id"])
    dated.sort(key=lambda e: e["published"], reverse=True)
    return (dated + undated)[:limit]


# One change, kept by a savepoint to undo it: (table, document id, TinyDB key, the document
# before, None if there was none).
_Undo = tuple[str, str, int, dict[str, Any] | None]


class TinyStore:
    """The catalog in one JSON file: tables of plain dicts, each with a unique string "id"."""

    backend = "tinydb"

    def __init__(self, path: Path | str, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        # How long a batch holds the lock before it writes and lets go between two
        # transactions: half a waiting writer's timeout.
        self.batch_hold = lock_timeout / 2
        self._db = TinyDB(str(self.path), storage=_AtomicJSONStorage)
        self._storage: _AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._index: dict[str, dict[str, int]] = {}
        self._depth = 0  # transactions open (nested ones are savepoints)
        self._savepoints: list[list[_Undo]] = []
        self._batch = False
        self._held_since: float | None = None  # when this batch took the lock, if it holds it

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
            raw = self._storage.data().get(table, {})
            self._index[table] = {doc["id"]: int(doc_id) for doc_id, doc in raw.items()}
        return self._index[table]

    def _raw(self, table: str) -> Iterable[dict[str, Any]]:
        """The cached documents themselves: read-only, never handed out."""
        self._table_index(table)
        return (self._storage.data().get(table) or {}).values()

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
        doc: dict[str, Any] = self._storage.data()[table][str(index[doc_id])]
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
        needed, every episode is looked at). With `newest_first_limit`, the first that many
        newest first as `query.sort_episodes` orders them (dated by date descending, then
        id; undated last, by id): only those are copied."""
        found = [doc for doc in self._raw("episodes") if keep(doc)]
        if newest_first_limit is not None and newest_first_limit < len(found):
            found = _newest_first(found, newest_first_limit)
        return _copy(found)

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
        """Lock the file, re-read it if another process replaced it, collect writes, and
        write once at the end (nothing if nothing changed).

        On an exception nothing is written and the in-memory state is dropped; a transaction
        inside another one (or inside a batch) is a savepoint: on an exception its own
        changes are undone and the outer one's kept.
        """
        if self._depth or self._batch:
            with self._savepoint():
                yield self
            return
        self._acquire()
        try:
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._reload()
                raise
            self._write()
        finally:
            self._depth = 0
            self._lock.release()

    @contextlib.contextmanager
    def batch(self) -> Iterator[TinyStore]:
        """Many transactions (an ingest of many sources) written together: once at the end,
        or also between two of them after the batch has held the lock for `batch_hold`
        (lock_timeout / 2: it then lets it go, so that a waiting writer never times out). Each
        transaction still undoes its own changes on an exception; an exception out of the
        batch drops what it has not written (the file stays as it was)."""
        if self._depth or self._batch:
            yield self
            return
        self._batch = True
        try:
            try:
                yield self
            except BaseException:
                if self._held_since is not None:
                    self._reload()
                raise
            if self._held_since is not None:
                self._write()
        finally:
            self._batch = False
            if self._held_since is not None:
                self._held_since = None
                self._lock.release()

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        if self._batch and not self._depth and self._held_since is None:
            self._acquire()
            self._held_since = time.monotonic()
        log: list[_Undo] = []
        self._savepoints.append(log)
        dirty = self._storage.dirty
        self._depth += 1
        try:
            yield
        except BaseException:
            self._undo(log)
            self._storage.dirty = dirty
            raise
        finally:
            self._depth -= 1
            self._savepoints.pop()
        if self._savepoints:
            self._savepoints[-1].extend(log)
        elif (
            self._batch
            and self._held_since is not None
            and time.monotonic() - self._held_since >= self.batch_hold
        ):
            self._write()  # held long enough: written, and the lock let go until the next
            self._held_since = None
            self._lock.release()

    def _acquire(self) -> None:
        """Take the file lock, and re-read the file if another process replaced it."""
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
            if self._storage.dirty or self._storage.stale():
                self._reload()
        except BaseException:
            self._lock.release()
            raise

    def _write(self) -> None:
        if self._storage.dirty:
            self._remove_stale_temps()
            self._storage.flush()

    def _remove_stale_temps(self) -> None:
        """Temp files left by a writer that was killed (we hold the lock, so none is live)."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _reload(self) -> None:
        self._storage.invalidate()
        self._index.clear()

    def _undo(self, log: list[_Undo]) -> None:
        data = self._storage.data()
        for table, doc_id, key, before in reversed(log):
            raw = data.setdefault(table, {})
            index = self._table_index(table)
            if before is None:
                raw.pop(str(key), None)
                index.pop(doc_id, None)
            else:
                raw[str(key)] = before
                index[doc_id] = key

    def _changed(self, table: str, doc_id: str, key: int, before: dict[str, Any] | None) -> None:
        self._storage.dirty = True
        if self._savepoints:
            self._savepoints[-1].append((table, doc_id, key, before))

    def put(self, table: str, docs: Iterable[dict[str, Any]]) -> None:
        """Insert or replace documents by their "id" (within one transaction: one write). A
        document equal to the stored one changes nothing (and so writes nothing)."""
        docs = list(docs)
        if not docs:
            return
        check_unique(table, docs)
        with self.transaction():
            index = self._table_index(table)
            raw = self._storage.data().setdefault(table, {})
            # Our own integer keys: never rely on TinyDB's cached next id, which goes stale
            # when another process wrote since this one started.
            next_key = max(index.values(), default=0) + 1
            for doc in docs:
                key = index.get(doc["id"])
                if key is None:
                    key, next_key = next_key, next_key + 1
                    index[doc["id"]] = key
                    before = None
                else:
                    before = raw[str(key)]
                    if before == doc:
                        continue
                # A new dict in the old one's place: the table keeps its order, and what a
                # reader was handed (READ-ONLY) is not changed under it.
                raw[str(key)] = dict(doc)
                self._changed(table, doc["id"], key, before)

    def delete(self, table: str, ids: Iterable[str]) -> None:
        """Remove documents by id."""
        ids = list(ids)
        with self.transaction():
            index = self._table_index(table)
            raw = self._storage.data().get(table, {})
            for doc_id in ids:
                key = index.pop(doc_id, None)
                if key is not None:
                    self._changed(table, doc_id, key, raw.pop(str(key)))
