"""Credits benchmark: the cost of credits from prose, against the catalog before the role
model (a git ref, checked out in a temporary worktree), measured in the same run.

Rows, each in a fresh process (imports not timed), medians of --rounds interleaved rounds:

* ingest of the generated 5,000-item bench feed (bench/feedgen.py: every description names
  a guest in a sentence) into a fresh TinyDB catalog, by this tree and by the baseline ref:
  seconds and peak memory (ru_maxrss of the process);
* extraction alone (`people.extract_items` over the feed's titles and descriptions): time
  per episode.

Targets (issue 12): ingest at most 1.3× the baseline's time and at most 50 MB more memory.

    .venv/bin/python bench/credits_bench.py [--items 5000] [--rounds 5] [--baseline REF]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedgen import make_feed

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "14352e3"  # main before the role model (the last landed commit of stop 10)

INGEST = """
import resource, sys, time
from datetime import datetime, UTC
from pathlib import Path
import feedparser  # imported before the clock, as the fast path never needs it
try:
    from catalog.services import ingest
    from catalog.store.tiny import TinyStore as Store
except ImportError:  # the baseline, from before the layer packages
    from catalog import pipeline as ingest
    from catalog.store import TinyStore as Store
t = time.perf_counter()
report = ingest.ingest(Store(Path(sys.argv[2])), [sys.argv[1]], now=datetime.now(UTC))
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(elapsed, peak, report.sources[0].new)
"""

EXTRACT = """
import sys, time
from catalog.core import normalize, people
from catalog.services import ingest
from catalog.sources import feeds
data = open(sys.argv[1], "rb").read()
raw = feeds.parse_feed(data, sys.argv[1])
channel = normalize.normalize_channel(raw.channel)
episodes, _, _ = ingest._normalize_entries(raw, channel)
items = [(ep["title"], ep["description"]) for ep in episodes]
people.extract_items(items[:1])  # the model and the first names, loaded once
t = time.perf_counter()
found = people.extract_items(items, people.channel_text(channel))
print(time.perf_counter() - t, 0, len(found))
"""


def run(code: str, args: list[str], pythonpath: Path) -> tuple[float, float, int]:
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    env.pop("CATALOG_NO_FASTPATH", None)
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, check=True, env=env, cwd=pythonpath,
    )  # fmt: skip
    seconds, peak, count = out.stdout.split()
    return float(seconds), float(peak), int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="git ref to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            feed = make_feed(Path(tmp) / "feed.xml", args.items)
            rows = {"ingest": (INGEST, ROOT), "ingest_baseline": (INGEST, base),
                    "extract": (EXTRACT, ROOT)}  # fmt: skip
            times: dict[str, list[float]] = {k: [] for k in rows}
            peaks: dict[str, list[float]] = {k: [] for k in rows}
            for n in range(args.rounds):
                for key, (code, where) in rows.items():
                    db = Path(tmp) / f"{key}-{n}.json"
                    seconds, peak, count = run(code, [str(feed), str(db)], where)
                    assert count == args.items, (key, count)
                    times[key].append(seconds)
                    peaks[key].append(peak)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                check=False, capture_output=True,
            )  # fmt: skip
    med = {k: statistics.median(v) for k, v in times.items()}
    peak = {k: statistics.median(v) for k, v in peaks.items()}
    ratio = med["ingest"] / med["ingest_baseline"]
    extra = peak["ingest"] - peak["ingest_baseline"]
    print(f"{args.items}-item bench feed, median of {args.rounds} fresh-process rounds")
    print(f"ingest, this tree         {med['ingest']:7.3f} s  peak {peak['ingest']:6.1f} MB")
    print(f"ingest, baseline {args.baseline:<9}{med['ingest_baseline']:7.3f} s  "
          f"peak {peak['ingest_baseline']:6.1f} MB")  # fmt: skip
    print(f"ratio {ratio:.2f}x (target <= 1.30), memory {extra:+.1f} MB (target <= +50)")
    per = med["extract"] / args.items * 1e6
    print(f"extraction (people.extract_items): {med['extract']:.3f} s = {per:.0f} µs/episode")


if __name__ == "__main__":
    main()
