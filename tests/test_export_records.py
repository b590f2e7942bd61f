"""The pure export writers: JSON/JSONL backups, CSV, OPML and the Markdown episode guide."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from markdown_it import MarkdownIt

from catalog.core import dump
from catalog.core.errors import CatalogError, FeedError
from catalog.export import markdown, opml
from catalog.store import open_store as Store
from catalog.store.tiny import SCHEMA_VERSION

HOSTILE = '[click](javascript:alert(1)) *x* <script>alert("x")</script> _y_ `z` # no'
TRICKY = "Tom ]]> & Jerry \u202eevil\u202c \x9bsteps"


def _credit(name: str, role: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "key": name.lower(), "role": role, "group": "cast",
            "href": None, "img": None, "bio": None, "source": "feed", **extra}  # fmt: skip


def _fixture() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    shows = [
        {"id": "s2", "title": "Zed Radio", "feed_url": "https://zed.example.org/feed.xml",
         "link": "https://zed.example.org/", "description": "All about *zed*.", "credits": []},
        {"id": "s1", "title": "Alpha Hour", "feed_url": "/home/me/alpha.xml",
         "self_url": "https://alpha.example.com/rss", "link": "https://alpha.example.com",
         "description": "Alpha & omega.\n\nSecond paragraph.", "credits": []},
        {"id": "s3", "title": "Local Only", "feed_url": "/home/me/local.xml", "self_url": None,
         "link": None, "description": "", "credits": []},
    ]  # fmt: skip
    episodes = [
        {"id": "e3", "show_id": "s1", "title": "Later", "published": "2024-03-01T10:00:00Z",
         "duration": 3723, "guid": "g3", "link": "https://alpha.example.com/3",
         "enclosures": [{"url": "https://cdn.example.com/3.mp3", "length": 10,
                         "type": "audio/mpeg"}],
         "description": "Third.", "summary_id": "sum1", "mentions": ["Ada Lovelace"],
         "credits": [_credit("Maria Santos", "host"),
                     _credit("Joseph Davis", "guest", bio="an independent blogger",
                             href="https://jdavismemphis.com")]},
        {"id": "e1", "show_id": "s1", "title": '=HYPERLINK("x")',
         "published": "2024-01-01T10:00:00Z", "duration": 59.6, "guid": "g1", "link": None,
         "enclosures": [], "description": "First.\n\nMore.\n\nAnd more.", "summary_id": None,
         "mentions": [], "credits": [_credit("Maria Santos", "host"), _credit("-5", "guest")]},
        {"id": "e2", "show_id": "s1", "title": HOSTILE, "published": "2024-02-01T10:00:00Z",
         "duration": None, "guid": "g2", "link": None, "enclosures": [],
         "description": "- list?\n\n1. numbered? [x](javascript:y)", "summary_id": None,
         "mentions": [], "credits": [_credit("Evil", "guest", href="javascript:alert(1)")]},
        {"id": "e4", "show_id": "s2", "title": TRICKY, "published": None, "duration": 10,
         "guid": "g4", "link": None, "enclosures": [], "description": "", "summary_id": None,
         "mentions": [], "credits": []},
    ]  # fmt: skip
    summaries = [
        {"id": "sum1", "episode_id": "e3", "title": "Later, summarised",
         "body": "First para of the *summary*.\n\nSecond para.\n\nThird para is left out.",
         "credits": [], "state": "auto"},
    ]  # fmt: skip
    return shows, episodes, summaries


def _write(writer: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    out = io.StringIO(newline="")
    result = writer(out, *args, **kwargs)
    return out.getvalue(), result


@pytest.fixture
def demo(cli: Any, db_path: Path) -> Store:
    """The bundled demo feeds and summaries, ingested through the CLI."""
    cli("ingest", ROOT / "feeds")
    cli("summaries", "import", ROOT / "feeds" / "summaries")
    return Store(db_path)


# -- JSON and JSONL ---------------------------------------------------------------------


def _by_id(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in docs}


def test_json_has_schema_version_and_round_trips() -> None:
    shows, episodes, summaries = _fixture()
    text, _ = _write(dump.write_json, shows, episodes, summaries)
    data = json.loads(text)
    assert list(data)[:2] == ["schema_version", "format"]
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["format"] == "catalog-export"
    assert [s["id"] for s in data["shows"]] == ["s1", "s2", "s3"]
    assert [e["id"] for e in data["episodes"]] == ["e1", "e2", "e3", "e4"]
    assert "people" not in data
    assert "curated" not in data
    back = dump.read_export(text.encode())
    assert back == {
        "schema_version": SCHEMA_VERSION,
        "shows": sorted(shows, key=lambda d: d["id"]),
        "episodes": sorted(episodes, key=lambda d: d["id"]),
        "summaries": summaries,
    }
    # Deterministic: the same data in another order gives the same bytes.
    again, _ = _write(dump.write_json, shows[::-1], episodes[::-1], summaries)
    assert again == text


def test_json_includes_people_and_curated_when_given() -> None:
    shows, episodes, summaries = _fixture()
    people = [{"id": "p2", "name": "B"}, {"id": "p1", "name": "A"}]
    curated = [{"id": "c1", "name": "best", "title": "Best of", "episodes": ["e1"]}]
    text, _ = _write(dump.write_json, shows, episodes, summaries, people=people, curated=curated)
    back = dump.read_export(text.encode())
    assert back["people"] == [people[1], people[0]]
    assert back["curated"] == curated


def test_hostile_text_survives_json_and_jsonl() -> None:
    shows, episodes, summaries = _fixture()
    for writer in (dump.write_json, dump.write_jsonl):
        text, _ = _write(writer, shows, episodes, summaries)
        assert "\u202e" not in text
        assert "\x9b" not in text
        assert "\u202c" not in text
        assert "\\u202e" in text
        assert "\\u009b" in text
        assert "]]> & Jerry" in text  # UTF-8 kept, nothing else escaped
        back = dump.read_export(text.encode("utf-8"))
        assert _by_id(back["episodes"])["e4"]["title"] == TRICKY
        assert _by_id(back["episodes"])["e2"]["title"] == HOSTILE


def test_jsonl_lines_parse() -> None:
    shows, episodes, summaries = _fixture()
    text, _ = _write(dump.write_jsonl, shows, episodes, summaries)
    lines = [json.loads(line) for line in text.split("\n") if line]
    assert text.endswith("\n")
    assert lines[0] == {"schema_version": SCHEMA_VERSION, "format": "catalog-export-jsonl"}
    assert [r["type"] for r in lines[1:]] == ["show"] * 3 + ["episode"] * 4 + ["summary"]
    assert [r["data"]["id"] for r in lines[1:4]] == ["s1", "s2", "s3"]
    back = dump.read_export(text.encode())
    json_text, _ = _write(dump.write_json, shows, episodes, summaries)
    assert back == dump.read_export(json_text.encode())


def test_demo_catalog_round_trips(demo: Store) -> None:
    shows, episodes, summaries = demo.shows(), demo.episodes(), demo.all("summaries")
    assert len(episodes) == 18
    for writer in (dump.write_json, dump.write_jsonl):
        text, _ = _write(writer, shows, episodes, summaries)
        back = dump.read_export(text.encode())
        assert _by_id(back["shows"]) == _by_id(shows)
        assert _by_id(back["episodes"]) == _by_id(episodes)
        assert _by_id(back["summaries"]) == _by_id(summaries)
    davis = [c for e in episodes for c in e["credits"] if c["name"] == "Joseph Davis"]
    assert davis
    assert all(c["role"] == "guest" for c in davis)


# -- read_export refusals -----------------------------------------------------------------

GARBAGE = [
    (b"", "empty"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"<?xml version='1.0'?><rss/>", "not JSON"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b'{"schema_version": 1, "format": "catalog-export", "shows": [', "invalid JSON"),
    (b'{"some": "json"}', "format"),
    (b'{"_meta": {"1": {"schema_version": 1}}, "episodes": {}}', "catalog file"),
    (b'{"schema_version": "1", "format": "catalog-export"}', "schema_version"),
    (b'{"schema_version": 1, "format": "catalog-export", "shows": []}', "'episodes'"),
    (b'{"schema_version": 1, "format": "catalog-export", "shows": [{"title": "x"}],'
     b' "episodes": [], "summaries": []}', "shows[0] has no id"),
    (b'{"schema_version": 1, "format": "catalog-export", "shows": [], "summaries": [],'
     b' "episodes": [{"id": "a", "show_id": "s"}, {"id": "a", "show_id": "s"}]}', "twice"),
    (b'{"schema_version":1,"format":"catalog-export-jsonl"}\nnot json\n', "line 2"),
    (b'{"schema_version":1,"format":"catalog-export-jsonl"}\n{"type":"x","data":{}}\n',
     "unknown type"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "reason"), GARBAGE)
def test_read_export_refuses_garbage(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as info:
        dump.read_export(data, source="backup.json")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("backup.json: not a catalog export")
    assert reason in message


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_read_export_refuses_a_newer_schema(fmt: str) -> None:
    newer = SCHEMA_VERSION + 1
    if fmt == "json":
        data = json.dumps({"schema_version": newer, "format": "catalog-export", "shows": [],
                           "episodes": [], "summaries": []})  # fmt: skip
    else:
        data = json.dumps({"schema_version": newer, "format": "catalog-export-jsonl"}) + "\n"
    with pytest.raises(CatalogError) as info:
        dump.read_export(data.encode())
    message = str(info.value)
    assert "\n" not in message
    assert f"schema version {newer} is newer" in message
    assert "upgrade catalog" in message


def test_read_export_accepts_empty_jsonl_and_bom() -> None:
    text, _ = _write(dump.write_jsonl, [], [], [])
    assert dump.read_export(text.encode()) == {
        "schema_version": SCHEMA_VERSION, "shows": [], "episodes": [], "summaries": []
    }  # fmt: skip
    text, _ = _write(dump.write_json, [], [], [])
    assert dump.read_export(b"\xef\xbb\xbf" + text.encode())["episodes"] == []


# -- CSV --------------------------------------------------------------------------------


def test_csv_header_rows_and_formula_neutralised() -> None:
    shows, episodes, _ = _fixture()
    titles = {s["id"]: s["title"] for s in shows}
    text, _ = _write(dump.write_csv, episodes, titles)
    assert "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(dump.COLUMNS)
    assert [r["id"] for r in rows] == ["e3", "e1", "e2", "e4"]  # the order given
    first = rows[1]
    assert first["title"] == '\'=HYPERLINK("x")'
    assert first["guests"] == "'-5"
    assert first["hosts"] == "Maria Santos"
    assert first["show"] == "Alpha Hour"
    assert first["duration"] == "60"
    assert rows[0]["guests"] == "Joseph Davis"
    assert rows[0]["enclosure"] == "https://cdn.example.com/3.mp3"
    assert rows[3]["title"] == "Tom ]]> & Jerry evil steps"  # bidi and C1 dropped
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_csv_of_the_demo(demo: Store) -> None:
    shows = {s["id"]: s["title"] for s in demo.shows()}
    text, _ = _write(dump.write_csv, demo.episodes(), shows)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 18
    assert {r["show"] for r in rows} == {"Open Line", "Trendstorm"}
    assert any("Joseph Davis" in r["guests"] for r in rows)


# -- OPML -------------------------------------------------------------------------------


def test_opml_lists_http_feeds_and_reports_local_ones() -> None:
    shows, _, _ = _fixture()
    shows.append({"id": "s4", "title": TRICKY, "feed_url": "http://tricky.example.org/f?a=1&b=2",
                  "link": "javascript:alert(1)"})  # fmt: skip
    curated = [
        {"name": "best", "title": "Best <of> & more", "feed_url": "https://me.example.org/best.xml",
         "link": "https://me.example.org/"},
        {"name": "draft", "title": "Draft", "feed_url": None, "link": None},
    ]  # fmt: skip
    text, skipped = _write(opml.write_opml, shows, curated)
    assert skipped == ["Local Only", "Draft"]
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "catalog subscriptions"
    assert root.find("head/dateCreated") is None
    feeds = root.findall("body/outline[@type='rss']")
    assert [(o.get("text"), o.get("xmlUrl"), o.get("htmlUrl")) for o in feeds] == [
        ("Alpha Hour", "https://alpha.example.com/rss", "https://alpha.example.com"),
        ("Tom ]]> & Jerry evil steps", "http://tricky.example.org/f?a=1&b=2", None),
        ("Zed Radio", "https://zed.example.org/feed.xml", "https://zed.example.org/"),
    ]
    assert all(o.get("title") == o.get("text") for o in feeds)
    folder = root.find("body/outline[@text='Curated']")
    assert folder is not None
    assert folder.get("xmlUrl") is None
    assert [(o.get("type"), o.get("title"), o.get("xmlUrl")) for o in folder] == [
        ("rss", "Best <of> & more", "https://me.example.org/best.xml")
    ]
    assert "\u202e" not in text
    assert "\x9b" not in text


def test_opml_date_created_and_demo(demo: Store) -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    text, skipped = _write(opml.write_opml, demo.shows(), date_created=when, title="Mine")
    assert skipped == []  # local files, but their feeds name their http(s) self URL
    root = ET.fromstring(text)
    assert root.findtext("head/title") == "Mine"
    assert root.findtext("head/dateCreated") == "Mon, 06 May 2024 07:08:09 GMT"
    assert [o.get("xmlUrl") for o in root.iter("outline")] == [
        "https://openline.example.net/feed.rss",
        "https://radio.example.org/trendstorm/feed.xml",
    ]
    assert root.find("body/outline[@text='Curated']") is None


# -- Markdown ---------------------------------------------------------------------------


def _html(text: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)


def test_markdown_guide_order_and_content() -> None:
    shows, episodes, summaries = _fixture()
    text, _ = _write(markdown.write_markdown, shows, episodes, {s["id"]: s for s in summaries})
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# Alpha Hour"
    assert headings[1:4] == [
        "## 2024-03-01 — Later",
        "## 2024-02-01 — " + markdown.md_escape(HOSTILE),
        '## 2024-01-01 — \\=HYPERLINK("x")',
    ]
    assert headings[4:] == ["# Zed Radio", "## Undated — Tom \\]\\]\\> & Jerry evil steps"]
    assert "Local Only" not in text  # no episodes
    assert (
        "Length: 1:02:03 · Hosts: Maria Santos · Guests: "
        "[Joseph Davis](https://jdavismemphis.com) (an independent blogger) · "
        "Mentioned: Ada Lovelace"
    ) in text
    assert "First para of the \\*summary\\*.\n\nSecond para." in text
    assert "Third para" not in text
    assert "Third." not in text
    assert "First.\n\nMore." in text
    assert "And more." not in text
    html = _html(text)
    assert "<h1>Alpha Hour</h1>" in html
    assert "<h1>Zed Radio</h1>" in html
    assert "<em>" not in html  # "*zed*", "*x*", "_y_" are literal
    assert html.count("<a ") == 1
    assert '<a href="https://jdavismemphis.com">' in html


def test_markdown_escapes_hostile_text() -> None:
    shows, episodes, summaries = _fixture()
    text, _ = _write(markdown.write_markdown, shows, episodes, {s["id"]: s for s in summaries})
    assert "<script>" not in text
    assert re.findall(r"(?<!\\)\[[^]]*\]\(([^)]*)\)", text) == ["https://jdavismemphis.com"]
    assert "\u202e" not in text
    assert "\x9b" not in text
    html = _html(text)
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "").replace(
        "[x](javascript:y)", ""
    )
    assert "<script>" not in html
    assert "<code>" not in html
    assert "<ul>" not in html
    assert "<ol>" not in html
    assert (
        "<h2>2024-02-01 — [click](javascript:alert(1)) *x* "
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; _y_ `z` # no</h2>"
    ) in html
    assert "Guests: Evil" in text  # a javascript: website is not linked
    assert "Tom ]]&gt; &amp; Jerry evil steps" in html  # ]]> and & intact
    assert "\\- list?" in text
    assert "1\\. numbered?" in text


def test_markdown_of_the_demo(demo: Store) -> None:
    summaries = {s["id"]: s for s in demo.all("summaries")}
    text, _ = _write(markdown.write_markdown, demo.shows(), demo.episodes(), summaries)
    lines = text.splitlines()
    shows = [line for line in lines if line.startswith("# ")]
    assert shows == ["# Open Line", "# Trendstorm"]
    dates = [line[3:13] for line in lines if line.startswith("## ")]
    assert len(dates) == 18
    cut = lines.index("# Trendstorm")
    first = [line[3:13] for line in lines[:cut] if line.startswith("## ")]
    second = [line[3:13] for line in lines[cut:] if line.startswith("## ")]
    assert first == sorted(first, reverse=True)
    assert second == sorted(second, reverse=True)
    assert "[Joseph Davis](https://jdavismemphis.com)" in text
    assert "Hosts: Andrew Korybko" in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
