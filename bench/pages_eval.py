"""Show pages that vary: how the page reader and the matcher do on a labelled set of pages.

A set is a folder with `feeds/*.xml` (the shows), `pages/*` (scraped pages, text or HTML)
and `expected.json` (page file → its headline, clock date, show and the guid of its
episode). The feeds are ingested into a fresh catalog, the pages imported in one batch, and
each page is checked: its title, its scrape date, and where matching put it (auto-accepted
right or wrong, waiting in review with the right episode first or not, unmatched).

    .venv/bin/python bench/pages_eval.py [SET]     (default: tests/data/showpages)
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.core import match  # noqa: E402
from catalog.services import ingest, summaries  # noqa: E402
from catalog.store.tiny import TinyStore  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "showpages"
NOW = datetime(2030, 1, 1, tzinfo=UTC)


@dataclass
class Row:
    page: str
    title: str  # what the reader found
    title_ok: bool
    scraped_ok: bool
    state: str  # auto | review | unmatched
    right: bool  # the accepted (auto) or first suggested (review) episode is the labelled one
    guests: list[str]  # the guests credited from the page
    wanted: list[str]  # the labelled guests

    @property
    def missed(self) -> list[str]:
        return [g for g in self.wanted if g not in self.guests]

    @property
    def extra(self) -> list[str]:
        return [g for g in self.guests if g not in self.wanted]

    @property
    def outcome(self) -> str:
        if self.state == "auto":
            return "auto" if self.right else "WRONG"
        if self.state == "review":
            return "review" if self.right else "review, wrong first"
        return "unmatched"


def evaluate(
    feeds: list[Path], pages: list[Path], expected: dict[str, dict], work: Path
) -> list[Row]:
    """Ingest the feeds and import the pages into a fresh catalog under `work`."""
    store = TinyStore(work / "catalog.json")
    ingest.ingest(store, [str(f) for f in feeds], now=NOW)
    guid_to_id = {e.get("guid"): e["id"] for e in store.episodes()}
    reports = summaries.import_pages(
        store, [str(p) for p in pages], now=NOW, thresholds=match.Thresholds()
    )
    rows = []
    for report in reports:
        name = Path(report.source).name
        want = expected[name]
        doc = store.get("summaries", report.summary_id) if report.summary_id else None
        doc = doc or {}
        right_id = guid_to_id.get(want["guid"])
        state = doc.get("state") or "unmatched"
        chosen = doc.get("episode_id") if state == "auto" else doc.get("suggested")
        rows.append(Row(
            page=name, title=doc.get("title") or "", title_ok=doc.get("title") == want["title"],
            scraped_ok=doc.get("scraped_at") == want.get("scraped_at"), state=state,
            right=chosen is not None and chosen == right_id,
            guests=[c["name"] for c in doc.get("credits") or [] if c["role"] == "guest"],
            wanted=want.get("guests", []),
        ))  # fmt: skip
    return rows


def load(set_dir: Path) -> tuple[list[Path], list[Path], dict[str, dict]]:
    expected = json.loads((set_dir / "expected.json").read_text(encoding="utf-8"))
    feeds = sorted((set_dir / "feeds").glob("*.xml"))
    pages = sorted(p for p in (set_dir / "pages").iterdir() if p.name in expected)
    return feeds, pages, expected


def summary(rows: list[Row]) -> str:
    counts = Counter(r.outcome for r in rows)
    n = len(rows)
    wanted = sum(len(r.wanted) for r in rows)
    found = wanted - sum(len(r.missed) for r in rows)
    extra = sum(len(r.extra) for r in rows)
    return (
        f"{n} pages: titles {sum(r.title_ok for r in rows)}/{n}, scrape dates "
        f"{sum(r.scraped_ok for r in rows)}/{n}; auto {counts['auto']} "
        f"({counts['auto'] / max(1, n):.0%}), wrong {counts['WRONG']}, review {counts['review']}"
        f" (wrong first {counts['review, wrong first']}), unmatched {counts['unmatched']}; "
        f"guests {found}/{wanted} credited, {extra} credited that are not guests"
    )


def main() -> None:
    set_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SET
    feeds, pages, expected = load(set_dir)
    with tempfile.TemporaryDirectory() as tmp:
        rows = evaluate(feeds, pages, expected, Path(tmp))
    width = max(len(r.page) for r in rows)
    for r in rows:
        marks = ("" if r.title_ok else " TITLE") + ("" if r.scraped_ok else " DATE")
        marks += "".join(f" -{g}" for g in r.missed) + "".join(f" +{g}" for g in r.extra)
        print(f"{r.page:<{width}}  {r.outcome:<20}{marks}  {r.title[:60]}")
    print(summary(rows))


if __name__ == "__main__":
    main()
