"""Suggested credits wait for a person (`catalog show`, `catalog people review`, `credit
add/remove` on a suggestion, decisions that survive re-ingests, logged and undoable) and one
person, one entry (`people rename` onto someone else's name, display names, `people rekey`).

Suggested credits come from tests/data/people/suggested.xml, whose descriptions credit a
guest in prose ("Rhea Castell is joined by Ovid Marsh, …"). So that these tests do not depend
on the confidences of the credit extractor being rewritten, the `suggested` fixture raises
`derive.derived`'s `suggest_below` to 1.01: every prose-only credit is then a suggestion.
(Patching `credits.SUGGEST_BELOW` alone would not do: `derived` binds it as a default.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from catalog.cli import app
from catalog.services import derive

FEED = DATA / "people" / "suggested.xml"


@pytest.fixture
def suggested(cli: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Two episodes, each with one suggested guest (Ovid Marsh, Wren Ashby) and no guests."""
    monkeypatch.setitem(derive.derived.__kwdefaults__, "suggest_below", 1.01)
    cli("ingest", FEED)
    return cli


def _ep(cli: Any, title: str) -> dict[str, Any]:
    (ep,) = [e for e in cli.json("list") if e["title"] == title]
    return ep


def _guests(cli: Any, title: str) -> list[str]:
    return [c["name"] for c in _ep(cli, title)["credits"] if c["role"] == "guest"]


def _review(cli: Any, answers: str, *args: str) -> Any:
    result = cli.runner.invoke(app, ["people", "review", *args], input=answers)
    assert result.exit_code == 0, result.output
    return result


# -- 1. shown as suggestions, never as credits ------------------------------------------------
def test_show_lists_a_suggested_guest_apart_from_the_credits(suggested: Any) -> None:
    out = suggested("show", "salt and ropes").stdout
    credits, rest = out.split("credits", 1)[1].split("suggested", 1)
    assert "Rhea Castell" in credits
    assert "Ovid Marsh" not in credits
    assert "Ovid Marsh" in rest
    assert "guest?" in rest
    assert re.search(r"\b[01]\.\d\d\b", rest)  # its confidence
    data = suggested.json("show", "salt and ropes")
    assert [c["name"] for c in data["suggested_credits"]] == ["Ovid Marsh"]
    assert "Ovid Marsh" not in [c["name"] for c in data["credits"]]


def test_suggested_guests_are_not_people_until_accepted(suggested: Any) -> None:
    assert suggested("list", "guest:marsh", "--ids").stdout == ""
    assert "no one matches" in suggested("people", "marsh").stderr


def test_review_json_lists_the_queue_with_episode_and_sentence(suggested: Any) -> None:
    queue = suggested.json("people", "review")
    assert [(i["name"], i["title"], i["role"]) for i in queue] == [
        ("Ovid Marsh", "Salt and Ropes", "guest"),
        ("Wren Ashby", "Tide Tables", "guest"),
    ]
    first = queue[0]
    assert first["show"] == "Quayside Talks"
    assert first["published"].startswith("2023-03-06")
    assert first["bio"] == "a rope maker from Hull"
    assert first["sentence"] == "Rhea Castell is joined by Ovid Marsh, a rope maker from Hull."
    assert 0 < first["confidence"] < 1.01


def test_review_query_narrows_the_queue(suggested: Any) -> None:
    assert [i["name"] for i in suggested.json("people", "review", "title:tide")] == ["Wren Ashby"]
    assert suggested.json("people", "review", "title:nothing-like-this") == []


def test_review_with_nothing_suggested_says_so(cli: Any) -> None:
    assert "nothing to review" in cli("people", "review").stderr


# -- 2. interactive review --------------------------------------------------------------------
def test_interactive_review_accepts_rejects_and_sums_up(suggested: Any) -> None:
    out = _review(suggested, "a\nr\n").stdout
    assert "suggested credit 1 of 2" in out
    assert "Salt and Ropes" in out
    assert "a rope maker from Hull" in out
    assert "joined by Ovid Marsh" in out
    assert "[a]ccept" in out
    assert "[r]eject" in out
    assert "[q]uit" in out
    assert out.strip().endswith("accepted 1, rejected 1, skipped 0")
    assert _guests(suggested, "Salt and Ropes") == ["Ovid Marsh"]
    assert _guests(suggested, "Tide Tables") == []
    assert suggested.json("people", "review") == []
    assert suggested.json("guest", "ovid marsh")["appearances"] == 1


def test_accepting_stores_exactly_what_credit_add_stores(suggested: Any) -> None:
    _review(suggested, "a\nq\n")
    by_review = _ep(suggested, "Salt and Ropes")["credit_inputs"]["manual"]
    ep = _ep(suggested, "Tide Tables")
    suggested("credit", "add", ep["id"], "Wren Ashby", "--role", "guest",
              "--bio", "a harbour pilot")  # fmt: skip
    by_hand = _ep(suggested, "Tide Tables")["credit_inputs"]["manual"]
    assert [dict(c, name="", key="", bio="") for c in by_review] == [
        dict(c, name="", key="", bio="") for c in by_hand
    ]
    assert by_review[0]["name"] == "Ovid Marsh"
    assert by_review[0]["bio"] == "a rope maker from Hull"


def test_skip_and_quit_change_nothing(suggested: Any, db_path: Path) -> None:
    before = suggested("list", "--json").stdout
    assert _review(suggested, "k\nq\n").stdout.strip().endswith("accepted 0, rejected 0, skipped 1")
    assert suggested("list", "--json").stdout == before
    assert suggested.json("match", "log") == []


