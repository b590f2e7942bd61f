"""Golden ingest files: each tests/data/golden/<quirk>.xml, ingested into a fresh catalog,
gives exactly the stored records in <quirk>.json (see tests/data/golden/README.md).

Both readers (the fast lxml path and feedparser) must give the same records. The .json
files are only ever written by `pytest tests/test_golden.py --regen-golden`; without the
flag a missing or different .json is a failure.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from catalog.core import normalize
from catalog.services.ingest import ingest
from catalog.store.tiny import TinyStore

GOLDEN = DATA / "golden"
FEEDS = sorted(GOLDEN.glob("*.xml"))
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)  # first_seen, last_seen, added… come from it
# Report fields that say what happened (source and show are the tmp path and its hash).
REPORT_FIELDS = ("status", "new", "updated", "unchanged", "absent", "duplicates", "warnings")
# Invisible characters (C1 controls, bidi and zero-width marks, line/paragraph separators)
# are written as \u escapes, so that the .json files show them (and hide nothing).
_INVISIBLE = re.compile(f"{normalize.UNSAFE_BEYOND_C0.pattern[:-1]}\u2028\u2029]")


def golden_records(feed: Path, tmp_path: Path) -> dict[str, Any]:
    """Ingest one feed into a fresh TinyStore; the report, show(s) and episodes, sorted,
    with the volatile values (the feed's tmp location, ids hashed from it) replaced."""
    copy = tmp_path / "feeds" / feed.name
    copy.parent.mkdir()
    copy.write_bytes(feed.read_bytes())
    store = TinyStore(tmp_path / "catalog.json")
    report = ingest(store, [str(copy)], now=NOW, debug=True)
    (row,) = report.sources
    shows = sorted(store.shows(), key=lambda s: s["title"])
    episodes = sorted(store.episodes(), key=lambda e: normalize.identity_keys(e)[0])
    # Show ids hash the feed's location and episode ids the show id: both vary with tmp_path.
    ids = {show["id"]: f"<show {n}>" for n, show in enumerate(shows, 1)}
    ids.update((ep["id"], f"<episode {normalize.identity_keys(ep)[0]}>") for ep in episodes)
    location = row.source
    assert location == str(copy.resolve())

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, str):
            return ids.get(value) or value.replace(location, f"<feeds>/{feed.name}")
        return value

    return fix(
        {
            "report": {k: getattr(row, k) for k in REPORT_FIELDS} | {"error": row.error},
            "shows": shows,
            "episodes": episodes,
        }
    )


def dumps(records: dict[str, Any]) -> str:
    text = json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False)
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


@pytest.mark.parametrize("reader", ["fast", "feedparser"])
@pytest.mark.parametrize("feed", FEEDS, ids=[f.stem for f in FEEDS])
def test_golden(
    feed: Path,
    reader: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    if reader == "feedparser":
        monkeypatch.setenv("CATALOG_NO_FASTPATH", "1")
    else:
        monkeypatch.delenv("CATALOG_NO_FASTPATH", raising=False)
    actual = dumps(golden_records(feed, tmp_path))
    expected_path = feed.with_suffix(".json")
    if request.config.getoption("--regen-golden"):
        if reader == "fast":  # the default reader writes; the other only checks
            expected_path.write_text(actual, encoding="utf-8")
            pytest.skip(f"regenerated {expected_path.name}")
        pytest.skip("regenerated (by the fast reader's run)")
    if not expected_path.is_file():
        pytest.fail(f"{expected_path.name} is missing: run pytest {__file__} --regen-golden")
    expected = expected_path.read_text(encoding="utf-8")
    if json.loads(actual) != json.loads(expected):
        diff = difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            f"{expected_path.name} (expected)",
            f"{feed.name} ingested now ({reader})",
            lineterm="",
        )
        pytest.fail("\n".join(diff), pytrace=False)


def test_every_golden_json_has_its_feed() -> None:
    assert len(FEEDS) >= 12
    orphans = [p.name for p in GOLDEN.glob("*.json") if not p.with_suffix(".xml").is_file()]
    assert not orphans
