"""The query language (catalog/query.py) and `catalog list` (catalog/cli/browse.py).

* table tests of every construct against a few hand-made episodes;
* every malformed term raises QueryError naming it (and the CLI reports it in one line);
* a property test: random queries over one generated 10,000-episode catalog agree with a
  plain reference filter written here from the spec (it never calls catalog.query);
* the output formats and flags of `catalog list`.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import json
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedgen import FIRST, LAST, WORDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.cli.browse import select
from catalog.core.errors import QueryError, UsageError
from catalog.core.flatten import COLUMNS
from catalog.core.query import Context, from_args, parse, parse_sort, parse_tokens, sort_episodes
from catalog.store import copy_catalog
from catalog.store import open_store as Store
from catalog.store.sqlite import SQLiteStore

NOW = datetime(2024, 6, 15, 12, 0, 0, tzinfo=UTC)


# -- a few hand-made episodes ------------------------------------------------------------------
def _credit(name: str, role: str) -> dict[str, Any]:
    return {"name": name, "role": role, "key": name.casefold()}


def _episode(ep_id: str, show_id: str, title: str, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": ep_id,
        "show_id": show_id,
        "title": title,
        "description": "",
        "published": None,
        "duration": None,
        "guid": None,
        "credits": [],
        "mentions": [],
        "topics": [],
        "keywords": [],
        "summary_id": None,
    }
    doc.update(fields)
    return doc


EPISODES = [
    _episode(
        "davis",
        "s-open",
        "Independent Bloggers and the Local News Gap",
        description="Joseph Davis, an independent blogger based in Memphis, joins Maria Santos.",
        published="2017-07-19T00:00:00Z",
        duration=3127,
        guid="open-line-2017-07-18-bloggers",
        credits=[_credit("Joseph Davis", "guest"), _credit("Maria Santos", "host")],
        mentions=["Ida B. Wells"],
        topics=["local news"],
        keywords=["journalism"],
        summary_id="sum-1",
    ),
    _episode(
        "novak",
        "s-trend",
        "Montenegro Joins NATO: What Changes in the Balkans",
        description="Andrew Korybko speaks with Jiří Novák about the alliance.",
        published="2017-06-07T16:00:00Z",
        duration=1812,
        guid="trend-2017-06-07",
        credits=[_credit("Andrew Korybko", "host"), _credit("Jiří Novák", "guest")],
        mentions=["Aleksandar Vučić"],
        topics=["nato"],
        keywords=["balkans"],
    ),
    _episode(
        "garden",
        "s-open",
        "Growing Together: Community Gardens and City Land",
        description="Two gardeners and the co-hosts on vacant lots.",
        published="2018-03-01T10:00:00Z",
        duration=5400,
        guid="open-line-2018-03-01-gardens",
        credits=[
            _credit("Tamsin Okoro", "guest"),
            _credit("Luis León", "guest"),
            _credit("Maria Santos", "host"),
            _credit("Dev Patel", "co-host"),
        ],
        topics=["gardening"],
        keywords=["city"],
    ),
    _episode(
        "recent",
        "s-trend",
        "Hamburg G20 Preview: The First Putin-Trump Encounter",
        description="What to expect when the two presidents meet.",
        published="2024-06-01T09:00:00Z",
        duration=90,
        guid="trend-2024-06-01",
        credits=[
            _credit("Andrew Korybko", "host"),
            _credit("Helena Marchetti", "guest"),
            _credit("Ana Davison", "guest"),
        ],
    ),
    _episode("bare", "s-open", "Station ID"),
    _episode(
        "special",
        "s-trend",
        "Summer Special",
        description="A holiday mix.",
        published="2016-12-31T23:59:59Z",
        duration=1200,
        guid="trend-2016-12-31",
        credits=[
            _credit("Dev Patel", "guest host"),
            _credit("Leon Brandt", "guest"),
            _credit("Kim Sound", "producer"),
        ],
    ),
]
ALL = frozenset(e["id"] for e in EPISODES)
CTX = Context(
    show_titles={"s-open": "Open Line", "s-trend": "Trendstorm"},
    summary_text={"sum-1": "A conversation about trusting one-person websites and newsroom cuts."},
)


def ids_matching(query_text: str) -> set[str]:
    q = parse(query_text, now=NOW)
    return {e["id"] for e in EPISODES if q.matches(e, CTX)}


def _case(text: str, expected: set[str] | frozenset[str], case_id: str) -> Any:
    return pytest.param(text, set(expected), id=case_id)


PARSER_CASES = [
    # bare words: title, description or summary; any case or accents; side by side is AND
    _case("bloggers", {"davis"}, "word-in-title"),
    _case("BLOGGERS", {"davis"}, "word-any-case"),
    _case("memphis", {"davis"}, "word-in-description"),
    _case("newsroom", {"davis"}, "word-in-summary"),
    _case("jiri novak", {"novak"}, "words-accent-insensitive"),
    _case("bloggers gap", {"davis"}, "words-anded"),
    _case("bloggers nato", set(), "words-anded-none"),
    _case("zeppelin", set(), "word-nowhere"),
    # "quoted phrases": the words together, in order
    _case('"local news gap"', {"davis"}, "phrase"),
    _case('"gap news local"', set(), "phrase-order-matters"),
    _case('"putin-trump encounter"', {"recent"}, "phrase-punctuation"),
    _case('"JIŘÍ NOVÁK"', {"novak"}, "phrase-accents-and-case"),
    # show: title or id
    _case("show:open", {"davis", "garden", "bare"}, "show-title"),
    _case("show:TRENDSTORM", {"novak", "recent", "special"}, "show-any-case"),
    _case("show:s-trend", {"novak", "recent", "special"}, "show-id"),
    _case('show:="open line"', {"davis", "garden", "bare"}, "show-exact"),
    _case("show:=open", set(), "show-exact-not-part"),
    _case("show::^trend", {"novak", "recent", "special"}, "show-regex"),
    # title
    _case("title:nato", {"novak"}, "title"),
    _case('title:"community gardens"', {"garden"}, "title-quoted"),
    _case("title:memphis", set(), "title-not-description"),
    _case('title:="station id"', {"bare"}, "title-exact"),
    _case("title:=station", set(), "title-exact-not-part"),
    _case("title::^GROWING", {"garden"}, "title-regex-ignorecase"),
    _case("title::g20|nato", {"recent", "novak"}, "title-regex-alternation"),
    # guest: only credits with the guest role
    _case("guest:davis", {"davis", "recent"}, "guest-contains"),
    _case('guest:="davis, joseph"', {"davis"}, "guest-exact-last-first"),
    _case('guest:="Dr. Joseph Davis"', {"davis"}, "guest-exact-honorific"),
    _case('guest:="JOSEPH DAVIS"', {"davis"}, "guest-exact-case"),
    _case("guest:=davis", set(), "guest-exact-not-part"),
    _case('guest:"jiri novak"', {"novak"}, "guest-accent-insensitive"),
    _case("guest:NOVÁK", {"novak"}, "guest-accented-value"),
    _case("guest:leon", {"garden", "special"}, "guest-leon-and-leon"),
    _case("guest::^leon", {"special"}, "guest-regex"),
    _case("guest::NOVÁK", {"novak"}, "guest-regex-ignorecase"),
    _case("guest:maria", set(), "guest-not-host"),
    _case("guest:patel", set(), "guest-not-guest-host"),
    # host: host, co-host and guest host
    _case("host:maria", {"davis", "garden"}, "host"),
    _case("host:patel", {"garden", "special"}, "host-co-host-and-guest-host"),
    _case('host:="dev patel"', {"garden", "special"}, "host-exact"),
    _case("host:davis", set(), "host-not-guest"),
    _case("host::korybko$", {"novak", "recent"}, "host-regex"),
    # person: anyone credited
    _case("person:patel", {"garden", "special"}, "person-host"),
    _case("person:davis", {"davis", "recent"}, "person-guest"),
    _case("person:kim", {"special"}, "person-crew"),
    _case('person:="santos, maria"', {"davis", "garden"}, "person-exact"),
    # tag: mentions, topics and keywords; mention: mentions only
    _case("tag:journalism", {"davis"}, "tag-keyword"),
    _case("tag:NATO", {"novak"}, "tag-topic"),
    _case("tag:wells", {"davis"}, "tag-mention"),
    _case("tag:=gardening", {"garden"}, "tag-exact"),
    _case("tag::^loc", {"davis"}, "tag-regex"),
    _case("mention:wells", {"davis"}, "mention"),
    _case("mention:vucic", {"novak"}, "mention-accent-insensitive"),
    _case("mention:journalism", set(), "mention-not-keyword"),
    # guid
    _case("guid:open-line", {"davis", "garden"}, "guid"),
    _case("guid:=trend-2017-06-07", {"novak"}, "guid-exact"),
    _case("guid::^trend-20(16|24)", {"recent", "special"}, "guid-regex"),
    # year
    _case("year:2017", {"davis", "novak"}, "year"),
    _case("year:2016", {"special"}, "year-last-second"),
    _case("year:2017..2018", {"davis", "novak", "garden"}, "year-range"),
    _case("year:2018..", {"garden", "recent"}, "year-open-end"),
    _case("year:..2016", {"special"}, "year-open-start"),
    # date: values and ranges, inclusive at both ends
    _case("date:2017-06..2017-07", {"novak", "davis"}, "date-month-range"),
    _case("date:2017-06", {"novak"}, "date-month"),
    _case("date:2017-07-19", {"davis"}, "date-day"),
    _case("date:2017-06-07..2017-07-19", {"novak", "davis"}, "date-day-range-inclusive"),
    _case("date:2017..", {"davis", "novak", "garden", "recent"}, "date-open-end"),
    _case("date:..2017", {"davis", "novak", "special"}, "date-open-start"),
    _case("date:2017", {"davis", "novak"}, "date-year"),
    _case("date:2017-1..2017-6", {"novak"}, "date-single-digit-month"),
    # relative to `now` (2024-06-15): d, w, m, y
    _case("date:-30d..", {"recent"}, "date-relative-days"),
    _case("date:-2w..", {"recent"}, "date-relative-weeks-inclusive-day"),
    _case("date:-1w..", set(), "date-relative-week"),
    _case("date:-1m..", {"recent"}, "date-relative-month"),
    _case("date:-1y..", {"recent"}, "date-relative-year"),
    _case("date:..-1y", {"davis", "novak", "garden", "special"}, "date-relative-end"),
    _case("date:today", set(), "date-today"),
    # duration: s, m, h; a bare number is minutes; inclusive
    _case("duration:20m..1h", {"davis", "novak", "special"}, "duration-range"),
    _case("duration:90s", {"recent"}, "duration-seconds"),
    _case("duration:1h30m", {"garden"}, "duration-hours-minutes"),
    _case("duration:20", {"special"}, "duration-bare-minutes"),
    _case("duration:1.5h", {"garden"}, "duration-fraction"),
    _case("duration:1h..", {"garden"}, "duration-open-end"),
    _case("duration:..1m30s", {"recent"}, "duration-open-start"),
    _case("duration:30..60", {"davis", "novak"}, "duration-bare-range"),
    # negation: -field:value, ^field:value, ^word, -"phrase"; missing values count as no match
    _case("-guest:davis", ALL - {"davis", "recent"}, "negate-field"),
    _case("^guest:davis", ALL - {"davis", "recent"}, "negate-field-caret"),
    _case("^bloggers", ALL - {"davis"}, "negate-word"),
    _case('-"local news"', ALL - {"davis"}, "negate-phrase"),
    _case("-year:2017", ALL - {"davis", "novak"}, "negate-range-keeps-undated"),
    _case("-duration:..30m", ALL - {"recent", "special"}, "negate-duration"),
    _case("-title::^s", ALL - {"bare", "special"}, "negate-regex"),
    _case('-host:="maria santos"', ALL - {"davis", "garden"}, "negate-exact"),
    # OR with commas, AND side by side
    _case("guest:davis,guest:leon", {"davis", "recent", "garden", "special"}, "or-same-field"),
    _case("guest:novak,host:maria", {"novak", "davis", "garden"}, "or-mixed-fields"),
    _case("year:2016,year:2018", {"special", "garden"}, "or-ranges"),
    _case("-guest:davis,year:2017", ALL - {"recent"}, "or-with-negation"),
    _case("guest:davis,guest:leon year:2017..2018", {"davis", "garden"}, "or-and"),
    _case("guest:davis date:2017..2018", {"davis"}, "anchor-guest-and-dates"),
    _case("host:maria year:2018", {"garden"}, "and-host-year"),
    _case("show:trend guest:davis", {"recent"}, "and-show-guest"),
    _case("host:korybko -duration:..1m30s ^balkans", set(), "and-three"),
    _case("", ALL, "empty-query-matches-all"),
    # aliases
    _case("tags:nato", {"novak"}, "alias-tags"),
    _case("people:patel", {"garden", "special"}, "alias-people"),
    _case("guests:davis", {"davis", "recent"}, "alias-guests"),
    _case("hosts:maria", {"davis", "garden"}, "alias-hosts"),
    _case("mentions:wells", {"davis"}, "alias-mentions"),
    _case("published:2017-06", {"novak"}, "alias-published"),
    _case("length:..2m", {"recent"}, "alias-length"),
]


@pytest.mark.parametrize(("text", "expected"), PARSER_CASES)
def test_query_matches(text: str, expected: set[str]) -> None:
    assert ids_matching(text) == expected


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        pytest.param("a b", [[(None, "contains", "a")], [(None, "contains", "b")]], id="and"),
        pytest.param('"A b"', [[(None, "contains", "a b")]], id="phrase"),
        pytest.param("Jiří", [[(None, "contains", "jiri")]], id="folded"),
        pytest.param(
            "guest:x,host:y", [[("guest", "contains", "x"), ("host", "contains", "y")]], id="or"
        ),
        pytest.param("title:=X", [[("title", "exact", "x")]], id="exact"),
        pytest.param("tags:x", [[("tag", "contains", "x")]], id="alias"),
        pytest.param(
            "duration:20m..1h", [[("duration", "range", (1200.0, 3600.0))]], id="duration"
        ),
        pytest.param(
            "date:2017-05..2017-06",
            [[("date", "range", ("2017-05-01T00:00:00Z", "2017-06-30T23:59:59Z"))]],
            id="date",
        ),
        pytest.param(
            "date:2016-02..",
            [[("date", "range", ("2016-02-01T00:00:00Z", None))]],
            id="date-open",
        ),
        pytest.param(
            "date:..2016-02",
            [[("date", "range", (None, "2016-02-29T23:59:59Z"))]],
            id="date-leap-month-end",
        ),
        pytest.param(
            "date:-30d..", [[("date", "range", ("2024-05-16T00:00:00Z", None))]], id="relative"
        ),
        pytest.param(
            'guest:="davis, joseph"', [[("guest", "exact", "davis, joseph")]], id="comma-in-value"
        ),
    ],
)
def test_parse_structure(text: str, shape: list[list[tuple[Any, ...]]]) -> None:
    q = parse(text, now=NOW)
    assert [[(t.field, t.op, t.value) for t in group] for group in q.groups] == shape


@pytest.mark.parametrize(
    ("text", "negated"),
    [("-guest:x", True), ("^guest:x", True), ("^x", True), ("-x", True), ("x", False)],
)
def test_negation_flag(text: str, negated: bool) -> None:
    (group,) = parse(text, now=NOW).groups
    assert group[0].negate is negated


def test_regex_term_is_compiled_case_insensitively() -> None:
    (group,) = parse("title::^a.c$", now=NOW).groups
    assert isinstance(group[0].value, re.Pattern)
    assert group[0].value.search("ABC")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["local news gap"], {"davis"}, id="bare-arg-with-spaces-is-a-phrase"),
        pytest.param(["gap news local"], set(), id="phrase-keeps-order"),
        pytest.param(['"local news" gap'], {"davis"}, id="quotes-inside-phrase-dropped"),
        pytest.param(["guest:davis date:2017..2018"], {"davis"}, id="field-terms-split"),
        pytest.param(["guest:davis", "date:2017..2018"], {"davis"}, id="one-term-per-arg"),
        pytest.param(['title:"local news"'], {"davis"}, id="quoted-field-value"),
        pytest.param(['guest:="davis, joseph"'], {"davis"}, id="quoted-exact-name"),
        pytest.param(["guest:davis,guest:leon"], {"davis", "recent", "garden", "special"}, id="or"),
        pytest.param([], ALL, id="no-args"),
    ],
)
def test_from_args(args: list[str], expected: set[str]) -> None:
    q = from_args(args, now=NOW)
    assert {e["id"] for e in EPISODES if q.matches(e, CTX)} == expected


def test_parse_tokens_takes_split_terms() -> None:
    q = parse_tokens(['guest:"jiri novak"', "year:2017"], now=NOW)
    assert {e["id"] for e in EPISODES if q.matches(e, CTX)} == {"novak"}


def test_free_text_without_summaries_in_context() -> None:
    q = parse("newsroom", now=NOW)
    assert not any(q.matches(e, Context()) for e in EPISODES)


def test_exact_last_first_name_as_one_unquoted_argument() -> None:
    q = from_args(["guest:=Davis, Joseph"], now=NOW)
    assert {e["id"] for e in EPISODES if q.matches(e, CTX)} == {"davis"}


def test_comma_inside_quoted_value_stays_put() -> None:
    (group,) = parse('title:"red,blue:green"', now=NOW).groups
    assert [(t.field, t.value) for t in group] == [("title", "red,blue:green")]


def test_phrase_does_not_span_title_and_description() -> None:
    # "... Local News Gap" + "Joseph Davis, ..." -> "gap joseph" is in neither text.
    assert ids_matching('"gap joseph"') == set()


# -- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "term"),
    [
        pytest.param("foo:bar", "foo:bar", id="unknown-field"),
        pytest.param("guest:davis,foo:bar", "foo", id="unknown-field-in-or"),
        pytest.param("title:", "title:", id="empty-value"),
        pytest.param('title:""', 'title:""', id="empty-quoted-value"),
        pytest.param("guest:=", "guest:=", id="empty-exact-value"),
        pytest.param("title::", "title::", id="empty-regex"),
        pytest.param("guest:davis,guest:", "guest:", id="empty-value-in-or"),
        pytest.param('""', '""', id="empty-phrase"),
        pytest.param('"   "', '"   "', id="blank-phrase"),
        pytest.param("date:2017-13", "date:2017-13", id="bad-month"),
        pytest.param("date:2017-00", "date:2017-00", id="month-zero"),
        pytest.param("date:2017-02-30", "date:2017-02-30", id="bad-day"),
        pytest.param("date:17", "date:17", id="short-year"),
        pytest.param("date:2017/05", "date:2017/05", id="bad-separator"),
        pytest.param("date:2017-05..2017-13", "date:2017-05..2017-13", id="bad-range-end"),
        pytest.param("date:2017...2018", "date:2017...2018", id="three-dots"),
        pytest.param("date:-5q..", "date:-5q..", id="bad-relative-unit"),
        pytest.param("year:twenty", "year:twenty", id="bad-year"),
        pytest.param("date:..", "date:..", id="bad-range"),
        pytest.param("year:..", "year:..", id="bad-year-range"),
        pytest.param("duration:..", "duration:..", id="bad-duration-range"),
        pytest.param("duration:abc", "duration:abc", id="bad-duration"),
        pytest.param("duration:1x", "duration:1x", id="bad-duration-unit"),
        pytest.param("duration:20m..lots", "duration:20m..lots", id="bad-duration-end"),
        pytest.param("title::[", "title::[", id="bad-regex"),
        pytest.param("guest::(unclosed", "guest::(unclosed", id="bad-regex-group"),
        pytest.param("date::2017", "date::2017", id="regex-on-date"),
        pytest.param("year::2017", "year::2017", id="regex-on-year"),
        pytest.param("duration::1h", "duration::1h", id="regex-on-duration"),
        pytest.param('"unclosed phrase', "unclosed phrase", id="unclosed-quote"),
        pytest.param('title:"abc', 'title:"abc', id="unclosed-quote-in-value"),
    ],
)
def test_errors_name_the_term(text: str, term: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text, now=NOW)
    assert term in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date:2012-13..", "date:2012-13: no month 13 (in 'date:2012-13..')"),
        ("date:2012-00", "date:2012-00: no month 0"),
        ("date:2012-02-30", "date:2012-02-30: no day 30 in February 2012 (it has 29)"),
        ("date:2011-02-29", "date:2011-02-29: no day 29 in February 2011 (it has 28)"),
        ("date:2017-04-31..2017-05", "date:2017-04-31: no day 31 in April 2017 (it has 30)"),
        ("date:..2017-06-00", "date:2017-06-00: no day 0 in June 2017"),
        ("year:2017-13", "year:2017-13: no month 13"),
        ("-date:2012-13", "date:2012-13: no month 13"),
    ],
)
def test_impossible_dates_say_what_is_out_of_range(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text, now=NOW)
    assert message in str(info.value)
    assert "no such day" not in str(info.value)


def test_query_error_is_a_usage_error() -> None:
    assert issubclass(QueryError, UsageError)


def test_errors_from_args_name_the_argument() -> None:
    with pytest.raises(QueryError, match="date:2017-13"):
        from_args(["guest:davis", "date:2017-13"], now=NOW)


def test_blank_field_value_is_an_error() -> None:
    with pytest.raises(QueryError, match="title"):
        parse('title:" "', now=NOW)


def test_duration_error_names_the_term_once() -> None:
    with pytest.raises(QueryError) as info:
        parse("duration:abc", now=NOW)
    assert str(info.value).count("duration:abc") == 1


@pytest.mark.parametrize(
    ("args", "term"),
    [
        pytest.param(["date:2017-13"], "date:2017-13", id="bad-date"),
        pytest.param(["guest:davis", "foo:bar"], "foo", id="unknown-field"),
        pytest.param(["title::["], "title::[", id="bad-regex"),
        pytest.param(["duration:abc"], "duration:abc", id="bad-duration"),
        pytest.param(['"open'], '"open', id="unclosed-quote"),
        pytest.param(["--since", "2017-13"], "2017-13", id="bad-since"),
        pytest.param(["--sort", "bogus"], "bogus", id="bad-sort"),
    ],
)
def test_cli_reports_query_errors_in_one_line(cli, db_path: Path, args: list[str], term: str):
    _write_small_catalog(db_path)
    result = cli("list", *args, code=2)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert term in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_error_on_an_empty_catalog_too(cli) -> None:
    result = cli("list", "date:2017-13", code=2)
    assert result.stderr.startswith("error: ")
    assert "date:2017-13" in result.stderr


# -- sorting -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("specs", "keys"),
    [
        ([], [("date", True)]),
        (["title+"], [("title", False)]),
        (["title"], [("title", False)]),
        (["date-"], [("date", True)]),
        (["show,duration-"], [("show", False), ("duration", True)]),
        (["show", "date-"], [("show", False), ("date", True)]),
        ([" title+ , "], [("title", False)]),
    ],
)
def test_parse_sort(specs: list[str], keys: list[tuple[str, bool]]) -> None:
    assert parse_sort(specs) == keys


@pytest.mark.parametrize("bad", ["bogus", "-date", "date*", "length", "titles+"])
def test_parse_sort_errors_name_the_key(bad: str) -> None:
    # parse_sort raises UsageError (QueryError is a subclass; either exits 2 in the CLI).
    with pytest.raises(UsageError) as info:
        parse_sort(["date", bad])
    assert repr(bad.rstrip("+-")) in str(info.value)


def test_sort_episodes_by_several_keys() -> None:
    dated = [e for e in EPISODES if e["published"]]
    by_show_then_date = sort_episodes(dated, [("show", False), ("date", True)], CTX)
    assert [e["id"] for e in by_show_then_date] == ["garden", "davis", "recent", "novak", "special"]
    by_duration = sort_episodes(dated, [("duration", True)], CTX)
    assert [e["id"] for e in by_duration] == ["garden", "davis", "novak", "special", "recent"]


def test_missing_values_sort_last_when_ascending() -> None:
    assert sort_episodes(EPISODES, [("date", False)], CTX)[-1]["id"] == "bare"


# -- the CLI on a small catalog ----------------------------------------------------------------
EVIL_TITLE = '=HYPERLINK("http://evil.example/","click me")'


def _write_small_catalog(path: Path) -> None:
    store = Store(path)
    store.put(
        "shows",
        [{"id": "s-open", "title": "Open Line"}, {"id": "s-trend", "title": "Trendstorm"}],
    )
    evil = _episode("evil", "s-trend", EVIL_TITLE, published="2015-01-01T00:00:00Z", duration=61)
    store.put("episodes", [*EPISODES, evil])
    store.put("summaries", [{"id": "sum-1", "body": CTX.summary_text["sum-1"]}])


@pytest.fixture
def small(db_path: Path) -> Path:
    _write_small_catalog(db_path)
    return db_path


NEWEST_FIRST = ["recent", "garden", "davis", "novak", "special", "evil", "bare"]


def _ids(cli, *args: str) -> list[str]:
    return cli("list", "--ids", *args).stdout.splitlines()


def test_ids_one_per_line_newest_first(cli, small) -> None:
    out = cli("list", "--ids").stdout
    assert out.endswith("\n")
    assert out.splitlines() == NEWEST_FIRST


def test_jsonl_lines_parse(cli, small) -> None:
    lines = cli("list", "guest:davis,guest:leon", "--jsonl").stdout.splitlines()
    docs = [json.loads(line) for line in lines]
    assert [d["id"] for d in docs] == ["recent", "garden", "davis", "special"]
    novak = json.loads(cli("list", "guest:novak", "--jsonl").stdout)
    assert novak["credits"][1]["name"] == "Jiří Novák"


def test_json_is_a_list(cli, small) -> None:
    assert [d["id"] for d in cli.json("list", "year:2017")] == ["davis", "novak"]


def test_csv_header_rows_and_formula_neutralised(cli, small) -> None:
    out = cli("list", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == ",".join(COLUMNS)
    assert [r["id"] for r in rows] == NEWEST_FIRST
    evil = next(r for r in rows if r["id"] == "evil")
    assert evil["title"] == "'" + EVIL_TITLE
    davis = next(r for r in rows if r["id"] == "davis")
    assert davis["date"] == "2017-07-19"
    assert davis["show"] == "Open Line"
    assert davis["guests"] == "Joseph Davis"
    assert davis["hosts"] == "Maria Santos"
    assert davis["duration"] == "3127"
    garden = next(r for r in rows if r["id"] == "garden")
    assert garden["hosts"] == "Maria Santos; Dev Patel"


def test_format_template(cli, small) -> None:
    out = cli("list", "guest:davis", "--format", "{date} {show} — {title} [{guests}]").stdout
    assert out.splitlines() == [
        "2024-06-01 Trendstorm — Hamburg G20 Preview: The First Putin-Trump Encounter "
        "[Helena Marchetti; Ana Davison]",
        "2017-07-19 Open Line — Independent Bloggers and the Local News Gap [Joseph Davis]",
    ]


def test_format_duration_reads_as_the_table_shows_it(cli, small) -> None:
    out = cli("list", "guest:davis", "--format", "{duration}|{duration_s}").stdout
    assert out.splitlines()[-1] == "52:07|3127"  # as the table and `show` print it
    assert "{duration_s}" in " ".join(cli("list", "--help").stdout.split())


def test_format_specs_pad_and_cut(cli, small) -> None:
    out = cli("list", "guest:davis", "--format", "[{title:.20}] [{show:>12}] [{date:^14}]")
    assert out.stdout.splitlines()[-1] == "[Independent Bloggers] [   Open Line] [  2017-07-19  ]"
    wide = cli("list", "guest:davis", "--format", "{title:>60}|").stdout.splitlines()[-1]
    assert wide == " " * 17 + "Independent Bloggers and the Local News Gap|"


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("{date} {title:zz}", "'{title:zz}'"),
        ("{title} {duration:d}", "'{duration:d}'"),
        ("{id} {date!x}", "'{date!x}'"),
    ],
)
def test_format_bad_spec_names_the_field(cli, small, template: str, named: str) -> None:
    result = cli("list", "--format", template, code=2)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert named in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("{date} {nope}", "'nope'"),
        ("{title[0]}", "'title[0]'"),
        pytest.param(
            "{}",
            "'{}'",
        ),
    ],
)
def test_format_unknown_field_exits_2(cli, small, template: str, named: str) -> None:
    result = cli("list", "--format", template, code=2)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert named in result.stderr


@pytest.mark.parametrize("template", ["{title:>{width}}", "{title:d}", "{date!x}"])
def test_format_template_errors_are_usage_errors(cli, small, template: str) -> None:
    result = cli("list", "--format", template, code=2)
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "flags",
    [
        ["--json", "--csv"],
        ["--ids", "--jsonl"],
        ["--csv", "--format", "{id}"],
        ["--json", "--ids"],
    ],
)
def test_two_output_formats_exit_2(cli, small, flags: list[str]) -> None:
    result = cli("list", *flags, code=2)
    assert result.stdout == ""
    assert "choose one output format" in result.stderr
    assert flags[0] in result.stderr


def test_sort_title_ascending(cli, small) -> None:
    titles = cli("list", "--sort", "title+", "--format", "{title}").stdout.splitlines()
    assert len(titles) == len(NEWEST_FIRST)
    assert titles == sorted(titles, key=lambda t: _fold(t.lstrip("'")))
    assert titles[0] == EVIL_TITLE  # "=" sorts before letters
    assert titles[1] == "Growing Together: Community Gardens and City Land"


def test_sort_duration_and_several_keys(cli, small) -> None:
    assert _ids(cli, "year:2016..2018", "--sort", "duration-") == [
        "garden",
        "davis",
        "novak",
        "special",
    ]
    assert _ids(cli, "--sort", "show+", "--sort", "date-")[:3] == ["garden", "davis", "bare"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--limit", "2"], NEWEST_FIRST[:2]),
        (["-n", "0"], []),
        (["--offset", "2"], NEWEST_FIRST[2:]),
        (["--offset", "1", "--limit", "3"], NEWEST_FIRST[1:4]),
        (["--offset", "50"], []),
        (["year:2017", "--offset", "1"], ["novak"]),
    ],
)
def test_offset_and_limit_slice(cli, small, args: list[str], expected: list[str]) -> None:
    assert _ids(cli, *args) == expected


@pytest.mark.parametrize("args", [["--limit", "-1"], ["--offset", "-1"]])
def test_negative_slice_refused(cli, small, args: list[str]) -> None:
    assert cli("list", *args, code=2).stdout == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--guest", "davis", "year:2017"], {"davis"}, id="guest-flag-and-term"),
        pytest.param(["--since", "2018", "guest:davis"], {"recent"}, id="since-and-term"),
        pytest.param(["--until", "2017", "guest:davis"], {"davis"}, id="until-and-term"),
        pytest.param(["--since", "2017-06", "--until", "2017-07"], {"davis", "novak"}, id="span"),
        pytest.param(
            ["--guest", "davis", "--guest", "leon"],
            {"davis", "recent", "garden", "special"},
            id="guest-flags-or",
        ),
        pytest.param(["--guest", "jiri novak"], {"novak"}, id="guest-flag-with-space"),
        pytest.param(["--host", "patel", "tag:gardening"], {"garden"}, id="host-flag-and-tag"),
        pytest.param(["--person", "kim", "--since", "2016"], {"special"}, id="person-since"),
        pytest.param(["--search", "news gap", "year:2017"], {"davis"}, id="search-phrase"),
        pytest.param(["--search", "newsroom"], {"davis"}, id="search-summary"),
        pytest.param(["--show", "trend", "guest:davis"], {"recent"}, id="show-flag"),
        pytest.param(["--show", "s-open", "--show", "trend", "year:2018"], {"garden"}, id="shows"),
        pytest.param(["^guest:davis", "--since", "2017"], {"novak", "garden"}, id="negated"),
        pytest.param(["--", "-guest:davis", "year:2017"], {"novak"}, id="dash-after-dashdash"),
        pytest.param(["local news gap"], {"davis"}, id="phrase-arg"),
        pytest.param(["guest:davis date:2017..2018"], {"davis"}, id="terms-in-one-arg"),
    ],
)
def test_flags_combine_with_terms(cli, small, args: list[str], expected: set[str]) -> None:
    assert set(_ids(cli, *args)) == expected


def test_unknown_show_flag_exits_1(cli, small) -> None:
    result = cli("list", "--show", "nosuchshow", code=1)
    assert "nosuchshow" in result.stderr


def test_dash_negation_on_the_command_line(cli, small) -> None:
    assert set(_ids(cli, "-guest:davis", "year:2017")) == {"novak"}


# -- the property test: random queries vs a reference filter on 10,000 episodes ---------------
@functools.cache
def _fold(text: str) -> str:
    """Case- and accent-free text, written here from the spec ("any case/accents")."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    ).casefold()


