"""`make bench`: the default TinyDB catalog at 15,000 episodes, next to SQLite (issue 14.3).

Thirty generated feeds of 500 items (bench/feedgen.py, items of about the corpus's size)
are ingested into a TinyDB and a SQLite catalog; each command is a whole process, timed as
the median of --rounds runs on both backends in the same run:

* fresh ingest of the 30 feeds (TinyDB: one write per command);
* re-ingest of the unchanged feeds (TinyDB: must write nothing: file bytes, inode and
  mtime checked; target at most 2x SQLite);
* ingest of one feed with one new item (a write of the whole TinyDB file);
* `catalog list --limit 20` (target <= 400 ms on TinyDB).

Then the migrate hint: `list --limit 20` on TinyDB catalogs of several sizes (the same
episodes, more or fewer), with SQLite's at 15,000 beside it; the size at which TinyDB's
listing passes the 400 ms a listing is allowed (the target above: past it, a person waits)
is where `catalog.store.base.MIGRATE_HINT_EPISODES` belongs. (Twice SQLite's time is no
criterion: SQLite lists in about 150 ms, and a hint at 300 ms would nag catalogs that are
quick enough.)

    .venv/bin/python bench/tiny_bench.py [--rounds 3] [--sizes 5000,10000,15000,20000,30000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedgen import make_feed

from catalog.store import MIGRATE_HINT_EPISODES

PY = sys.executable
CATALOG = str(Path(PY).parent / "catalog")
FEEDS, ITEMS = 30, 500
LIST_BUDGET = 0.4  # seconds, whole process: the listing target, and the hint's criterion
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str]) -> float:
    """Seconds of one whole process (its output discarded; exit 1 for failed sources is
    fine, the generated feeds have none)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode().strip()}")
    return elapsed


def median(cmd: list[str], rounds: int) -> float:
    return statistics.median(run(cmd) for _ in range(rounds))


def fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha1(path.read_bytes()).hexdigest(), st.st_ino, st.st_mtime_ns


