"""Table tests for the pure normalisation core."""

from __future__ import annotations

import time

import pytest

from catalog.core import normalize as n


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("1745", 1745),
        ("29:12", 1752),
        ("0:31:05", 1865),
        ("1:02:03", 3723),
        ("01:02:03.5", 3723.5),
        ("1745.25", 1745.25),
        (" 90 ", 90),
        (3600, 3600),
        (12.0, 12),
        ("", None),
        ("garbage", None),
        ("1h2m", None),
        ("-5", None),
        ("1:2:3:4", None),
        ("1.5:30", None),
        (None, None),
        (True, None),
    ],
    ids=repr,
)
def test_parse_duration(raw: object, seconds: object) -> None:
    assert n.parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("true", True),
        ("Yes", True),
        ("explicit", True),
        ("false", False),
        ("No", False),
        ("clean", False),
        ("", None),
        ("maybe", None),
        (None, None),
    ],
)
def test_parse_explicit(raw: object, value: object) -> None:
    assert n.parse_explicit(raw) is value


def test_struct_to_iso_is_utc() -> None:
    parsed = time.strptime("2017-05-10 16:00:00", "%Y-%m-%d %H:%M:%S")
    assert n.struct_to_iso(parsed) == "2017-05-10T16:00:00Z"
    assert n.struct_to_iso(None) is None


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("A<br>B", "A\nB"),
        ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
        ("<script>evil()</script><style>p{}</style>Visible", "Visible"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        (
            "Plain\nlines stay\n\n\n\nbut blank runs shrink",
            "Plain\nlines stay\n\nbut blank runs shrink",
        ),
        ("Red \x1b[31malert\x1b[0m", "Red [31malert[0m"),
        ("", ""),
        (None, ""),
    ],
    ids=repr,
)
def test_html_to_text(html: str | None, text: str) -> None:
    assert n.html_to_text(html) == text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  many   spaces\tand\nlines ", "many spaces and lines"),
        ("bidi \u202etxt.exe\u202c", "bidi txt.exe"),
        ("isolate \u2066x\u2069", "isolate x"),
        ("esc \x1b[31mred", "esc [31mred"),
        ("c1 \x9b31m csi", "c1 31m csi"),
        ("zero\u200bwidth", "zerowidth"),
        ("[bold]markup[/] stays literal", "[bold]markup[/] stays literal"),
        ("Jiří Novák", "Jiří Novák"),
    ],
    ids=repr,
)
def test_clean_line_strips_controls_and_bidi(raw: str, clean: str) -> None:
    assert n.clean_line(raw) == clean


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Joseph Davis", "joseph davis"),
        ("joseph davis", "joseph davis"),
        ("Davis, Joseph", "joseph davis"),
        ("Jośeph Davís", "joseph davis"),
        ("Dr. Joseph Davis", "joseph davis"),
        ("Prof Jiří Novák", "jiri novak"),
        ("Martin Luther King, Jr.", "martin luther king jr"),
        ("Dr.", "dr"),
        # one person, one key: nicknames in quotes and honorifics
        ('Matthew "Matt" Rorie', "matt rorie"),
        ("Matt Rorie", "matt rorie"),
        ("Rorie, Matthew \u201cMatt\u201d", "matt rorie"),
        ("Dr. Matthew 'Matt' Rorie", "matt rorie"),
        ('Dwayne "The Rock" Johnson', "dwayne johnson"),
        ("Patrick O'Brien", "patrick o brien"),
        ("Sir Tim Rice", "tim rice"),
        ("Dame Judi Dench", "judi dench"),
        ("Lord Alan Sugar", "alan sugar"),
        ("Lady Antonia Fraser", "antonia fraser"),
        ("Rabbi Jonathan Sacks", "jonathan sacks"),
        ("Rev. Richard Coles", "richard coles"),
        ("Mx Alex Kim", "alex kim"),
        ("Prof. Dr. Jane Doe", "jane doe"),
        # …but never down to a lone surname: these are not the same people
        ("Mr Smith", "mr smith"),
        ("Mrs Smith", "mrs smith"),
        ("Lady Gaga", "lady gaga"),
    ],
)
def test_person_key(name: str, key: str) -> None:
    assert n.person_key(name) == key
    assert n.person_key(key) == key  # a key is its own key (merges store keys as names)


def test_item_persons_replace_channel_persons() -> None:
    channel = n.normalize_channel({"title": "S", "persons": [{"name": "Hana Host"}]})
    assert channel["credits"][0]["role"] == "host"
    assert channel["credits"][0]["group"] == "cast"
    inherited = n.normalize_entry({"title": "a", "guid": "1"}, channel["credits"])
    assert [(c["name"], c["role"], c["scope"]) for c in inherited["credits"]] == [
        ("Hana Host", "host", "channel")
    ]
    own = n.normalize_entry(
        {"title": "b", "guid": "2", "persons": [{"name": "Gus Guest", "role": "Guest"}]},
        channel["credits"],
    )
    assert [(c["name"], c["role"], c["scope"]) for c in own["credits"]] == [
        ("Gus Guest", "guest", "item")
    ]


def test_nameless_person_is_dropped_and_non_cast_role_kept() -> None:
    ep = n.normalize_entry(
        {
            "title": "t",
            "persons": [
                {"name": "  ", "role": "guest"},
                {"name": "Sam", "role": "Guitar", "group": "Music"},
            ],
        },
        [],
    )
    assert [(c["name"], c["role"], c["group"]) for c in ep["credits"]] == [
        ("Sam", "guitar", "music")
    ]


@pytest.mark.parametrize(
    ("episode", "first_key"),
    [
        ({"guid": "g1", "enclosures": [{"url": "u"}], "title": "T"}, "guid:g1"),
        ({"guid": None, "enclosures": [{"url": "u"}], "title": "T"}, "enclosure:u"),
        ({"guid": None, "enclosures": [], "title": "Tí", "published": "2020"}, "title:ti|2020"),
    ],
)
def test_identity_keys_are_layered(episode: dict[str, object], first_key: str) -> None:
    assert n.identity_keys(episode)[0] == first_key


def test_unsafe_character_ranges_match_unicodedata() -> None:
    import sys
    import unicodedata

    wanted = {"Cc", "Cf", "Cs"}
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if ch in "\n\t\r":
            continue
        category = unicodedata.category(ch)
        stripped = n.clean_line(f"a{ch}b") == "ab"
        if category == "Cn":  # unassigned in this Python's Unicode; newer ones add Cf here
            continue
        assert stripped is (category in wanted), f"U+{cp:04X} {category}"
