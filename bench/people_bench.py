"""`catalog guest NAME` on a generated catalog (default 100,000 episodes), whole process.

Episodes are written straight into a catalog (no feed parsing), each with a host and a guest
credit, over 300 shows, once as TinyDB and once as SQLite. The baseline in the same run is
`python -c pass`.

    .venv/bin/python bench/people_bench.py [--episodes 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedgen import FIRST, LAST, WORDS

from catalog.core.normalize import person_key
from catalog.store import copy_catalog, open_store


def build(path: Path, n: int) -> str:
    rng = random.Random(4)
    shows = [{"id": f"s{i:03d}", "title": f"Show {i}", "feed_url": f"https://x/{i}.xml",
              "sources": [], "credits": []} for i in range(300)]  # fmt: skip
    episodes = []
    for i in range(n):
        host = f"Host {i % 300}"
        guest = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        episodes.append({
            "id": f"e{i:07d}", "show_id": f"s{i % 300:03d}",
            "title": " ".join(rng.choice(WORDS) for _ in range(6)),
            "published": f"{2014 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
            "description": " ".join(rng.choice(WORDS) for _ in range(40)),
            "credits": [
                {"name": host, "key": person_key(host), "role": "host"},
                {"name": guest, "key": person_key(guest), "role": "guest"},
            ],
        })  # fmt: skip
    store = open_store(path)
    with store.transaction():
        store.put("shows", shows)
        store.put("episodes", episodes)
    return guest


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    catalog = Path(sys.executable).parent / "catalog"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.json"
        guest = build(db, args.episodes)
        sqlite_db = Path(tmp) / "big.sqlite"
        copy_catalog(open_store(db), open_store(sqlite_db))
        results: dict[str, list[float]] = {"base": [], "tinydb": [], "sqlite": []}
        for _ in range(args.rounds):
            results["base"].append(timed([sys.executable, "-c", "pass"]))
            for name, path in (("tinydb", db), ("sqlite", sqlite_db)):
                results[name].append(timed([str(catalog), "--db", str(path), "guest", guest]))
        sizes = {name: path.stat().st_size / 1e6 for name, path in
                 (("tinydb", db), ("sqlite", sqlite_db))}  # fmt: skip
    base = statistics.median(results["base"])
    print(
        f"catalog guest NAME on {args.episodes} episodes, "
        f"median of {args.rounds} runs (whole process)"
    )
    print(f"  python -c pass                     {base:7.3f} s")
    for name in ("tinydb", "sqlite"):
        ours = statistics.median(results[name])
        print(f"  catalog guest NAME ({name}, {sizes[name]:4.0f} MB)  {ours:7.3f} s   "
              f"({ours / base:.0f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