def resized(source: Path, target: Path, n: int) -> None:
    """A TinyDB catalog of `n` episodes: the source's, cut or repeated under new ids."""
    from catalog.store.tiny import TinyStore

    src = TinyStore(source)
    episodes = src.scan("episodes")
    docs = [dict(episodes[i % len(episodes)], id=f"r{i:08d}") for i in range(n)]
    dst = TinyStore(target)
    with dst.transaction():
        dst.put("shows", src.scan("shows"))
        dst.put("episodes", docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="5000,10000,15000,20000,30000")
    args = parser.parse_args()
    rounds = args.rounds
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "feeds"
        folder.mkdir()
        for i in range(FEEDS):
            make_feed(folder / f"f{i:02d}.xml", ITEMS, title=f"Show {i}", seed=i,
                      prefix=f"p{i}", paragraphs=1)  # fmt: skip
        run([CATALOG, "--db", str(tmp / "warm.json"), "--help"])  # byte-code caches written
        rows: list[tuple[str, float, float, str]] = []
        dbs = {"tinydb": tmp / "c.json", "sqlite": tmp / "c.sqlite"}
        fig: dict[tuple[str, str], float] = {}
        for backend, db in dbs.items():
            print(f"  {backend}: fresh ingest …", file=sys.stderr)
            times = []
            for r in range(rounds):
                fresh = tmp / f"fresh{r}{db.suffix}"
                times.append(run([CATALOG, "--db", str(fresh), "ingest", str(folder)]))
                if r == 0:
                    fresh.rename(db)
            fig["fresh", backend] = statistics.median(times)
            before = fingerprint(db)
            fig["again", backend] = median([CATALOG, "--db", str(db), "ingest", str(folder)],
                                           rounds)  # fmt: skip
            fig["untouched", backend] = float(fingerprint(db) == before)
            times = []
            for r in range(rounds):
                grown = make_feed(tmp / f"grown-{backend}{r}.xml", ITEMS + 1 + r, title="Show 0",
                                  seed=0, prefix="p0", paragraphs=1)  # fmt: skip
                times.append(run([CATALOG, "--db", str(db), "ingest", str(grown)]))
            fig["one", backend] = statistics.median(times)
            fig["list", backend] = median(
                [CATALOG, "--db", str(db), "list", "--limit", "20"], max(rounds, 5)
            )
        size_mb = dbs["tinydb"].stat().st_size / 1e6
        for key, what, target in (
            ("fresh", f"ingest of {FEEDS} new feeds ({FEEDS * ITEMS:,} episodes)", ""),
            ("again", "re-ingest of the unchanged feeds", "<= 2x SQLite"),
            ("one", "ingest of one feed with 1 new item", ""),
            ("list", "catalog list --limit 20", "<= 400 ms"),
        ):
            rows.append((what, fig[key, "tinydb"], fig[key, "sqlite"], target))

        # -- the migrate hint: TinyDB's list at several sizes against SQLite's ---------------
        sizes = [int(s) for s in args.sizes.split(",")]
        curve = []
        for n in sizes:
            print(f"  list --limit 20 on {n:,} episodes …", file=sys.stderr)
            path = tmp / f"n{n}.json"
            resized(dbs["tinydb"], path, n)
            curve.append((n, median([CATALOG, "--db", str(path), "list", "--limit", "20"],
                                    max(rounds, 5))))  # fmt: skip
            path.unlink()
        base = fig["list", "sqlite"]
        over = next(((n, t) for n, t in curve if t > LIST_BUDGET), None)
        crossing = None
        below = [(n, t) for n, t in curve if t <= LIST_BUDGET]
        if over and below and below[-1][0] < over[0]:  # linear between the two sizes
            (n0, t0), (n1, t1) = below[-1], over
            crossing = round(n0 + (LIST_BUDGET - t0) * (n1 - n0) / (t1 - t0))

    print()
    print(f"TinyDB at {FEEDS * ITEMS:,} episodes ({size_mb:.0f} MB file) against SQLite, "
          f"median of whole-process runs")  # fmt: skip
    head = ("command", "tinydb", "sqlite", "ratio", "target")
    widths = [46, 10, 10, 8, 14]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for what, t_tiny, t_sql, target in rows:
        cells = [what, f"{t_tiny * 1000:.0f} ms", f"{t_sql * 1000:.0f} ms",
                 f"{t_tiny / t_sql:.1f}x", target]  # fmt: skip
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
    print(
        f"re-ingest left the TinyDB file untouched (bytes, inode, mtime): "
        f"{'yes' if fig['untouched', 'tinydb'] else 'NO'}"
    )
    print()
    print(
        f"migrate hint: TinyDB `list --limit 20` against SQLite's {base * 1000:.0f} ms "
        f"at {FEEDS * ITEMS:,} episodes"
    )
    for n, t in curve:
        print(f"  {n:>7,} episodes  {t * 1000:5.0f} ms  {t / base:4.1f}x")
    if crossing is not None:
        verdict = (
            "supported"
            if abs(crossing - MIGRATE_HINT_EPISODES) <= 0.25 * crossing
            else ("NOT supported: move it")
        )
        print(
            f"  TinyDB's listing passes {LIST_BUDGET * 1000:.0f} ms at about {crossing:,} "
            f"episodes; the hint's threshold "
            f"(MIGRATE_HINT_EPISODES) is {MIGRATE_HINT_EPISODES:,}: {verdict}"
        )
    elif over is None:
        print(
            f"  TinyDB lists within {LIST_BUDGET * 1000:.0f} ms up to {sizes[-1]:,} episodes; "
            f"the threshold is "
            f"{MIGRATE_HINT_EPISODES:,}"
        )
    else:
        print(
            f"  TinyDB is past {LIST_BUDGET * 1000:.0f} ms already at {over[0]:,} episodes; "
            f"the threshold is "
            f"{MIGRATE_HINT_EPISODES:,}"
        )


if __name__ == "__main__":
    main()
