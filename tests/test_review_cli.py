"""Scraped summaries and matching as a user meets them: `catalog summaries …` and `match …`.

Every test starts from its own empty catalog ($CATALOG_DB, see conftest). Pages written here
are this file's own text, shaped like the bundled pages in feeds/summaries.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT

from catalog.cli import app

FEEDS = ROOT / "feeds"
PAGES = FEEDS / "summaries"
LAVROV_PAGE = PAGES / "trendstorm-2017-05-10-lavrov-tillerson-meet.txt"
LAVROV = "trendstorm-2017-05-10-lavrov-tillerson-meet"
MOSCOW = "trendstorm-2017-04-12-tillerson-in-moscow"
STREETCAR = "open-line-2017-05-23-streetcar-lines-history"
LAVROV_TITLE = "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit"
LAVROV_MENTIONS = ["Rex Tillerson", "Vladimir Putin", "Donald Trump", "Sergei Lavrov"]

# Loosely like the Lavrov-Tillerson episode: other wording, no date, a slug with no words.
LOOSE_PAGE = """\
Listen Live

    Lavrov Visits Tillerson in Washington

    Get short URL

    The two top diplomats sat down together again, this time on the American side of the \
ocean, and our programme looked at what a summit of the presidents might need.

    The programme talks it over with listeners who called in.
"""

# About the streetcar episode, naming a guest that neither the feed nor the bundled page has.
TRAM_PAGE = """\
Riding the Old Tram Lines

Dev Patel is joined by Ruth Calloway, a local historian, and Oskar Lindahl, a retired tram \
driver who runs oldtracks.example.com, to remember the city's streetcars.

Callers shared memories of summer trips to the lake.

