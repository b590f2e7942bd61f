"""Print a feed's items as the catalog reads them, for labelling credits by hand.

    .venv/bin/python bench/credits_items.py FEED [--from N] [--count K] [--step S] [--json]

Each item: its index among the feed's entries (feedparser's order), guid, title and the
plain-text description the catalog stores (HTML stripped). A JSON list of items
(`[{"title":…, "description":…}]`, as seenunseen-whisper's metadata.json) is read too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.core import normalize
from catalog.sources import feeds


def items(path: Path) -> list[dict[str, object]]:
    """Every item of a feed (or JSON list) as index, guid, title, description."""
    data = path.read_bytes()
    if path.suffix == ".json":
        rows = json.loads(data)
        return [
            {"index": i, "guid": "", "title": normalize.clean_line(r.get("title") or ""),
             "description": normalize.html_to_text(r.get("description") or "")}
            for i, r in enumerate(rows)
        ]  # fmt: skip
    raw = feeds.parse_feed(data, str(path), fast=False)
    channel = normalize.normalize_channel(raw.channel)
    out = []
    for i, entry in enumerate(raw.entries):
        ep = normalize.normalize_entry(entry, channel["credits"])
        out.append({"index": i, "guid": ep.get("guid") or "", "title": ep["title"],
                    "description": ep["description"]})  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("feed", type=Path)
    ap.add_argument("--from", dest="start", type=int, default=0)
    ap.add_argument("--count", type=int, default=10**9)
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = items(args.feed)[args.start :: args.step][: args.count]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        print(f"=== [{r['index']}] guid={r['guid']}\nTITLE: {r['title']}\n{r['description']}\n")


if __name__ == "__main__":
    main()
