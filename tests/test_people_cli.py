"""The people registry end to end: `catalog guest|person|people`, merges, splits, renames and
manual credit fixes, on the bundled demo feeds and on the partytime corpus fixtures."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, ROOT, needs_corpus
from lxml import etree

from catalog.core import registry
from catalog.core.normalize import person_key

FEEDS = ROOT / "feeds"
LAVROV = "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit"
PARTYTIME = CORPUS / "partytime-fixtures"


@pytest.fixture
def demo(cli: Any) -> Any:
    cli("ingest", FEEDS)
    return cli


def _episode_id(cli: Any, *terms: str) -> str:
    ids = cli("list", *terms, "--ids").stdout.split()
    assert ids, terms
    return ids[-1]


def _profile(cli: Any, name: str) -> dict[str, Any]:
    return cli.json("guest", name)


def _credit_joe(cli: Any) -> str:
    """Credit "Joe Davis" by hand on an Open Line episode Joseph Davis is not on."""
    joseph = {e["id"] for e in _profile(cli, "Joseph Davis")["episodes"]}
    ids = [i for i in cli("list", "show:open line", "--ids").stdout.split() if i not in joseph]
    cli("credit", "add", ids[0], "Joe Davis", "--role", "guest")
    return ids[0]


# 1. The bundled demo -------------------------------------------------------------------------


def test_guest_profile_shows_host_he_appeared_with(demo: Any) -> None:
    out = demo("guest", "joseph davis").stdout
    assert "Joseph Davis" in out
    assert "Lavrov-Tillerson" in out
    appeared = next(line for line in out.splitlines() if "appeared with" in line)
    assert "Andrew Korybko" in appeared


def test_guest_json_lists_episodes_in_date_order(demo: Any) -> None:
    data = demo.json("guest", "joseph davis")
    assert data["name"] == "Joseph Davis"
    assert data["appearances"] == 2
    assert "Andrew Korybko" in data["appeared_with"]
    episodes = data["episodes"]
    assert [e["date"] for e in episodes] == sorted(e["date"] for e in episodes)
    assert [(e["show"], e["date"], e["title"], e["role"]) for e in episodes] == [
        ("Trendstorm", "2017-05-10", LAVROV, "guest"),
        ("Open Line", "2017-07-19", "Independent Bloggers and the Local News Gap", "guest"),
    ]


def test_people_role_host_lists_korybko(demo: Any) -> None:
    out = demo("people", "--role", "host").stdout
    line = next(line for line in out.splitlines() if "Andrew Korybko" in line)
    assert "host 12" in line
    assert "Trendstorm" in line
    data = demo.json("people", "--role", "host")
    korybko = next(p for p in data if p["name"] == "Andrew Korybko")
    assert korybko["roles"] == {"host": 12}
    assert korybko["shows"] == {"Trendstorm": 12}
    assert "Joseph Davis" not in {p["name"] for p in data}  # a guest, not a host


def test_people_json_counts_each_persons_episodes(demo: Any) -> None:
    """`appearances` is the number of episodes crediting the person (it was 0 for everyone),
    the same as `catalog list person:NAME` finds, on either backend."""
    everyone = demo.json("people")
    assert everyone
    assert all(p["appearances"] > 0 for p in everyone)
    by_name = {p["name"]: p for p in everyone}
    assert by_name["Andrew Korybko"]["appearances"] == 12
    assert by_name["Joseph Davis"]["appearances"] == 2
    for name in ("Andrew Korybko", "Joseph Davis", "Maria Santos"):
        listed = demo("list", f'person:="{name}"', "--ids").stdout.split()
        assert by_name[name]["appearances"] == len(listed), name
        assert demo.json("guest", name)["appearances"] == len(listed), name


def test_people_json_counts_an_episode_once_for_two_roles() -> None:
    credits = [{"name": "Ann Lee", "role": "host"}, {"name": "Ann Lee", "role": "guest"}]
    episodes = [{"id": "e1", "show_id": "s", "credits": credits},
                {"id": "e2", "show_id": "s", "credits": credits[:1]}]  # fmt: skip
    ann = registry.build(episodes, {"s": "Show"}, [])[person_key("Ann Lee")]
    assert dict(ann.roles) == {"host": 2, "guest": 1}
    assert ann.as_dict()["appearances"] == 2


def test_person_json_regular_on(demo: Any) -> None:
    data = demo.json("person", "andrew korybko")
    assert "Trendstorm" in data["regular_on"]
    assert len(data["episodes"]) == 12


# 2. Resolution -------------------------------------------------------------------------------


def _people(*names: str, roles: int = 1) -> dict[str, registry.Person]:
    out = {}
    for name in names:
        key = person_key(name)
        out[key] = registry.Person(key=key, name=name, roles=Counter({"guest": roles}))
    return out


HAND_MADE = _people("Joseph Davis", "Andrew Korybko", "Maria Santos", "Dev Patel")


@pytest.mark.parametrize(
    "query", ["joseph davis", "Davis, Joseph", "JOSEPH DAVIS", "Jośeph Davís", "Dr. Joseph Davis"]
)
def test_resolve_spellings_find_joseph_davis(query: str) -> None:
    found = registry.resolve(query, HAND_MADE)
    assert found.person is not None
    assert found.person.name == "Joseph Davis"


@pytest.mark.parametrize(
    "query", ["joseph davis", "Davis, Joseph", "JOSEPH DAVIS", "Jośeph Davís", "Dr. Joseph Davis"]
)
def test_cli_spellings_find_joseph_davis(demo: Any, query: str) -> None:
    assert _profile(demo, query)["name"] == "Joseph Davis"


def test_resolve_alias_only_after_merge() -> None:
    people = _people("Joseph Davis", "Andrew Korybko")
    assert registry.resolve("Joe Davis", people).person is None
    people["joseph davis"].aliases.append("Joe Davis")
    found = registry.resolve("Joe Davis", people)
    assert found.person is not None
    assert found.person.name == "Joseph Davis"


def test_resolve_ambiguous_and_typo() -> None:
    found = registry.resolve("a", HAND_MADE)
    assert found.person is None
    assert len(found.candidates) > 1
    found = registry.resolve("josef daviss", HAND_MADE)
    assert found.person is None
    assert found.suggestions[:1] == ["Joseph Davis"]


def test_cli_joe_davis_resolves_only_after_merge(demo: Any) -> None:
    demo("guest", "Joe Davis", code=1)  # no one called that yet (partial match fails on "joe")
    _credit_joe(demo)
    assert _profile(demo, "Joe Davis")["name"] == "Joe Davis"
    demo("people", "merge", "Joseph Davis", "Joe Davis")
    assert _profile(demo, "Joe Davis")["name"] == "Joseph Davis"


def test_cli_ambiguous_partial_lists_candidates(demo: Any) -> None:
    result = demo("guest", "a", code=2)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "ambiguous" in message
    assert "Andrew Korybko" in message
    assert "Maria Santos" in message


def test_cli_typo_did_you_mean(demo: Any) -> None:
    result = demo("guest", "josef daviss", code=1)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "did you mean 'Joseph Davis'" in message


# 3. Merge, split, rename ---------------------------------------------------------------------


def test_merge_survives_reingest_and_split_undoes_it(demo: Any) -> None:
    joe_episode = _credit_joe(demo)
    before = {e["id"] for e in _profile(demo, "Joseph Davis")["episodes"]}
    demo("people", "merge", "Joseph Davis", "Joe Davis")
    demo("ingest", FEEDS)
    both = before | {joe_episode}
    for name in ("Joe Davis", "Joseph Davis"):
        data = _profile(demo, name)
        assert data["name"] == "Joseph Davis"
        assert data["appearances"] == 3
        assert {e["id"] for e in data["episodes"]} == both
        assert "Joe Davis" in data["aliases"]
    assert set(demo("list", 'guest:"joe davis"', "--ids").stdout.split()) == both
    assert set(demo("list", 'guest:"joseph davis"', "--ids").stdout.split()) == both

    demo("people", "split", "Joe Davis")
    joe, joseph = _profile(demo, "Joe Davis"), _profile(demo, "Joseph Davis")
    assert (joe["name"], joe["appearances"]) == ("Joe Davis", 1)
    assert (joseph["name"], joseph["appearances"]) == ("Joseph Davis", 2)
    assert set(demo("list", 'guest:"joe davis"', "--ids").stdout.split()) == {joe_episode}
    demo("ingest", FEEDS)  # the split survives a re-ingest too
    assert _profile(demo, "Joe Davis")["appearances"] == 1


def test_rename_changes_shown_name_old_name_still_resolves(demo: Any) -> None:
    demo("people", "rename", "Joseph Davis", "Joe Davis Jr.")
    data = _profile(demo, "Joseph Davis")
    assert data["name"] == "Joe Davis Jr."
    assert data["appearances"] == 2
    assert _profile(demo, "Joe Davis Jr.")["key"] == data["key"]
    names = {p["name"] for p in demo.json("people")}
    assert "Joe Davis Jr." in names
    assert "Joseph Davis" not in names
    assert "Joe Davis Jr." in demo("guest", "joseph davis").stdout
    demo("ingest", FEEDS)
    assert _profile(demo, "Joseph Davis")["name"] == "Joe Davis Jr."


# 4. Manual credit fixes ----------------------------------------------------------------------


def test_credit_remove_tagged_guest_survives_reingest(demo: Any) -> None:
    lavrov = next(
        e["id"] for e in _profile(demo, "Joseph Davis")["episodes"] if e["title"] == LAVROV
    )
    demo("credit", "remove", lavrov[:8], "Joseph Davis")

    def check() -> None:
        data = _profile(demo, "Joseph Davis")
        assert data["appearances"] == 1
        assert lavrov not in {e["id"] for e in data["episodes"]}
        assert lavrov not in demo("list", 'guest:"joseph davis"', "--ids").stdout.split()
        # the host stays on the episode
        assert lavrov in demo("list", 'host:"andrew korybko"', "--ids").stdout.split()

    check()
    demo("ingest", FEEDS)
    check()


def test_credit_add_survives_reingest(demo: Any) -> None:
    episode = _credit_joe(demo)
    demo("ingest", FEEDS)
    data = _profile(demo, "Joe Davis")
    assert data["name"] == "Joe Davis"
    assert [(e["id"], e["role"]) for e in data["episodes"]] == [(episode, "guest")]


def test_credit_add_after_remove_restores(demo: Any) -> None:
    lavrov = next(
        e["id"] for e in _profile(demo, "Joseph Davis")["episodes"] if e["title"] == LAVROV
    )
    demo("credit", "remove", lavrov, "Joseph Davis")
    demo("credit", "add", lavrov, "Joseph Davis", "--role", "guest")
    demo("ingest", FEEDS)
    assert _profile(demo, "Joseph Davis")["appearances"] == 2


# 5. The partytime corpus ---------------------------------------------------------------------


def _is_podcast_person(el: Any) -> bool:
    if not isinstance(el.tag, str):
        return False
    qname = etree.QName(el)
    namespace = (qname.namespace or "").lower()
    return qname.localname == "person" and (
        "podcastindex" in namespace or "podcast-namespace" in namespace
    )


def _tag_persons(el: Any) -> list[tuple[str, str]]:
    out = []
    for person in el:
        if not _is_podcast_person(person):
            continue
        name = " ".join((person.text or "").split())
        if name:
            out.append((person_key(name), (person.get("role") or "").strip().lower() or "host"))
    return out


def _expected_counts(path: Path) -> dict[str, dict[str, int]]:
    """Appearances by role per person from the feed's podcast:person tags, as the spec applies
    them: an item's persons replace the channel's; an item without any inherits the channel's."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    channel = etree.parse(str(path), parser).getroot().find("channel")
    channel_persons = _tag_persons(channel)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item in channel.findall("item"):
        for key, role in set(_tag_persons(item) or channel_persons):
            counts[key][role] += 1
    return {key: dict(roles) for key, roles in counts.items()}


