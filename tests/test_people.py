"""Table tests for credit extraction: one row per phrasing that real show pages use."""

from __future__ import annotations

import pytest

from catalog.core import credits, people
from catalog.core.credits import SUGGEST_BELOW

# (text, guests as (name, bio, website), hosts, mentions)
CASES = [
    pytest.param(
        "Andrew Korybko is joined by Joseph Davis, an independent blogger and researcher "
        "based in Memphis, TN who the site jdavismemphis.com",
        [("Joseph Davis", "an independent blogger and researcher based in Memphis, TN",
          "https://jdavismemphis.com")],
        ["Andrew Korybko"], [], id="is-joined-by+bio+site",
    ),
    pytest.param(
        "Nadia Ferrer is joined by Owen Price, a retired judge, and Lila Chen, a law professor.",
        [("Owen Price", "a retired judge", None), ("Lila Chen", "a law professor", None)],
        ["Nadia Ferrer"], [], id="joined-by-two-with-bios",
    ),
    pytest.param(
        "Nadia Ferrer and Tom Beck are joined by Owen Price and Lila Chen to discuss courts.",
        [("Owen Price", None, None), ("Lila Chen", None, None)],
        ["Nadia Ferrer", "Tom Beck"], [], id="y-are-joined-by-x-and-z",
    ),
    pytest.param(
        "Oskar Lind joins Nadia Ferrer to discuss the harbour strike.",
        [("Oskar Lind", None, None)], ["Nadia Ferrer"], [], id="x-joins-y-to-discuss",
    ),
    pytest.param(
        "Maya Ortiz, author of The Salt Road, joins Nadia Ferrer in episode 12.",
        [("Maya Ortiz", "author of The Salt Road", None)], ["Nadia Ferrer"], [],
        id="x-author-of-joins-y",
    ),
    pytest.param(
        "Historian Ruth Calloway joins Dev Patel to trace the streetcar lines.",
        [("Ruth Calloway", "Historian", None)], ["Dev Patel"], [], id="historian-x-joins",
    ),
    pytest.param(
        "Ben Ode, a staff attorney at the legal aid clinic, joins us to discuss evictions.",
        [("Ben Ode", "a staff attorney at the legal aid clinic", None)], [], [],
        id="name-role-joins-us",
    ),
    pytest.param(
        "Maria Santos speaks to Benjamin Osei about renters' rights.",
        [("Benjamin Osei", None, None)], ["Maria Santos"], [], id="y-speaks-to-x",
    ),
    pytest.param(
        "Maria Santos talks with novelist Ines Aldana about her new book.",
        [("Ines Aldana", "novelist", None)], ["Maria Santos"], [], id="y-talks-with-role-x",
    ),
    pytest.param(
        "Two hosts review the week's films with guest Josh Kemper.",
        [("Josh Kemper", None, None)], [], [], id="with-guest-x",
    ),
    pytest.param(
        'Guest: Eric "Rizen" Lynch is a professional poker player from Olathe, KS.',
        [('Eric "Rizen" Lynch', "a professional poker player from Olathe, KS", None)], [], [],
        id="guest-label",
    ),
    pytest.param(
        "Guests: Ann Lee and Bob Stone", [("Ann Lee", None, None), ("Bob Stone", None, None)],
        [], [], id="guests-label-two",
    ),

    pytest.param(
        "Our guest this week is Colleen Brady. She is a tax preparer from Dayton.",
        [("Colleen Brady", "a tax preparer from Dayton", None)], [], [],
        id="pronoun-gives-the-bio",
    ),
    pytest.param(
        "Dev Patel welcomed Colleen Brady to the studio. She explained who qualifies. "
        "He asked about deadlines.",
        [("Colleen Brady", None, None)], ["Dev Patel"], [], id="pronouns-are-not-people",
    ),
    pytest.param(
        "Amit Varma talks about Narendra Modi and the economy.",
        None, None, ["Narendra Modi"], id="talks-about-is-a-mention",
    ),
    pytest.param(
        "The summit went well.Andrew Korybko is joined by Ada Byrne, an analyst.",
        [("Ada Byrne", "an analyst", None)], ["Andrew Korybko"], [], id="glued-paragraphs",
    ),
    pytest.param(
        "Lavrov spoke with Rex Tillerson by phone. Andrew Korybko is joined by Ada Byrne.",
        [("Ada Byrne", None, None)], ["Andrew Korybko"], None,
        id="news-conversation-loses-to-a-credit-line",
    ),
    pytest.param(
        "Chinese President Xi Jinping speaks at the opening ceremony in Beijing.",
        [], [], ["Xi Jinping"], id="speaks-at-is-not-a-credit",
    ),
    pytest.param(
        "Montenegro joins NATO as its 29th member.", [], [], [], id="a-country-joins",
    ),
    pytest.param(
        "Mei-Ling Harcourt tells Andrew Korybko why the plan worries some governments.",
        [("Mei-Ling Harcourt", None, None)], ["Andrew Korybko"], [], id="x-tells-y",
    ),
    pytest.param(
        "Andrew Korybko and Prague-based security analyst Jiří Novák discuss the accession.",
        [("Jiří Novák", "Prague-based security analyst", None)], ["Andrew Korybko"], [],
        id="y-and-role-x-discuss",
    ),
    pytest.param(
        "Andrew Korybko’s guest is Hyun-woo Baek, a Seoul-based researcher.",
        [("Hyun-woo Baek", "a Seoul-based researcher", None)], ["Andrew Korybko"], [],
        id="hosts-guest-is",
    ),
    pytest.param(
        "Maria Santos and Dev Patel are joined by Tamsin Okoro of the Eastside Growers "
        "Collective and beekeeper Luis Ferreira to talk about vacant lots.",
        [("Tamsin Okoro", "of the Eastside Growers Collective", None),
         ("Luis Ferreira", "beekeeper", None)],
        ["Maria Santos", "Dev Patel"], [], id="of-clause-and-role-word",
    ),
    pytest.param(
        "<p>Rhea Stone is joined by <b>Carl Dunn</b>, editor of <i>The Ledger</i> "
        "(ledger.example.org).</p>",
        [("Carl Dunn", "editor of The Ledger", "https://ledger.example.org")], ["Rhea Stone"],
        [], id="html-entities-and-tags",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "guests", "hosts", "mentions"), CASES)
