"""Credits from prose: name spans (table tests), bounded work on hostile text, title guests
read per show, and the leave-one-show-out evaluation with quality thresholds.

The evaluation (bench/credits_eval.py) trains the role model on every labelled show but one
and scores that one. Without ../shared only our own labelled shows (tests/data/credits/shows)
are there; with it, the real ones too, and the thresholds of both apply.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, ROOT, needs_corpus

from catalog.core import names, people, phrasings, roles
from catalog.core.credits import SUGGEST_BELOW

sys.path.insert(0, str(ROOT / "bench"))


def _names(text: str) -> list[tuple[str, str, str]]:
    from catalog.core import firstnames

    found = names.find(text, first_names=firstnames.is_first_name, common=roles.common_word)
    return [(s.name, s.descriptor, s.honorific) for s in found]


# -- 1. name spans --------------------------------------------------------------------------
SPANS = [
    ("Kofi Mensah is joined by Ines van der Berg.", ["Kofi Mensah", "Ines van der Berg"]),
    ("with Siobhán O'Connell and Hamish McTavish", ["Siobhán O'Connell", "Hamish McTavish"]),
    ("Jean-Luc Marchetti met J. R. Whitcombe", ["Jean-Luc Marchetti", "J. R. Whitcombe"]),
    ('Robert "Bobby" Finch talks', ['Robert "Bobby" Finch']),
    ("the week's news.Later, Dr. Wilma Okoye speaks with Ravi Sen.", ["Wilma Okoye", "Ravi Sen"]),
    ("Mr. Pemberton said so", ["Mr. Pemberton"]),  # title and surname: kept as written
    ("Meridian Analytics Group and the Northgate Institute", []),  # a company, a body
    ("in New York, Nashville Tennessee and Rio de Janeiro", []),  # places
    ("Presidents Okafor and Lindqvist", ["Okafor", "Lindqvist"]),
]


@pytest.mark.parametrize(("text", "expected"), SPANS)
def test_name_spans(text: str, expected: list[str]) -> None:
    assert [n for n, _d, _h in _names(text)] == expected


def test_honorifics_and_descriptors_are_split_off() -> None:
    assert _names("with Astronomer Royal Sir Tobias Wren") == [
        ("Tobias Wren", "Astronomer Royal", "noble")
    ]
    assert _names("Managing Editor Pia Holm") == [("Pia Holm", "Managing Editor", "")]
    assert _names("Host Dana Whitfield and Reporter M. Okafor") == [
        ("Dana Whitfield", "Host", ""),
        ("M. Okafor", "Reporter", ""),
    ]


def test_names_used_as_modifiers_and_the_show_itself_are_not_people() -> None:
    found = people.extract_items(
        [("Markets", "We talk with Harbour Ledger editors about the week.")] * 3,
        "Harbour Weekly Review",
    )
    assert all(not f.credits for f in found)
    show = people.extract_items([("Harbour Weekly Review", "")] * 3, "Harbour Weekly Review")
    assert all(not f.credits and not f.mentions for f in show)


def test_one_word_names_wait_for_a_person() -> None:
    (found,) = people.extract_items([("Chat", "Tonight we are joined by Sapphire.")])
    assert all(c["confidence"] < SUGGEST_BELOW for c in found.credits)


# -- 2. bounded work ------------------------------------------------------------------------
def _hostile() -> str:
    parts = [
        "x" * 200_000,  # one long word
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" * 3000,  # base64
        " ".join(f"Word{n} Capital{n}" for n in range(20_000)),  # capitalised words
        " is joined by " * 20_000,  # a cue word, repeated
        "Z" * 8000 + " is joined by " + "Z" * 8000,
    ]
    return "\n".join(parts)[:1_000_000]


def test_hostile_text_is_read_within_fixed_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """1 MB of hostile text: the work is capped by size (counted, not timed)."""
    text = _hostile()
    assert len(text) == 1_000_000
    seen: dict[str, int] = {"features": 0, "sentence": 0, "runs": 0}
    span_features = roles._span_features

    def counting(*args: Any, **kwargs: Any) -> list[str]:
        seen["features"] += 1
        return span_features(*args, **kwargs)

    has_capital = phrasings._has_capital

    def longest(sentence: str) -> bool:
        seen["sentence"] = max(seen["sentence"], len(sentence))
        return has_capital(sentence)

    monkeypatch.setattr(roles, "_span_features", counting)
    monkeypatch.setattr(phrasings, "_has_capital", longest)
    people.item_candidates.cache_clear()
    found = people.extract(text, title=text[:5000])
    assert len(found.credits) + len(found.mentions) <= 2 * roles.MAX_CANDIDATES
    assert seen["features"] <= 2 * names.MAX_SPANS  # the title's and the text's spans
    assert seen["sentence"] <= phrasings.MAX_SENTENCE
    assert len(names.find(text)) <= names.MAX_SPANS


def test_a_feed_of_hostile_items_ingests(cli: Any, tmp_path: Path) -> None:
    body = _hostile()[:200_000].replace("&", "").replace("<", "")
    items = "".join(
        f"<item><title>Part {n}</title><guid>h{n}</guid><description>{body}</description></item>"
        for n in range(3)
    )
    feed = tmp_path / "hostile.xml"
    feed.write_text(f'<rss version="2.0"><channel><title>H</title>{items}</channel></rss>')
    cli("ingest", feed)
    assert len(cli.json("list")) == 3


# -- 3. title guests, read per show ---------------------------------------------------------
TITLES = [
    ("#212 – Ngozi Adeyemi: Tides and Moons", "Ngozi Adeyemi"),
    ("#211 – Tomás Herrera: The Slow History of Glass", "Tomás Herrera"),
    ("#210 – Hyun-woo Park: Robots in Kitchens", "Hyun-woo Park"),
    ("#209 – Aroha Ngata: Weaving and Memory", "Aroha Ngata"),
    ("#208 – Dmitri Volkov: Cold Chess", "Dmitri Volkov"),
    ("#207 – Priya Natarajan: Dark Matter", "Priya Natarajan"),
    ("#206 – Kwame Mensah: Markets at Dawn", "Kwame Mensah"),
    ("#205 – Ines Castellanos: Why Bridges Sing", "Ines Castellanos"),
    ("#204 – Oliver Brandt: The Price of Salt", "Oliver Brandt"),
    ("#203 – Mei Tanaka: Small Forests", "Mei Tanaka"),
    ("#202 – Samuel Okafor: Maps of the Deep", "Samuel Okafor"),
    ("#201 – Clara Lindqvist: Winter Light", "Clara Lindqvist"),
]


def test_titles_that_name_the_guest_give_the_guest() -> None:
    """A show whose titles are "#NNN – Name: Topic" and whose descriptions name no one."""
    found = people.extract_items([(title, "") for title, _guest in TITLES], "Deep Talk")
    read = counted = 0
    for (title, guest), extraction in zip(TITLES, found, strict=True):
        assert {c["name"] for c in extraction.credits} <= {guest}, title  # no one else
        for credit in extraction.credits:
            assert credit["role"] == "guest", title
            read += 1
            counted += credit["confidence"] >= SUGGEST_BELOW
    assert read >= 11  # as a credit or at least as a suggestion (measured: 11 of 12)
    assert counted >= 9  # sure enough to count without a review (measured: 10)


# -- 4. quality, leaving one show out -------------------------------------------------------
# Thresholds a little under the figures measured when they were set (see the README): a
# drop in quality fails the build.
OURS = {"guests": (0.82, 0.70), "hosts": (0.90, 0.72)}  # (precision, recall)
REAL = {"guests": (0.74, 0.56), "hosts": (0.76, 0.64)}


@pytest.fixture(scope="module")
def evaluation() -> list[tuple[Any, ...]]:
    import credits_data
    import credits_eval

    return credits_eval.evaluate(credits_data.load_shows())


def _totals(rows: list[tuple[Any, ...]], *, real: bool) -> dict[str, Any]:
    import credits_eval

    g, h = credits_eval.Score(), credits_eval.Score()
    for name, _n, guests, hosts in rows:
        if ("/tests/data/" not in name) == real:
            g += guests
            h += hosts
    return {"guests": g, "hosts": h}


def test_leave_one_show_out_on_our_labelled_shows(evaluation: list[tuple[Any, ...]]) -> None:
    totals = _totals(evaluation, real=False)
    for role, (precision, recall) in OURS.items():
        assert totals[role].precision >= precision, (role, totals[role].precision)
        assert totals[role].recall >= recall, (role, totals[role].recall)


@needs_corpus
def test_leave_one_show_out_on_real_shows(evaluation: list[tuple[Any, ...]]) -> None:
    totals = _totals(evaluation, real=True)
    assert totals["guests"].tp + totals["guests"].fn > 500  # the labelled real guests are there
    for role, (precision, recall) in REAL.items():
        assert totals[role].precision >= precision, (role, totals[role].precision)
        assert totals[role].recall >= recall, (role, totals[role].recall)


@needs_corpus
def test_the_shipped_model_is_the_one_the_labels_train() -> None:
    """catalog/data/roles_model.json is what bench/credits_train.py builds (`make model`)."""
    import credits_data
    import credits_train

    shows = credits_data.load_shows()
    model = credits_train.train(credits_train.examples(shows.values()))
    shipped = json.loads((ROOT / "catalog" / "data" / "roles_model.json").read_text())
    assert model.as_json()["bias"] == shipped["bias"]
    assert model.as_json()["weights"] == shipped["weights"]


JUNK = [
    "Bloomberg Businessweek", "Royal Sir Martin Rees", "Host Ira", "FREE FOR ALL FRIDAY",
    "Software Engineering Daily", "Grim Reaper John Drake", "Managing Editor Jim Ellis",
]  # fmt: skip


@needs_corpus
def test_no_junk_people_after_ingesting_the_corpus(cli: Any) -> None:
    cli("ingest", CORPUS, code=None)  # the corpus holds broken feeds on purpose
    everyone = {p["name"] for p in cli.json("people")}
    assert not everyone & set(JUNK)
    assert {"Ira Glass", "Matthew Parris"} <= everyone
