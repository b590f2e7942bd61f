"""Pure people registry: who is who across spellings, and where each person appears.

Credits carry a normalised key (`normalize.person_key`: case, accents, punctuation, titles,
"Last, First"). The registry's stored documents add what a person decided: aliases (a merge
makes B an alias of A) and a canonical name. Everything else (roles, shows, appearances,
co-appearances) is computed from the episodes' credits.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from catalog.core.normalize import CAST_ROLES, HOST_ROLES, fold, person_key


def alias_map(people: list[dict[str, Any]]) -> dict[str, str]:
    """Every alias key → the canonical key of the person it belongs to."""
    out: dict[str, str] = {}
    for doc in people:
        for key in doc.get("alias_keys") or []:
            out[key] = doc["key"]
    return out


def canonical(key: str, aliases: dict[str, str]) -> str:
    """The canonical key for a credit key (itself when it is no one's alias)."""
    return aliases.get(key, key)


@dataclass
class Person:
    """One person as the catalog knows them."""

    key: str
    name: str
    aliases: list[str] = field(default_factory=list)
    bio: str | None = None
    href: str | None = None
    img: str | None = None
    roles: Counter[str] = field(default_factory=Counter)
    shows: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    appearances: list[dict[str, Any]] = field(default_factory=list)  # with_appearances only
    episodes: int = 0  # how many episodes credit them (in any role, counted once)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `--json`."""
        return {
            "key": self.key, "name": self.name, "aliases": self.aliases, "bio": self.bio,
            "website": self.href, "img": self.img, "roles": dict(self.roles),
            "shows": dict(self.shows), "first": self.first, "last": self.last,
            "appearances": self.episodes,
        }  # fmt: skip


def build(
    episodes: list[dict[str, Any]],
    show_titles: dict[str, str],
    people: list[dict[str, Any]],
    *,
    with_appearances: bool = False,
) -> dict[str, Person]:
    """Everyone credited on the episodes, by canonical key, with counts by role and show."""
    aliases = alias_map(people)
    stored = {doc["key"]: doc for doc in people}
    out: dict[str, Person] = {}
    spellings: dict[str, Counter[str]] = {}
    for ep in episodes:
        seen: set[tuple[str, str]] = set()
        counted: set[str] = set()
        for credit in ep.get("credits") or []:
            key = canonical(credit.get("key") or person_key(credit["name"]), aliases)
            role = credit.get("role") or "host"
            if (key, role) in seen:
                continue
            seen.add((key, role))
            person = out.get(key)
            if person is None:
                doc = stored.get(key, {})
                person = out[key] = Person(
                    key=key,
                    name=doc.get("name") or "",
                    aliases=list(doc.get("aliases") or []),
                )
                spellings[key] = Counter()
            if key not in counted:  # once per episode, whatever their roles on it
                counted.add(key)
                person.episodes += 1
            spellings[key][credit["name"]] += 1
            person.bio = person.bio or credit.get("bio")
            person.href = person.href or credit.get("href")
            person.img = person.img or credit.get("img")
            person.roles[role] += 1
            title = show_titles.get(ep.get("show_id") or "", "")
            person.shows[title] += 1
            when = ep.get("published")
            if when:
                person.first = min(person.first or when, when)
                person.last = max(person.last or when, when)
            if with_appearances:
                person.appearances.append({"episode": ep, "role": role})
    for key, person in out.items():  # the name a rename or merge chose, else the plainest
        person.name = person.name or display_name(spellings[key])
        for name in sorted(spellings[key], key=lambda n: (-spellings[key][n], n)):
            if name != person.name and name not in person.aliases:
                person.aliases.append(name)
    for key, doc in stored.items():  # a stored bio or website the user set wins
        if key in out:
            out[key].bio = doc.get("bio") or out[key].bio
            out[key].href = doc.get("href") or out[key].href
    return out


def display_name(spellings: Counter[str]) -> str:
    """The spelling to show a person by (when no rename or merge chose one): one that reads
    as its key (no nickname in quotes, no honorific, not "Last, First"), then the most used,
    then the first in alphabetical order, so that the choice never depends on ingest order.

    >>> display_name(Counter({'Matthew "Matt" Rorie': 3, "Matt Rorie": 1}))
    'Matt Rorie'
    >>> display_name(Counter({"Sir Tim Rice": 2, "Tim Rice": 1}))
    'Tim Rice'
    """

    def order(name: str) -> tuple[bool, int, str]:
        plain = _WORDS.sub(" ", fold(name)).split() == person_key(name).split()
        return (not plain, -spellings[name], name)

    return min(spellings, key=order)


_WORDS = re.compile(r"[^\w\s]")


def is_cast(person: Person, role: str | None = None) -> bool:
    """True for hosts and guests (and other cast), not crew such as producers or guitarists."""
    roles = {r for r in person.roles if r in CAST_ROLES}
    if role == "host":
        return bool(roles & HOST_ROLES)
    if role is not None:
        return role in roles
    return bool(roles)


@dataclass
class Resolution:
    """The outcome of looking a name up: one person, several candidates, or suggestions."""

    person: Person | None = None
    candidates: list[Person] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def resolve_exact(name: str, people: dict[str, Person], aliases: dict[str, str]) -> Person | None:
    """The person a name is exactly (by key, through merges, or a spelling they appear
    under), or None: no partial matches and no suggestions."""
    key = person_key(name)
    found = people.get(canonical(key, aliases))
    if found is not None:
        return found
    return next((p for p in people.values() if key in {person_key(a) for a in p.aliases}), None)


def resolve(query: str, people: dict[str, Person]) -> Resolution:
    """Find a person as a user would expect: the key ("Davis, Joseph", "jośeph davís"), an
    alias ("Joe Davis" once merged), then a unique partial match; several partial matches are
    candidates, and a typo gets suggestions ("did you mean")."""
    key = person_key(query)
    if key in people:
        return Resolution(person=people[key])
    for person in people.values():
        if key in {person_key(a) for a in person.aliases}:
            return Resolution(person=person)
    folded = fold(query).strip()
    words = folded.split()
    partial = [p for p in people.values()
               if all(w in fold(" ".join([p.name, *p.aliases])) for w in words)]  # fmt: skip
    if len(partial) == 1:
        return Resolution(person=partial[0])
    if partial:
        partial.sort(key=lambda p: (-sum(p.roles.values()), p.name))
        return Resolution(candidates=partial)
    names = {p.name: p for p in people.values()}
    close = difflib.get_close_matches(query, list(names), n=5, cutoff=0.75)
    if not close:
        by_key = {p.key: p.name for p in people.values()}
        close = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.7)]
    return Resolution(suggestions=close)


def co_appearances(
    person: Person, aliases: dict[str, str], people: dict[str, Person] | None = None
) -> Counter[str]:
    """Who appeared with this person most (hosts and co-guests), counted by person (merged
    spellings together) and shown by their current name."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for appearance in person.appearances:
        keys = set()
        for credit in appearance["episode"].get("credits") or []:
            key = canonical(credit.get("key") or person_key(credit["name"]), aliases)
            if key != person.key and credit.get("role") in CAST_ROLES:
                keys.add(key)
                names.setdefault(key, credit["name"])
        counts.update(keys)
    people = people or {}
    return Counter({(people[k].name if k in people else names[k]): n for k, n in counts.items()})


def regular_shows(person: Person, show_sizes: dict[str, int], *, share: float = 0.25) -> list[str]:
    """Shows where the person is on at least a quarter of the episodes (and 3 or more)."""
    return [title for title, n in person.shows.most_common()
            if n >= 3 and n >= share * max(1, show_sizes.get(title, 0))]  # fmt: skip
