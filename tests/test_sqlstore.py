"""Both backends keep the same promises; SQLite's own: indexes, plans, migration, safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Cli
from feedgen import make_feed

from catalog import store as backend
from catalog.core import query
from catalog.core.errors import NotFoundError, SchemaError, StoreError
from catalog.services import ingest
from catalog.store import open_store
from catalog.store.sqlite import INDEX_VERSION, SQLiteStore

NOW = datetime(2024, 1, 1, tzinfo=UTC)
SUFFIX = {"tinydb": "json", "sqlite": "sqlite"}


@pytest.fixture(params=["tinydb", "sqlite"])
def st(request: pytest.FixtureRequest, tmp_path: Path) -> backend.Store:
    return open_store(tmp_path / f"c.{SUFFIX[request.param]}")


def _ep(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"e{i:03d}", "show_id": f"s{i % 2}", "guid": f"g{i}", "title": f"Title {i}",
            "published": f"2020-01-{i % 28 + 1:02d}T00:00:00Z", "credits": [], **extra}  # fmt: skip


# -- the contract, on both backends -------------------------------------------------------
def test_round_trip_and_fresh_copies(st: backend.Store) -> None:
    docs = [_ep(i, nested={"n": [i]}) for i in range(5)]
    st.put("episodes", docs)
    again = open_store(st.path)
    assert again.get("episodes", "e003") == docs[3]
    assert sorted(d["id"] for d in again.all("episodes")) == [d["id"] for d in docs]
    got = again.get("episodes", "e003")
    assert got is not None
    got["nested"]["n"].append(99)
    assert again.get("episodes", "e003") == docs[3]
    again.put("episodes", [{"id": "e003", "title": "changed"}])
    assert open_store(st.path).get("episodes", "e003") == {"id": "e003", "title": "changed"}
    assert open_store(st.path).count("episodes") == 5


def test_lookups(st: backend.Store) -> None:
    st.put("episodes", [_ep(i) for i in range(12)])
    st.put("shows", [{"id": "s0", "title": "Zero"}, {"id": "s1", "title": "One"}])
    assert st.has("episodes", "e001")
    assert not st.has("episodes", "nope")
    assert st.find("episodes", "e011")["id"] == "e011"
    with pytest.raises(NotFoundError, match="ambiguous"):
        st.find("episodes", "e01")
    with pytest.raises(NotFoundError, match="no episode"):
        st.find("episodes", "x")
    assert st.find("shows", "s1")["title"] == "One"
    assert sorted(st.ids("shows")) == ["s0", "s1"]
    assert [e["id"] for e in st.episodes("s1")] == [f"e{i:03d}" for i in range(1, 12, 2)]
    assert st.guid_owners({"g1", "g3", "g4", "zz"}) == {"s1": 2, "s0": 1}
    stats = st.show_stats()
    assert {k: v["episodes"] for k, v in stats.items()} == {"s0": 6, "s1": 6}
    assert stats["s1"]["first"] == "2020-01-02T00:00:00Z"
    assert stats["s1"]["last"] == "2020-01-12T00:00:00Z"


def test_delete_and_failed_transaction(st: backend.Store) -> None:
    st.put("episodes", [_ep(i) for i in range(3)])
    st.delete("episodes", ["e001", "missing"])
    assert st.ids("episodes") == ["e000", "e002"]

    def failing_change() -> None:
        with st.transaction():
            st.put("episodes", [_ep(7)])
            st.delete("episodes", ["e000"])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_change()
    reopened = open_store(st.path)
    assert reopened.ids("episodes") == ["e000", "e002"]
    with pytest.raises(StoreError, match="duplicate id"):
        st.put("shows", [{"id": "a"}, {"id": "a"}])
    with pytest.raises(StoreError, match="unknown table"):
        st.get("nope", "x")


def test_people_and_plans(st: backend.Store) -> None:
    credits = [{"name": "Jiří Novák", "role": "guest", "key": "jiri novak"},
               {"name": "Ann Host", "role": "host", "key": "ann host"}]  # fmt: skip
    st.put("episodes", [_ep(1, credits=credits), _ep(2), _ep(3, title="Radio Days")])
    assert [e["id"] for e in st.episodes_with_people({"jiri novak"})] == ["e001"]
    reduced = st.credited_episodes()  # what the people registry reads
    assert [(e["id"], e["credits"]) for e in reduced] == [("e001", credits)]
    assert reduced[0]["published"] == "2020-01-02T00:00:00Z"
    assert st.episodes_with_people({"nobody"}) == []
    ctx = query.Context(show_titles={"s0": "Zero", "s1": "One"})
    cases = [("guest:novak", ["e001"]), ("host:novak", []), ("radio", ["e003"]),
             ('guest:="Novák, Jiří"', ["e001"]), ("show:one", ["e001", "e003"])]  # fmt: skip
    for text, want in cases:
        q = query.parse(text, now=NOW)
        got = st.select_episodes(query.plan(q, ctx), lambda e, q=q: q.matches(e, ctx))
        assert [e["id"] for e in got] == want, text


# -- SQLite: plans narrow through the indexes ---------------------------------------------
def test_plan_reads_only_the_candidates(tmp_path: Path) -> None:
    st = SQLiteStore(tmp_path / "c.sqlite")
    credits = [{"name": "Rosa Okafor", "role": "guest", "key": "rosa okafor"}]
    eps = [_ep(i, credits=credits if i % 50 == 0 else [], description="talks")
           for i in range(200)]  # fmt: skip
    eps[7]["description"] = "the zebrafish question"
    st.put("episodes", eps)
    seen: list[str] = []

    def everything(ep: dict[str, Any]) -> bool:
        seen.append(ep["id"])
        return True

    ctx = query.Context()
    for text, n in [("guest:okafor", 4), ("zebrafish", 1), ("date:2020-01-05", 7), ("ta", 200)]:
        seen.clear()
        st.select_episodes(query.plan(query.parse(text, now=NOW), ctx), everything)
        assert len(seen) == n, text  # "ta" is too short for the trigram index: every episode


def test_text_index_follows_updates_and_deletes(tmp_path: Path) -> None:
    st = SQLiteStore(tmp_path / "c.sqlite")
    st.put("episodes", [_ep(1, title="Old Harbour"), _ep(2, title="Old Harbour Two")])
    st.put("summaries", [{"id": "sum1", "body": "A walk along the causeway"}])
    st.put("episodes", [_ep(1, title="New Lighthouse", summary_id="sum1")])
    st.delete("episodes", ["e002"])

    def ids(text: str) -> list[str]:
        q = query.parse(text, now=NOW)
        return [e["id"] for e in st.select_episodes(query.plan(q, query.Context()), lambda e: True)]

    assert ids("harbour") == []
    assert ids("lighthouse") == ["e001"]
    assert ids("causeway") == ["e001"]  # through the matched summary
    st.put("summaries", [{"id": "sum1", "body": "Now about tides"}])
    assert ids("causeway") == []
    assert ids("tides") == ["e001"]
    conn = sqlite3.connect(st.path)
    conn.execute("INSERT INTO episode_text(episode_text) VALUES ('integrity-check')")


def test_index_version_change_rebuilds_the_indexes(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    st = SQLiteStore(path)
    st.put("episodes", [_ep(1, title="Lighthouse", credits=[{"name": "Ann Lee", "role": "guest"}])])
    st.close()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM credits")
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'index_version'")
    conn.commit()
    conn.close()
    again = SQLiteStore(path)
    assert [e["id"] for e in again.episodes_with_people({"ann lee"})] == ["e001"]
    version = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key='index_version'")
    assert version.fetchone()[0] == INDEX_VERSION


# -- SQLite: never loses or corrupts ------------------------------------------------------
def test_reading_a_missing_catalog_creates_nothing(tmp_path: Path) -> None:
    st = SQLiteStore(tmp_path / "none.sqlite")
    assert st.count("episodes") == 0
    assert st.shows() == []
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize(
    "content", [b"{}", b"SQLite format 3\x00" + b"\x00" * 200, b"plain text, not a database"]
)
def test_a_file_that_is_not_a_catalog_is_refused_and_untouched(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(content)
    cli = Cli()
    result = cli("--db", path, "ingest", ROOT / "feeds" / "open-line.xml", code=1)
    assert result.stderr.startswith("error: ")
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == content


def test_a_sqlite_database_without_our_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="no schema version"):
        SQLiteStore(path).count("episodes")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    SQLiteStore(path).put("shows", [{"id": "s"}])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="newer"):
        SQLiteStore(path).shows()


def test_a_held_write_lock_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    SQLiteStore(path).put("shows", [{"id": "s"}])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked by another"):
            SQLiteStore(path, lock_timeout=0.2).put("shows", [{"id": "t"}])
        assert SQLiteStore(path).ids("shows") == ["s"]  # readers are not blocked (WAL)
    finally:
        holder.execute("ROLLBACK")


_WRITER = """
import sys
from catalog.store.sqlite import SQLiteStore
st = SQLiteStore(sys.argv[1])
round = 0
while True:
    round += 1
    with st.transaction():
        st.put("episodes", [{"id": f"e{i}", "title": f"round {round}", "show_id": "s",
                             "credits": [{"name": f"Guest {round}", "role": "guest"}]}
                            for i in range(300)])
        st.put("shows", [{"id": "s", "round": round}])
