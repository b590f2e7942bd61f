"""The store never loses or corrupts data: atomic writes, locking, schema versions."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedgen import make_feed

from catalog.core.errors import SchemaError, StoreError
from catalog.services import ingest
from catalog.store import tiny as store
from catalog.store.tiny import TinyStore as Store

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def test_put_get_all_round_trip(tmp_path: Path) -> None:
    st = Store(tmp_path / "c.json")
    docs = [{"id": f"e{i}", "title": f"T{i}", "nested": {"n": [i]}} for i in range(5)]
    st.put("episodes", docs)
    again = Store(tmp_path / "c.json")
    assert again.get("episodes", "e3") == docs[3]
    assert sorted(d["id"] for d in again.all("episodes")) == [d["id"] for d in docs]
    again.put("episodes", [{"id": "e3", "title": "changed"}])
    assert Store(tmp_path / "c.json").get("episodes", "e3") == {"id": "e3", "title": "changed"}
    assert Store(tmp_path / "c.json").count("episodes") == 5


def test_returned_documents_are_copies(tmp_path: Path) -> None:
    st = Store(tmp_path / "c.json")
    st.put("episodes", [{"id": "a", "credits": [{"name": "X"}]}])
    doc = st.all("episodes")[0]
    doc["credits"].append({"name": "Y"})
    assert st.get("episodes", "a") == {"id": "a", "credits": [{"name": "X"}]}


def test_file_carries_schema_version(tmp_path: Path) -> None:
    Store(tmp_path / "c.json").put("shows", [{"id": "s"}])
    data = json.loads((tmp_path / "c.json").read_text())
    assert next(iter(data["_meta"].values()))["schema_version"] == store.SCHEMA_VERSION


def test_newer_schema_is_refused_and_file_untouched(tmp_path: Path, cli, db_path: Path) -> None:
    Store(db_path).put("shows", [{"id": "s", "title": "Kept"}])
    data = json.loads(db_path.read_text())
    data["_meta"]["1"]["schema_version"] = store.SCHEMA_VERSION + 1
    db_path.write_text(json.dumps(data))
    before = db_path.read_bytes()
    with pytest.raises(SchemaError, match="newer"):
        Store(db_path).shows()
    result = cli("ingest", Path(__file__).parent / "data/feeds/atom.xml", code=1)
    assert "newer" in result.stderr or "newer" in result.stdout
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'{"shows": {}}'])
def test_unreadable_catalog_is_never_overwritten(cli, db_path: Path, content: bytes) -> None:
    if db_path.suffix == ".sqlite" and not content:
        pytest.skip("to SQLite an empty file is an empty database")
    db_path.write_bytes(content)
    result = cli("ingest", Path(__file__).parent / "data/feeds/atom.xml", code=1)
    assert str(db_path) in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert db_path.read_bytes() == content
    listing = cli("list", code=1)
    assert listing.stderr.startswith("error: ")
    assert len(listing.stderr.strip().splitlines()) == 1


def test_an_ingest_of_many_episodes_is_one_write(tmp_path: Path, monkeypatch) -> None:
    feed = make_feed(tmp_path / "f.xml", 200)
    writes: list[Path] = []
    real = store.atomic_write_bytes
    monkeypatch.setattr(store, "atomic_write_bytes", lambda p, b: (writes.append(p), real(p, b)))
    report = ingest.ingest(Store(tmp_path / "c.json"), [str(feed)], now=NOW)
    assert report.sources[0].new == 200
    assert len(writes) == 1


def test_reads_load_the_file_once(tmp_path: Path, monkeypatch) -> None:
    feed = make_feed(tmp_path / "f.xml", 20)
    st = Store(tmp_path / "c.json")
    ingest.ingest(st, [str(feed)], now=NOW)
    loads = []
    real = store._AtomicJSONStorage._load
    monkeypatch.setattr(store._AtomicJSONStorage, "_load", lambda s: (loads.append(1), real(s))[1])
    reader = Store(tmp_path / "c.json")
    for _ in range(3):
        reader.shows()
        reader.episodes()
        reader.get("episodes", reader.ids("episodes")[0])
    assert len(loads) == 1


def test_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    st = Store(tmp_path / "c.json")
    st.put("shows", [{"id": "s", "title": "before"}])
    before = (tmp_path / "c.json").read_bytes()

    def failing_change() -> None:
        with st.transaction():
            st.put("shows", [{"id": "s", "title": "after"}])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_change()
    assert (tmp_path / "c.json").read_bytes() == before
    assert st.get("shows", "s") == {"id": "s", "title": "before"}


def test_lock_timeout_is_a_clear_error(tmp_path: Path) -> None:
    import filelock

    path = tmp_path / "c.json"
    holder = filelock.FileLock(str(path) + ".lock")
    holder.acquire()
    try:
        with pytest.raises(StoreError, match="locked by another"):
            Store(path, lock_timeout=0.2).put("shows", [{"id": "s"}])
    finally:
        holder.release()


_WRITER = """
import sys
from datetime import datetime, UTC
from catalog.services import ingest
from catalog.store.tiny import TinyStore as Store
db, a, b = sys.argv[1:4]
st = Store(db)
n = 0
print("ready", flush=True)
while True:
    ingest.ingest(st, [a if n % 2 else b], now=datetime.now(UTC))
    n += 1
"""


def _check_catalog(path: Path) -> int:
    """The catalog file is complete JSON with a schema version; returns the episode count."""
    data = json.loads(path.read_bytes())
    assert next(iter(data["_meta"].values()))["schema_version"] == store.SCHEMA_VERSION
    return Store(path).count("episodes")


def test_killed_writer_leaves_old_or_new_catalog(tmp_path: Path) -> None:
    """kill -9 a process that rewrites the catalog in a loop; the file is always whole."""
    a = make_feed(tmp_path / "a.xml", 600, prefix="k")
    b = make_feed(tmp_path / "b.xml", 600, prefix="k", title_suffix=" (edited)")
    db = tmp_path / "c.json"
    ingest.ingest(Store(db), [str(a)], now=NOW)
    rng = random.Random(7)
    for _round in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db), str(a), str(b)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _check_catalog(db) == 600
    # A later writer cleans up the temp file a killed one may have left behind.
    ingest.ingest(Store(db), [str(a)], now=NOW)
    assert not list(tmp_path.glob(".c.json.*.tmp"))


def test_concurrent_ingests_lose_nothing(tmp_path: Path) -> None:
    feeds = [
        make_feed(tmp_path / f"f{i}.xml", 300, title=f"Show {i}", prefix=f"p{i}", seed=i)
        for i in range(4)
    ]
    db = tmp_path / "c.json"
    env = dict(os.environ, CATALOG_DB=str(db))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "catalog", "ingest", str(f)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in feeds
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    st = Store(db)
    assert sorted(s["title"] for s in st.shows()) == [f"Show {i}" for i in range(4)]
    assert st.count("episodes") == 1200