def _name_key(name: str) -> str:
    """Same person however written: case, accents, punctuation, "Last, First"."""
    if name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first.strip()} {last.strip()}"
    return " ".join(re.sub(r"[^\w\s]", " ", _fold(name)).split())


REF_HOST_ROLES = ("host", "co-host", "guest host")
SHOWS = {"gen-a": "Morning Radio", "gen-b": "Trade Talks", "gen-c": "Città Aperta"}
HOSTS = ["Morgan Host", "Renée Côté", "Sam Okafor"]
ACCENTED = ["Jiří Novák", "José Núñez", "Zoë Ångström", "Inès Moreau", "Łukasz Żak"]
YEARS = range(2014, 2021)


class Snapshot:
    """What `select` reads from a store, read once: the real Store copies every document on
    each call (about 0.2 s for 10,000 episodes), which would dominate the property test."""

    backend = "tinydb"

    def __init__(self, store: Store) -> None:
        self.tables = {t: store.all(t) for t in ("shows", "episodes", "summaries", "people")}

    def select_episodes(
        self, plan: Any, keep: Callable[[dict[str, Any]], bool], **_: Any
    ) -> list[dict[str, Any]]:
        return [e for e in self.tables["episodes"] if keep(e)]

    def all(self, table: str) -> list[dict[str, Any]]:
        return self.tables[table]

    def shows(self) -> list[dict[str, Any]]:
        return self.tables["shows"]

    def episodes(self) -> list[dict[str, Any]]:
        return self.tables["episodes"]


