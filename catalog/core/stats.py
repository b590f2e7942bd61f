"""Pure statistics over a set of episodes (and the catalog's summaries)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from catalog.core.normalize import HOST_ROLES


def compute(
    episodes: list[dict[str, Any]],
    show_titles: dict[str, str],
    summaries: Iterable[dict[str, Any]] = (),
    *,
    top: int = 10,
) -> dict[str, Any]:
    """Counts by show and year, durations, the most frequent guests and hosts, and how many
    of the summaries are matched."""
    by_show = Counter(show_titles.get(e.get("show_id") or "", e.get("show_id") or "")
                      for e in episodes)  # fmt: skip
    by_year = Counter((e.get("published") or "????")[:4] for e in episodes)
    durations = [e["duration"] for e in episodes if isinstance(e.get("duration"), int | float)]
    guests: Counter[str] = Counter()
    hosts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for ep in episodes:
        for credit in ep.get("credits") or []:
            key = credit.get("key") or credit["name"]
            names.setdefault(key, credit["name"])
            if credit.get("role") == "guest":
                guests[key] += 1
            elif credit.get("role") in HOST_ROLES:
                hosts[key] += 1
    states = Counter(s.get("state") or "unmatched" for s in summaries)
    matched = sum(n for state, n in states.items() if state in {"auto", "accepted", "manual"})
    total = sum(durations)
    return {
        "episodes": len(episodes),
        "shows": dict(by_show.most_common()),
        "years": dict(sorted(by_year.items())),
        "duration_total": round(total),
        "duration_mean": round(total / len(durations)) if durations else None,
        "with_duration": len(durations),
        "top_guests": [{"name": names[k], "episodes": n} for k, n in guests.most_common(top)],
        "top_hosts": [{"name": names[k], "episodes": n} for k, n in hosts.most_common(top)],
        "summaries": {"total": sum(states.values()), "matched": matched,
                      "by_state": dict(sorted(states.items()))},
    }  # fmt: skip
