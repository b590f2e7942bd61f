"""The command line as a user meets it: exit codes, one-line errors, --json, safe output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from conftest import FEEDS, ROOT
from rich.console import Console

from catalog import ui
from catalog.cli import app


def _commands():
    for c in app.registered_commands:
        yield (c.name or c.callback.__name__,), c
    for group in app.registered_groups:
        for c in group.typer_instance.registered_commands:
            yield (group.name, c.name or c.callback.__name__), c


COMMANDS = {" ".join(path): cmd for path, cmd in _commands()}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(cli, command: str) -> None:
    result = cli(*command.split(), "--help")
    assert "Usage" in result.stdout
    cmd = COMMANDS[command]
    assert cmd.help or cmd.callback.__doc__, f"{command} has no help text"


def test_module_and_version_entry_points() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "catalog", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("catalog ")


def test_podcast_namespace_credits_and_fields(cli) -> None:
    cli("ingest", FEEDS / "persons.xml")
    episodes = {e["guid"]: e for e in cli.json("list")}
    fog = episodes["hl-003"]
    assert [(c["name"], c["role"], c["group"]) for c in fog["credits"]] == [
        ("Inès Moreau", "host", "cast"),
        ("Ada Lindqvist", "guest", "cast"),
        ("Sam Okafor", "audio engineer", "audio post-production"),
    ]
    assert fog["credits"][1]["href"] == "https://ada.example.org"
    assert fog["credits"][1]["img"] == "https://ada.example.org/a.jpg"
    assert [t["type"] for t in fog["transcripts"]] == ["text/vtt", "application/x-subrip"]
    assert fog["chapters"]["url"] == "https://cdn.example.com/hl/003.json"
    assert fog["explicit"] is False
    assert fog["duration"] == 3723
    assert fog["published"] == "2023-03-07T08:30:00Z"
    assert fog["description"] == "Inès and Tomasz talk with Ada Lindqvist about lighthouses."
    # No item-level persons: the channel's regulars apply (Co-Host lower-cased).
    assert [(c["name"], c["role"], c["scope"]) for c in episodes["hl-002"]["credits"]] == [
        ("Inès Moreau", "host", "channel"),
        ("Tomasz Wrona", "co-host", "channel"),
    ]
    assert episodes["hl-001"]["duration"] == 1745.5
    # Only a guest is tagged: the show's regular hosts appear too, marked as coming from
    # the show rather than from the item.
    nameless = episodes["hl-001"]["credits"]
    assert [c["name"] for c in nameless if c["source"] == "feed"] == ["Bea Kowalczyk"]
    assert {(c["name"], c["source"]) for c in nameless if c["role"] == "host"} == {
        ("Inès Moreau", "show"),
        ("Tomasz Wrona", "show"),
    }
    (show,) = cli.json("shows")
    assert show["explicit"] is True
    assert show["podcast_guid"] == "4d6a1b0e-6d0f-5d8a-9b7e-0c1f2a3b4c5d"
    assert show["locked"] is True
    assert show["locked_owner"] == "ops@harbour.example.com"
    assert show["episode_count"] == 3


def test_show_detail_lists_every_field_and_credits(cli) -> None:
    cli("ingest", FEEDS / "persons.xml")
    ep = next(e for e in cli.json("list") if e["guid"] == "hl-003")
    out = cli("show", ep["id"][:6]).stdout
    for text in ("Fog Signals", "Harbour Lights", "hl-003", "1:02:03", "Ada Lindqvist", "guest"):
        assert text in out
    assert cli.json("show", ep["id"]) == ep


def test_hostile_text_prints_literally(cli) -> None:
    cli("ingest", FEEDS / "hostile.xml")
    out = cli("list").stdout + cli("shows").stdout
    assert "[bold red]Owned[/bold red]" in out
    for ep in cli.json("list"):
        detail = cli("show", ep["id"]).stdout
        assert "\x1b" not in detail
        assert "\u202e" not in detail
        assert "\x9b" not in detail
    titles = [e["title"] for e in cli.json("list")]
    assert "[link=file:///etc/passwd]click me[/link] and [/bold] unbalanced" in titles
    # The bidi override is gone; the C1 CSI (U+009B) never survives as a control character
    # (feedparser maps &#x9b; to the Windows-1252 character, as HTML5 does).
    bidi = next(t for t in titles if t.startswith("Bidi"))
    assert bidi.startswith("Bidi txt.exe and C1 ")
    assert "\x9b" not in bidi
    assert all("\x1b" not in e["description"] for e in cli.json("list"))


def test_hostile_text_on_a_colour_terminal_has_no_injected_codes(cli) -> None:
    cli("ingest", FEEDS / "hostile.xml")
    episodes = cli.json("list")
    shows = {s["id"]: s for s in cli.json("shows")}
    buf = StringIO()
    console = Console(file=buf, force_terminal=True, color_system="truecolor", width=200)
    console.print(ui.episode_table(episodes, shows, 200))
    for ep in episodes:
        console.print(ui.episode_panel(ep, shows[ep["show_id"]]))
    out = buf.getvalue()
    assert "\x1b]8;" not in out  # no OSC 8 hyperlink from [link=…]
    assert "\x1b[31m" not in out  # no SGR red from the description
    assert "[link=file:///etc/passwd]click" in out
    assert ":thumbs_up:" in out


def test_non_terminal_output_has_no_colour_codes(cli) -> None:
    cli("ingest", FEEDS / "persons.xml")
    for args in (("list",), ("shows",), ("ingest", FEEDS / "persons.xml")):
        assert "\x1b[" not in cli(*args).stdout


def test_malformed_and_encoded_feeds(cli) -> None:
    report = cli.json("ingest", FEEDS / "malformed.xml", FEEDS / "latin1.xml")
    malformed, latin1 = report["sources"]
    assert malformed["new"] == 2
    assert any("malformed" in w for w in malformed["warnings"])
    assert latin1["show_title"] == "Rádio Coração"
    assert "Edição da manhã" in [e["title"] for e in cli.json("list")]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-a-feed.html", "html document"),
        ("empty.xml", "empty file"),
        ("does-not-exist.xml", "no such file"),
    ],
)
def test_bad_source_is_one_line_and_batch_goes_on(cli, name: str, message: str) -> None:
    result = cli("ingest", FEEDS / name, FEEDS / "atom.xml", code=1)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert name in errors[0]
    assert message in errors[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert [e["title"] for e in cli.json("list")] == ["Atom Episode One"]


def test_unsupported_scheme_is_refused(cli) -> None:
    result = cli("ingest", "ftp://example.com/feed.xml", code=1)
    assert "unsupported scheme 'ftp'" in result.stderr


def test_opml_ingests_its_feeds_and_reports_missing_ones(cli) -> None:
    report = cli.json("ingest", FEEDS / "list.opml", code=1)
    statuses = {Path(r["source"]).name: r["status"] for r in report["sources"]}
    assert statuses == {
        "list.opml": "opml",
        "persons.xml": "ok",
        "does-not-exist.xml": "error",
        "atom.xml": "ok",
    }
    assert sorted(s["title"] for s in cli.json("shows")) == ["Atom Hour", "Harbour Lights"]


def test_duplicates_inside_a_feed_are_reported_and_one_kept(cli) -> None:
    (row,) = cli.json("ingest", FEEDS / "dupes.xml")["sources"]
    assert row["duplicates"] == 2
    assert row["new"] == 3
    assert sorted(e["title"] for e in cli.json("list")) == ["No guid", "One", "Title only"]


def test_reingest_is_idempotent(cli) -> None:
    first = cli.json("ingest", FEEDS / "persons.xml")["sources"][0]
    second = cli.json("ingest", FEEDS / "persons.xml")["sources"][0]
    assert (first["new"], second["new"], second["unchanged"], second["updated"]) == (3, 0, 3, 0)
    assert len(cli.json("list")) == 3
    assert len(cli.json("shows")) == 1


def _feed(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><pubDate>Mon, 06 Mar 2023 08:00:00 +0000"
        f'</pubDate><enclosure url="{u}" length="1" type="audio/mpeg"/></item>'
        for g, t, u in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Evolving</title>'
        f"<link>https://ev.example.com/</link><description>d</description>{body}"
        "</channel></rss>"
    )


def test_updates_in_place_and_keeps_vanished_episodes(cli, tmp_path: Path) -> None:
    feed = tmp_path / "ev.xml"
    feed.write_text(_feed([("a", "Alpha", "https://x/a.mp3"), ("b", "Beta", "https://x/b.mp3")]))
    cli("ingest", feed)
    ids = {e["guid"]: e["id"] for e in cli.json("list")}
    # Same guid, new enclosure URL and title: an update. "b" vanished: kept, marked absent.
    feed.write_text(_feed([("a", "Alpha (fixed)", "https://cdn/a2.mp3")]))
    row = cli.json("ingest", feed)["sources"][0]
    assert (row["new"], row["updated"], row["absent"]) == (0, 1, 1)
    episodes = {e["guid"]: e for e in cli.json("list")}
    assert {g: e["id"] for g, e in episodes.items()} == ids
    assert episodes["a"]["title"] == "Alpha (fixed)"
    assert episodes["a"]["enclosures"][0]["url"] == "https://cdn/a2.mp3"
    assert episodes["b"]["absent_since"] is not None
    assert "gone from feed" in cli("list").stdout
    # It comes back: no longer absent, still the same episode.
    feed.write_text(_feed([("a", "Alpha (fixed)", "https://cdn/a2.mp3"), ("b", "Beta", "u")]))
    cli("ingest", feed)
    assert {e["guid"]: e["absent_since"] for e in cli.json("list")} == {"a": None, "b": None}
    assert len(cli.json("list")) == 2


def test_list_filters(cli) -> None:
    cli("ingest", ROOT / "feeds")
    everything = cli.json("list")
    assert len(everything) == 18
    dates = [e["published"] for e in everything]
    assert dates == sorted(dates, reverse=True)
    trend = cli.json("list", "--show", "trendstorm")
    assert len(trend) == 12
    may = cli.json("list", "--since", "2017-05", "--until", "2017-05")
    assert may
    assert all(e["published"].startswith("2017-05") for e in may)
    assert [e["title"] for e in cli.json("list", "--search", "JIRI novák")] == [
        "Montenegro Joins NATO: What Changes in the Balkans?"
    ]
    assert len(cli.json("list", "--limit", "3")) == 3
    assert cli("list", "--search", "zzzz-nothing").stderr.startswith("no episodes match")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("list", "--since", "2017-13"), 2, "--since 2017-13: no month 13"),
        (("list", "--until", "2017-02-29"), 2, "--until 2017-02-29: no day 29 in February 2017"),
        (("list", "date:2012-13.."), 2, "date:2012-13: no month 13"),
        (("list", "date:2012-02-30"), 2, "date:2012-02-30: no day 30 in February 2012"),
        (("list", "--until", "soon"), 2, "bad date 'soon'"),
        (("list", "--show", "no-such-show"), 1, "no show matches 'no-such-show'"),
        (("show", "ffffffffff"), 1, "no episode with id 'ffffffffff'"),
        (("list", "--bogus"), 2, "No such option"),
    ],
)
def test_errors_are_one_line_with_exit_codes(cli, args, code: int, message: str) -> None:
    cli("ingest", FEEDS / "persons.xml")
    result = cli(*args, code=code)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_ambiguous_prefix(cli) -> None:
    cli("ingest", ROOT / "feeds")
    ids = [e["id"] for e in cli.json("list")]
    prefix = next(p for p in (i[:1] for i in ids) if sum(1 for j in ids if j.startswith(p)) > 1)
    assert "ambiguous" in cli("show", prefix, code=1).stderr


def test_debug_shows_the_traceback(cli) -> None:
    result = cli("--debug", "show", "nope", code=1)
    assert type(result.exception).__name__ == "NotFoundError"


def test_json_shape_is_stable(cli) -> None:
    cli("ingest", FEEDS / "persons.xml")
    keys = {
        "id", "show_id", "guid", "title", "link", "published", "duration", "description",
        "description_html", "content_html", "enclosures", "image", "explicit", "episode",
        "season", "episode_type", "author", "keywords", "credits", "transcripts", "chapters",
        "first_seen", "last_seen", "updated_at", "absent_since", "credit_inputs", "mentions",
        "summary_id", "topics", "suggested_credits",
    }  # fmt: skip
    for ep in cli.json("list"):
        assert set(ep) == keys
        for credit in ep["credits"]:
            assert {"name", "role", "group", "href", "img", "key", "source", "bio"} <= set(credit)


def test_bundled_demo_data(cli) -> None:
    report = cli.json("ingest", ROOT / "feeds")
    assert not report["failed"]
    lavrov = cli.json("list", "--search", "Lavrov-Tillerson")
    (ep,) = [e for e in lavrov if e["title"].startswith("Lavrov-Tillerson Meet")]
    assert ep["published"].startswith("2017-05-10")
    people = {(c["name"], c["role"]) for c in ep["credits"]}
    assert people == {("Andrew Korybko", "host"), ("Joseph Davis", "guest")}
    out = cli("show", ep["id"]).stdout
    assert "Joseph Davis" in out
    assert "Andrew Korybko" in out


def test_a_bug_on_one_feed_does_not_stop_the_batch(cli, monkeypatch) -> None:
    from catalog.core import normalize

    real = normalize.normalize_channel

    def explode_on_atom(raw):
        if raw.get("title") == "Atom Hour":
            raise RuntimeError("simulated bug")
        return real(raw)

    monkeypatch.setattr(normalize, "normalize_channel", explode_on_atom)
    result = cli("ingest", FEEDS / "atom.xml", FEEDS / "persons.xml", code=1)
    assert "internal error RuntimeError: simulated bug" in result.stderr
    assert "--debug" in result.stderr
    assert [s["title"] for s in cli.json("shows")] == ["Harbour Lights"]
    debug = cli("--debug", "ingest", FEEDS / "atom.xml", code=1)
    assert isinstance(debug.exception, RuntimeError)


# The columns each width keeps (at 80 the rest give way by priority, the title keeps 30 cells).
KEPT = {
    80: (("date", "show", "title", "guests", "id"), ("show", "episodes", "last", "status", "id")),
    100: (("date", "show", "title", "length", "hosts", "guests", "id"),
          ("show", "episodes", "first", "last", "status", "id")),
    160: (("date", "show", "title", "length", "hosts", "guests", "sum", "id"),
          ("show", "episodes", "first", "last", "status", "checked", "id")),
}  # fmt: skip


@pytest.mark.parametrize("width", [80, 100, 160])
def test_tables_fit_the_terminal_and_keep_their_main_columns(cli, width: int) -> None:
    cli("ingest", ROOT / "feeds")
    episodes = cli.json("list")
    shows = cli.json("shows")
    report = cli.json("ingest", ROOT / "feeds")["sources"]
    from catalog.services.ingest import SourceReport

    tables = {
        KEPT[width][0]: ui.episode_table(episodes, {s["id"]: s for s in shows}, width),
        KEPT[width][1]: ui.shows_table(shows, {}, width),
        ("source", "new", "updated", "same", "absent", "status"): ui.report_table(
            [SourceReport(**r) for r in report], width
        ),
    }
    for headers, table in tables.items():
        buf = StringIO()
        Console(file=buf, width=width, color_system=None).print(table)
        lines = buf.getvalue().splitlines()
        assert max(len(line) for line in lines) <= width
        for header in headers:
            assert header in lines[0], (header, lines[0])
    buf = StringIO()
    Console(file=buf, width=width, color_system=None).print(tables[next(iter(tables))])
    assert "2017-05-10" in buf.getvalue()  # dates are never truncated


def test_json_output_escapes_terminal_controls_and_stays_valid(cli, tmp_path: Path) -> None:
    feed = tmp_path / "c1.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>C1</title>'
        "<link>https://c1.example.com/</link><description>d</description><item>"
        "<title>t</title><guid>g</guid><description>raw \u009b31m and \u202e bidi"
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    cli("ingest", feed)
    out = cli("list", "--json").stdout
    assert "\u009b" not in out
    assert "\u202e" not in out
    assert "\\u202e" in out  # escaped, not dropped
    (ep,) = json.loads(out)  # still valid JSON, with the raw HTML kept intact
    assert "\u202e bidi" in ep["description_html"]


def test_shell_completion_offers_shows_and_people(cli, db_path: Path) -> None:
    import os

    cli("ingest", ROOT / "feeds")
    # The bash script `--install-completion` writes (asked for by name: `--show-completion`
    # guesses the shell from the parent processes, which under make is /bin/sh).
    script = subprocess.run(
        [str(Path(sys.executable).parent / "catalog")], capture_output=True, text=True,
        env=dict(os.environ, _CATALOG_COMPLETE="source_bash"), check=True,
    ).stdout  # fmt: skip
    assert "_catalog_completion" in script

    def complete(words: str) -> str:
        env = dict(os.environ, CATALOG_DB=str(db_path), _CATALOG_COMPLETE="complete_zsh",
                   _TYPER_COMPLETE_ARGS=words)  # fmt: skip
        # The console script: completion is keyed on the program name, "catalog".
        script = Path(sys.executable).parent / "catalog"
        return subprocess.run([str(script)], capture_output=True, text=True, env=env).stdout

    assert "Trendstorm" in complete("catalog list --show Tre")
    assert "Joseph Davis" in complete("catalog list --guest Jo")
    assert "Andrew Korybko" in complete("catalog list --host An")


def test_export_opml_reports_feeds_written_and_one_line_for_those_left_out(
    cli, tmp_path: Path
) -> None:
    for name in ("dupes", "hostile", "latin1", "malformed", "persons", "atom"):  # local only
        cli("ingest", FEEDS / f"{name}.xml")  # (but atom.xml names its http(s) self URL)
    cli("ingest", ROOT / "feeds")  # two feeds that name their http(s) URLs
    out = tmp_path / "subs_out.opml"
    result = cli("export", "opml", "-o", out)
    outlines = ET.parse(out).getroot().findall("body/outline[@type='rss']")
    assert len(outlines) == 3
    lines = result.stderr.splitlines()
    assert lines == [
        "left out 5 shows with no http(s) feed URL; --verbose lists them",
        f"wrote {out}: 3 feeds",  # what the file holds, not the catalog's episode count
    ]
    verbose = cli("export", "opml", "-o", out, "--verbose").stderr.splitlines()
    assert verbose[0] == "left out 5 shows with no http(s) feed URL:"
    assert "  Harbour Lights" in verbose
    assert "  [bold red]Owned[/bold red] Radio" in verbose  # the title as text, not markup
    assert len(verbose) == 7
    few = cli("export", "opml", "show:harbour", "-o", out).stderr.splitlines()
    assert few == [
        "left out 1 show with no http(s) feed URL: Harbour Lights",
        f"wrote {out}: 0 feeds",
    ]


# Ingest's report, as a beets or newsboat user reads it: the warnings first (at most 3 a
# source unless --verbose), the table with a count of warnings per source, then every
# `error:` line, where it is seen, and a one-line total.
def test_ingest_report_warnings_then_table_then_errors_then_total(cli) -> None:
    result = cli("ingest", FEEDS / "malformed.xml", FEEDS / "empty.xml", FEEDS / "dupes.xml",
                 code=1)  # fmt: skip
    lines = result.output.splitlines()  # stdout and stderr as a terminal shows them
    header = next(i for i, ln in enumerate(lines) if ln.startswith("source "))
    warnings = [i for i, ln in enumerate(lines) if ln.startswith("warning: ")]
    errors = [i for i, ln in enumerate(lines) if ln.startswith("error: ")]
    assert len(warnings) == 3
    assert max(warnings) < header  # before the table, not pushing the error out of sight
    assert len(errors) == 1
    assert errors[0] > header + 4  # after the table's three rows
    assert "empty.xml: empty file" in lines[errors[0]]
    assert lines[-1] == "3 sources: 2 read, 1 failed, 3 warnings"
    assert errors[0] == len(lines) - 2
    dupes = next(ln for ln in result.stdout.splitlines() if ln.startswith("dupes.xml"))
    assert dupes.split()[-2:] == ["2", "ok"]  # the warn column
    assert "warning:" not in result.stdout  # the table and total stay clean when piped


def test_ingest_lists_three_warnings_a_source_and_verbose_all(cli, tmp_path: Path) -> None:
    result = cli("ingest", FEEDS / "reposts.xml")
    warnings = result.stderr.splitlines()
    assert len(warnings) == 4
    assert warnings[0].startswith("warning: reposts.xml: duplicate item (guid 'loop-1')")
    assert warnings[-1] == "warning: reposts.xml: … and 2 more (--verbose lists them)"
    assert result.stdout.splitlines()[-1] == "1 source: 1 read, 0 failed, 5 warnings"
    cli("--db", tmp_path / "again.json", "ingest", FEEDS / "reposts.xml", "--json")
    everything = cli("--db", tmp_path / "v.json", "ingest", FEEDS / "reposts.xml", "-v").stderr
    assert len(everything.splitlines()) == 5
    assert "more" not in everything
    report = cli.json("--db", tmp_path / "j.json", "ingest", FEEDS / "reposts.xml")
    assert len(report["sources"][0]["warnings"]) == 5  # --json keeps every warning


def test_parse_warnings_name_line_and_column(cli) -> None:
    warning = cli("ingest", FEEDS / "malformed.xml").stderr.strip()
    assert "line 6, column 37: undefined entity" in warning
    assert "<unknown>" not in warning


def _on_tty(command: str, db: Path, cols: int) -> str:
    env = dict(os.environ, CATALOG_DB=str(db))
    for name in ("LESS", "PAGER", "NO_COLOR", "COLUMNS"):
        env.pop(name, None)
    out = subprocess.run(["script", "-qec", f"stty rows 40 cols {cols}; {command}", "/dev/null"],
                         capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out.stdout).replace("\r", "")


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1)")
@pytest.mark.parametrize("cols", [80, 160])
def test_ingest_errors_and_total_are_last_on_a_terminal(tmp_path: Path, cols: int) -> None:
    catalog = Path(sys.executable).parent / "catalog"
    sources = " ".join(str(FEEDS / f) for f in ("reposts.xml", "empty.xml", "malformed.xml"))
    screen = _on_tty(f"{catalog} ingest {sources}", tmp_path / "c.json", cols)
    lines = [ln for ln in screen.splitlines() if ln.strip() and "━━" not in ln]  # no bar
    assert lines[-1] == "3 sources: 2 read, 1 failed, 6 warnings"
    assert lines[-2].startswith("error: ")
    assert lines[-2].endswith("empty.xml: empty file")
    assert lines[0].startswith("warning: reposts.xml: ")
    header = next(i for i, ln in enumerate(lines) if ln.startswith("source "))
    assert sum(ln.startswith("warning: ") for ln in lines[:header]) == 5  # 3 + 1 + 1
    assert not any(ln.startswith("warning: ") for ln in lines[header:])
    assert all(len(ln) <= cols for ln in lines if not ln.startswith(("warning:", "error:")))
    assert "<unknown>" not in screen


def test_the_ids_a_listing_prints_open_their_episode(cli) -> None:
    cli("ingest", ROOT / "feeds")
    rows = cli("list", "--no-pager").stdout.splitlines()[2:]
    shown = [row.split()[-1] for row in rows if row[:4].isdigit()]
    assert shown
    assert all(len(ref) < 12 for ref in shown)  # shortened
    for ref in shown[:5]:
        assert ref in cli("show", ref, "--json").stdout