transit, Frank Sprague, history, trams
"""


# -- helpers ------------------------------------------------------------------------------
def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def summaries(cli) -> dict[str, dict]:
    return {s["id"]: s for s in cli.json("summaries", "list")}


def episodes(cli) -> dict[str, dict]:
    """Episodes by guid."""
    return {e["guid"]: e for e in cli.json("list")}


def decisions(cli) -> list[dict]:
    return cli.json("match", "log")


def import_one(cli, path: Path) -> dict:
    (row,) = cli.json("summaries", "import", path)["pages"]
    return row


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


@pytest.fixture
def loose(cli, tmp_path: Path) -> dict:
    """The catalog with both feeds and one loosely matching page waiting for review."""
    cli("ingest", FEEDS)
    row = import_one(cli, write(tmp_path / "pages", "n1.txt", LOOSE_PAGE))
    assert row["status"] == "new"
    assert row["state"] == "review"
    return summaries(cli)[row["summary_id"]]


# -- 1. importing the bundled pages ------------------------------------------------------
def test_bundled_pages_all_match_their_episodes_and_reimport_is_a_no_op(cli) -> None:
    cli("ingest", FEEDS)
    report = cli.json("summaries", "import", PAGES)
    assert report["failed"] == 0
    pages = report["pages"]
    assert len(pages) == 18
    by_guid = episodes(cli)
    for row in pages:
        stem = Path(row["source"]).stem
        assert row["status"] == "new", row
        assert row["error"] is None
        assert row["state"] == "auto", row
        assert row["episode_id"] == by_guid[stem]["id"], stem
        assert by_guid[stem]["summary_id"] == row["summary_id"]
        assert row["score"] >= 0.75
    stored = summaries(cli)
    assert len(stored) == 18
    assert {s["state"] for s in stored.values()} == {"auto"}
    assert sum(d["action"] == "auto" for d in decisions(cli)) == 18

    before = (cli("summaries", "list", "--json").stdout, decisions(cli), cli.json("list"))
    again = cli.json("summaries", "import", PAGES)
    assert again["failed"] == 0
    assert len(again["pages"]) == 18
    assert {r["status"] for r in again["pages"]} == {"unchanged"}
    assert {r["state"] for r in again["pages"]} == {"auto"}
    assert {r["summary_id"] for r in again["pages"]} == set(stored)
    after = (cli("summaries", "list", "--json").stdout, decisions(cli), cli.json("list"))
    assert after == before


def test_pages_imported_before_their_feed_match_after_match_run(cli) -> None:
    row = import_one(cli, LAVROV_PAGE)
    assert (row["state"], row["episode_id"]) == ("unmatched", None)
    cli("ingest", FEEDS)
    cli("match", "run", "--dry-run")
    assert summaries(cli)[row["summary_id"]]["state"] == "unmatched"
    cli("match", "run")
    doc = summaries(cli)[row["summary_id"]]
    assert doc["state"] == "auto"
    assert doc["episode_id"] == episodes(cli)[LAVROV]["id"]


def test_the_same_page_twice_in_one_call_is_imported_once(cli, tmp_path: Path) -> None:
    cli("ingest", FEEDS)
    first = write(tmp_path / "a", "n1.txt", LOOSE_PAGE)
    copy = write(tmp_path / "b", "n1-copy.txt", LOOSE_PAGE)
    rows = cli.json("summaries", "import", first, copy)["pages"]
    assert [r["status"] for r in rows] == ["new", "unchanged"]
    assert rows[0]["summary_id"] == rows[1]["summary_id"]
    assert len(summaries(cli)) == 1


def test_a_copy_in_the_same_call_reports_the_pages_title_and_state(cli, tmp_path) -> None:
    cli("ingest", FEEDS)
    first = write(tmp_path / "a", "n1.txt", LOOSE_PAGE)
    copy = write(tmp_path / "b", "n1-copy.txt", LOOSE_PAGE)
    rows = cli.json("summaries", "import", first, copy)["pages"]
    assert rows[1]["title"] == rows[0]["title"] == "Lavrov Visits Tillerson in Washington"
    assert rows[1]["state"] == rows[0]["state"] == "review"


# -- 2. the review queue, --yes, the log and undo ----------------------------------------
def test_loose_page_waits_for_review_with_a_suggestion(cli, loose: dict) -> None:
    lavrov = episodes(cli)[LAVROV]
    assert loose["state"] == "review"
    assert loose["episode_id"] is None
    assert loose["suggested"] == lavrov["id"]
    assert 0.45 <= loose["score"] < 0.75
    assert loose["candidates"][0]["episode_id"] == lavrov["id"]
    assert lavrov.get("summary_id") is None  # nothing attached while it waits
    assert decisions(cli) == []
    assert [s["id"] for s in cli.json("summaries", "list", "--state", "review")] == [loose["id"]]
    assert cli.json("summaries", "list", "--state", "auto") == []


def test_review_dry_run_and_yes_below_min_change_nothing(cli, loose: dict) -> None:
    before = cli("summaries", "list", "--json").stdout
    dry = cli("match", "review", "--dry-run", "--min", "0.3")
    assert "accept" in dry.stdout
    assert loose["id"][:8] in dry.stdout
    assert "dry run: nothing changed" in dry.stderr
    assert cli("summaries", "list", "--json").stdout == before
    assert decisions(cli) == []
    # --yes with the default --min (0.6) leaves a 0.50 suggestion alone.
    left = cli("match", "review", "--yes")
    assert "leave" in left.stdout
    assert cli("summaries", "list", "--json").stdout == before
    assert decisions(cli) == []


def test_review_yes_accepts_logs_and_undo_restores_the_suggestion(cli, loose: dict) -> None:
    lavrov_id = episodes(cli)[LAVROV]["id"]
    cli("match", "review", "--yes", "--min", "0.3")
    doc = summaries(cli)[loose["id"]]
    assert (doc["state"], doc["episode_id"]) == ("accepted", lavrov_id)
    assert episodes(cli)[LAVROV]["summary_id"] == loose["id"]

    (entry,) = decisions(cli)
    assert entry["action"] == "accept"
    assert entry["summary_id"] == loose["id"]
    assert entry["episode_id"] == lavrov_id
    assert entry["state"] == "accepted"
    assert entry["undone"] is False
    assert "--yes" in entry["reason"]
    assert "0.3" in entry["reason"]
    assert datetime.fromisoformat(entry["time"])
    assert "accept" in cli("match", "log").stdout

    out = cli("match", "undo").stdout
    assert loose["id"][:8] in out
    assert "review again" in out
    doc = summaries(cli)[loose["id"]]
    assert doc["state"] == "review"
    assert doc["episode_id"] is None
    assert doc["suggested"] == lavrov_id
    assert doc["score"] == loose["score"]
    assert episodes(cli)[LAVROV]["summary_id"] is None

    accept, undo = decisions(cli)
    assert accept["undone"] is True
    assert undo["action"] == "undo"
    assert undo["reason"] == f"undid decision {accept['id']}"
    assert undo["summary_id"] == loose["id"]
    assert "(undone)" in cli("match", "log").stdout
    # Nothing is left to undo, and an undo cannot itself be undone.
    assert "no decision to undo" in cli("match", "undo", code=1).stderr
    assert "cannot be undone" in cli("match", "undo", undo["id"], code=2).stderr
    assert "no decision '99'" in cli("match", "undo", "99", code=1).stderr


def test_review_with_an_empty_queue_says_so(cli) -> None:
    cli("ingest", FEEDS)
    assert "nothing to review" in cli("match", "review").stderr
    assert "no decisions yet" in cli("match", "log").stderr


# -- 3. interactive review ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("answers", "state", "guid", "reason"),
    [
        ("u\n", "rejected", None, "marked unmatched"),
        ("1\n", "accepted", LAVROV, "picked candidate 1 in review"),
        ("a\n", "accepted", LAVROV, "picked candidate 1 in review"),
        ("2\n", "accepted", MOSCOW, "picked candidate 2 in review"),
        (  # the search finds Moscow; the page's own scorer still ranks Lavrov first
            "s\nTillerson Moscow Shayrat strike\n2\n",
            "accepted",
            MOSCOW,
            "picked candidate 2 in review",
        ),
    ],
    ids=["unmatched", "pick-1", "accept", "pick-2", "search"],
)
def test_interactive_review_decisions(cli, loose, answers, state, guid, reason) -> None:
    result = cli.runner.invoke(app, ["match", "review"], input=answers)
    assert result.exit_code == 0, result.output
    assert "1 of 1" in result.stdout
    assert "Lavrov Visits Tillerson in Washington" in result.stdout
    doc = summaries(cli)[loose["id"]]
    by_guid = episodes(cli)
    assert doc["state"] == state
    assert doc["episode_id"] == (by_guid[guid]["id"] if guid else None)
    if guid:
        assert by_guid[guid]["summary_id"] == loose["id"]
    (entry,) = decisions(cli)
    assert entry["action"] == ("reject" if state == "rejected" else "accept")
    assert entry["reason"] == reason
    assert cli.json("summaries", "list", "--state", "review") == []


@pytest.mark.parametrize("answers", ["q\n", "k\n"], ids=["quit", "skip"])
def test_interactive_quit_or_skip_changes_nothing(cli, loose: dict, answers: str) -> None:
    before = cli("summaries", "list", "--json").stdout
    result = cli.runner.invoke(app, ["match", "review"], input=answers)
    assert result.exit_code == 0, result.output
    assert cli("summaries", "list", "--json").stdout == before
    assert decisions(cli) == []


def test_interactive_rejection_can_be_undone(cli, loose: dict) -> None:
    cli.runner.invoke(app, ["match", "review"], input="u\n")
    assert summaries(cli)[loose["id"]]["state"] == "rejected"
    cli("match", "undo")
    doc = summaries(cli)[loose["id"]]
    assert (doc["state"], doc["suggested"]) == ("review", loose["suggested"])


def test_interactive_prompt_shows_the_answer_keys(cli, loose: dict) -> None:
    result = cli.runner.invoke(app, ["match", "review"], input="q\n")
    assert "[a]ccept" in result.stdout
    assert "[q]uit" in result.stdout


# -- 4. set and clear by hand ------------------------------------------------------------
def test_set_moves_a_summary_to_another_episode(cli) -> None:
    cli("ingest", FEEDS)
    cli("summaries", "import", PAGES)
    by_guid = episodes(cli)
    lavrov, moscow = by_guid[LAVROV], by_guid[MOSCOW]
    lavrov_sid, moscow_sid = lavrov["summary_id"], moscow["summary_id"]
    assert lavrov_sid
    assert moscow_sid

    out = cli("match", "set", moscow["id"][:6], lavrov_sid[:6]).stdout
    assert lavrov_sid[:8] in out
    assert moscow["id"][:8] in out
    by_guid = episodes(cli)
    assert by_guid[MOSCOW]["summary_id"] == lavrov_sid
    assert by_guid[LAVROV]["summary_id"] is None  # the old episode lets go
    assert sorted(by_guid[MOSCOW]["mentions"]) == sorted(LAVROV_MENTIONS)
    assert by_guid[LAVROV]["mentions"] == ["Rex Tillerson"]  # its own description names him
    docs = summaries(cli)
    assert (docs[lavrov_sid]["state"], docs[lavrov_sid]["episode_id"]) == ("manual", moscow["id"])
    # One summary per episode: Moscow's own page was detached, and that was logged.
    assert (docs[moscow_sid]["state"], docs[moscow_sid]["episode_id"]) == ("unmatched", None)
    owners = [e["summary_id"] for e in by_guid.values() if e.get("summary_id")]
    assert len(owners) == len(set(owners)) == 17
    *_, cleared, setting = decisions(cli)
    assert (cleared["action"], cleared["summary_id"]) == ("clear", moscow_sid)
    assert moscow["id"] in cleared["reason"]
    assert (setting["action"], setting["summary_id"]) == ("set", lavrov_sid)
    assert setting["episode_id"] == moscow["id"]
    assert setting["reason"] == "set by hand"

    # Undo the set: the summary goes back to its episode.
    cli("match", "undo")
    by_guid = episodes(cli)
    assert by_guid[LAVROV]["summary_id"] == lavrov_sid
    assert by_guid[MOSCOW]["summary_id"] is None
    assert summaries(cli)[lavrov_sid]["state"] == "auto"


def test_undo_gives_the_displaced_summary_its_episode_back(cli) -> None:
    cli("ingest", FEEDS)
    cli("summaries", "import", PAGES)
    by_guid = episodes(cli)
    lavrov_sid, moscow_sid = by_guid[LAVROV]["summary_id"], by_guid[MOSCOW]["summary_id"]
    cli("match", "set", by_guid[MOSCOW]["id"], lavrov_sid)
    *_, cleared, _setting = decisions(cli)
    assert cleared["previous"]["state"] == "auto"
    assert cleared["previous"]["episode_id"] == by_guid[MOSCOW]["id"]
    cli("match", "undo")  # the set
    cli("match", "undo")  # the automatic clear that came with it
    docs = summaries(cli)
    assert (docs[moscow_sid]["state"], docs[moscow_sid]["episode_id"]) == (
        "auto",
        by_guid[MOSCOW]["id"],
    )
    assert episodes(cli)[MOSCOW]["summary_id"] == moscow_sid


def test_set_a_second_summary_onto_an_episode_detaches_the_first(cli, tmp_path) -> None:
    cli("ingest", FEEDS)
    cli("summaries", "import", PAGES / f"{STREETCAR}.html")
    tram = import_one(cli, write(tmp_path / "pages", "tram-notes.txt", TRAM_PAGE))
    assert tram["state"] == "unmatched"  # the streetcar episode is taken
    street = episodes(cli)[STREETCAR]
    first = street["summary_id"]
    cli("match", "set", street["id"], tram["summary_id"])
    assert episodes(cli)[STREETCAR]["summary_id"] == tram["summary_id"]
    docs = summaries(cli)
    assert docs[first]["episode_id"] is None
    assert docs[first]["state"] == "unmatched"
    assert [s for s in docs.values() if s["episode_id"] == street["id"]] == [
        docs[tram["summary_id"]]
    ]
    assert [d["action"] for d in decisions(cli)] == ["auto", "clear", "set"]


def test_clear_detaches_and_undo_reattaches(cli) -> None:
    cli("ingest", FEEDS)
    row = import_one(cli, LAVROV_PAGE)
    sid, ep_id = row["summary_id"], row["episode_id"]
    out = cli("match", "clear", ep_id[:6]).stdout
    assert f"summary {sid[:8]} detached from episode {ep_id[:8]}" in out
    assert episodes(cli)[LAVROV]["summary_id"] is None
    doc = summaries(cli)[sid]
    assert (doc["state"], doc["episode_id"]) == ("unmatched", None)
    entry = decisions(cli)[-1]
    assert (entry["action"], entry["summary_id"], entry["reason"]) == (
        "clear",
        sid,
        "cleared by hand",
    )
    assert entry["previous"]["state"] == "auto"
    assert entry["previous"]["episode_id"] == ep_id

    cli("match", "undo", entry["id"])
    doc = summaries(cli)[sid]
    assert (doc["state"], doc["episode_id"]) == ("auto", ep_id)
    ep = episodes(cli)[LAVROV]
    assert ep["summary_id"] == sid
    assert sorted(ep["mentions"]) == sorted(LAVROV_MENTIONS)
    assert decisions(cli)[-2]["undone"] is True


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("match", "set", "ffffffffff", "{sid}"), 1, "no episode with id 'ffffffffff'"),
        (("match", "set", "{ep}", "ffffffffff"), 1, "no summary with id 'ffffffffff'"),
        (("match", "clear", "ffffffffff"), 1, "no episode with id 'ffffffffff'"),
        (("match", "clear", "{other}"), 1, "has no summary"),
        (("summaries", "show", "ffffffffff"), 1, "no summary with id 'ffffffffff'"),
        (("match", "undo", "42"), 1, "no decision '42'"),
        (("summaries", "list", "--state", "bogus"), 2, "unknown state 'bogus'"),
        (("summaries", "import", "--auto", "0.4", "--review", "0.5", "x.txt"), 2, "above"),
    ],
)
def test_bad_references_are_one_line_errors(cli, args, code: int, message: str) -> None:
    cli("ingest", FEEDS)
    row = import_one(cli, LAVROV_PAGE)
    other = episodes(cli)[MOSCOW]["id"]
    filled = [a.format(sid=row["summary_id"], ep=row["episode_id"], other=other) for a in args]
    before = (cli("summaries", "list", "--json").stdout, decisions(cli))
    result = cli(*filled, code=code)
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert (cli("summaries", "list", "--json").stdout, decisions(cli)) == before


# -- 5. what an episode shows once a summary is attached ---------------------------------
def test_matched_episode_shows_mentions_bio_and_website(cli, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # keep each row on one line
    cli("ingest", FEEDS)
    row = import_one(cli, LAVROV_PAGE)
    ep = cli.json("show", row["episode_id"])
    assert ep["summary_id"] == row["summary_id"]
    assert ep["mentions"] == LAVROV_MENTIONS
    credited = {c["name"] for c in ep["credits"]}
    assert credited == {"Andrew Korybko", "Joseph Davis"}
    assert not credited & set(LAVROV_MENTIONS)
    davis = next(c for c in ep["credits"] if c["name"] == "Joseph Davis")
    assert davis["role"] == "guest"
    assert "summary" in davis["sources"]

    out = cli("show", row["episode_id"]).stdout
    (mentions,) = [line for line in out.splitlines() if "mentions" in line]
    assert ", ".join(LAVROV_MENTIONS) in mentions
    assert "independent blogger and researcher based in Memphis, TN" in out
    assert "https://jdavismemphis.com" in out
    assert row["summary_id"][:8] in out

    cli("match", "clear", row["episode_id"])
    ep = cli.json("show", row["episode_id"])
    assert ep["summary_id"] is None
    assert ep["mentions"] == ["Rex Tillerson"]  # only what its own description names
    assert ep["topics"] == []
    assert all("summary" not in c["sources"] for c in ep["credits"])
    out = cli("show", row["episode_id"]).stdout
    assert "Vladimir Putin" not in out
    assert "Joseph Davis" in out  # the feed still credits him


def test_summary_only_credits_come_and_go_with_the_match(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    cli("ingest", FEEDS)
    tram = import_one(cli, write(tmp_path / "pages", "tram-notes.txt", TRAM_PAGE))
    street = episodes(cli)[STREETCAR]
    assert "Oskar Lindahl" not in {c["name"] for c in street["credits"]}

    cli("match", "set", street["id"], tram["summary_id"])
    ep = cli.json("show", street["id"])
    oskar = next(c for c in ep["credits"] if c["name"] == "Oskar Lindahl")
    assert (oskar["role"], oskar["sources"]) == ("guest", ["summary"])
    assert oskar["bio"] == "a retired tram driver"
    assert oskar["href"] == "https://oldtracks.example.com"
    assert ep["mentions"] == ["Frank Sprague"]
    out = cli("show", street["id"]).stdout
    for text in ("Oskar Lindahl", "a retired tram driver", "oldtracks.example.com", "Sprague"):
        assert text in out

    cli("match", "clear", street["id"])
    ep = cli.json("show", street["id"])
    assert "Oskar Lindahl" not in {c["name"] for c in ep["credits"]}
    assert ep["mentions"] == []
    assert ep["credits"] == street["credits"]
    assert "Oskar Lindahl" not in cli("show", street["id"]).stdout

    cli("match", "undo")  # and back again
    assert "Oskar Lindahl" in {c["name"] for c in cli.json("show", street["id"])["credits"]}


# -- 6. pages that cannot be read --------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary.txt", b"PK\x03\x04\x00\x00\x08\x00 some zipped bytes\x00\xff\xfe", "not a text"),
        ("empty.txt", b"", "empty page"),
        ("blank.html", b"  \n\t\r\n  ", "empty page"),
        ("furniture.txt", b"Listen Live\nGet short URL\nCommunity standardsDiscussion\n", "no "),
        ("missing.txt", None, "no such file"),
    ],
)
def test_unreadable_page_is_one_line_and_the_others_go_on(
    cli, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    cli("ingest", FEEDS)
    folder = tmp_path / "pages"
    bad = folder / name if content is None else write(folder, name, content)
    good = write(tmp_path / "good", "n1.txt", LOOSE_PAGE)
    result = cli("summaries", "import", bad, LAVROV_PAGE, good, code=1)
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert name in lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    titles = sorted(s["title"] for s in summaries(cli).values())
    assert titles == ["Lavrov Visits Tillerson in Washington", LAVROV_TITLE]

    report = cli.json("summaries", "import", bad, code=1)
    assert report["failed"] == 1
    (row,) = report["pages"]
    assert row["status"] == "error"
    assert name in row["error"]


def test_a_bad_page_inside_a_folder_does_not_stop_the_folder(cli, tmp_path: Path) -> None:
    cli("ingest", FEEDS)
    folder = tmp_path / "pages"
    write(folder, "a-binary.txt", b"\x00\x01\x02\x03" * 64)
    write(folder, "b-empty.html", b"")
    write(folder, "n1.txt", LOOSE_PAGE)
    write(folder / "nested", "tram-notes.txt", TRAM_PAGE)
    write(folder, "ignored.pdf", b"%PDF-1.4\x00")
    report = cli.json("summaries", "import", folder, code=1)
    assert report["failed"] == 2
    statuses = {Path(r["source"]).name: r["status"] for r in report["pages"]}
    assert statuses == {
        "a-binary.txt": "error",
        "b-empty.html": "error",
        "n1.txt": "new",
        "tram-notes.txt": "new",
    }
    assert sorted(s["title"] for s in summaries(cli).values()) == [
        "Lavrov Visits Tillerson in Washington",
        "Riding the Old Tram Lines",
    ]
    text = cli("summaries", "import", folder, code=1)
    errors = error_lines(text.stderr)
    assert len(errors) == 2
    assert all(line.startswith("error: ") for line in errors)


# -- 7. summaries show / list ------------------------------------------------------------
def test_summaries_show_json_round_trips_and_list_filters(cli, tmp_path: Path) -> None:
    cli("ingest", FEEDS)
    auto = import_one(cli, LAVROV_PAGE)
    review = import_one(cli, write(tmp_path / "pages", "n1.txt", LOOSE_PAGE))
    listed = summaries(cli)
    for sid in (auto["summary_id"], review["summary_id"]):
        shown = cli.json("summaries", "show", sid[:6])
        assert shown == listed[sid]
        assert cli.json("summaries", "show", sid) == shown
    doc = listed[auto["summary_id"]]
    assert doc["title"] == LAVROV_TITLE
    assert doc["mentions"] == LAVROV_MENTIONS
    assert doc["path"] == str(LAVROV_PAGE.resolve())
    assert [c["name"] for c in doc["credits"] if c["role"] == "guest"] == ["Joseph Davis"]

    out = cli("summaries", "show", review["summary_id"]).stdout
    assert "Lavrov Visits Tillerson in Washington" in out
    assert "Lavrov-Tillerson Meet" in out  # the candidates table
    assert [s["id"] for s in cli.json("summaries", "list", "--state", "auto")] == [
        auto["summary_id"]
    ]
    assert cli.json("summaries", "list", "--state", "rejected") == []
    assert (
        "no summaries in state rejected" in cli("summaries", "list", "--state", "rejected").stderr
    )
    bogus = cli("summaries", "list", "--state", "bogus", code=2)
    assert "unknown state 'bogus'" in bogus.stderr


# -- 5. review never takes a page away silently; counts; the real range; one scorer -------
@pytest.fixture
def held(cli, tmp_path: Path) -> dict:
    """The loose page waits for review suggesting the Lavrov episode, and then the bundled
    Lavrov page is imported and takes that episode automatically (at 1.00)."""
    cli("ingest", FEEDS)
    loose = import_one(cli, write(tmp_path / "pages", "n1.txt", LOOSE_PAGE))
    assert loose["state"] == "review"
    bundled = import_one(cli, LAVROV_PAGE)
    lavrov = episodes(cli)[LAVROV]
    assert (bundled["state"], bundled["episode_id"]) == ("auto", lavrov["id"])
    assert summaries(cli)[loose["summary_id"]]["suggested"] == lavrov["id"]
    return {"loose": loose["summary_id"], "bundled": bundled["summary_id"], "ep": lavrov["id"]}


def _review(cli, *args: str, input: str = ""):  # `input`: CliRunner's name for it
    return cli.runner.invoke(app, ["match", "review", *args], input=input)


def last_line(stdout: str) -> str:
    """The last line printed (CliRunner does not echo the answers typed after a prompt)."""
    return stdout.rstrip().splitlines()[-1].rpartition("(k): ")[2]


def test_accepting_an_episode_that_has_a_page_asks_and_no_keeps_it(cli, held: dict) -> None:
    before = cli("summaries", "list", "--json").stdout
    result = _review(cli, input="a\nn\nq\n")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())  # the question wraps at the terminal's width
    assert (
        f"episode {held['ep'][:8]} already has summary {held['bundled'][:8]} "
        f"'{LAVROV_TITLE}' (auto, 1.00); move this one there and unmatch summary "
        f"{held['bundled'][:8]}? [y/n]" in out
    )
    assert cli("summaries", "list", "--json").stdout == before
    assert episodes(cli)[LAVROV]["summary_id"] == held["bundled"]
    assert [d["action"] for d in decisions(cli)] == ["auto"]


def test_yes_moves_the_page_and_the_log_says_what_was_moved(cli, held: dict) -> None:
    result = _review(cli, input="1\ny\n")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert f"moved: summary {held['bundled'][:8]} left episode {held['ep'][:8]}" in out
    assert "is unmatched now" in out
    assert episodes(cli)[LAVROV]["summary_id"] == held["loose"]
    docs = summaries(cli)
    assert (docs[held["loose"]]["state"], docs[held["loose"]]["episode_id"]) == (
        "accepted",
        held["ep"],
    )
    assert (docs[held["bundled"]]["state"], docs[held["bundled"]]["episode_id"]) == (
        "unmatched",
        None,
    )
    _auto, cleared, accepted = decisions(cli)
    assert (cleared["action"], cleared["summary_id"]) == ("clear", held["bundled"])
    assert cleared["reason"] == f"moved: summary {held['loose'][:8]} took episode {held['ep']}"
    assert (accepted["action"], accepted["summary_id"]) == ("accept", held["loose"])
    # Both are undoable: the page that was moved gets its episode back.
    cli("match", "undo")
    cli("match", "undo")
    assert episodes(cli)[LAVROV]["summary_id"] == held["bundled"]


def test_batch_accept_skips_and_reports_an_episode_that_has_a_page(cli, held: dict) -> None:
    before = cli("summaries", "list", "--json").stdout
    result = cli("match", "review", "--yes", "--min", "0.3")
    lines = " ".join(result.stdout.split())
    assert f"skip {held['loose'][:8]} Lavrov Visits Tillerson in Washington" in lines
    assert f"episode {held['ep'][:8]} already has summary {held['bundled'][:8]}" in lines
    assert "--move to take it" in lines
    assert result.stdout.splitlines()[-1] == "accepted 0, skipped 1, left 0"
    assert cli("summaries", "list", "--json").stdout == before
    assert [d["action"] for d in decisions(cli)] == ["auto"]

    report = cli.json("match", "review", "--yes", "--min", "0.3")
    assert report["counts"] == {"accepted": 0, "unmatched": 0, "skipped": 1, "left": 0}
    (item,) = report["items"]
    assert (item["action"], item["held"]["id"], item["moved"]) == ("skip", held["bundled"], False)
    assert cli("summaries", "list", "--json").stdout == before

    moved = cli.json("match", "review", "--yes", "--min", "0.3", "--move")
    assert moved["counts"] == {"accepted": 1, "unmatched": 0, "skipped": 0, "left": 0}
    assert moved["items"][0]["moved"] is True
    assert episodes(cli)[LAVROV]["summary_id"] == held["loose"]
    assert [d["action"] for d in decisions(cli)] == ["auto", "clear", "accept"]
    assert "(--move)" in decisions(cli)[-1]["reason"]


def test_json_alone_is_a_dry_run_with_the_counts(cli, loose: dict) -> None:
    before = cli("summaries", "list", "--json").stdout
    report = cli.json("match", "review")
    assert report["dry_run"] is True
    assert report["counts"] == {"accepted": 0, "unmatched": 0, "skipped": 0, "left": 1}
    assert report["items"][0]["action"] == "leave"  # below the default --min 0.6
    assert cli.json("match", "review", "--min", "0.3")["counts"]["accepted"] == 1
    assert cli("summaries", "list", "--json").stdout == before
    assert decisions(cli) == []


@pytest.mark.parametrize(
    ("answers", "summary"),
    [
        ("k\n", "accepted 0, skipped 1, left 0"),
        ("q\n", "accepted 0, skipped 0, left 1"),
        ("", "accepted 0, skipped 0, left 1"),  # Ctrl-D: the end of input
        ("a\n", "accepted 1, skipped 0, left 0"),
        ("u\n", "accepted 0, unmatched 1, skipped 0, left 0"),
    ],
    ids=["skip", "quit", "eof", "accept", "unmatched"],
)
def test_interactive_review_ends_with_a_line_of_counts(cli, loose, answers, summary) -> None:
    result = _review(cli, input=answers)
    assert result.exit_code == 0, result.output
    assert last_line(result.stdout) == summary
    assert "Traceback" not in result.output


def test_ctrl_c_in_review_still_prints_the_counts(cli, loose, monkeypatch) -> None:
    from rich.prompt import Prompt

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Prompt, "ask", interrupt)
    result = _review(cli)
    assert result.exit_code == 130
    assert last_line(result.stdout) == "accepted 0, skipped 0, left 1"
    assert decisions(cli) == []


def _prompts(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if "[s]earch" in line]


def test_the_prompt_gives_the_real_range_of_candidates(cli, loose: dict) -> None:
    n = len(loose["candidates"])
    assert 1 < n < 5
    result = _review(cli, input="q\n")
    (prompt,) = _prompts(result.stdout)
    assert f"pick 1-{n}," in prompt
    assert "1-5" not in prompt
    # A search that finds one episode: "pick 1", and 5 is not an answer.
    result = _review(cli, input="s\nShayrat\n5\nq\n")
    _before, after_search, *_ = _prompts(result.stdout)
    assert "pick 1," in after_search
    assert "pick 1-" not in after_search
    assert "Please select one of the available options" in result.stdout
    assert decisions(cli) == []


def _score_shown(stdout: str, title_start: str) -> list[str]:
    """The score column of the candidate rows whose title starts so, in order shown."""
    return [
        line.split()[1]
        for line in stdout.splitlines()
        if line[:1].isdigit() and title_start in line and len(line.split()) > 2
    ]


def test_a_search_scores_a_candidate_as_the_automatic_match_did(cli, loose: dict) -> None:
    stored = next(c for c in loose["candidates"] if c["episode_id"] == episodes(cli)[LAVROV]["id"])
    shown = f"{stored['score']:.2f}"
    result = _review(cli, input="s\nLavrov\nq\n")
    assert result.exit_code == 0, result.output
    before, after = _score_shown(result.stdout, "Lavrov-Tillerson")
    assert before == after == shown


def _converse(command: list[str], env: dict[str, str], steps: list[tuple[str, str]]) -> str:
    """Run a command on a real pty (80 columns), typing each answer once its prompt (the
    text before it) has appeared, as a person would; everything the terminal showed."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)  # fmt: skip
    os.close(slave)
    seen, todo, pos = b"", list(steps), 0
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                raise AssertionError("no output for 30 s:\n" + seen.decode(errors="replace"))
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the command ended and closed the pty
                break
            if not chunk:
                break
            seen += chunk
            plain = re.sub(r"\x1b\[[0-9;]*m", "", seen.decode(errors="replace"))
            if todo and (at := plain.find(todo[0][0], pos)) >= 0:
                pos = at + len(todo[0][0])  # the next prompt must come after this one
                os.write(master, todo.pop(0)[1].encode())
    finally:
        os.close(master)
        proc.wait(timeout=30)
    return re.sub(r"\x1b\[[0-9;]*m", "", seen.decode(errors="replace")).replace("\r", "")