class Catalog:
    """The generated catalog: its file, the store, a snapshot and the episodes read back."""

    def __init__(self, path: Path, summaries: dict[str, str]) -> None:
        self.path = path
        self.store = Store(path)
        self.sqlite_path = path.with_suffix(".sqlite")
        self.sqlite = SQLiteStore(self.sqlite_path)
        copy_catalog(self.store, self.sqlite)
        self.snapshot = Snapshot(self.store)
        self.episodes = self.snapshot.episodes()
        self.summaries = summaries

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Catalog({self.path}, {len(self.episodes)} episodes)"


def _generate(n: int, seed: int = 20240615) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rng = random.Random(seed)
    guests = [f"{f} {la}" for f in FIRST[:8] for la in LAST[:6]] + ACCENTED
    span = int((datetime(2020, 12, 31, tzinfo=UTC) - datetime(2014, 1, 1, tzinfo=UTC)).days)
    episodes: list[dict[str, Any]] = []
    summaries: dict[str, str] = {}
    for i in range(n):
        roll = rng.random()
        if roll < 0.02:
            published = None
        elif roll < 0.04:  # on the edges of years and months
            year = rng.choice(YEARS)
            published = rng.choice(
                [f"{year}-12-31T23:59:59Z", f"{year}-01-01T00:00:00Z", f"{year}-06-30T23:59:59Z"]
            )
        else:
            when = datetime(2014, 1, 1, tzinfo=UTC) + timedelta(
                days=rng.randrange(span), seconds=rng.randrange(86400)
            )
            published = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        roll = rng.random()
        if roll < 0.03:
            duration: float | int | None = None
        elif roll < 0.4:
            duration = rng.randrange(1, 120) * 60  # whole minutes hit range bounds exactly
        elif roll < 0.45:
            duration = rng.randrange(60, 7200) + 0.5
        else:
            duration = rng.randrange(30, 7200)
        credits = [{"name": rng.choice(HOSTS), "role": "host"}]
        if rng.random() < 0.2:
            credits.append({"name": rng.choice(HOSTS), "role": "co-host"})
        if rng.random() < 0.05:
            credits.append({"name": rng.choice(guests), "role": "guest host"})
        ep_guests = rng.sample(guests, rng.choice([0, 1, 1, 1, 2]))
        credits += [{"name": g, "role": "guest"} for g in ep_guests]
        if rng.random() < 0.05:
            credits.append({"name": rng.choice(guests), "role": "producer"})
        for c in credits:
            c["key"] = _name_key(c["name"])
        words = [rng.choice(WORDS) for _ in range(rng.randrange(2, 6))]
        title = " ".join(words).title()
        if ep_guests and rng.random() < 0.5:
            title += f" with {ep_guests[0]}"
        description = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 12)))
        summary_id = None
        if rng.random() < 0.1:
            summary_id = f"sum-{i}"
            summaries[summary_id] = " ".join(rng.choice(WORDS) for _ in range(8))
        episodes.append(
            {
                "id": f"ep{i:05d}",
                "show_id": rng.choice(list(SHOWS)),
                "guid": f"gen-{i}",
                "title": title,
                "description": description,
                "published": published,
                "duration": duration,
                "credits": credits,
                "mentions": rng.sample(guests, rng.choice([0, 0, 1])),
                "topics": rng.sample(WORDS, rng.choice([0, 1])),
                "keywords": rng.sample(WORDS, rng.choice([0, 1, 2])),
                "summary_id": summary_id,
            }
        )
    return episodes, summaries


