"""Adapter: the SQLite backend (stdlib sqlite3, WAL), for catalogs of 100,000+ episodes.

Same interface and guarantees as the TinyDB store (see `catalog.backend`): JSON documents by
string id; every read-modify-write in `transaction()` (BEGIN IMMEDIATE … COMMIT, rolled back on
an exception); a schema version in `meta`, a newer one refused; a file that is not a catalog
is reported and never written. WAL with synchronous=FULL: a killed process leaves the last
committed state.

Layout. `docs(tbl, id, body)` holds every table but episodes. `episodes` holds each episode's
JSON body plus indexed columns (show_id, published, guid, summary_id, duration). `credits`
has one row per credit, indexed by person key. Two contentless FTS5 trigram indexes
(`episode_text`: folded title and description; `summary_text`: folded summary body) answer
word searches; they are used only to narrow the candidates, and every candidate is then
checked by the query's own Python predicate, so results equal the TinyDB backend's.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog import __version__
from catalog.core.errors import NotFoundError, SchemaError, StoreError
from catalog.core.normalize import HOST_ROLES, PERSON_KEY_VERSION, fold, person_key
from catalog.core.schema import SCHEMA_VERSION
from catalog.store.base import TABLES, Predicate, check_unique, iter_chunks

if TYPE_CHECKING:
    from catalog.core.query import Cond, Plan

# The derived columns and folded texts depend on our folding rules (bump the first part when
# they change), on the person-key rules (keyless credits are indexed by `person_key`) and on
# Python's Unicode tables: when any differs, the indexes are rebuilt.
INDEX_VERSION = f"1.{PERSON_KEY_VERSION}:{unicodedata.unidata_version}"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
    UNIQUE (tbl, id));
CREATE TABLE IF NOT EXISTS episodes (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, show_id TEXT, published TEXT,
    guid TEXT, summary_id TEXT, duration REAL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS episodes_show ON episodes (show_id, published);
CREATE INDEX IF NOT EXISTS episodes_newest ON episodes (published DESC, id);
CREATE INDEX IF NOT EXISTS episodes_guid ON episodes (guid);
CREATE INDEX IF NOT EXISTS episodes_summary ON episodes (summary_id);
CREATE TABLE IF NOT EXISTS credits (
    episode INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    credit TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS credits_key ON credits (key, role);
CREATE INDEX IF NOT EXISTS credits_episode ON credits (episode);
CREATE VIRTUAL TABLE IF NOT EXISTS episode_text
    USING fts5 (text, tokenize = 'trigram', detail = none, content = '');
CREATE VIRTUAL TABLE IF NOT EXISTS summary_text
    USING fts5 (text, tokenize = 'trigram', detail = none, content = '');
"""
_MAX_TRIGRAMS = 16
# Newest first as `query.sort_episodes` orders (dated by date descending, then id; undated
# last, by id), in two index-ordered passes so that a LIMIT stops early.
_DATED = "e.published IS NOT NULL AND e.published != ''"
_NEWEST_FIRST = (f" AND {_DATED} ORDER BY e.published DESC, e.id",
                 f" AND NOT ({_DATED}) ORDER BY e.id")  # fmt: skip


def episode_text(doc: dict[str, Any]) -> str:
    """The folded text a word search looks in (title and description)."""
    return fold(doc.get("title") or "") + "\n" + fold(doc.get("description") or "")


def summary_text(doc: dict[str, Any]) -> str:
    """The folded text of a summary page."""
    return fold(doc.get("body") or "")


def trigram_query(text: str) -> str | None:
    """An FTS5 query every text containing `text` satisfies (its trigrams, ANDed), or None
    when `text` is too short to narrow anything.

    >>> trigram_query("radio")
    '"rad" AND "adi" AND "dio"'
    >>> trigram_query("ab") is None
    True
    """
    grams = list(dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2)))
    if not grams:
        return None
    if len(grams) > _MAX_TRIGRAMS:  # a spread-out subset still only narrows
        step = len(grams) / _MAX_TRIGRAMS
        grams = [grams[int(i * step)] for i in range(_MAX_TRIGRAMS)]
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _duration(doc: dict[str, Any]) -> float | None:
    value = doc.get("duration")
    return float(value) if isinstance(value, int | float) else None


