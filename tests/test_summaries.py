"""Scraped pages: parsing, and the seed page matched to its episode with its credits."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, ROOT, SHARED

from catalog import summaries

SEED = SHARED / "seeds" / "000_3e6280ce935638fc.txt"
OWN_SEED_SHAPE = DATA / "summaries" / "seed-shape.txt"


def test_sputnik_shape_is_parsed() -> None:
    page = summaries.parse_page(OWN_SEED_SHAPE.read_text(), name="seed-shape.txt")
    assert page["title"] == "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit"
    assert page["scraped_at"] == "2019-11-12"  # the clock line is the scrape, not the air date
    assert page["air_date"] is None
    assert page["mentions"] == ["Rex Tillerson", "Vladimir Putin", "Donald Trump", "Sergei Lavrov"]
    assert page["topics"] == ["diplomacy", "US", "Russia"]
    body = page["body"]
    for furniture in ("Listen Live", "Get short URL", "Community standards", "newsletter",
                      "mailbag@"):  # fmt: skip
        assert furniture not in body
    assert "possible. The joint fight" in body  # glued paragraphs are split again
    assert body.endswith("who runs jdavismemphis.com")


def test_html_page_drops_navigation_and_finds_the_air_date() -> None:
    html = (ROOT / "feeds/summaries/open-line-2017-05-23-streetcar-lines-history.html").read_text()
    page = summaries.parse_page(html, name="streetcars.html")
    assert page["title"] == "The Streetcar Lines That Shaped Our City"
    assert page["air_date"] == "2017-05-23"
    assert page["body"].startswith("Historian Ruth Calloway joins Dev Patel")
    for junk in ("Volunteer", "Donate", "Log in", "Privacy"):
        assert junk not in page["body"]
    assert "rise & fall" in page["body"]  # entities decoded


@pytest.mark.parametrize(
    ("text", "iso"),
    [("Aired March 14, 2017", "2017-03-14"), ("16 Jan 2017", "2017-01-16"),
     ("Published: 2019-05-27", "2019-05-27"), ("on 3rd June, 2020", "2020-06-03"),
     ("31 February 2020", None), ("no date", None)],
)  # fmt: skip
def test_parse_date(text: str, iso: str | None) -> None:
    assert summaries.parse_date(text) == iso


def _seed_check(cli, page: Path) -> None:
    cli("ingest", ROOT / "feeds" / "trendstorm.xml")
    (row,) = cli.json("summaries", "import", page)["pages"]
    assert row["state"] == "auto", row
    lavrov = next(e for e in cli.json("list") if e["title"].startswith("Lavrov-Tillerson"))
    assert row["episode_id"] == lavrov["id"]
    credits = {(c["name"], c["role"]): c for c in lavrov["credits"]}
    assert set(credits) == {("Andrew Korybko", "host"), ("Joseph Davis", "guest")}
    davis = credits[("Joseph Davis", "guest")]
    assert davis["bio"] == "an independent blogger and researcher based in Memphis, TN"
    assert davis["href"] == "https://jdavismemphis.com"
    assert "summary" in davis["sources"]
    politicians = {"Rex Tillerson", "Vladimir Putin", "Donald Trump", "Sergei Lavrov"}
    assert set(lavrov["mentions"]) == politicians
    assert not politicians & {c["name"] for c in lavrov["credits"]}
    shown = cli("show", lavrov["id"]).stdout
    for text in ("Joseph Davis", "Andrew Korybko", "jdavismemphis.com", "Sergei Lavrov"):
        assert text in shown
    log = cli.json("match", "log")
    assert [(d["action"], d["episode_id"]) for d in log] == [("auto", lavrov["id"])]


def test_seed_page_matches_its_episode(cli) -> None:
    """The reference page from ../shared when present, else our own page of the same shape."""
    _seed_check(cli, SEED if SEED.is_file() else OWN_SEED_SHAPE)


def test_own_seed_shaped_page_matches_its_episode(cli) -> None:
    _seed_check(cli, OWN_SEED_SHAPE)


def test_same_page_twice_is_a_no_op(cli, tmp_path: Path) -> None:
    cli("ingest", ROOT / "feeds" / "trendstorm.xml")
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(OWN_SEED_SHAPE.read_bytes())
    first = cli.json("summaries", "import", OWN_SEED_SHAPE)["pages"][0]
    again = cli.json("summaries", "import", copy)["pages"][0]
    assert again["status"] == "unchanged"
    assert again["summary_id"] == first["summary_id"]
    assert len(cli.json("summaries", "list")) == 1
    assert len(cli.json("match", "log")) == 1


def test_summary_credits_fill_an_untagged_feed(cli, tmp_path: Path) -> None:
    """A feed with no person tags and a plain description still gets its guest, with the
    bio from the page; the show's regular host comes from the other episodes."""
    items = "".join(
        f"<item><title>Episode {n}: {topic}</title><guid>ep-{n}</guid>"
        f"<pubDate>Mon, 0{n} May 2023 10:00:00 +0000</pubDate>"
        f"<description>Nadia Ferrer is joined by {guest} to talk about {topic}."
        "</description></item>"
        for n, topic, guest in [(1, "Tides", "Ola Berg"), (2, "Nets", "Per Lund"),
                                (3, "Boats", "Kai Moe")]
    )  # fmt: skip
    items += ("<item><title>Episode 4: Knots</title><guid>ep-4</guid>"
              "<pubDate>Mon, 08 May 2023 10:00:00 +0000</pubDate>"
              "<description>All about knots.</description></item>")  # fmt: skip
    feed = tmp_path / "f.xml"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Sea Talk</title>'
                    f"<link>https://sea.example/</link><description>d</description>{items}"
                    "</channel></rss>")  # fmt: skip
    page = tmp_path / "knots.txt"
    page.write_text(
        "Episode 4: Knots\nAired May 8, 2023\n\nOur guest this week is Rosa Lind, "
        "a sailmaker from Bergen (rosalind.example.com).\n"
    )
    cli("ingest", feed)
    assert cli.json("summaries", "import", page)["pages"][0]["state"] == "auto"
    knots = next(e for e in cli.json("list") if e["guid"] == "ep-4")
    assert {(c["name"], c["role"], c["source"]) for c in knots["credits"]} == {
        ("Rosa Lind", "guest", "summary"),
        ("Nadia Ferrer", "host", "show"),
    }
    rosa = next(c for c in knots["credits"] if c["name"] == "Rosa Lind")
    assert rosa["bio"] == "a sailmaker from Bergen"
    assert rosa["href"] == "https://rosalind.example.com"
