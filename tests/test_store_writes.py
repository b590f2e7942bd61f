"""A TinyDB catalog is written only when something changed, once per command, and still
atomically: re-ingest of unchanged feeds, ingests of many sources, crashes in a batch."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedgen import make_feed

from catalog.core import query
from catalog.services import derive, ingest
from catalog.store import tiny
from catalog.store.tiny import TinyStore as Store

NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _feeds(folder: Path, n: int, items: int = 20) -> list[str]:
    folder.mkdir(exist_ok=True)
    return [str(make_feed(folder / f"f{i}.xml", items, title=f"Show {i}", prefix=f"p{i}",
                          seed=i, paragraphs=1))
            for i in range(n)]  # fmt: skip


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every atomic write of a catalog file, in order."""
    done: list[Path] = []
    real = tiny.atomic_write_bytes

    def counting(path: Path, payload: bytes) -> None:
        done.append(path)
        real(path, payload)

    monkeypatch.setattr(tiny, "atomic_write_bytes", counting)
    return done


def _fingerprint(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_ino, st.st_mtime_ns


def test_reingest_of_unchanged_feeds_leaves_the_file_untouched(
    tmp_path: Path, writes: list[Path]
) -> None:
    feeds = _feeds(tmp_path / "feeds", 3)
    db = tmp_path / "c.json"
    ingest.ingest(Store(db), feeds, now=NOW)
    before = _fingerprint(db)
    writes.clear()
    later = NOW + timedelta(hours=9)  # the same day: only the day of a check is shown
    report = ingest.ingest(Store(db), feeds, now=later)
    assert [s.unchanged for s in report.sources] == [20, 20, 20]
    assert writes == []
    assert _fingerprint(db) == before
    # The next day the check dates move: one write for the three feeds.
    report = ingest.ingest(Store(db), feeds, now=NOW + timedelta(days=1))
    assert [s.unchanged for s in report.sources] == [20, 20, 20]
    assert writes == [db]
    shows = Store(db).shows()
    assert {s["last_checked"][:10] for s in shows} == {"2024-03-02"}
    assert {e["last_seen"][:10] for e in Store(db).episodes()} == {"2024-03-02"}


def test_a_put_or_a_transaction_that_changes_nothing_writes_nothing(
    tmp_path: Path, writes: list[Path]
) -> None:
    db = tmp_path / "c.json"
    st = Store(db)
    st.put("shows", [{"id": "s", "title": "T", "sources": ["a"]}])
    before = _fingerprint(db)
    writes.clear()
    st.put("shows", [{"id": "s", "title": "T", "sources": ["a"]}])
    with st.transaction():
        st.put("shows", st.shows())
        st.delete("shows", ["no-such-id"])
    assert writes == []
    assert _fingerprint(db) == before
    st.put("shows", [{"id": "s", "title": "changed", "sources": ["a"]}])
    assert writes == [db]
    assert Store(db).get("shows", "s") == {"id": "s", "title": "changed", "sources": ["a"]}


def test_an_ingest_of_many_sources_writes_once(tmp_path: Path, writes: list[Path]) -> None:
    feeds = _feeds(tmp_path / "feeds", 5)
    db = tmp_path / "c.json"
    report = ingest.ingest(Store(db), [str(tmp_path / "feeds")], now=NOW)
    assert [s.new for s in report.sources] == [20] * 5
    assert writes == [db]
    grown = make_feed(Path(feeds[0]), 21, title="Show 0", prefix="p0", seed=0, paragraphs=1)
    writes.clear()
    report = ingest.ingest(Store(db), [str(tmp_path / "feeds")], now=NOW)
    assert [s.new for s in report.sources] == [1, 0, 0, 0, 0], grown
    assert writes == [db]
    assert Store(db).count("episodes") == 101


def test_a_failing_source_in_a_batch_is_undone_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The show of a source that fails after storing it is not left behind; the other
    sources of the batch are kept."""
    feeds = _feeds(tmp_path / "feeds", 3)
    real = derive.derived
    calls: list[int] = []

    def failing_second(store: Any, show_id: str, episodes: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # after _merge has put the show
            raise ValueError("boom")
        return real(store, show_id, episodes, **kw)

    monkeypatch.setattr(derive, "derived", failing_second)
    db = tmp_path / "c.json"
    report = ingest.ingest(Store(db), feeds, now=NOW)
    assert [s.status for s in report.sources] == ["ok", "error", "ok"]
    st = Store(db)
    assert sorted(s["title"] for s in st.shows()) == ["Show 0", "Show 2"]
    assert st.count("episodes") == 40


def test_an_exception_out_of_a_batch_leaves_the_old_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: list[Path]
) -> None:
    feeds = _feeds(tmp_path / "feeds", 3)
    db = tmp_path / "c.json"
    ingest.ingest(Store(db), feeds[:1], now=NOW)
    before = _fingerprint(db)
    writes.clear()
    real = derive.derived
    calls: list[int] = []

    def failing_third(store: Any, show_id: str, episodes: Any, **kw: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # like Ctrl-C in the third source
        return real(store, show_id, episodes, **kw)

    monkeypatch.setattr(derive, "derived", failing_third)
    st = Store(db)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest(st, feeds, now=NOW + timedelta(days=1))
    assert writes == []
    assert _fingerprint(db) == before
    assert st.count("shows") == 1  # the store dropped what it had not written
    # …and the lock was let go: another writer gets it at once.
    Store(db, lock_timeout=0.5).put("people", [{"id": "x"}])


_KILLED = """
import sys
from datetime import datetime, UTC
from catalog.services import ingest
from catalog.store.tiny import TinyStore as Store
print("ready", flush=True)
ingest.ingest(Store(sys.argv[1]), sys.argv[2:], now=datetime(2024, 3, 2, tzinfo=UTC))
print("done", flush=True)
"""


def _tables(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_bytes())
    data.pop("_meta")
    return {name: sorted(table.values(), key=lambda d: d["id"]) for name, table in data.items()
            if table}  # fmt: skip


def test_a_batch_killed_midway_leaves_the_old_or_the_new_catalog(tmp_path: Path) -> None:
    """kill -9 an ingest of eight feeds at a random moment: the file is the catalog before
    it or the one it makes, never a part of the sources."""
    feeds = _feeds(tmp_path / "feeds", 8, items=150)
    pristine = tmp_path / "old.json"
    ingest.ingest(Store(pristine), feeds[:2], now=NOW)
    old = _tables(pristine)
    finished = tmp_path / "new.json"
    shutil.copy(pristine, finished)
    span = _ingest_in_child(finished, feeds)  # how long the whole batch takes
    new = _tables(finished)
    assert len(new["shows"]) == 8
    assert old != new
    db = tmp_path / "c.json"
    rng = random.Random(3)
    outcomes = []
    for _round in range(4):
        shutil.copy(pristine, db)
        _ingest_in_child(db, feeds, kill_after=span * rng.uniform(0.1, 0.8))
        after = _tables(db)
        assert after in (old, new)
        outcomes.append(after == new)
    assert not all(outcomes)  # some were killed in the middle of the batch


def _ingest_in_child(db: Path, feeds: list[str], kill_after: float | None = None) -> float:
    """Ingest in another process (killed with SIGKILL `kill_after` s after it is ready);
    the seconds from ready to its end."""
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, str(db), *feeds],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    start = time.monotonic()
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if kill_after is None:
        assert proc.returncode == 0
    return time.monotonic() - start


def test_a_long_batch_lets_a_waiting_writer_in_and_keeps_its_write(tmp_path: Path) -> None:
    """Once a batch has held the lock for `batch_hold`, it writes and lets go between two
    sources; another process's write then lands, and the batch goes on from it."""
    feeds = _feeds(tmp_path / "feeds", 3)
    db = tmp_path / "c.json"
    st = Store(db)
    st.batch_hold = 0.0
    other = Store(db, lock_timeout=0.5)

    def between(done: int, total: int, path: str) -> None:
        if done == 1:  # the first source is written and the lock free
            other.put("people", [{"id": "p1", "name": "Written Meanwhile"}])

    ingest.ingest(st, feeds, now=NOW, on_progress=between)
    again = Store(db)
    assert again.get("people", "p1") == {"id": "p1", "name": "Written Meanwhile"}
    assert again.count("shows") == 3
    assert again.count("episodes") == 60


def test_newest_first_limit_is_the_head_of_the_full_listing(tmp_path: Path) -> None:
    rng = random.Random(5)
    docs = [{"id": f"e{rng.randrange(10**6):06d}-{i}", "show_id": "s",
             "published": rng.choice([None, "", "2024-01-01T00:00:00Z",
                                      f"2023-0{rng.randrange(1, 10)}-01T00:00:00Z"])}
            for i in range(300)]  # fmt: skip
    st = Store(tmp_path / "c.json")
    st.put("episodes", docs)
    ctx = query.Context()
    full = [d["id"] for d in query.sort_episodes(st.scan("episodes"), [("date", True)], ctx)]
    for limit in (0, 1, 7, 40, 250, 299, 300, 400):
        got = st.select_episodes(None, lambda e: True, newest_first_limit=limit)
        got = query.sort_episodes(got, [("date", True)], ctx)  # as `catalog list` does
        assert [d["id"] for d in got] == full[:limit], limit


def test_the_file_is_the_same_with_or_without_orjson(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [{"id": "s", "title": "Ünïcode — \u2028 \"q\" \\ \U0001f399", "n": [1, 2.5, None, True]},
            {"id": "big", "n": 2**70, "f": 1e300}]  # fmt: skip
    fast = tmp_path / "fast.json"
    Store(fast).put("shows", docs)
    monkeypatch.setattr(tiny, "orjson", None)
    plain = tmp_path / "plain.json"
    Store(plain).put("shows", docs)
    assert fast.read_bytes() == plain.read_bytes()
    assert Store(fast).all("shows") == Store(plain).all("shows") == docs
    assert json.loads(fast.read_bytes())["shows"]["1"] == docs[0]