def _credit_rows(n: int, doc: dict[str, Any]) -> list[tuple[int, str, str, str, str]]:
    rows = []
    for credit in doc.get("credits") or []:
        name = credit.get("name") or ""
        key = credit.get("key") or person_key(name)
        text = json.dumps(credit, ensure_ascii=False, separators=(",", ":"))
        rows.append((n, key, fold(name), credit.get("role") or "", text))
    return rows


class SQLiteStore:
    """The catalog in one SQLite file (see the module docstring)."""

    backend = "sqlite"

    def __init__(self, path: Path | str, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._conn: sqlite3.Connection | None = None
        self._in_txn = False

    # -- connection ------------------------------------------------------------------------
    def _db(self, *, create: bool = False) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        exists = self.path.exists() and self.path.stat().st_size > 0
        if not exists and not create:
            return None  # no catalog yet (or one a racing process is creating): empty
        try:
            if not exists:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the catalog: {exc}") from None
        try:
            if exists:
                self._check(conn)  # before anything could write to someone else's database
            else:  # episodes are 1-4 KB of JSON: 4 KB pages would hold one each
                conn.execute("PRAGMA page_size = 16384")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            if not exists:
                self._create(conn)
            self._upgrade_indexes(conn)
        except sqlite3.OperationalError as exc:
            conn.close()
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"{self.path}: locked by another catalog process for over "
                    f"{self.lock_timeout:.0f} s"
                ) from None
            raise StoreError(f"{self.path}: not a catalog file ({exc})") from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{self.path}: not a catalog file ({exc})") from None
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        """Refuse a file that is not a catalog, or a newer catalog (reads only)."""
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                return  # another process's brand-new file, not yet written: _create is safe
            row = None
        if row is None or not (str(row[0]).isascii() and str(row[0]).isdigit()):
            raise StoreError(f"{self.path}: not a catalog file (no schema version)")
        version = int(row[0])
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: catalog schema version {version} is newer than this catalog "
                f"program understands ({SCHEMA_VERSION}); upgrade catalog to open it"
            )

    def _index_version(self, conn: sqlite3.Connection) -> str | None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'index_version'").fetchone()
        except sqlite3.OperationalError:
            return None
        return str(row[0]) if row else None

    def _upgrade_indexes(self, conn: sqlite3.Connection) -> None:
        """Rebuild the derived columns and indexes when they were made by another version of
        the folding rules (or of Python's Unicode tables)."""
        version = self._index_version(conn)
        if version == INDEX_VERSION:
            return
        if version is None:  # a file another process is creating: the schema (idempotent)
            self._create(conn)
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if self._index_version(conn) != INDEX_VERSION:  # not done meanwhile by another
                self._reindex(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def _create(self, conn: sqlite3.Connection) -> None:
        """The tables and the schema version, in one transaction (all or nothing)."""
        meta = ", ".join(
            f"('{k}', '{v}')"
            for k, v in (("schema_version", SCHEMA_VERSION), ("index_version", INDEX_VERSION))
        )
        conn.executescript(
            f"BEGIN IMMEDIATE; {_SCHEMA} INSERT OR REPLACE INTO meta (key, value) VALUES {meta};"
            " COMMIT;"
        )
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('written_by', ?)", (__version__,))

    def _write_meta(self, conn: sqlite3.Connection) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [
                ("schema_version", str(SCHEMA_VERSION)),
                ("written_by", __version__),
                ("index_version", INDEX_VERSION),
            ],
        )

    def _reindex(self, conn: sqlite3.Connection) -> None:
        """(In a write transaction.) Recompute credits and text indexes from the JSON bodies,
        a row at a time."""
        conn.execute("DELETE FROM credits")
        conn.execute("INSERT INTO episode_text (episode_text) VALUES ('delete-all')")
        conn.execute("INSERT INTO summary_text (summary_text) VALUES ('delete-all')")
        durations = []
        for n, body in conn.execute("SELECT n, body FROM episodes"):
            doc = json.loads(body)
            durations.append((_duration(doc), n))
            self._index_episode(conn, n, doc)
        conn.executemany("UPDATE episodes SET duration = ? WHERE n = ?", durations)
        for n, body in conn.execute("SELECT n, body FROM docs WHERE tbl = 'summaries'"):
            conn.execute(
                "INSERT INTO summary_text (rowid, text) VALUES (?, ?)",
                (n, summary_text(json.loads(body))),
            )
        self._write_meta(conn)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        conn = self._db()
        if conn is None:
            return []
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    # -- reading ---------------------------------------------------------------------------
    @staticmethod
    def _table(table: str) -> str:
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        return table

    def all(self, table: str) -> list[dict[str, Any]]:
        """Every document of a table (fresh objects: changing them changes nothing)."""
        if self._table(table) == "episodes":
            rows = self._rows("SELECT body FROM episodes ORDER BY n")
        else:
            rows = self._rows("SELECT body FROM docs WHERE tbl = ? ORDER BY n", (table,))
        return [json.loads(body) for (body,) in rows]

    scan = all  # already fresh objects: nothing to save by not copying

    def has(self, table: str, doc_id: str) -> bool:
        """True if a document with this id exists."""
        if self._table(table) == "episodes":
            return bool(self._rows("SELECT 1 FROM episodes WHERE id = ?", (doc_id,)))
        return bool(self._rows("SELECT 1 FROM docs WHERE tbl = ? AND id = ?", (table, doc_id)))

    def get(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """One document by id, or None."""
        if self._table(table) == "episodes":
            rows = self._rows("SELECT body FROM episodes WHERE id = ?", (doc_id,))
        else:
            rows = self._rows("SELECT body FROM docs WHERE tbl = ? AND id = ?", (table, doc_id))
        return json.loads(rows[0][0]) if rows else None

    def find(self, table: str, ref: str) -> dict[str, Any]:
        """A document by id or unique id prefix; NotFoundError if there is none or several."""
        noun = {"episodes": "episode", "summaries": "summary", "shows": "show",
                "files": "file"}.get(table, table)  # fmt: skip
        ref = ref.strip()
        doc = self.get(table, ref) if ref else None
        if doc is not None:
            return doc
        hits: list[str] = []
        if ref:
            upper = ref[:-1] + chr(ord(ref[-1]) + 1)
            if self._table(table) == "episodes":
                sql = "SELECT id FROM episodes WHERE id >= ? AND id < ? LIMIT 2"
                hits = [r[0] for r in self._rows(sql, (ref, upper))]
            else:
                sql = "SELECT id FROM docs WHERE tbl = ? AND id >= ? AND id < ? LIMIT 2"
                hits = [r[0] for r in self._rows(sql, (table, ref, upper))]
        if len(hits) == 1:
            return self.get(table, hits[0]) or {}
        if not hits:
            raise NotFoundError(f"no {noun} with id {ref!r}")
        if self._table(table) == "episodes":
            sql = "SELECT count(*) FROM episodes WHERE id >= ? AND id < ?"
            n = self._rows(sql, (ref, upper))[0][0]
        else:
            sql = "SELECT count(*) FROM docs WHERE tbl = ? AND id >= ? AND id < ?"
            n = self._rows(sql, (table, ref, upper))[0][0]
        raise NotFoundError(f"{noun} id prefix {ref!r} is ambiguous ({n} {table})")

    def ids(self, table: str) -> list[str]:
        """All ids of a table."""
        if self._table(table) == "episodes":
            return [r[0] for r in self._rows("SELECT id FROM episodes ORDER BY n")]
        return [r[0] for r in self._rows("SELECT id FROM docs WHERE tbl = ? ORDER BY n", (table,))]

    def count(self, table: str) -> int:
        """Number of documents in a table."""
        if self._table(table) == "episodes":
            rows = self._rows("SELECT count(*) FROM episodes")
        else:
            rows = self._rows("SELECT count(*) FROM docs WHERE tbl = ?", (table,))
        return int(rows[0][0]) if rows else 0

    def shows(self) -> list[dict[str, Any]]:
        """All shows."""
        return self.all("shows")

    def episodes(self, show_id: str | None = None) -> list[dict[str, Any]]:
        """All episodes, or those of one show."""
        if show_id is None:
            return self.all("episodes")
        rows = self._rows("SELECT body FROM episodes WHERE show_id = ? ORDER BY n", (show_id,))
        return [json.loads(body) for (body,) in rows]

    def show_episodes(self, show_id: str) -> list[dict[str, Any]]:
        """One show's episodes (fresh objects, through the show index)."""
        return self.episodes(show_id)

    def guid_owners(self, guids: set[str]) -> dict[str, int]:
        """For each show, how many of these item guids its episodes carry."""
        owners: dict[str, int] = {}
        for chunk in iter_chunks(sorted(guids), 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT show_id, count(*) FROM episodes WHERE guid IN ({marks}) GROUP BY 1"
            for show_id, n in self._rows(sql, chunk):
                owners[show_id] = owners.get(show_id, 0) + n
        return owners

    def show_stats(self) -> dict[str, dict[str, Any]]:
        """Per show id: the number of episodes and the first and last publication dates."""
        sql = ("SELECT show_id, count(*), min(NULLIF(published, '')), max(NULLIF(published, '')) "
               "FROM episodes GROUP BY show_id")  # fmt: skip
        return {show_id: {"episodes": n, "first": first, "last": last}
                for show_id, n, first, last in self._rows(sql) if show_id is not None}  # fmt: skip

    def credited_episodes(self) -> list[dict[str, Any]]:
        """Every episode with credits, reduced to id, show_id, published and credits (what
        the people registry reads), straight from the credits table."""
        sql = ("SELECT e.id, e.show_id, e.published, c.credit FROM credits c "
               "JOIN episodes e ON e.n = c.episode ORDER BY c.episode, c.rowid")  # fmt: skip
        out: list[dict[str, Any]] = []
        for doc_id, show_id, published, credit in self._rows(sql):
            if not out or out[-1]["id"] != doc_id:
                out.append({"id": doc_id, "show_id": show_id, "published": published,
                            "credits": []})  # fmt: skip
            out[-1]["credits"].append(json.loads(credit))
        return out

    def episodes_with_people(self, keys: set[str]) -> list[dict[str, Any]]:
        """Episodes with a credit whose person key is one of `keys`."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in iter_chunks(sorted(keys), 500):
            marks = ",".join("?" * len(chunk))
            sql = (
                "SELECT e.body FROM episodes e WHERE e.n IN "
                f"(SELECT episode FROM credits WHERE key IN ({marks})) ORDER BY e.n"
            )
            for (body,) in self._rows(sql, chunk):
                doc = json.loads(body)
                found[doc["id"]] = doc
        return list(found.values())

    def select_episodes(
        self, plan: Plan | None, keep: Predicate, *, newest_first_limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The episodes `keep` accepts, looking only at those the plan lets through (the plan
        never excludes an episode `keep` would accept). With `newest_first_limit`, the first
        that many in newest-first order (the default listing order)."""
        where, params = _where(plan)
        head = "SELECT e.body FROM episodes e WHERE " + (where or "1")
        passes = _NEWEST_FIRST if newest_first_limit is not None else (" ORDER BY e.n",)
        conn = self._db()
        out: list[dict[str, Any]] = []
        if conn is None or newest_first_limit == 0:
            return out
        snapshot = not conn.in_transaction  # both passes read the same state of the catalog
        try:
            if snapshot:
                conn.execute("BEGIN")
            for tail in passes:
                for (body,) in conn.execute(head + tail, params):
                    doc = json.loads(body)
                    if keep(doc):
                        out.append(doc)
                        if newest_first_limit is not None and len(out) >= newest_first_limit:
                            return out
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from None
        finally:
            if snapshot and conn.in_transaction:
                conn.execute("COMMIT")
        return out

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[SQLiteStore]:
        """All-or-nothing: BEGIN IMMEDIATE (waiting for other writers), COMMIT at the end,
        ROLLBACK on an exception."""
        if self._in_txn:
            yield self
            return
        conn = self._db(create=True)
        assert conn is not None
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"{self.path}: locked by another catalog process for over "
                    f"{self.lock_timeout:.0f} s"
                ) from None
            raise StoreError(f"{self.path}: {exc}") from None
        self._in_txn = True
        try:
            yield self
        except BaseException:
            self._in_txn = False
            if conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O)
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise
        self._in_txn = False
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write: {exc}") from None

    @contextlib.contextmanager
    def batch(self) -> Iterator[SQLiteStore]:
        """Many transactions of one command: each commits as it ends (SQLite writes only the
        pages that change, so there is nothing to gain by holding them back)."""
        yield self

    def put(self, table: str, docs: Iterable[dict[str, Any]]) -> None:
        """Insert or replace documents by their "id" (all in one transaction)."""
        docs = list(docs)
        if not docs:
            return
        check_unique(table, docs)
        with self.transaction():
            conn = self._conn
            assert conn is not None
            try:
                if self._table(table) == "episodes":
                    self._put_episodes(conn, docs)
                else:
                    self._put_docs(conn, table, docs)
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write: {exc}") from None

    def _put_docs(self, conn: sqlite3.Connection, table: str, docs: list[dict[str, Any]]) -> None:
        for doc in docs:
            body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
            row = conn.execute(
                "SELECT n, body FROM docs WHERE tbl = ? AND id = ?", (table, doc["id"])
            ).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO docs (tbl, id, body) VALUES (?, ?, ?)", (table, doc["id"], body)
                )
                n = cur.lastrowid
            else:
                n = row[0]
                conn.execute("UPDATE docs SET body = ? WHERE n = ?", (body, n))
                if table == "summaries":
                    old = summary_text(json.loads(row[1]))
                    conn.execute(
                        "INSERT INTO summary_text (summary_text, rowid, text) "
                        "VALUES ('delete', ?, ?)",
                        (n, old),
                    )
            if table == "summaries":
                conn.execute(
                    "INSERT INTO summary_text (rowid, text) VALUES (?, ?)", (n, summary_text(doc))
                )

    def _put_episodes(self, conn: sqlite3.Connection, docs: list[dict[str, Any]]) -> None:
        existing: dict[str, tuple[int, str]] = {}
        for chunk in iter_chunks([d["id"] for d in docs], 500):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, n, body FROM episodes WHERE id IN ({marks})"
            for doc_id, n, body in conn.execute(sql, chunk):
                existing[doc_id] = (n, body)
        for doc in docs:
            body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
            columns = (doc.get("show_id"), doc.get("published") or None, doc.get("guid"),
                       doc.get("summary_id"), _duration(doc), body)  # fmt: skip
            old = existing.get(doc["id"])
            if old is None:
                cur = conn.execute(
                    "INSERT INTO episodes (id, show_id, published, guid, summary_id, duration, "
                    "body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (doc["id"], *columns),
                )
                n = cur.lastrowid
                assert n is not None
                self._index_episode(conn, n, doc)
                continue
            n, old_body = old
            conn.execute(
                "UPDATE episodes SET show_id = ?, published = ?, guid = ?, summary_id = ?, "
                "duration = ?, body = ? WHERE n = ?",
                (*columns, n),
            )
            if old_body == body:
                continue  # nothing changed: neither do the indexes
            before = json.loads(old_body)
            if before.get("credits") != doc.get("credits"):  # a re-ingest mostly changes neither
                conn.execute("DELETE FROM credits WHERE episode = ?", (n,))
                conn.executemany("INSERT INTO credits VALUES (?, ?, ?, ?, ?)", _credit_rows(n, doc))
            same_text = (before.get("title"), before.get("description")) == (
                doc.get("title"), doc.get("description"))  # fmt: skip
            text, old_text = ("", "") if same_text else (episode_text(doc), episode_text(before))
            if not same_text:
                conn.execute(
                    "INSERT INTO episode_text (episode_text, rowid, text) VALUES ('delete', ?, ?)",
                    (n, old_text),
                )
                conn.execute("INSERT INTO episode_text (rowid, text) VALUES (?, ?)", (n, text))

    @staticmethod
    def _index_episode(conn: sqlite3.Connection, n: int, doc: dict[str, Any]) -> None:
        conn.executemany("INSERT INTO credits VALUES (?, ?, ?, ?, ?)", _credit_rows(n, doc))
        conn.execute("INSERT INTO episode_text (rowid, text) VALUES (?, ?)", (n, episode_text(doc)))

    @staticmethod
    def _unindex_episode(conn: sqlite3.Connection, n: int, doc: dict[str, Any]) -> None:
        conn.execute("DELETE FROM credits WHERE episode = ?", (n,))
        conn.execute(
            "INSERT INTO episode_text (episode_text, rowid, text) VALUES ('delete', ?, ?)",
            (n, episode_text(doc)),
        )

    def delete(self, table: str, ids: Iterable[str]) -> None:
        """Remove documents by id."""
        ids = list(ids)
        if not ids:
            return
        with self.transaction():
            conn = self._conn
            assert conn is not None
            try:
                for doc_id in ids:
                    if self._table(table) == "episodes":
                        row = conn.execute(
                            "SELECT n, body FROM episodes WHERE id = ?", (doc_id,)
                        ).fetchone()
                        if row is not None:
                            self._unindex_episode(conn, row[0], json.loads(row[1]))
                            conn.execute("DELETE FROM episodes WHERE n = ?", (row[0],))
                        continue
                    row = conn.execute(
                        "SELECT n, body FROM docs WHERE tbl = ? AND id = ?", (table, doc_id)
                    ).fetchone()
                    if row is None:
                        continue
                    if table == "summaries":
                        conn.execute(
                            "INSERT INTO summary_text (summary_text, rowid, text) "
                            "VALUES ('delete', ?, ?)",
                            (row[0], summary_text(json.loads(row[1]))),
                        )
                    conn.execute("DELETE FROM docs WHERE n = ?", (row[0],))
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write: {exc}") from None


