"""Derived episode fields, recomputed from their inputs: the merged credits (feed tags,
summary, description, manual fixes, show-level hosts) and the mentioned people and topics."""

from __future__ import annotations

from typing import Any

from catalog.core import credits as credits_mod
from catalog.core.normalize import person_key
from catalog.store import Store


def refresh_show(store: Store, show_id: str) -> int:
    """Recompute the derived fields of every episode of a show; returns how many changed.

    Runs inside the caller's transaction (no write of its own beyond `put`).
    """
    changed = derived(store, show_id, store.show_episodes(show_id))
    store.put("episodes", changed)
    return len(changed)


# The fields derived from an episode's inputs. `suggested_credits` are prose credits too
# uncertain to count (credits.split_suggested): `catalog people review` decides them.
_DERIVED = ("credits", "suggested_credits", "mentions", "topics")


def derived(
    store: Store,
    show_id: str,
    episodes: list[dict[str, Any]],
    *,
    suggest_below: float = credits_mod.SUGGEST_BELOW,
) -> list[dict[str, Any]]:
    """The show's episodes whose derived fields (credits, suggested credits, mentions,
    topics) change, as new documents; `episodes` is every episode of the show (read-only:
    changed ones are copied)."""
    show = store.get("shows", show_id) or {}
    summaries: dict[str, dict[str, Any]] = {}
    for ep in episodes:
        sid = ep.get("summary_id")
        if sid and sid not in summaries:
            doc = store.get("summaries", sid)
            if doc is not None:
                summaries[sid] = doc
    per_episode = []
    for ep in episodes:
        inputs = ep.get("credit_inputs") or {}
        found = [c for src in ("feed", "description", "manual") for c in inputs.get(src) or []]
        found += summaries.get(ep.get("summary_id") or "", {}).get("credits") or []
        per_episode.append(found)
    hosts = credits_mod.regular_hosts(show.get("credits") or [], per_episode)
    channel_keys = {c["key"] for c in show.get("credits") or []}
    item_tags = {
        c["key"] for ep in episodes for c in (ep.get("credit_inputs") or {}).get("feed") or []
    }
    tagged = frozenset(channel_keys | item_tags)
    # Someone the items' tags name is a regular host only if the channel's tags say so.
    hosts = [h for h in hosts if h["key"] not in item_tags or h["key"] in channel_keys]
    changed = []
    for ep in episodes:
        summary = summaries.get(ep.get("summary_id") or "") or {}
        inputs = ep.get("credit_inputs") or {}
        merged = credits_mod.merge_credits(
            inputs, summary.get("credits") or [], hosts, tagged_people=tagged
        )
        credits, suggested = credits_mod.split_suggested(merged, below=suggest_below)
        credited = {c["key"] for c in merged}
        mentions: list[str] = []
        for name in [*(summary.get("mentions") or []), *(inputs.get("mentions") or [])]:
            if person_key(name) not in credited and name not in mentions:
                mentions.append(name)
        topics = list(summary.get("topics") or [])
        now = (credits, suggested, mentions, topics)
        if tuple(ep.get(k) for k in _DERIVED) != now:
            changed.append(dict(ep, **dict(zip(_DERIVED, now, strict=True))))
    return changed