CORPUS_FEEDS = sorted(PARTYTIME.glob("*.xml")) if PARTYTIME.is_dir() else []


@needs_corpus
@pytest.mark.parametrize("feed", CORPUS_FEEDS, ids=lambda p: p.name)
def test_corpus_people_counts_match_podcast_person_tags(cli: Any, feed: Path) -> None:
    """People credited from the feed's tags have exactly the spec's counts. Catalog also adds
    credits from prose (descriptions) and show-level hosts; people known *only* from those
    (no credit with source "feed" on any episode, per `list --json`) are left out."""
    cli("ingest", feed)
    expected = _expected_counts(feed)
    from_tags = {
        credit["key"]
        for ep in cli.json("list")
        for credit in ep.get("credits") or []
        if "feed" in (credit.get("sources") or [credit.get("source")])
    }
    got = {p["key"]: p["roles"] for p in cli.json("people")}
    assert from_tags == set(expected)
    assert {key: got.get(key) for key in expected} == expected


@needs_corpus
def test_corpus_som_crew_roles_are_not_cast(cli: Any) -> None:
    cli("ingest", PARTYTIME / "SOM.xml")
    everyone = {p["name"]: p["roles"] for p in cli.json("people")}
    assert everyone == {"Jake Hider": {"guitar": 2}, "SLIEK Media": {"content manager": 2}}
    for role in ("host", "guest"):
        assert cli.json("people", "--role", role) == []
        assert "no one matches" in cli("people", "--role", role).stderr


