"""The pure core of audio files: attaching a file to an episode, credits from tags, local-only
episodes, the tags `catalog tag` plans; the credit merge and the has:file query term."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalog.core import audiomatch, credits, query
from catalog.core.errors import QueryError

T = audiomatch.Thresholds()


def _ep(ep_id: str, title: str, published: str | None = "2017-05-10T00:00:00Z", **over):
    return {
        "id": ep_id,
        "show_id": "s1",
        "title": title,
        "published": published,
        "duration": 3000,
        "guid": f"guid-{ep_id}",
        "credits": [],
        "description": "",
        "enclosures": [{"url": f"https://cdn.example/{ep_id}-audio.mp3"}],
        **over,
    }


EPISODES = [
    _ep("e1", "The Streetcar Lines That Shaped Our City"),
    _ep("e2", "Raising Kids in Two Languages", "2017-04-25T00:00:00Z", duration=3302),
    _ep("e3", "Community Gardens and Food Access", "2017-06-20T00:00:00Z", duration=3288),
    _ep("e4", "Renters' Rights Call-In", "2017-04-04T00:00:00Z", guid="shared"),
    {**_ep("e5", "Other Show Episode", guid="shared"), "show_id": "s2"},
]
LOOKUP = audiomatch.EpisodeLookup(EPISODES, {"s1": "Open Line", "s2": "Other Show"})


def _info(**over):
    return {
        "path": "/music/x/file.mp3",
        "title": None,
        "album": None,
        "date": None,
        "duration": None,
        "artist": None,
        "guests": [],
        "comment": None,
        "description": None,
        **over,
    }


@pytest.mark.parametrize(
    ("info", "state", "episode", "score"),
    [
        (_info(catalog_id="e2"), "auto", "e2", 1.0),
        (_info(episode_guid="guid-e3"), "auto", "e3", 1.0),
        (_info(episode_guid="shared", album="Other Show"), "auto", "e5", 1.0),
        (_info(path="/dl/e1-audio.mp3"), "auto", "e1", 0.95),
        (
            _info(
                title="the streetcar lines that shaped our city", date="2017-05-10", duration=3001
            ),
            "auto",
            "e1",
            None,
        ),
        (
            _info(title="Raising Kids in Two Languages", date="2019-01-01", duration=60),
            "review",
            "e2",
            None,
        ),
        (_info(title="A Completely Different Programme", duration=50), "local", None, None),
    ],
    ids=[
        "catalog-id",
        "guid",
        "guid-in-two-shows",
        "enclosure-name",
        "title-date-duration",
        "title-only",
        "nothing",
    ],
)
def test_attach(info, state: str, episode: str | None, score: float | None) -> None:
    found = audiomatch.attach(info, LOOKUP, T)
    assert (found.state, found.episode_id if state != "local" else None) == (state, episode)
    if score is not None:
        assert found.score == score
    if state == "review":
        assert found.candidates
        assert found.candidates[0]["episode_id"] == episode
        assert {"title", "date", "duration"} <= set(found.reasons)


def test_a_generic_enclosure_name_proves_nothing() -> None:
    eps = [_ep("g1", "One", enclosures=[{"url": "https://host/1/audio.mp3"}])]
    found = audiomatch.attach(_info(path="/dl/audio.mp3"), audiomatch.EpisodeLookup(eps, {}), T)
    assert found.state == "local"


def test_a_title_match_alone_is_never_automatic() -> None:
    eps = [_ep("t1", "Exactly This Title", published=None, duration=None)]
    found = audiomatch.attach(
        _info(title="Exactly This Title"), audiomatch.EpisodeLookup(eps, {}), T
    )
    assert (found.state, found.episode_id, found.score) == ("review", "t1", 1.0)


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ({"date": "2017-05-10"}, "2017-05-10"),
        ({"date": "2017-05-10T19:00:00"}, "2017-05-10"),
        ({"date": "28.02.2021"}, "2021-02-28"),
        ({"date": "2021"}, None),
        ({"date": "0000", "path": "/a/Show 2019-03-01.mp3"}, "2019-03-01"),
        ({"path": "/a/show_2019_03_02.mp3"}, "2019-03-02"),
    ],
)
def test_tag_date(info, expected) -> None:
    assert audiomatch.tag_date(info) == expected


@pytest.mark.parametrize(
    ("title", "guests"),
    [
        ("Cooking with Ann Lee", ["Ann Lee"]),
        ("Ep. 3: Gardens with Ann Lee and Bo Roe | Open Line", ["Ann Lee", "Bo Roe"]),
        ("Night Mix (feat. Cy Doe)", ["Cy Doe"]),
        ("Night Mix ft. Cy Doe - Live", ["Cy Doe"]),
        ("Morning talk w/ Di Eve", ["Di Eve"]),
        ("Guest: Ed Fox", ["Ed Fox"]),
        ("Cooking with Gas", []),
        ("Live with the Band", []),
    ],
)
def test_title_guests(title: str, guests: list[str]) -> None:
    assert audiomatch.title_guests(title) == guests


def test_tag_credits() -> None:
    info = _info(
        artist="Maria Santos feat. Joseph Davis",
        title="Gardens with Tamsin Okoro",
        comment="Guest: Luis Ferreira",
        guests=["Ruth Calloway"],
        album="Open Line",
    )
    found = {(c["name"], c["role"]) for c in audiomatch.tag_credits(info, "Open Line")}
    assert found == {
        ("Maria Santos", "host"),
        ("Joseph Davis", "guest"),
        ("Tamsin Okoro", "guest"),
        ("Luis Ferreira", "guest"),
        ("Ruth Calloway", "guest"),
    }
    assert all(c["source"] == "tags" for c in audiomatch.tag_credits(info))


@pytest.mark.parametrize(
    "artist", ["Open Line", "open line", "Unknown Artist", "Various Artists", ""]
)
def test_artist_that_names_the_show_or_nobody_is_no_host(artist: str) -> None:
    found = audiomatch.tag_credits(_info(artist=artist, album="Open Line"), "Open Line")
    assert not [c for c in found if c["role"] == "host"]


def test_several_hosts_in_one_artist_tag() -> None:
    names = [c["name"] for c in audiomatch.tag_credits(_info(artist="Ann Lee; Bo Roe & Cy Doe"))]
    assert names == ["Ann Lee", "Bo Roe", "Cy Doe"]


def test_local_episode_identity_is_title_and_day() -> None:
    show = audiomatch.local_show_id(audiomatch.local_show_name(_info(album="City Radio")))
    assert show == audiomatch.local_show_id("city radio")
    a = _info(path="/a/one.mp3", title="Morning Show", date="2019-03-01")
    b = _info(path="/b/copy.m4a", title="morning show", date="2019-03-01")
    c = _info(path="/a/one.mp3", title="Morning Show", date="2019-03-02")
    assert audiomatch.local_episode_id(show, a) == audiomatch.local_episode_id(show, b)
    assert audiomatch.local_episode_id(show, a) != audiomatch.local_episode_id(show, c)
    assert audiomatch.local_show_name(_info(path="/radio/Night Shift/x.mp3")) == "Night Shift"


def test_local_episode_has_the_shape_of_a_feed_episode() -> None:
    ep = audiomatch.local_episode("s", _info(title="T", date="2019-03-01", duration=12.5), "now")
    assert ep["published"] == "2019-03-01T00:00:00Z"
    assert ep["duration"] == 12.5
    assert {"guid", "enclosures", "credit_inputs", "credits", "summary_id"} <= set(ep)
    show = audiomatch.local_show("City Radio", "/radio", "now")
    assert (show["kind"], show["feed_url"], show["status"]) == ("local", None, "local")


def test_planned_tags_and_diff() -> None:
    ep = {
        "id": "e1",
        "title": "T",
        "published": "2017-05-10T00:00:00Z",
        "guid": "g",
        "description": "D",
        "credits": [
            {"name": "Ann Lee", "role": "host"},
            {"name": "Bo Roe", "role": "co-host"},
            {"name": "Cy Doe", "role": "guest"},
            {"name": "Ed", "role": "producer"},
        ],
    }
    show = {"title": "Show", "feed_url": "https://f/x.xml"}
    planned = audiomatch.planned_tags(ep, show)
    assert planned == {
        "title": "T",
        "album": "Show",
        "date": "2017-05-10",
        "artist": "Ann Lee; Bo Roe",
        "guests": ["Cy Doe"],
        "episode_guid": "g",
        "feed_url": "https://f/x.xml",
        "description": "D",
        "catalog_id": "e1",
    }
    assert "feed_url" not in audiomatch.planned_tags(ep, {"title": "Local", "feed_url": None})
    current = dict(planned, title="Old", guests=[])
    assert audiomatch.tag_diff(current, planned) == {
        "title": ("Old", "T"),
        "guests": ([], ["Cy Doe"]),
    }


_REC = {"path": "/r/ep.mp3", "title": "Ep 1", "album": "Show", "artist": "Ann", "duration": 600}


@pytest.mark.parametrize(
    ("other", "same"),
    [
        ({"path": "/x/ep1.m4a", "duration": 601.9, "date": "28.02.2021"}, True),
        ({"path": "/x/ep1.m4a", "title": "ep 1!"}, True),  # titles compare normalised
        ({"path": "/x/ep1.m4a", "duration": 603}, False),  # another cut
        ({"path": "/x/ep1.m4a", "title": "Ep 2"}, False),  # the same show, another episode
        ({"path": "/x/ep1.m4a", "album": None, "artist": None, "duration": 600}, False),
        ({"path": "/x/ep1.m4a", "duration": None}, False),  # tags alone need both lengths
        ({"path": "/r/ep.m4a", "title": None, "album": None, "duration": None}, True),
        ({"path": "/r/ep.m4a", "title": "Other"}, False),  # same stem, tags disagree
        ({"path": "/r/ep.m4a", "date": "2020"}, False),  # dates disagree
        ({"path": "/r/ep.mp3"}, False),  # the same file
    ],
)
def test_same_recording(other: dict, same: bool) -> None:
    a = dict(_REC, date="2021")
    b = {**_REC, "date": None, **other}
    assert audiomatch.same_recording(a, b) is same
    assert audiomatch.same_recording(b, a) is same


def test_path_guesses_are_the_values_no_tag_holds() -> None:
    local = {"kind": "local", "title": "City Radio"}
    ep = {"title": "Morning", "published": "2019-03-01T00:00:00Z"}
    tagged = {"info": {"title": "Morning", "album": "City Radio", "date": "2019-03-01"}}
    named = {"info": {"path": "/r/2019-03-01 Morning.mp3"}}
    assert audiomatch.path_guesses(ep, local, [tagged], [tagged]) == set()
    assert audiomatch.path_guesses(ep, local, [named], [named]) == {"title", "album", "date"}
    # one file's tags are the catalog's values for its other formats too
    assert audiomatch.path_guesses(ep, local, [named, tagged], [named, tagged]) == set()
    # the show's album may come from another of its episodes' files
    other = {"info": {"title": "Evening", "album": "city radio"}}
    assert audiomatch.path_guesses(ep, local, [named], [named, other]) == {"title", "date"}
    feed = {"kind": None, "title": "City Radio"}
    assert audiomatch.path_guesses(ep, feed, [named], [named]) == set()


def _credit(name: str, role: str, source: str, scope: str = "item"):
    return {"name": name, "key": name.lower(), "role": role, "source": source, "scope": scope}


def test_tag_hosts_only_where_nothing_else_names_one() -> None:
    tags_in = [_credit("Ann Lee", "host", "tags"), _credit("Bo Roe", "guest", "tags")]
    merged = credits.merge_credits({"tags": tags_in}, [], [])
    assert {(c["name"], c["role"], c["sources"][0]) for c in merged} == {
        ("Ann Lee", "host", "tags"),
        ("Bo Roe", "guest", "tags"),
    }
    show_host = [dict(_credit("Show Host", "host", "show", "show"), confidence=0.6)]
    merged = credits.merge_credits({"tags": tags_in}, [], show_host)
    assert {c["name"] for c in merged if c["role"] == "host"} == {"Show Host"}
    feed = [_credit("Feed Host", "host", "feed")]
    merged = credits.merge_credits({"feed": feed, "tags": tags_in}, [], [])
    assert {c["name"] for c in merged if c["role"] == "host"} == {"Feed Host"}
    merged = credits.merge_credits({"tags": tags_in, "removed": ["ann lee"]}, [], [])
    assert {c["name"] for c in merged} == {"Bo Roe"}


def test_tag_guests_defer_to_item_level_feed_guests() -> None:
    feed = [_credit("Tagged Guest", "guest", "feed")]
    merged = credits.merge_credits(
        {"feed": feed, "tags": [_credit("Other", "guest", "tags")]}, [], []
    )
    assert [c["name"] for c in merged] == ["Tagged Guest"]


def test_has_file_query() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    ctx = query.Context(with_files={"a"})
    eps = [{"id": "a", "summary_id": None}, {"id": "b", "summary_id": "s"}]
    assert [e["id"] for e in eps if query.parse("has:file", now=now).matches(e, ctx)] == ["a"]
    assert [e["id"] for e in eps if query.parse("-has:file", now=now).matches(e, ctx)] == ["b"]
    assert [e["id"] for e in eps if query.parse("has:summary", now=now).matches(e, ctx)] == ["b"]
    with pytest.raises(QueryError, match="has:file or has:summary"):
        query.parse("has:cover", now=now)
    with pytest.raises(QueryError):
        query.parse("has::file", now=now)