@pytest.fixture(scope="session")
def big(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path = tmp_path_factory.mktemp("bigcatalog") / "catalog.json"
    episodes, summaries = _generate(10_000)
    store = Store(path)
    store.put("shows", [{"id": k, "title": v} for k, v in SHOWS.items()])
    store.put("summaries", [{"id": k, "body": v} for k, v in summaries.items()])
    store.put("episodes", episodes)
    catalog = Catalog(path, summaries)
    assert catalog.episodes == episodes
    return catalog


# A generated term: the text given to the CLI and the reference predicate it must mean.
Pred = Callable[[dict[str, Any], Catalog], bool]


@dataclass(frozen=True)
class Gen:
    text: str
    pred: Pred
    is_field: bool = True


def _names_of(ep: dict[str, Any], field: str) -> list[str]:
    credits = ep.get("credits") or []
    if field == "guest":
        return [c["name"] for c in credits if c["role"] == "guest"]
    if field == "host":
        return [c["name"] for c in credits if c["role"] in REF_HOST_ROLES]
    return [c["name"] for c in credits]


def _period(text: str) -> tuple[datetime, datetime]:
    """[start, end) of a YYYY, YYYY-MM or YYYY-MM-DD period."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return datetime(parts[0], 1, 1), datetime(parts[0] + 1, 1, 1)
    year, month = parts[:2]
    if len(parts) == 2:
        days = calendar.monthrange(year, month)[1]
        start = datetime(year, month, 1)
        return start, start + timedelta(days=days)
    start = datetime(year, month, parts[2])
    return start, start + timedelta(days=1)


def _published(ep: dict[str, Any]) -> datetime | None:
    text = ep.get("published")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ") if text else None


def _in_dates(low: str | None, high: str | None) -> Pred:
    start = _period(low)[0] if low else None
    end = _period(high)[1] if high else None

    def pred(ep: dict[str, Any], _: Catalog) -> bool:
        when = _published(ep)
        if when is None:
            return False
        return (start is None or when >= start) and (end is None or when < end)

    return pred


def _in_durations(low: float | None, high: float | None) -> Pred:
    def pred(ep: dict[str, Any], _: Catalog) -> bool:
        value = ep.get("duration")
        if value is None:
            return False
        return (low is None or value >= low) and (high is None or value <= high)

    return pred


def _vary_case(draw: st.DrawFn, text: str) -> str:
    return draw(st.sampled_from([text, text.lower(), text.upper(), _fold(text)]))


@st.composite
def name_term(draw: st.DrawFn, names: list[str]) -> Gen:
    field = draw(st.sampled_from(["guest", "host", "person", "guests", "hosts", "people"]))
    real = {"guests": "guest", "hosts": "host", "people": "person"}.get(field, field)
    name = draw(st.sampled_from(HOSTS) if real == "host" else st.sampled_from(names))
    first, last = name.split(" ", 1)
    if draw(st.booleans()):
        value = _vary_case(draw, f"{last}, {first}")
        key = _name_key(value)
        return Gen(
            f'{field}:="{value}"',
            lambda ep, _: any(_name_key(n) == key for n in _names_of(ep, real)),
        )
    part = _vary_case(draw, draw(st.sampled_from([first, last, name, last[1:4]])))
    needle = _fold(part)
    text = f'{field}:"{part}"' if " " in part else f"{field}:{part}"
    return Gen(text, lambda ep, _: any(needle in _fold(n) for n in _names_of(ep, real)))


@st.composite
def word_term(draw: st.DrawFn) -> Gen:
    word = _vary_case(draw, draw(st.sampled_from(sorted(set(WORDS)))))
    needle = _fold(word)
    kind = draw(st.sampled_from(["title", "free", "tag", "regex"]))
    if kind == "title":
        return Gen(f"title:{word}", lambda ep, _: needle in _fold(ep["title"]))
    if kind == "tag":
        return Gen(
            f"tag:{word}",
            lambda ep, _: any(
                needle in _fold(v) for v in ep["mentions"] + ep["topics"] + ep["keywords"]
            ),
        )
    if kind == "regex":
        return Gen(f"title::^{word}", lambda ep, _: ep["title"].lower().startswith(word.lower()))

    def free(ep: dict[str, Any], cat: Catalog) -> bool:
        texts = [ep["title"], ep["description"], cat.summaries.get(ep["summary_id"] or "", "")]
        return any(needle in _fold(t) for t in texts)

    return Gen(word, free, is_field=False)


@st.composite
def show_term(draw: st.DrawFn) -> Gen:
    show_id, title = draw(st.sampled_from(sorted(SHOWS.items())))
    value = draw(st.sampled_from([show_id, *title.split(), "citta", "gen-"]))
    needle = _fold(value)
    return Gen(
        f"show:{value}",
        lambda ep, _: needle in _fold(SHOWS[ep["show_id"]]) or needle in _fold(ep["show_id"]),
    )


@st.composite
def date_value(draw: st.DrawFn) -> str:
    year = draw(st.sampled_from(list(range(YEARS.start - 1, YEARS.stop + 1))))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return str(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{draw(st.integers(1, 28)):02d}"


@st.composite
def date_term(draw: st.DrawFn) -> Gen:
    field = draw(st.sampled_from(["date", "year", "published"]))
    if field == "year":
        low = high = None
        year = draw(st.sampled_from(list(YEARS)))
        shape = draw(st.sampled_from(["one", "range", "open-end", "open-start"]))
        if shape == "one":
            return Gen(f"year:{year}", _in_dates(str(year), str(year)))
        if shape == "range":
            low, high = str(year), str(year + draw(st.integers(0, 3)))
        elif shape == "open-end":
            low = str(year)
        else:
            high = str(year)
        return Gen(f"year:{low or ''}..{high or ''}", _in_dates(low, high))
    shape = draw(st.sampled_from(["one", "range", "open-end", "open-start"]))
    if shape == "one":
        value = draw(date_value())
        return Gen(f"{field}:{value}", _in_dates(value, value))
    low = draw(date_value()) if shape != "open-start" else None
    high = draw(date_value()) if shape != "open-end" else None
    return Gen(f"{field}:{low or ''}..{high or ''}", _in_dates(low, high))


def _render_seconds(draw: st.DrawFn, seconds: int) -> str:
    forms = [f"{seconds}s"]
    if seconds % 60 == 0:
        minutes = seconds // 60
        forms += [str(minutes), f"{minutes}m"]
        if minutes >= 60:
            forms.append(
                f"{minutes // 60}h{minutes % 60}m" if minutes % 60 else f"{minutes // 60}h"
            )
    else:
        forms.append(f"{seconds // 60}m{seconds % 60}s")
    return draw(st.sampled_from(forms))


@st.composite
def duration_term(draw: st.DrawFn) -> Gen:
    field = draw(st.sampled_from(["duration", "length"]))
    bound = st.one_of(st.integers(1, 125).map(lambda m: m * 60), st.integers(1, 7500))
    shape = draw(st.sampled_from(["range", "range", "open-end", "open-start", "one"]))
    low = draw(bound) if shape != "open-start" else None
    high = draw(bound) if shape in {"range", "open-start"} else None
    if shape == "one":
        high = low
        return Gen(f"{field}:{_render_seconds(draw, low)}", _in_durations(low, high))
    low_text = _render_seconds(draw, low) if low is not None else ""
    high_text = _render_seconds(draw, high) if high is not None else ""
    return Gen(f"{field}:{low_text}..{high_text}", _in_durations(low, high))


def _negated(gen: Gen, prefix: str) -> Gen:
    return Gen(prefix + gen.text, lambda ep, cat: not gen.pred(ep, cat), gen.is_field)


@st.composite
def term(draw: st.DrawFn, names: list[str]) -> Gen:
    gen = draw(st.one_of(name_term(names), word_term(), date_term(), duration_term(), show_term()))
    if draw(st.integers(0, 3)) == 0:
        gen = _negated(gen, draw(st.sampled_from(["-", "^"])))
    return gen


@st.composite
def group(draw: st.DrawFn, names: list[str]) -> Gen:
    """One argument: a term, or an OR of two field terms joined by a comma."""
    first = draw(term(names))
    if not first.is_field or draw(st.integers(0, 2)) != 0:
        return first
    second = draw(term(names).filter(lambda g: g.is_field))
    return Gen(
        f"{first.text},{second.text}",
        lambda ep, cat: first.pred(ep, cat) or second.pred(ep, cat),
    )


QUERY_NAMES = [*(f"{f} {la}" for f in FIRST[:8] for la in LAST[:6]), *ACCENTED, "Nobody Atall"]


def _reference(cat: Catalog, groups: list[Gen]) -> set[str]:
    return {e["id"] for e in cat.episodes if all(g.pred(e, cat) for g in groups)}


def _selected(
    cat: Catalog, terms: list[str], *, real_store: bool = False, sqlite: bool = False
) -> set[str]:
    store = cat.sqlite if sqlite else cat.store if real_store else cat.snapshot
    found, _ = select(store, terms)  # type: ignore[arg-type]
    return {e["id"] for e in found}


def _newest_first(cat: Catalog, ids: set[str]) -> list[str]:
    eps = sorted((e for e in cat.episodes if e["id"] in ids), key=lambda e: e["id"])
    eps.sort(key=lambda e: e["published"] or "", reverse=True)
    eps.sort(key=lambda e: not e["published"])
    return [e["id"] for e in eps]


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(groups=st.lists(group(QUERY_NAMES), min_size=1, max_size=4))
def test_random_queries_match_the_reference_filter(big: Catalog, groups: list[Gen]) -> None:
    terms = [g.text for g in groups]
    want = _reference(big, groups)
    for sqlite in (False, True):  # the TinyDB scan and the SQLite plan give the same episodes
        got = _selected(big, terms, sqlite=sqlite)
        extra, missing = sorted(got - want), sorted(want - got)
        assert got == want, (
            f"{terms} (sqlite={sqlite}): {len(extra)} extra {extra[:3]}, "
            f"{len(missing)} missing {missing[:3]}"
        )
    first, _ = select(big.sqlite, terms, newest_first_limit=5)  # type: ignore[arg-type]
    assert [e["id"] for e in first] == _newest_first(big, want)[:5]


def _anchor_guest(cat: Catalog) -> str:
    """A guest with episodes both inside and outside 2017-2018."""
    counts: dict[str, set[int]] = {}
    for ep in cat.episodes:
        for name in _names_of(ep, "guest"):
            if ep["published"]:
                counts.setdefault(name, set()).add(int(ep["published"][:4]))
    return next(n for n in sorted(counts) if {2016, 2017, 2018, 2019} <= counts[n])


def _has(field: str, needle: str) -> Pred:
    return lambda ep, _: any(_fold(needle) in _fold(n) for n in _names_of(ep, field))


def _year_in(ep: dict[str, Any], low: int, high: int) -> bool:
    return bool(ep["published"]) and low <= int(ep["published"][:4]) <= high


def _mentions_radio(ep: dict[str, Any], cat: Catalog) -> bool:
    texts = (ep["title"], ep["description"], cat.summaries.get(ep["summary_id"] or "", ""))
    return any("radio" in _fold(t) for t in texts)


FIXED_QUERIES = [
    pytest.param(["host:okafor"], _has("host", "okafor"), id="host-includes-co-host"),
    pytest.param(["host:COTE"], _has("host", "côté"), id="host-accents"),
    pytest.param(["person:morgan"], _has("person", "morgan"), id="person"),
    pytest.param(
        ['guest:="novák, jiří"'],
        lambda ep, _: "Jiří Novák" in _names_of(ep, "guest"),
        id="guest-exact-last-first",
    ),
    pytest.param(
        ["guest:zak", "-year:2016..2018"],
        lambda ep, cat: _has("guest", "żak")(ep, cat) and not _year_in(ep, 2016, 2018),
        id="negated-year-range-keeps-undated",
    ),
    pytest.param(
        ["duration:..10m,duration:1h50m..", "show:citta"],
        lambda ep, _: (
            ep["duration"] is not None
            and (ep["duration"] <= 600 or ep["duration"] >= 6600)
            and ep["show_id"] == "gen-c"
        ),
        id="or-durations-and-show",
    ),
    pytest.param(
        ["^radio", "year:2019"],
        lambda ep, cat: _year_in(ep, 2019, 2019) and not _mentions_radio(ep, cat),
        id="negated-word-through-summaries",
    ),
]


@pytest.mark.parametrize(("terms", "pred"), FIXED_QUERIES)
def test_fixed_queries_on_the_big_catalog(big: Catalog, terms: list[str], pred: Pred) -> None:
    want = {e["id"] for e in big.episodes if pred(e, big)}
    assert want
    assert _selected(big, terms) == want
    assert _selected(big, terms, sqlite=True) == want


def test_anchor_guest_and_date_range(big: Catalog) -> None:
    name = _anchor_guest(big)
    last = name.split()[-1]
    expected = {
        e["id"]
        for e in big.episodes
        if any(last.lower() in _fold(n) for n in _names_of(e, "guest"))
        and e["published"]
        and "2017-01-01T00:00:00Z" <= e["published"] <= "2018-12-31T23:59:59Z"
    }
    assert expected
    assert _selected(big, [f"guest:{last}", "date:2017..2018"], real_store=True) == expected
    assert _selected(big, [f"guest:{last} date:2017..2018"]) == expected
    all_years = _selected(big, [f"guest:{last}"])
    assert expected < all_years


def test_anchor_through_the_cli(cli, big: Catalog) -> None:
    name = _anchor_guest(big)
    query = f'guest:"{name}" date:2017..2018'
    out = cli("--db", big.path, "list", query, "--ids").stdout.splitlines()
    key = _fold(name)
    dated = [
        e
        for e in big.episodes
        if any(key in _fold(n) for n in _names_of(e, "guest"))
        and e["published"]
        and e["published"][:4] in {"2017", "2018"}
    ]
    dated.sort(key=lambda e: e["id"])  # newest first; the same date by id
    dated.sort(key=lambda e: e["published"], reverse=True)
    assert out == [e["id"] for e in dated]


def test_generated_catalog_shape(big: Catalog) -> None:
    assert len(big.episodes) == 10_000
    assert big.store.count("episodes") == 10_000
    years = {e["published"][:4] for e in big.episodes if e["published"]}
    assert years == {str(y) for y in YEARS}
    assert any(e["duration"] is None for e in big.episodes)
    assert any(e["published"] is None for e in big.episodes)
