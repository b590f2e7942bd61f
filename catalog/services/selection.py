"""Episode selection: the query language's terms and the command line's flags (--show,
--since, --guest…) turned into one plan the store runs, and the context the query needs
(show titles, aliases, summary texts, episodes with files), loaded only when a term needs it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from catalog.core.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from catalog.core.query import Context
    from catalog.store import Store


class _Summaries(Mapping[str, str]):
    """Summary texts fetched on first use (an indexed store need not load them all)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        if key not in self.cache:
            doc = self.store.get("summaries", key)
            if doc is None:
                raise KeyError(key)
            self.cache[key] = doc.get("body") or ""
        return self.cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.store.ids("summaries"))

    def __len__(self) -> int:
        return self.store.count("summaries")


def build_context(store: Store, need_summaries: bool, need_files: bool = False) -> Context:
    """Show titles, summary texts when free-text terms need them, episodes with files when
    `has:file` does."""
    from catalog.core.query import Context
    from catalog.core.registry import alias_map

    ctx = Context(show_titles={s["id"]: s.get("title") or "" for s in store.shows()},
                  aliases=alias_map(store.all("people")))  # fmt: skip
    if need_summaries:
        if store.backend == "tinydb":  # already in memory: one dict is cheapest
            ctx.summary_text = {s["id"]: s.get("body") or "" for s in store.all("summaries")}
        else:
            ctx.summary_text = _Summaries(store)
    if need_files:
        from catalog.services.scan import episodes_with_files

        ctx.with_files = episodes_with_files(store)
    return ctx


def select(
    store: Store,
    terms: list[str],
    *,
    now: datetime,
    show: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
    guest: list[str] | None = None,
    host: list[str] | None = None,
    person: list[str] | None = None,
    newest_first_limit: int | None = None,
) -> tuple[list[dict[str, Any]], Context]:
    """Episodes matching the query terms and the flags (which are ANDed with them).

    With `newest_first_limit`, only the first that many in the default order are needed.
    """
    from catalog.core import query

    q = query.from_args(terms, now=now)
    flags: list[str] = []
    for flag, value in (("--since", since), ("--until", until)):
        if not value:
            continue
        try:  # named by the flag: `--since 2017-13: no month 13`
            query.when(value, now, end=flag == "--until")
        except query.BadDate as exc:
            raise UsageError(f"{flag} {value}: {exc.reason}") from None
        except UsageError as exc:
            raise UsageError(f"{flag} {value}: {exc}") from None
    if since or until:
        flags.append(f"date:{since or ''}..{until or ''}")
    if search:  # words, each of which must occur (not a phrase)
        flags.extend(f'"{word}"' for word in search.replace('"', " ").split())
    for field, values in (("guest", guest), ("host", host), ("person", person)):
        if values:
            flags.append(",".join(f'{field}:"{v}"' for v in values))
    q.groups += query.parse_tokens(flags, now=now).groups
    show_ids = resolve_shows(store, show) if show else None
    terms_used = [t for g in q.groups for t in g]
    ctx = build_context(
        store,
        any(t.field is None for t in terms_used),
        any(t.op == "has" and t.value == "file" for t in terms_used),
    )
    plan = query.plan(q, ctx)
    if show_ids is not None:
        plan.groups.append([query.Cond("shows", shows=frozenset(show_ids))])

    def matching(ep: dict[str, Any]) -> bool:
        return (show_ids is None or ep.get("show_id") in show_ids) and q.matches(ep, ctx)

    # No query, no show: every episode (a listing of a large catalog tests none of them).
    keep = matching if show_ids is not None or q.groups else _every

    found = store.select_episodes(plan, keep, newest_first_limit=newest_first_limit)
    return found, ctx


def _every(ep: dict[str, Any]) -> bool:
    return True


def resolve_shows(store: Store, refs: list[str]) -> frozenset[str]:
    """The ids of the shows each ref names: an id or id prefix, else words of the title."""
    from catalog.core.normalize import fold

    all_shows = store.shows()
    ids: set[str] = set()
    for ref in refs:
        exact = [s["id"] for s in all_shows if s["id"] == ref or s["id"].startswith(ref)]
        by_title = [s["id"] for s in all_shows if fold(ref) in fold(s.get("title") or "")]
        hits = exact or by_title
        if not hits:
            raise NotFoundError(f"no show matches {ref!r} (see `catalog shows`)")
        ids.update(hits)
    return frozenset(ids)
