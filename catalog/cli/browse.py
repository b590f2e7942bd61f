"""Commands to browse the catalog: list (with the query language), show, stats."""

from __future__ import annotations

import csv
import json
import re
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.cli.common import (
    JsonFlag,
    app,
    emit_json,
    find_episode,
    get_settings,
    now,
    open_store,
    user_errors,
)
from catalog.cli.help import CatalogCommand
from catalog.cli.pager import NoPager, page
from catalog.core.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from catalog.core.query import Context
    from catalog.store import Store

QUERY_HELP = """Query terms: words or "a phrase" (title, description, summary); field:value,
field:=exact, field::regex for show, title, guest, host, person, tag, mention, guid; ranges
date:2017-05..2017-06, date:2017.., date:-30d.., year:2017, duration:20m..1h; has:file (an
audio file from `catalog scan`), has:summary; -field:value or ^word negates; guest:a,guest:b
is OR; terms side by side are ANDed."""


class QueryCommand(CatalogCommand):
    """A command whose arguments are query terms: `-guest:davis` is a negated term, not an
    option (option names never contain a colon), so it is passed on as `^guest:davis`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        args = ["^" + a[1:] if re.match(r"^-[a-z]+(?:::|:=|:)", a) else a for a in args]
        return super().parse_args(ctx, args)


def _complete_show(incomplete: str) -> list[str]:
    return _complete("shows", incomplete)


def _complete_person(incomplete: str) -> list[str]:
    return _complete("people", incomplete)


def _complete(kind: str, incomplete: str) -> list[str]:
    """Shell completion of show titles and people names from the catalog ($CATALOG_DB)."""
    import os
    from pathlib import Path

    from catalog.cli.common import default_db
    from catalog.core.errors import CatalogError
    from catalog.core.normalize import fold
    from catalog.store import open_store

    backend = os.environ.get("CATALOG_BACKEND") or None
    try:
        store = open_store(Path(os.environ.get("CATALOG_DB") or default_db(backend)), backend)
        if kind == "shows":
            values = [s.get("title") or "" for s in store.shows()]
        else:
            values = sorted(
                {c["name"] for e in store.credited_episodes() for c in e.get("credits") or []}
            )
    except CatalogError:
        return []
    want = fold(incomplete)
    return [v for v in values if v and fold(v).startswith(want)]


def select(store: Store, terms: list[str], **flags: Any) -> tuple[list[dict[str, Any]], Context]:
    """`services.selection.select` at the command's clock."""
    from catalog.services import selection

    return selection.select(store, terms, now=now(), **flags)


@app.command("list", cls=QueryCommand, help="List episodes, newest first.\n\n" + QUERY_HELP)
@user_errors
def list_(
    ctx: typer.Context,
    terms: Annotated[
        list[str] | None,
        typer.Argument(help="Query terms (see above).", show_default=False, metavar="[QUERY]..."),
    ] = None,
    show: Annotated[
        list[str] | None,
        typer.Option(
            "--show",
            "-s",
            help="Show id, id prefix or part of its title (repeatable).",
            show_default=False,
            autocompletion=_complete_show,
        ),
    ] = None,
    guest: Annotated[
        list[str] | None,
        typer.Option(
            help="A guest's name (repeatable: any of them).",
            show_default=False,
            autocompletion=_complete_person,
        ),
    ] = None,
    host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host's name (repeatable).", show_default=False, autocompletion=_complete_person
        ),
    ] = None,
    person: Annotated[
        list[str] | None,
        typer.Option(
            help="Anyone credited (repeatable).",
            show_default=False,
            autocompletion=_complete_person,
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="On or after YYYY[-MM[-DD]].")] = None,
    until: Annotated[str | None, typer.Option(help="On or before YYYY[-MM[-DD]].")] = None,
    search: Annotated[
        str | None, typer.Option(help="Words to find in the title, description or summary.")
    ] = None,
    sort: Annotated[
        list[str] | None,
        typer.Option(
            help="date, title, show, duration; + ascending, - descending; repeatable "
            "(default date-).",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=0, help="Show at most N episodes.")
    ] = None,
    offset: Annotated[int, typer.Option(min=0, help="Skip the first N episodes.")] = 0,
    as_json: JsonFlag = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per line.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV, one row per episode.")] = False,
    ids: Annotated[bool, typer.Option("--ids", help="Episode ids, one per line.")] = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="A template per episode, e.g. '{date} {show} — {title:.40} [{guests}]' "
            "(fields as in the README; {duration} is 1:02:03, {duration_s} seconds).",
            show_default=False,
        ),
    ] = None,
    no_pager: NoPager = False,
) -> None:
    from catalog.core import flatten, query

    chosen = [n for n, on in (("--json", as_json), ("--jsonl", jsonl), ("--csv", as_csv),
                              ("--ids", ids), ("--format", fmt is not None)) if on]  # fmt: skip
    if len(chosen) > 1:
        raise UsageError(f"choose one output format, not {' and '.join(chosen)}")
    if fmt is not None:
        flatten.check_template(fmt)
    keys = query.parse_sort(sort or [])
    settings = get_settings(ctx)
    store = open_store(settings)
    default_order = keys == [("date", True)]
    found, qctx = select(
        store,
        terms or [],
        show=show,
        since=since,
        until=until,
        search=search,
        guest=guest,
        host=host,
        person=person,
        newest_first_limit=offset + limit if limit is not None and default_order else None,
    )
    episodes = query.sort_episodes(found, keys, qctx)[offset:]
    if limit is not None:
        episodes = episodes[:limit]
    if as_json:
        emit_json(episodes)
        return
    if jsonl:
        for ep in episodes:
            sys.stdout.write(json.dumps(ep, ensure_ascii=True) + "\n")
        return
    titles = qctx.show_titles
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=flatten.COLUMNS, lineterminator="\n")
        writer.writeheader()
        for ep in episodes:
            row = flatten.episode_row(ep, titles.get(ep["show_id"], ""))
            writer.writerow({k: flatten.csv_safe(v) for k, v in row.items()})
        return
    if ids:
        sys.stdout.write("".join(ep["id"] + "\n" for ep in episodes))
        return
    if fmt is not None:
        for ep in episodes:
            row = flatten.template_row(ep, titles.get(ep["show_id"], ""))
            sys.stdout.write(flatten.render_template(fmt, row) + "\n")
        return
    if not episodes:
        settings.err.print(
            "no episodes match"
            if store.count("episodes")
            else "the catalog is empty: add feeds with `catalog ingest FEED`"
        )
        return
    from catalog import ui  # rich tables: only when there is a table to print

    shows_by_id = {s["id"]: s for s in store.shows()}
    id_width = id_prefix(store, "episodes", [ep["id"] for ep in episodes])
    table = ui.episode_table(episodes, shows_by_id, settings.out.width, id_width)
    page(settings, table, no_pager=no_pager)


