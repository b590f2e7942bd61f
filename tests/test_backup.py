"""`catalog export json|jsonl` is a backup: `catalog ingest` of it restores the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_then_ingest_restores_the_catalog(cli, tmp_path: Path, fmt: str) -> None:
    cli("ingest", ROOT / "feeds")
    cli("summaries", "import", ROOT / "feeds" / "summaries")
    cli("curate", "create", "davis", "--title", "Davis", "--description", "d",
        "--link", "https://c.example.org/", "--feed-url", "https://c.example.org/f.xml",
        "--image", "https://c.example.org/a.jpg", "--category", "News",
        "--query", "guest:davis")  # fmt: skip
    cli("people", "merge", "Joseph Davis", "Benjamin Osei")  # a decision the feeds do not hold
    log = cli.json("match", "log")
    assert log
    backup = tmp_path / f"backup.{fmt}"
    cli("export", fmt, "-o", backup)
    fresh = tmp_path / "fresh.json"
    report = cli.json("--db", fresh, "ingest", backup)
    assert report["sources"][0]["status"] == "restore"
    original = cli("export", "json").stdout
    restored = cli("--db", fresh, "export", "json").stdout
    assert restored == original
    assert cli.json("--db", fresh, "curate", "show", "davis")["episodes"]
    assert cli.json("--db", fresh, "match", "log") == log  # the match log, for undo
    merged = cli.json("--db", fresh, "guest", "Benjamin Osei")  # the merge, by the alias
    assert merged["name"] == "Joseph Davis"
    for table in ("people", "decisions"):
        assert f'"{table}"' in original


def test_a_newer_backup_is_refused(cli, tmp_path: Path) -> None:
    backup = tmp_path / "new.json"
    backup.write_text('{"schema_version": 99, "format": "catalog-export", "shows": [], '
                      '"episodes": [], "summaries": []}')  # fmt: skip
    result = cli("ingest", backup, code=1)
    assert "newer" in result.stderr
    assert "Traceback" not in result.stderr
