"""Pure merging of credits from several sources (feed tags, manual fixes, the matched summary,
the description, show-level hosts) into one credit per person and role."""

from __future__ import annotations

from typing import Any

from catalog.core.normalize import HOST_ROLES

# Prose credits (description, summary page, audio tags) below this confidence are only
# *suggested*: kept apart from `credits`, shown as such, and offered for review.
SUGGEST_BELOW = 0.6
_PROSE = {"description", "summary", "tags"}


def split_suggested(
    credits: list[dict[str, Any]], *, below: float = SUGGEST_BELOW
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(credits, suggested): a credit whose every source is prose and whose confidence is
    under `below` is a suggestion, not a credit (feed tags, manual fixes and show hosts stay).

    >>> split_suggested([{"sources": ["description"], "confidence": 0.4},
    ...                  {"sources": ["feed"], "confidence": 0.4}])[1]
    [{'sources': ['description'], 'confidence': 0.4}]
    """
    kept: list[dict[str, Any]] = []
    suggested: list[dict[str, Any]] = []
    for credit in credits:
        prose = set(credit.get("sources") or []) <= _PROSE
        weak = float(credit.get("confidence") or 0.0) < below
        (suggested if prose and weak else kept).append(credit)
    return kept, suggested


def role_class(role: str) -> str:
    """'host' for host, co-host and guest host; the role itself otherwise."""
    return "host" if role in HOST_ROLES else role


def regular_hosts(
    channel: list[dict[str, Any]], per_episode: list[list[dict[str, Any]]], *, share: float = 0.5
) -> list[dict[str, Any]]:
    """The show's regular hosts: the channel's `podcast:person` hosts, and any name that
    hosts at least half of the show's episodes (three or more), from any source.

    `per_episode` holds, for each episode of the show, the credits found for it.
    """
    out = {c["key"]: c for c in channel if role_class(c["role"]) == "host"}
    counts: dict[str, int] = {}
    names: dict[str, dict[str, Any]] = {}
    for credits in per_episode:
        keys = {c["key"] for c in credits if role_class(c["role"]) == "host"}
        for c in credits:
            names.setdefault(c["key"], c)
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    if len(per_episode) >= 3:
        for key, n in counts.items():
            if n >= share * len(per_episode) and key not in out:
                out[key] = names[key]
    return [
        {"name": c["name"], "key": c["key"], "role": "host", "group": "cast",
         "bio": c.get("bio"), "href": c.get("href"), "img": c.get("img"), "source": "show",
         "scope": "show", "confidence": 0.6}
        for c in out.values()
    ]  # fmt: skip


def merge_credits(
    inputs: dict[str, list[dict[str, Any]]],
    summary: list[dict[str, Any]],
    show_hosts: list[dict[str, Any]],
    tagged_people: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """One credit per person and role class, best source first, details filled from the rest.

    An explicit item-level `podcast:person` tag outranks prose: when the item tags some role,
    prose only adds details to the people tagged, never new people in that role. A person
    the show's tags name anywhere (`tagged_people`) is credited only where the tags put them:
    the publisher has said where they appear. Show-level
    hosts appear only on episodes that name no host at all.
    """
    removed = set(inputs.get("removed") or [])  # `catalog credit remove`, kept across ingests
    feed = inputs.get("feed") or []
    tagged_roles = {role_class(c["role"]) for c in feed if c.get("scope") == "item"}
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    # Audio file tags: their guests count like prose; their artist hosts only an episode
    # that no other source, not even the show, gives a host.
    tags = inputs.get("tags") or []
    order = [("manual", inputs.get("manual") or []), ("feed", feed), ("summary", summary),
             ("description", inputs.get("description") or []),
             ("tags", [c for c in tags if role_class(c["role"]) != "host"])]  # fmt: skip
    for source, credits in order:
        for credit in credits:
            if credit["key"] in removed and source != "manual":
                continue
            cls = role_class(credit["role"])
            # Tags and manual fixes may credit one person in two roles (host and producer);
            # prose only adds details to a person already credited in any role.
            slot = merged.get((credit["key"], cls))
            if slot is None and source in {"summary", "description", "tags"}:
                slot = next((v for (k, _c), v in merged.items() if k == credit["key"]), None)
            if slot is not None:
                for detail in ("bio", "href", "img"):
                    if not slot.get(detail) and credit.get(detail):
                        slot[detail] = credit[detail]
                if source not in slot["sources"]:
                    slot["sources"].append(source)
                continue
            if source in {"summary", "description", "tags"} and (
                cls in tagged_roles or credit["key"] in tagged_people
            ):
                continue
            merged[(credit["key"], cls)] = _entry(credit, source)
    if not any(role_class(c["role"]) == "host" for c in merged.values()):
        for host in show_hosts:
            merged.setdefault((host["key"], "host"), dict(host, sources=["show"]))
        hosts = [] if show_hosts else [c for c in tags if role_class(c["role"]) == "host"]
        for host in hosts:
            if host["key"] not in removed and all(k != host["key"] for k, _c in merged):
                merged[(host["key"], "host")] = _entry(host, "tags")
    return list(merged.values())


def _entry(credit: dict[str, Any], source: str) -> dict[str, Any]:
    return {
        "name": credit["name"], "key": credit["key"], "role": credit["role"],
        "group": credit.get("group") or "cast", "bio": credit.get("bio"),
        "href": credit.get("href"), "img": credit.get("img"),
        "source": credit.get("source") or source, "sources": [source],
        "scope": credit.get("scope"),
        "confidence": credit.get("confidence", 0.7),
    }  # fmt: skip