@app.command("show", cls=QueryCommand)
@user_errors
def show_(
    ctx: typer.Context,
    episode: Annotated[
        list[str],
        typer.Argument(
            help="Episode id, a unique id prefix, or a query that matches one episode.",
            show_default=False,
        ),
    ],
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """Show one episode in detail: every stored field, credits and audio files included."""
    from catalog import ui

    settings = get_settings(ctx)
    store = open_store(settings)
    ep = find_one(store, episode, find_episode)
    if as_json:
        emit_json(ep)
        return
    from catalog.services.scan import files_of

    summary = store.get("summaries", ep["summary_id"]) if ep.get("summary_id") else None
    files = files_of(store, ep["id"])
    show = store.get("shows", ep["show_id"])
    panel = ui.episode_panel(ep, show, summary, files, width=settings.out.width)
    page(settings, panel, no_pager=no_pager)


def id_prefix(store: Store, table: str, shown: list[str]) -> int:
    """How many characters of the `shown` ids to print: the prefix unique in the catalog
    (as git abbreviates). A TinyDB catalog has every id in memory, so that is exact; SQLite
    would read every id for it (a noticeable part of `list` on 100,000 episodes), so there
    the prefix is unique among the shown ids and two digits longer than the catalog's size
    needs (an ambiguous one is a one-line error from `show`; about 1 in 1,000)."""
    from catalog import ui

    if store.backend == "tinydb":
        return ui.prefix_width(shown, store.ids(table))
    return ui.prefix_width(shown, (), floor=max(4, ui.digits_for(store.count(table)) + 2))


def find_one(store: Store, terms: list[str], by_id: Any) -> dict[str, Any]:
    """An episode by id or prefix, else by a query that must match exactly one."""
    if len(terms) == 1:
        try:
            found: dict[str, Any] = by_id(store, terms[0])
            return found
        except NotFoundError as exc:
            if "ambiguous" in str(exc):
                raise
    hits, _ctx = select(store, terms)
    if len(hits) == 1:
        return hits[0]
    text = " ".join(terms)
    if not hits:
        raise NotFoundError(f"no episode with id {text!r} and none matches it as a query")
    raise NotFoundError(f"{len(hits)} episodes match {text!r}; narrow the query or use an id")


STATS_HELP = (
    "Counts by show and year, lengths, top guests and hosts, and matched summaries, "
    "for the whole catalog or the episodes a query selects.\n\n" + QUERY_HELP
)


@app.command("stats", cls=QueryCommand, help=STATS_HELP)
@user_errors
def stats_(
    ctx: typer.Context,
    terms: Annotated[
        list[str] | None,
        typer.Argument(
            help="Query terms, as for `list`.", show_default=False, metavar="[QUERY]..."
        ),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="How many guests and hosts to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    no_pager: NoPager = False,
) -> None:
    from catalog import ui
    from catalog.core import stats

    settings = get_settings(ctx)
    store = open_store(settings)
    found, qctx = select(store, terms or [])
    figures = stats.compute(found, qctx.show_titles, store.all("summaries"), top=top)
    if as_json:
        emit_json(figures)
        return
    page(settings, ui.stats_view(figures, settings.out.width), no_pager=no_pager)
