"""Manual credit fixes and the review of suggested credits (`catalog people review`).

`credit add` and `credit remove` change an episode's `credit_inputs` ("manual" credits and the
"removed" keys), which survive re-ingests; `derive.refresh_show` then recomputes its credits.
Accepting a suggested credit is exactly a `credit add` in its role, rejecting one exactly a
`credit remove`. Review decisions go to the decision log (`catalog match log`), marked
`"kind": "credit"`, and `catalog match undo` takes them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from catalog.core import registry
from catalog.core.errors import NotFoundError, UsageError
from catalog.core.normalize import clean_line, fold, person_key
from catalog.services import decisions, derive
from catalog.store import Store


def add_manual(
    inputs: dict[str, Any], name: str, role: str, bio: str | None, href: str | None
) -> None:
    """Credit `name` in `role` by hand (replacing a manual credit of them in that role)."""
    key, role = person_key(name), role.lower()
    inputs["manual"] = [
        c for c in inputs.get("manual") or [] if (c["key"], c["role"]) != (key, role)
    ]
    inputs["manual"].append({
        "name": name, "key": key, "role": role, "group": "cast",
        "bio": clean_line(bio) or None, "href": href or None, "img": None,
        "source": "manual", "scope": "item", "confidence": 1.0})  # fmt: skip
    inputs["removed"] = [k for k in inputs.get("removed") or [] if k != key]


def person_keys(name: str, people: list[dict[str, Any]]) -> set[str]:
    """The keys a name stands for: the person as the catalog knows them (a merged spelling
    stands for the canonical person) and every alias of theirs."""
    aliases = registry.alias_map(people)
    key = registry.canonical(person_key(name), aliases)
    return {key} | {alias for alias, owner in aliases.items() if owner == key}


def remove(
    inputs: dict[str, Any], ep: dict[str, Any], name: str, people: list[dict[str, Any]]
) -> None:
    """Take `name` off the episode, whether credited or only suggested; NotFoundError if
    they are neither."""
    aliases = registry.alias_map(people)
    keys = person_keys(name, people)
    listed = [*(ep.get("credits") or []), *(ep.get("suggested_credits") or [])]
    on_it = {registry.canonical(c["key"], aliases) for c in listed}
    if not keys & on_it:
        raise NotFoundError(f"{name!r} is not credited on episode {ep['id'][:8]}")
    inputs["manual"] = [c for c in inputs.get("manual") or [] if c["key"] not in keys]
    inputs["removed"] = list(dict.fromkeys([*(inputs.get("removed") or []), *sorted(keys)]))


_SENTENCES = re.compile(r"(?<=[.!?])\s+")


def _sentence(ep: dict[str, Any], name: str) -> str | None:
    """The sentence of the description that names the person (what a reviewer reads)."""
    wanted = fold(name)
    for sentence in _SENTENCES.split(ep.get("description") or ""):
        if wanted in fold(sentence):
            return sentence if len(sentence) <= 400 else sentence[:399] + "…"
    return None


def pending(
    episodes: Iterable[dict[str, Any]], show_titles: dict[str, str]
) -> list[dict[str, Any]]:
    """Every suggested credit of the episodes, one item each, by show, then date."""
    items = []
    for ep in episodes:
        inputs = ep.get("credit_inputs") or {}
        read = {c["key"]: c for src in ("tags", "description") for c in inputs.get(src) or []}
        for c in ep.get("suggested_credits") or []:
            items.append({
                "episode_id": ep["id"], "show": show_titles.get(ep.get("show_id") or "", ""),
                "title": ep.get("title"), "published": ep.get("published"),
                "name": c["name"], "key": c["key"], "role": c.get("role") or "guest",
                "bio": c.get("bio"), "href": c.get("href"), "confidence": c.get("confidence"),
                "sources": c.get("sources") or [c.get("source")],
                "evidence": c.get("evidence") or read.get(c["key"], {}).get("evidence"),
                "sentence": c.get("sentence") or _sentence(ep, c["name"]),
            })  # fmt: skip
    items.sort(key=lambda i: (fold(i["show"]), i["published"] or "", i["episode_id"], i["name"]))
    return items


def still_suggested(store: Store, item: dict[str, Any]) -> bool:
    """True while the item is still a suggestion on its episode (an earlier decision in the
    same session, or another process, may have settled it)."""
    ep = store.get("episodes", item["episode_id"]) or {}
    return any((c["key"], c.get("role") or "guest") == (item["key"], item["role"])
               for c in ep.get("suggested_credits") or [])  # fmt: skip


def decide(
    store: Store, item: dict[str, Any], action: str, *, now: datetime, reason: str
) -> dict[str, Any]:
    """Accept (a manual credit in the suggested role, as `credit add`) or reject (as `credit
    remove`) one suggested credit; logged, undoable."""
    with store.transaction():
        ep = store.find("episodes", item["episode_id"])
        inputs = ep.setdefault("credit_inputs", {})
        people = store.all("people")
        keys = person_keys(item["name"], people) | {item["key"]}
        previous = {
            "keys": sorted(keys),
            "manual": [c for c in inputs.get("manual") or [] if c["key"] in keys],
            "removed": [k for k in inputs.get("removed") or [] if k in keys],
        }
        if action == "accept":
            add_manual(inputs, item["name"], item["role"], item.get("bio"), item.get("href"))
        elif action == "reject":
            remove(inputs, ep, item["name"], people)
        else:  # pragma: no cover - the CLI offers only the actions above
            raise UsageError(f"unknown action {action!r}")
        store.put("episodes", [ep])
        derive.refresh_show(store, ep["show_id"])
        return _log(store, now, ep, item, action, previous, reason=reason)


def _log(
    store: Store,
    now: datetime,
    ep: dict[str, Any],
    item: dict[str, Any],
    action: str,
    previous: dict[str, Any],
    *,
    reason: str,
) -> dict[str, Any]:

    state = {"accept": "credited", "reject": "removed", "undo": "suggested"}[action]
    doc = {"id": ep["id"], "episode_id": ep["id"], "score": item.get("confidence"), "state": state}
    return decisions.log(store, now, doc, action, previous, reason=reason, fields={
        "kind": "credit", "summary_id": None, "summary_title": None,
        "title": f"{item['name']} ({item['role']}) on {ep.get('title') or ep['id'][:8]}",
        "person": item["name"], "key": item["key"], "role": item["role"],
    })  # fmt: skip


def undo(store: Store, entry: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Undo a decision about a suggested credit (called by `undo.undo` inside its
    transaction): the person's manual credits and removals on the episode are put back as
    they were, whatever else changed on it since."""
    ep = store.get("episodes", entry["episode_id"])
    if ep is None:
        raise NotFoundError(f"episode {entry['episode_id']} is no longer in the catalog")
    before = entry["previous"]
    keys = set(before["keys"])
    inputs = ep.setdefault("credit_inputs", {})
    inputs["manual"] = [c for c in inputs.get("manual") or [] if c["key"] not in keys]
    inputs["manual"] += before["manual"]
    inputs["removed"] = [k for k in inputs.get("removed") or [] if k not in keys]
    inputs["removed"] += before["removed"]
    store.put("episodes", [ep])
    derive.refresh_show(store, ep["show_id"])
    entry["undone"] = True
    store.put("decisions", [entry])
    item = {"name": entry["person"], "key": entry["key"], "role": entry["role"],
            "confidence": entry.get("score")}  # fmt: skip
    return _log(store, now, ep, item, "undo", {}, reason=f"undid decision {entry['id']}")