# -- query plans → SQL ---------------------------------------------------------------------
def _where(plan: Plan | None) -> tuple[str, list[Any]]:
    """SQL for a plan: AND of groups, each an OR of conditions."""
    if plan is None:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    for group in plan.groups:
        parts = []
        for cond in group:
            sql, args = _cond(cond)
            parts.append(sql)
            params.extend(args)
        clauses.append("(" + " OR ".join(parts) + ")")
    return " AND ".join(clauses), params


def _marks(values: Iterable[Any]) -> str:
    return ",".join("?" * len(list(values)))


def _cond(cond: Cond) -> tuple[str, list[Any]]:
    if cond.kind == "shows":  # and episodes whose show is unknown: the predicate decides
        ids = sorted(cond.shows)
        sql = (f"(e.show_id IN ({_marks(ids)}) OR e.show_id IS NULL OR NOT EXISTS "
               "(SELECT 1 FROM docs d WHERE d.tbl = 'shows' AND d.id = e.show_id))")  # fmt: skip
        return sql, list(ids)
    if cond.kind in {"date", "duration"}:
        column = "e.published" if cond.kind == "date" else "e.duration"
        tests, args = [f"{column} IS NOT NULL"], []
        if cond.kind == "date":
            tests.append("e.published != ''")
        if cond.low is not None:
            tests.append(f"{column} >= ?")
            args.append(cond.low)
        if cond.high is not None:
            tests.append(f"{column} <= ?")
            args.append(cond.high)
        return "(" + " AND ".join(tests) + ")", args
    if cond.kind == "person":
        who, args = [], []
        if cond.keys:
            keys = sorted(cond.keys)
            who.append(f"key IN ({_marks(keys)})")
            args.extend(keys)
        if cond.like is not None:
            escaped = cond.like.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            who.append("name LIKE ? ESCAPE '\\'")
            args.append(f"%{escaped}%")
        role = ""
        if cond.role == "guest":
            role = " AND role = 'guest'"
        elif cond.role == "host":
            role = f" AND role IN ({_marks(HOST_ROLES)})"
            args.extend(sorted(HOST_ROLES))
        sql = f"e.n IN (SELECT episode FROM credits WHERE ({' OR '.join(who)}){role})"
        return sql, args
    if cond.kind == "text":
        fts = trigram_query(cond.text)
        assert fts is not None
        sql = "e.n IN (SELECT rowid FROM episode_text WHERE episode_text MATCH ?)"
        if cond.title_only:
            return sql, [fts]
        sql = (
            f"({sql} OR e.summary_id IN (SELECT d.id FROM docs d WHERE d.tbl = 'summaries' "
            "AND d.n IN (SELECT rowid FROM summary_text WHERE summary_text MATCH ?)))"
        )
        return sql, [fts, fts]
    raise StoreError(f"unknown query condition {cond.kind!r}")
