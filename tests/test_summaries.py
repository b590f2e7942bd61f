"""Scraped pages: parsing, and the seed page matched to its episode with its credits."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, ROOT, SHARED

from catalog.core import pages as summaries

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


@pytest.mark.parametrize(
    ("line", "iso"),
    [("04:01 GMT07 March 2021", "2021-03-07"), ("11:08 GMT +322 December 2021", "2021-12-22"),
     ("11:08 GMT +3 22 December 2021", "2021-12-22"), ("09:15 GMT+304 March 2020", "2020-03-04"),
     ("17:40 GMT -501 June 2019", "2019-06-01"), ("10:00 GMT +1002 May 2020", "2020-05-02"),
     ("11:08 22.12.2021", "2021-12-22"), ("22.12.2021 11:08", "2021-12-22"),
     ("11:08 GMT 22.12.2021 (updated 14:20 GMT 22.12.2021)", "2021-12-22"),
     ("11:08 GMT +322.12.2021", "2021-12-22"), ("11:08 UTC+03:00 22.12.2021", "2021-12-22"),
     ("22 December 2021, 11:08 GMT", "2021-12-22"), ("December 22, 2021 11:08", "2021-12-22"),
     ("11:08 GMT", None), ("Listen Live", None), ("The talks resumed at 11:08 on Monday", None),
     ("11:08 GMT +331 February 2021", None)],
)  # fmt: skip
def test_clock_lines_in_every_form_give_the_scrape_date(line: str, iso: str | None) -> None:
    assert (
        summaries.parse_page(f"{line}\nListen Live\nA Headline\nGet short URL\n")["scraped_at"]
        == iso
    )
    if iso:  # and the clock line is never the title
        assert summaries.parse_page(f"{line}\nA Headline\n")["title"] == "A Headline"


LEAD = (
    "The lead paragraph of the page runs on for long enough to be prose, as every lead of "
    "the family does, and it ends with a full stop."
)


@pytest.mark.parametrize(
    "top",
    [
        ["09:00 GMT05 May 2020", "Listen Live", "Harbour Signal", "Tides Turn at the Port",
         "Get short URL"],
        ["09:00 GMT05 May 2020", "Harbour Signal", "Listen Live", "Tides Turn at the Port",
         "Get short URL"],
        ["09:00 GMT05 May 2020", "Listen LiveHarbour Signal", "Tides Turn at the Port"],
        ["Get short URL", "09:00 GMT +305 May 2020", "Tides Turn at the Port", "Share"],
        ["09:00 05.05.2020", "Listen Live", "Tides Turn at the Port", "Get short URL",
         "Tides Turn at the Port"],
        ["Listen Live", "Subscribe", "Weekday Radio Hour", "Tides Turn at the Port",
         "Get short URL", "09:00 GMT05 May 2020"],
    ],
)  # fmt: skip
def test_the_headline_is_found_by_its_role_not_its_position(top: list[str]) -> None:
    text = "\n".join([*top, LEAD, "port, tides, Ada Quill, shipping"])
    page = summaries.parse_page(text, shows=["Harbour Signal"])
    assert page["title"] == "Tides Turn at the Port"
    assert page["body"] == LEAD
    if "Harbour Signal" in text:
        assert page["show"] == "Harbour Signal"
    if "05" in text:
        assert page["scraped_at"] == "2020-05-05"


def test_a_label_above_every_headline_of_a_batch_is_furniture() -> None:
    pages = [
        f"09:00 GMT0{n} May 2020\nListen Live\nNight Desk\n{title}\n{LEAD}"
        for n, title in enumerate(["Ports Reopen", "A Strike Ends", "Grain Prices Fall"], 1)
    ]
    # alone, the label looks like a headline: nothing on the page says otherwise
    assert summaries.parse_page(pages[0])["title"] == "Night Desk"
    labels = summaries.common_labels(summaries.header_labels(p) for p in pages)
    parsed = [summaries.parse_page(p, labels=labels) for p in pages]
    assert [p["title"] for p in parsed] == ["Ports Reopen", "A Strike Ends", "Grain Prices Fall"]
    assert {p["show"] for p in parsed} == {"Night Desk"}


def test_html_headline_from_og_title_and_the_show_from_the_title_tag() -> None:
    html = (
        '<html><head><title>Tides Turn - Harbour Signal - Radio Example</title>'
        '<meta property="og:title" content="Tides Turn at the Port"></head><body>'
        "<nav><a>Harbour Signal</a><a>Night Desk</a></nav><article><p>" + LEAD +
        "</p></article></body></html>"
    )  # fmt: skip
    page = summaries.parse_page(html, shows=["Night Desk", "Harbour Signal"])
    assert (page["title"], page["show"], page["body"]) == ("Tides Turn at the Port",
                                                           "Harbour Signal", LEAD)  # fmt: skip


def test_a_guest_on_the_tag_line_is_still_the_guest(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from catalog.services import summaries

    page = "\n".join([
        "09:00 GMT05 May 2020", "Listen Live", "Ports Reopen After the Strike", "Get short URL",
        "Dockers went back to work on Monday after the minister Halvard Brenne agreed to meet "
        "with union leader Osric Pell, ending a stoppage that lasted eleven days.",
        "Wen Talbot and Ivo Marchetti discuss the deal with Sabine Okafor, a labour economist.",
        "ports, strikes, Sabine Okafor, Halvard Brenne, Osric Pell",
    ])  # fmt: skip
    doc = summaries.build_summary("d", page, tmp_path / "p.txt", datetime(2020, 5, 6, tzinfo=UTC))
    roles = {(c["name"], c["role"]) for c in doc["credits"]}
    assert ("Sabine Okafor", "guest") in roles
    assert {"Halvard Brenne", "Osric Pell"} <= set(doc["mentions"])
    assert not {"Halvard Brenne", "Osric Pell"} & {name for name, _role in roles}
