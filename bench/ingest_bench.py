"""Ingest benchmark: a generated N-item feed through catalog, against two bare parsers.

Rows, each measured in a fresh process (interpreter start-up and imports not timed) and
reported as the median of --rounds rounds, with episodes/s and the ratio to both baselines:

* baseline 1: a bare `feedparser.parse` of the bytes, feedparser's defaults;
* baseline 2: a bare `lxml.etree.fromstring` of the same bytes;
* catalog parse + normalise (no store): `feeds.parse_feed` + the ingest's normalisation;
* catalog ingest: `ingest.ingest` of the file into a fresh catalog (parse, normalise,
  extract credits, store: one atomic write) — the fast path, which this feed takes;
* the same ingest forced through feedparser: the environment variable CATALOG_NO_FASTPATH=1
  (any value but "" or "0") makes `feeds.parse_feed` skip the fast path for every feed.

Rounds interleave the rows so that drift on a shared machine hits all of them alike.

    .venv/bin/python bench/ingest_bench.py [--items 5000] [--rounds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedgen import make_feed

FEEDPARSER = """
import io, sys, time, feedparser
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
result = feedparser.parse(io.BytesIO(data))
print(time.perf_counter() - t, len(result.entries))
"""

LXML = """
import sys, time
from lxml import etree
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
root = etree.fromstring(data)
print(time.perf_counter() - t, len(root.findall("channel/item")))
"""

NORMALISE = """
import sys, time
from catalog.sources import feeds
from catalog.core import normalize
from catalog.services import ingest
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
raw = feeds.parse_feed(data, sys.argv[1])
channel = normalize.normalize_channel(raw.channel)
episodes, _, _ = ingest._normalize_entries(raw, channel)
print(time.perf_counter() - t, len(episodes))
"""

INGEST = """
import sys, time
from datetime import datetime, UTC
from pathlib import Path
import feedparser  # imported before the clock, as the fast path never needs it
from catalog.services import ingest
from catalog.store.tiny import TinyStore as Store
t = time.perf_counter()
report = ingest.ingest(Store(Path(sys.argv[2])), [sys.argv[1]], now=datetime.now(UTC))
print(time.perf_counter() - t, report.sources[0].new)
"""

ROWS = [
    ("feedparser", "bare feedparser.parse (defaults): baseline 1", FEEDPARSER, False),
    ("lxml", "bare lxml.etree.fromstring: baseline 2", LXML, False),
    ("normalise", "catalog parse + normalise (no store)", NORMALISE, False),
    ("ingest", "catalog ingest (fast path)", INGEST, False),
    ("ingest_feedparser", "catalog ingest, CATALOG_NO_FASTPATH=1", INGEST, True),
]


def run(code: str, args: list[str], *, slow: bool) -> tuple[float, int]:
    env = dict(os.environ)
    env.pop("CATALOG_NO_FASTPATH", None)
    if slow:
        env["CATALOG_NO_FASTPATH"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env
    )
    seconds, count = out.stdout.split()
    return float(seconds), int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    times: dict[str, list[float]] = {key: [] for key, *_ in ROWS}
    with tempfile.TemporaryDirectory() as tmp:
        feed = make_feed(Path(tmp) / "feed.xml", args.items)
        size_mb = feed.stat().st_size / 1e6
        for n in range(args.rounds):
            for key, _label, code, slow in ROWS:
                db = Path(tmp) / f"{key}-{n}.json"  # a fresh catalog: every episode is new
                seconds, count = run(code, [str(feed), str(db)], slow=slow)
                assert count == args.items, (key, count)
                times[key].append(seconds)
    median = {key: statistics.median(values) for key, values in times.items()}
    rows = {
        key: {
            "label": label,
            "seconds": round(median[key], 3),
            "episodes_per_s": round(args.items / median[key]),
            "x_feedparser": round(median[key] / median["feedparser"], 3),
            "x_lxml": round(median[key] / median["lxml"], 1),
        }
        for key, label, *_ in ROWS
    }
    figures = {
        "items": args.items,
        "feed_mb": round(size_mb, 1),
        "rounds": args.rounds,
        "rows": rows,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"ingest of a generated {args.items}-item feed ({size_mb:.1f} MB), "
        f"median of {args.rounds} fresh-process rounds"
    )
    print(f"{'what':<44}{'seconds':>9}{'episodes/s':>12}{'x feedparser':>14}{'x lxml':>9}")
    for row in rows.values():
        print(
            f"{row['label']:<44}{row['seconds']:>9.3f}{row['episodes_per_s']:>12}"
            f"{row['x_feedparser']:>14.3f}{row['x_lxml']:>9.1f}"
        )


if __name__ == "__main__":
    main()
