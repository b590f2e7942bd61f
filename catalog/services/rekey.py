"""Re-key a catalog after the person-key rules changed (`normalize.PERSON_KEY_VERSION`).

Keys are stored: on every credit (feed, description, summary, audio tags, manual fixes, the
derived credits and suggestions), in `catalog credit remove`'s list, and on the people
registry's documents (merges, renames). Old keys are mapped to new ones through every name
the catalog holds (old rules → new rules); a key with no name left is re-keyed as a name.
Idempotent: a catalog keyed by the current rules is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from catalog.core.normalize import legacy_person_key, person_key
from catalog.services import derive
from catalog.store import Store

_INPUTS = ("feed", "description", "manual", "tags")


def _credit_lists(doc: dict[str, Any]) -> list[list[dict[str, Any]]]:
    inputs = doc.get("credit_inputs") or {}
    lists = [doc.get("credits"), doc.get("suggested_credits"), *(inputs.get(s) for s in _INPUTS)]
    return [x for x in lists if isinstance(x, list)]


def _names(docs: Iterable[dict[str, Any]], people: list[dict[str, Any]]) -> Iterable[str]:
    for doc in docs:
        for credits in _credit_lists(doc):
            yield from (c["name"] for c in credits if c.get("name"))
    for person in people:
        yield from [person.get("name") or "", *(person.get("aliases") or [])]
        for m in person.get("merged") or []:
            yield from [m.get("name") or "", *(m.get("aliases") or [])]


def key_map(docs: Iterable[dict[str, Any]], people: list[dict[str, Any]]) -> dict[str, str]:
    """Old key → new key, for every name whose key the new rules change.

    >>> key_map([{"credits": [{"name": 'Matthew "Matt" Rorie'}, {"name": "Ann Lee"}]}], [])
    {'matthew matt rorie': 'matt rorie'}
    """
    out: dict[str, str] = {}
    for name in _names(docs, people):
        old, new = legacy_person_key(name), person_key(name)
        if old != new:
            out.setdefault(old, new)
    return out


def _new(key: str, mapping: dict[str, str]) -> str:
    return mapping.get(key) or person_key(key)


def rekey_doc(doc: dict[str, Any], mapping: dict[str, str]) -> bool:
    """Re-key one episode, summary or show in place; True if anything changed."""
    changed = False
    for credits in _credit_lists(doc):
        for credit in credits:
            if not credit.get("key"):
                continue
            new = _new(credit["key"], mapping)
            if new != credit["key"]:
                credit["key"], changed = new, True
    inputs = doc.get("credit_inputs") or {}
    removed = inputs.get("removed")
    if removed:
        new_removed = list(dict.fromkeys(_new(k, mapping) for k in removed))
        if new_removed != removed:
            inputs["removed"], changed = new_removed, True
    return changed


def rekey_person(doc: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """A people document with its key (and id), alias keys and merge records re-keyed."""
    out = dict(doc, key=_new(doc["key"], mapping))
    out["id"] = out["key"]
    out["alias_keys"] = list(dict.fromkeys(_new(k, mapping) for k in doc.get("alias_keys") or []))
    out["alias_keys"] = [k for k in out["alias_keys"] if k != out["key"]]
    out["merged"] = [
        dict(m, key=_new(m["key"], mapping),
             alias_keys=[_new(k, mapping) for k in m.get("alias_keys") or []])
        for m in doc.get("merged") or []
    ]  # fmt: skip
    return out


def rekey_store(store: Store) -> dict[str, int]:
    """Re-key the whole catalog in one transaction; how many documents changed, by table."""
    counts = {"episodes": 0, "summaries": 0, "shows": 0, "people": 0}
    with store.transaction():
        episodes, summaries = store.all("episodes"), store.all("summaries")
        shows, people = store.all("shows"), store.all("people")
        mapping = key_map([*episodes, *summaries, *shows], people)
        touched: set[str] = set()
        for table, docs in (("episodes", episodes), ("summaries", summaries), ("shows", shows)):
            changed = [d for d in docs if rekey_doc(d, mapping)]
            store.put(table, changed)
            counts[table] = len(changed)
            if table == "episodes":
                touched |= {d["show_id"] for d in changed}
            elif table == "shows":
                touched |= {d["id"] for d in changed}
        kept: dict[str, dict[str, Any]] = {}
        for doc in people:
            new = rekey_person(doc, mapping)
            if new != doc:
                counts["people"] += 1
            if new["key"] in kept:  # two documents are now one person: keep both's names
                first = kept[new["key"]]
                first["aliases"] = list(dict.fromkeys([*first["aliases"], new["name"],
                                                       *new["aliases"]]))  # fmt: skip
                first["alias_keys"] += [k for k in new["alias_keys"]
                                        if k not in first["alias_keys"]]  # fmt: skip
                first["merged"] += new["merged"]
            else:
                kept[new["key"]] = new
        if counts["people"]:
            store.delete("people", [d["id"] for d in people if d["id"] not in kept])
            store.put("people", list(kept.values()))
        if counts["summaries"]:  # a summary's credits feed its episode's derived credits
            touched |= {d["show_id"] for d in episodes if d.get("summary_id")}
        for show_id in sorted(touched):
            derive.refresh_show(store, show_id)
    return counts
