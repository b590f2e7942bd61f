"""Pure matching: scores with reasons, thresholds, and the one-to-one assignment."""

from __future__ import annotations

import pytest

from catalog.core import match


def ep(eid: str, title: str, published: str, **extra):
    return {"id": eid, "show_id": "s", "title": title, "published": published, **extra}


EPISODES = [
    ep("e1", "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit", "2017-05-10T16:00:00Z",
       description="Lavrov in Washington for talks with Tillerson.",
       link="https://radio.example.org/trendstorm/lavrov-tillerson-meet/"),
    ep("e2", "Tillerson in Moscow: Diplomacy After the Shayrat Strike", "2017-04-12T16:00:00Z"),
    ep("e3", "Year in Review", "2017-12-28T10:00:00Z"),
    ep("e4", "Year in Review", "2018-12-27T10:00:00Z"),
    ep("e5", "Belt and Road Forum: Connectivity and Its Critics", "2017-05-18T16:00:00Z"),
]  # fmt: skip
INDEX = match.EpisodeIndex(EPISODES)


def best(summary) -> match.Candidate:
    return match.rank(summary, INDEX)[0]


def test_exact_title_and_plausible_scrape_date_is_a_strong_match() -> None:
    top = best(
        {
            "title": "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit",
            "scraped_at": "2021-03-07",
            "body": "Lavrov Tillerson Washington talks",
        }
    )
    assert top.episode_id == "e1"
    assert top.score >= 0.85
    assert top.reasons["title"] == 1.0
    assert top.reasons["scraped"] == 1.0


def test_a_page_older_than_the_episode_is_penalised() -> None:
    fine = best({"title": "Belt and Road Forum", "scraped_at": "2017-06-01"})
    early = best({"title": "Belt and Road Forum", "scraped_at": "2017-05-01"})
    assert fine.episode_id == early.episode_id == "e5"
    assert early.score < fine.score
    assert "episode is newer than the page" in early.reasons["notes"]


@pytest.mark.parametrize(("air", "winner"), [("2017-12-28", "e3"), ("2018-12-27", "e4")])
def test_an_air_date_on_the_page_decides_between_equal_titles(air: str, winner: str) -> None:
    cands = match.rank({"title": "Year in Review", "air_date": air}, INDEX)
    assert cands[0].episode_id == winner
    assert cands[0].score - cands[1].score >= 0.08


def test_equal_titles_without_a_date_need_review() -> None:
    ranked = {"p": match.rank({"title": "Year in Review"}, INDEX)}
    state, cand = match.assign(ranked, set(), match.Thresholds())["p"]
    assert state == "review"
    assert cand is not None
    assert cand.reasons["margin"] < 0.08


def test_unrelated_page_is_unmatched() -> None:
    ranked = {"p": match.rank({"title": "Gardening with bees", "body": "hives honey"}, INDEX)}
    assert match.assign(ranked, set(), match.Thresholds())["p"] == ("unmatched", None)


def test_one_summary_per_episode() -> None:
    lavrov = {"title": "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit"}
    ranked = {
        "a": match.rank(lavrov, INDEX),
        "b": match.rank(dict(lavrov, title=lavrov["title"] + " (repeat)"), INDEX),
    }
    out = match.assign(ranked, set(), match.Thresholds())
    assert out["a"][1] is not None
    assert out["a"][1].episode_id == "e1"
    assert out["b"][1] is None or out["b"][1].episode_id != "e1"


def test_taken_episodes_are_not_offered() -> None:
    ranked = {"a": match.rank({"title": "Lavrov-Tillerson Meet"}, INDEX)}
    _state, cand = match.assign(ranked, {"e1"}, match.Thresholds())["a"]
    assert cand is None or cand.episode_id != "e1"


def test_show_scope_limits_candidates() -> None:
    cands = match.rank({"title": "Year in Review"}, INDEX, show_ids={"other-show"})
    assert cands == []


def test_slug_words_point_to_the_episode() -> None:
    top = best({"title": "", "slug": "lavrov-tillerson-meet", "body": "talks"})
    assert top.episode_id == "e1"
    assert top.reasons["slug"] == 1.0


@pytest.mark.parametrize(
    ("page", "feed", "same"),
    [("Belgrade Talks Stall", "BELGRADE TALKS STALL", 1.0),
     ("Kyiv–Minsk Row: ‘No Deal’", "Kyiv-Minsk Row: 'No Deal'", 1.0),
     ("Belgrade Talks Stall: What Comes Next", "Belgrade Talks Stall", 0.97),
     ("Belgrade Talks Stall", "Belgrade Talks Stall - What Comes Next", 0.97),
     ("Belgrade Talks Stall", "Belgrade Talks Stall | Fault Zone", 1.0),
     ("Fault Zone: Belgrade Talks Stall", "Belgrade Talks Stall", 1.0),
     ("Belgrade Talks Stall", "Encore: Belgrade Talks Stall", 0.0),
     ("Belgrade Talks: Round One", "Belgrade Talks: Round Two", 0.0),
     ("Belgrade Talks Stall", "Belgrade Talks Stall (Rebroadcast)", 0.0)],
)  # fmt: skip
def test_titles_differing_by_case_punctuation_subtitle_or_show_name_are_the_same(
    page: str, feed: str, same: float
) -> None:
    forms = match.title_forms(page, "Fault Zone"), match.title_forms(feed, "Fault Zone")
    assert match.same_title(*forms) == same
    index = match.EpisodeIndex([
        {"id": "a", "show_id": "fz", "title": feed, "published": "2021-12-20"},
        {"id": "b", "show_id": "fz", "title": "Tirana Votes Early", "published": "2021-12-21"},
    ], {"fz": "Fault Zone"})  # fmt: skip
    top = match.rank({"title": page, "scraped_at": "2021-12-22", "show": "Fault Zone"}, index)[0]
    assert top.episode_id == "a"
    assert (top.reasons["title"] == same) if same else top.reasons["title"] < 0.97


def test_the_show_named_on_the_page_chooses_between_shows() -> None:
    index = match.EpisodeIndex([
        {"id": "a", "show_id": "one", "title": "Grain Deal Collapses", "published": "2022-07-18"},
        {"id": "b", "show_id": "two", "title": "Grain Deal Collapses?", "published": "2022-07-18"},
    ])  # fmt: skip
    for show, winner in (("one", "a"), ("two", "b")):
        ranked = match.rank(
            {"title": "Grain deal collapses", "scraped_at": "2022-07-19", "show_ids": [show]}, index
        )
        assert ranked[0].episode_id == winner
        assert ranked[0].reasons["show"] == 1.0
        assert ranked[1].reasons["show"] == 0.0
        outcome = match.assign({"p": ranked}, set(), match.Thresholds())
        assert outcome["p"][0] == "auto"