@needs_corpus
def test_corpus_prose_guest_daniel_j_lewis(cli: Any) -> None:
    """ "… and we're joined by Renowned Industry Expert Daniel J Lewis": one person, whole."""
    cli("ingest", PARTYTIME / "pc20rss.xml")
    names = {p["name"] for p in cli.json("people", "--role", "guest")}
    assert "Daniel J Lewis" in names
    assert "J Lewis" not in names
    assert "Industry Expert Daniel" not in names


# Known bugs ----------------------------------------------------------------------------------


def test_appeared_with_uses_canonical_names(demo: Any) -> None:
    _credit_joe(demo)  # on an Open Line episode with host Maria Santos
    demo("people", "merge", "Joseph Davis", "Joe Davis")
    demo("people", "rename", "Andrew Korybko", "A. Korybko")
    assert _profile(demo, "Joseph Davis")["appeared_with"].get("A. Korybko") == 1
    partners = _profile(demo, "Maria Santos")["appeared_with"]
    assert "Joe Davis" not in partners
    assert partners.get("Joseph Davis") == 2


def test_credit_remove_by_merged_alias(demo: Any) -> None:
    _credit_joe(demo)
    demo("people", "merge", "Joseph Davis", "Joe Davis")
    lavrov = _episode_id(demo, f'title:"{LAVROV}"')
    demo("credit", "remove", lavrov, "Joe Davis")
    assert lavrov not in {e["id"] for e in _profile(demo, "Joseph Davis")["episodes"]}


def test_credit_remove_unknown_person_fails(demo: Any) -> None:
    lavrov = _episode_id(demo, f'title:"{LAVROV}"')
    result = demo("credit", "remove", lavrov, "Nobody Here", code=None)
    assert result.exit_code != 0