"""


def test_killing_a_writer_never_corrupts_the_catalog(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    SQLiteStore(path).put("shows", [{"id": "s", "round": 0}])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for delay in (0.4, 0.7, 1.1):
        proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        st = SQLiteStore(path)
        rounds = {e["title"] for e in st.all("episodes")}
        show_round = (st.get("shows", "s") or {})["round"]
        assert st.count("episodes") in {0, 300}
        assert rounds in (set(), {f"round {show_round}"})  # one transaction, whole
        if show_round:
            assert len(st.episodes_with_people({f"guest {show_round}"})) == 300
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        st.close()


def test_concurrent_ingests_into_one_sqlite_catalog(tmp_path: Path) -> None:
    feeds = [make_feed(tmp_path / f"f{i}.xml", 150, title=f"Show {i}", prefix=f"p{i}", seed=i)
             for i in range(3)]  # fmt: skip
    db = tmp_path / "c.sqlite"
    procs = [subprocess.Popen([sys.executable, "-m", "catalog", "--db", str(db), "ingest",
                               str(f)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for f in feeds]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()
    st = SQLiteStore(db)
    assert st.count("shows") == 3
    assert st.count("episodes") == 450


# -- migration -----------------------------------------------------------------------------
def _demo(cli: Cli, db: Path) -> None:
    cli("--db", db, "ingest", ROOT / "feeds")
    cli("--db", db, "summaries", "import", ROOT / "feeds" / "summaries")
    cli(
        "--db",
        db,
        "curate",
        "create",
        "jd",
        "--title",
        "JD",
        "--description",
        "Picked.",
        "--link",
        "https://x.example/",
        "--feed-url",
        "https://x.example/f.xml",
        "--image",
        "https://x.example/a.jpg",
        "--category",
        "News",
        "--query",
        "guest:davis",
    )


def test_migrate_there_and_back_is_lossless(tmp_path: Path) -> None:
    cli = Cli()
    original = tmp_path / "demo.json"
    _demo(cli, original)
    cli("--db", original, "people", "merge", "Joseph Davis", "Andrew Korybko")
    out = cli("--db", original, "migrate", "--to", "sqlite").stdout
    assert "demo.sqlite" in out
    there = tmp_path / "demo.sqlite"
    cli("--db", there, "migrate", "--to", "tinydb", "-o", tmp_path / "back.json")
    exports = [cli("--db", db, "export", "json").stdout
               for db in (original, there, tmp_path / "back.json")]  # fmt: skip
    assert exports[0] == exports[1] == exports[2]
    assert json.loads(exports[0])["episodes"]
    listings = [cli("--db", db, "list", "guest:davis", "--ids").stdout for db in (original, there)]
    assert listings[0] == listings[1] != ""
    tables = ("shows", "episodes", "people", "summaries", "decisions", "curated")
    for table in tables:
        assert open_store(original).all(table) == open_store(tmp_path / "back.json").all(table)


def test_migrate_refuses_to_overwrite_and_to_the_same_backend(tmp_path: Path) -> None:
    cli = Cli()
    db = tmp_path / "c.json"
    cli("--db", db, "ingest", ROOT / "feeds" / "open-line.xml")
    (tmp_path / "c.sqlite").write_text("mine")
    assert "already exists" in cli("--db", db, "migrate", "--to", "sqlite", code=2).stderr
    assert (tmp_path / "c.sqlite").read_text() == "mine"
    assert "already a tinydb" in cli("--db", db, "migrate", "--to", "tinydb", code=2).stderr
    assert "choose" in cli("--db", db, "migrate", "--to", "mongo", code=2).stderr
    missing = tmp_path / "none.json"
    assert "no such catalog" in cli("--db", missing, "migrate", "--to", "sqlite", code=1).stderr


def test_backend_option_and_extension(tmp_path: Path) -> None:
    cli = Cli()
    odd = tmp_path / "catalog.data"
    cli("--db", odd, "--backend", "sqlite", "ingest", ROOT / "feeds" / "open-line.xml")
    assert odd.read_bytes().startswith(b"SQLite format 3")
    assert len(cli("--db", odd, "--backend", "sqlite", "list", "--ids").stdout.split()) == 6
    assert "choose tinydb or sqlite" in cli("--backend", "mongo", "shows", code=2).stderr
    assert backend.backend_for(Path("x.DB")) == "sqlite"


def test_a_large_tinydb_catalog_hints_at_migrating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli()
    db = tmp_path / "c.json"
    ingest.ingest(open_store(db), [str(make_feed(tmp_path / "f.xml", 30))], now=NOW)
    assert "hint" not in cli("--db", db, "list", "--limit", "1").stderr
    monkeypatch.setattr(backend, "MIGRATE_HINT_EPISODES", 20)
    monkeypatch.setattr(backend, "MIGRATE_HINT_BYTES", 1000)
    hint = cli("--db", db, "list", "--limit", "1").stderr
    assert hint.startswith("hint: 30 episodes")
    assert "catalog migrate --to sqlite" in hint
    assert len(hint.strip().splitlines()) == 1
    sqlite_db = tmp_path / "c.sqlite"
    cli("--db", db, "migrate", "--to", "sqlite")
    assert "hint" not in cli("--db", sqlite_db, "list", "--limit", "1").stderr


# -- found in review ----------------------------------------------------------------------
def test_show_terms_keep_episodes_of_unknown_shows(st: backend.Store) -> None:
    st.put("shows", [{"id": "s0", "title": "Zero"}])
    st.put("episodes", [_ep(0), _ep(1, show_id="orphan-show"), _ep(2, show_id=None)])
    ctx = query.Context(show_titles={"s0": "Zero"})
    for text, want in [("show:orphan", ["e001"]), ("show:zero", ["e000"]),
                       ("show::^$", ["e001", "e002"])]:  # fmt: skip
        q = query.parse(text, now=NOW)
        got = st.select_episodes(query.plan(q, ctx), lambda e, q=q: q.matches(e, ctx))
        assert [e["id"] for e in got] == want, text


def test_another_programs_database_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "music.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a catalog"):
        SQLiteStore(path).count("episodes")
    assert path.read_bytes() == before  # not even switched to WAL


def test_an_empty_file_is_read_as_empty_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.touch()
    assert SQLiteStore(path).count("episodes") == 0
    assert path.stat().st_size == 0


def test_a_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    st = SQLiteStore(path)
    st.put("episodes", [_ep(1)])
    conn = st._db()
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # as good as a full disk
    big = [_ep(i, description="x" * 50_000) for i in range(2, 40)]
    with pytest.raises(StoreError, match="full"):
        st.put("episodes", big)
    assert SQLiteStore(path).ids("episodes") == ["e001"]


def test_a_catalog_locked_while_opening_says_so(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    SQLiteStore(path).put("episodes", [_ep(1)])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'index_version'")
    conn.execute("BEGIN IMMEDIATE")  # an upgrade must wait for this writer
    try:
        with pytest.raises(StoreError, match="locked by another"):
            SQLiteStore(path, lock_timeout=0.2).count("episodes")
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_updates_keep_the_order_of_documents(st: backend.Store) -> None:
    st.put("episodes", [_ep(1), _ep(2), _ep(3)])
    st.put("episodes", [_ep(1, title="again")])
    assert st.ids("episodes") == ["e001", "e002", "e003"]
    assert [e["id"] for e in st.credited_episodes()] == []


def test_migrate_refuses_an_existing_empty_target(tmp_path: Path) -> None:
    cli = Cli()
    db = tmp_path / "c.sqlite"
    cli("--db", db, "ingest", ROOT / "feeds" / "open-line.xml")
    (tmp_path / "c.json").touch()
    assert "already exists" in cli("--db", db, "migrate", "--to", "tinydb", code=2).stderr
    assert (tmp_path / "c.json").exists()
