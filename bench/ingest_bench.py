"""Ingest benchmark: a generated 5,000-item feed, catalog's ingest vs a bare feedparser.parse.

Each measurement is a fresh process; rounds alternate the two so that drift on a shared
machine hits both; the table shows medians and the median of the paired ratios.

    .venv/bin/python bench/ingest_bench.py [--items 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedgen import make_feed

BARE = """
import io, sys, time, feedparser
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
result = feedparser.parse(io.BytesIO(data))
print(time.perf_counter() - t, len(result.entries))
"""

OURS = """
import sys, time
from datetime import datetime, UTC
from pathlib import Path
from catalog import pipeline
from catalog.store import TinyStore as Store
t = time.perf_counter()
report = pipeline.ingest(Store(Path(sys.argv[2])), [sys.argv[1]], now=datetime.now(UTC))
print(time.perf_counter() - t, report.sources[0].new)
"""


def run(code: str, *args: str) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    seconds, count = out.stdout.split()
    return float(seconds), int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = make_feed(Path(tmp) / "feed.xml", args.items)
        size_mb = feed.stat().st_size / 1e6
        bare, ours, ratios = [], [], []
        for n in range(args.rounds):
            b, nb = run(BARE, str(feed))
            db = Path(tmp) / f"c{n}.json"  # a fresh catalog: every episode is new
            o, no = run(OURS, str(feed), str(db))
            assert nb == no == args.items, (nb, no)
            bare.append(b)
            ours.append(o)
            ratios.append(o / b)
    figures = {
        "items": args.items,
        "feed_mb": round(size_mb, 1),
        "rounds": args.rounds,
        "feedparser_parse_s": round(statistics.median(bare), 3),
        "catalog_ingest_s": round(statistics.median(ours), 3),
        "feedparser_eps": round(args.items / statistics.median(bare)),
        "catalog_eps": round(args.items / statistics.median(ours)),
        "ratio_catalog_over_feedparser": round(statistics.median(ratios), 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"ingest of a generated {args.items}-item feed ({size_mb:.1f} MB), "
        f"median of {args.rounds} fresh-process rounds"
    )
    print(f"{'what':<52}{'seconds':>9}{'episodes/s':>12}")
    print(
        f"{'bare feedparser.parse (defaults), baseline':<52}"
        f"{figures['feedparser_parse_s']:>9}{figures['feedparser_eps']:>12}"
    )
    print(
        f"{'catalog ingest: parse + normalise + store (1 write)':<52}"
        f"{figures['catalog_ingest_s']:>9}{figures['catalog_eps']:>12}"
    )
    print(
        f"ratio catalog / bare feedparser (median of paired rounds): "
        f"{figures['ratio_catalog_over_feedparser']}x"
    )


if __name__ == "__main__":
    main()