def test_on_a_real_terminal_the_question_and_the_counts_read_well(cli, held, db_path) -> None:
    env = dict(os.environ, CATALOG_DB=str(db_path), TERM="xterm-256color")
    for name in ("NO_COLOR", "COLUMNS", "LINES", "LESS", "PAGER"):
        env.pop(name, None)
    catalog = str(Path(sys.executable).parent / "catalog")
    plain = _converse([catalog, "match", "review"], env,
                      [("(k): ", "a\n"), ("(n): ", "n\n"), ("(k): ", "k\n")])  # fmt: skip
    lines = plain.rstrip().splitlines()
    assert lines[-1] == "accepted 0, skipped 1, left 0"
    assert "[a]ccept #1, pick 1-2, [s]earch, s[k]ip, [u]nmatched, [q]uit (k): a" in lines
    question = " ".join(plain.split("(k): a\n")[1].split("[y/n]")[0].split())
    assert question == (
        f"episode {held['ep'][:8]} already has summary {held['bundled'][:8]} '{LAVROV_TITLE}' "
        f"(auto, 1.00); move this one there and unmatch summary {held['bundled'][:8]}?"
    )
    assert "[y/n] (n): n" in plain
    assert max(len(line) for line in lines) <= 80
    assert episodes(cli)[LAVROV]["summary_id"] == held["bundled"]


def test_set_by_hand_says_which_page_it_moved(cli, held: dict) -> None:
    out = " ".join(cli("match", "set", held["ep"], held["loose"]).stdout.split())
    assert f"summary {held['loose'][:8]} → episode {held['ep'][:8]}" in out
    assert f"moved: summary {held['bundled'][:8]} left episode {held['ep'][:8]}" in out
    assert summaries(cli)[held["bundled"]]["state"] == "unmatched"