def test_phrasings(text: str, guests, hosts, mentions) -> None:
    from catalog.core.normalize import html_to_text

    found = people.extract(html_to_text(text))
    counted = [c for c in found.credits if c["confidence"] >= SUGGEST_BELOW]
    got_guests = sorted((c["name"], c["bio"], c["href"]) for c in counted if c["role"] == "guest")
    got_hosts = sorted(c["name"] for c in counted if c["role"] == "host")
    if guests is None:  # who speaks is not said: anything but the mentioned people
        assert not {c["name"] for c in found.credits} & set(mentions)
    else:
        assert got_guests == sorted(guests)
        assert got_hosts == sorted(hosts)
    if mentions is not None:  # None: whether anyone else is mentioned is not asserted
        assert sorted(found.mentions) == sorted(mentions)


def test_a_listing_line_names_its_guest_at_least_as_a_suggestion() -> None:
    found = people.extract("Jamie Jensen - Travel Writer | road trips, diners, America")
    (credit,) = found.credits
    assert (credit["name"], credit["role"], credit["bio"]) == (
        "Jamie Jensen",
        "guest",
        "Travel Writer",
    )


def test_every_credit_has_a_key_source_and_confidence() -> None:
    found = people.extract("Nadia Ferrer is joined by Dr. Owen Price.", source="summary")
    assert sorted((c["key"], c["role"], c["source"]) for c in found.credits) == [
        ("nadia ferrer", "host", "summary"),
        ("owen price", "guest", "summary"),
    ]
    assert all(0 < c["confidence"] <= 1 for c in found.credits)


@pytest.mark.parametrize(
    ("tags", "persons", "topics"),
    [
        (["meeting", "Rex Tillerson", "Vladimir Putin", "US", "Russia"],
         ["Rex Tillerson", "Vladimir Putin"], ["meeting", "US", "Russia"]),
        (["North Korea", "United States", "Xi Jinping", "Middle East"],
         ["Xi Jinping"], ["North Korea", "United States", "Middle East"]),
        (["Milo Đukanović", "NATO"], ["Milo Đukanović"], ["NATO"]),
    ],
)  # fmt: skip
def test_tag_line_people_are_mentions(tags, persons, topics) -> None:
    assert people.tag_people(tags) == (persons, topics)


def _c(name: str, role: str, **extra):
    from catalog.core.normalize import person_key

    return {"name": name, "key": person_key(name), "role": role, **extra}


def test_feed_tags_outrank_prose_and_prose_adds_details() -> None:
    merged = credits.merge_credits(
        {
            "feed": [_c("Ann Lee", "guest", scope="item"), _c("Hal Host", "host", scope="item")],
            "description": [_c("Ann Lee", "guest", bio="a poet"), _c("Zed Extra", "guest")],
        },
        summary=[_c("Ann Lee", "host", href="https://ann.example")],
        show_hosts=[],
    )
    assert [(c["name"], c["role"], c["source"]) for c in merged] == [
        ("Ann Lee", "guest", "feed"),
        ("Hal Host", "host", "feed"),
    ]
    assert merged[0]["bio"] == "a poet"
    assert merged[0]["href"] == "https://ann.example"
    assert merged[0]["sources"] == ["feed", "summary", "description"]


def test_show_hosts_fill_in_only_where_no_host_is_named() -> None:
    show = [dict(_c("Hal Host", "host"), source="show")]
    without = credits.merge_credits({"description": [_c("Ann Lee", "guest")]}, [], show)
    assert [(c["name"], c["source"]) for c in without] == [
        ("Ann Lee", "description"),
        ("Hal Host", "show"),
    ]
    named = credits.merge_credits({"description": [_c("Kim Cohost", "host")]}, [], show)
    assert [c["name"] for c in named] == ["Kim Cohost"]


def test_regular_hosts_are_those_hosting_most_episodes() -> None:
    eps = [[_c("Hal Host", "host"), _c(f"Guest {n}", "guest")] for n in "ABC"]
    eps.append([_c("Sub Stitute", "host")])
    assert [h["name"] for h in credits.regular_hosts([], eps)] == ["Hal Host"]
    assert credits.regular_hosts([], eps[:2]) == []  # too few episodes to tell
    channel = [_c("Cha Nnel", "host")]
    assert [h["name"] for h in credits.regular_hosts(channel, [])] == ["Cha Nnel"]