def test_decisions_survive_a_reingest(suggested: Any) -> None:
    _review(suggested, "a\nr\n")
    suggested("ingest", FEED)
    assert _guests(suggested, "Salt and Ropes") == ["Ovid Marsh"]
    tide = _ep(suggested, "Tide Tables")
    assert tide["suggested_credits"] == []
    assert _guests(suggested, "Tide Tables") == []
    assert suggested.json("people", "review") == []


def test_decisions_are_logged_and_undone(suggested: Any) -> None:
    _review(suggested, "a\nr\n")
    log = suggested.json("match", "log")
    assert [(e["action"], e["kind"], e["person"]) for e in log] == [
        ("accept", "credit", "Ovid Marsh"),
        ("reject", "credit", "Wren Ashby"),
    ]
    assert "Wren Ashby" in suggested("match", "log").stdout
    assert "Wren Ashby on episode" in suggested("match", "undo").stdout
    assert [i["name"] for i in suggested.json("people", "review")] == ["Wren Ashby"]
    suggested("match", "undo")
    assert _guests(suggested, "Salt and Ropes") == []
    assert [i["name"] for i in suggested.json("people", "review")] == ["Ovid Marsh", "Wren Ashby"]


# -- 3. credit add / remove on a suggestion ---------------------------------------------------
def test_credit_remove_takes_off_someone_only_suggested(suggested: Any) -> None:
    ep = _ep(suggested, "Salt and Ropes")
    out = suggested("credit", "remove", ep["id"][:8], "Ovid Marsh").stdout
    assert "removed Ovid Marsh" in out
    assert _ep(suggested, "Salt and Ropes")["suggested_credits"] == []
    suggested("ingest", FEED)
    assert _ep(suggested, "Salt and Ropes")["suggested_credits"] == []
    again = suggested("credit", "remove", ep["id"][:8], "Ovid Marsh", code=1)
    assert "is not credited on episode" in again.stderr


def test_credit_add_makes_a_suggestion_a_credit(suggested: Any) -> None:
    ep = _ep(suggested, "Salt and Ropes")
    suggested("credit", "add", ep["id"], "Ovid Marsh", "--role", "guest")
    assert _guests(suggested, "Salt and Ropes") == ["Ovid Marsh"]
    assert _ep(suggested, "Salt and Ropes")["suggested_credits"] == []


# -- 4. one person, one entry -----------------------------------------------------------------
def _credit(cli: Any, title: str, name: str) -> None:
    cli("credit", "add", _ep(cli, title)["id"], name, "--role", "guest")


def test_nickname_and_plain_spelling_are_one_person(suggested: Any) -> None:
    _credit(suggested, "Salt and Ropes", 'Matthew "Matt" Rorie')
    _credit(suggested, "Tide Tables", "Matt Rorie")
    _credit(suggested, "Salt and Ropes", "Sir Tim Rice")
    _credit(suggested, "Tide Tables", "Tim Rice")
    people = {p["name"]: p for p in suggested.json("people", "--role", "guest")}
    assert set(people) == {"Matt Rorie", "Tim Rice"}
    assert people["Matt Rorie"]["aliases"] == ['Matthew "Matt" Rorie']
    assert people["Matt Rorie"]["roles"] == people["Tim Rice"]["roles"] == {"guest": 2}
    assert len(suggested("list", "guest:=Matt Rorie", "--ids").stdout.split()) == 2


def test_rename_onto_another_persons_name_offers_the_merge(suggested: Any) -> None:
    _credit(suggested, "Salt and Ropes", "Ann Lee")
    _credit(suggested, "Tide Tables", "Anne Lee")
    result = suggested("people", "rename", "Anne Lee", "ann lee", code=1)
    assert result.stderr.strip() == (
        'error: people rename: "Ann Lee" is already a person (1 episode); to make them one, '
        'run: catalog people merge "Ann Lee" "Anne Lee"'
    )
    assert len(result.stderr.strip().splitlines()) == 1
    names = [p["name"] for p in suggested.json("people", "lee")]
    assert sorted(names) == ["Ann Lee", "Anne Lee"]
    suggested("people", "merge", "Ann Lee", "Anne Lee")  # the command offered works
    assert [p["name"] for p in suggested.json("people", "lee")] == ["Ann Lee"]


def test_rename_to_another_spelling_of_oneself_is_fine(suggested: Any) -> None:
    _credit(suggested, "Salt and Ropes", "Ann Lee")
    assert "now shown as ANN LEE" in suggested("people", "rename", "Ann Lee", "ANN LEE").stdout
    assert [p["name"] for p in suggested.json("people", "lee")] == ["ANN LEE"]


def test_rekey_joins_an_old_catalogs_spellings(suggested: Any, db_path: Path) -> None:
    """A catalog keyed by the old rules (simulated by writing the old key into a TinyDB or
    SQLite catalog through the store) is one person again after `people rekey`."""
    from catalog.store import open_store

    _credit(suggested, "Salt and Ropes", 'Matthew "Matt" Rorie')
    _credit(suggested, "Tide Tables", "Matt Rorie")
    store = open_store(db_path)
    with store.transaction():
        for ep in store.all("episodes"):
            for c in [*ep["credits"], *ep["credit_inputs"]["manual"]]:
                if c["name"].startswith("Matthew"):
                    c["key"] = "matthew matt rorie"
            store.put("episodes", [ep])
    store.close()
    assert len(suggested.json("people", "rorie")) == 2
    assert "1 episodes re-keyed" in suggested("people", "rekey").stdout
    assert [p["name"] for p in suggested.json("people", "rorie")] == ["Matt Rorie"]
    assert "up to date" in suggested("people", "rekey").stdout
    assert json.loads(suggested("guest", "matt rorie", "--json").stdout)["appearances"] == 2
