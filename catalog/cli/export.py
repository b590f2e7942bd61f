"""Commands for curated shows (`curate …`) and exports (`export rss|json|jsonl|csv|opml|md`)."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.cli.browse import QueryCommand, select
from catalog.cli.common import (
    F,
    JsonFlag,
    Settings,
    app,
    emit_json,
    find_episode,
    get_settings,
    now,
    open_store,
    user_errors,
)
from catalog.core.errors import ExportError, UsageError

if TYPE_CHECKING:
    from catalog.store import Store

curate_app = typer.Typer(
    help="Curated shows: saved definitions exported as podcast feeds.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
export_app = typer.Typer(
    help="Export a curated show as podcast RSS, or any slice of the "
    "catalog as JSON, JSONL, CSV, OPML or Markdown.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(curate_app, name="curate")
app.add_typer(export_app, name="export")

Title = Annotated[str | None, typer.Option(help="The feed's title.")]
Description = Annotated[str | None, typer.Option(help="What the show is about.")]
Link = Annotated[str | None, typer.Option(help="The show's web page (http/https).")]
FeedUrl = Annotated[str | None, typer.Option("--feed-url", help="Where the feed will live.")]
Image = Annotated[str | None, typer.Option(help="Artwork URL (.jpg or .png).")]
Author = Annotated[str | None, typer.Option(help="Who makes the show.")]
OwnerEmail = Annotated[str | None, typer.Option("--owner-email", help="Owner's e-mail.")]
Language = Annotated[str | None, typer.Option(help="ISO 639 code, e.g. en or en-us.")]
Category = Annotated[
    str | None, typer.Option(help="An Apple Podcasts category, optionally 'Category/Subcategory'.")
]
Explicit = Annotated[
    bool | None, typer.Option("--explicit/--clean", help="itunes:explicit.", show_default=False)
]
Locked = Annotated[
    bool | None, typer.Option("--locked/--unlocked", help="podcast:locked.", show_default=False)
]
QueryOpt = Annotated[
    str | None,
    typer.Option("--query", help="Episodes to include, in the query language of `catalog list`."),
]
Output = Annotated[str, typer.Option("-o", "--output", help="File to write, or - for stdout.")]


CURATED_OPTIONS: list[tuple[str, Any]] = [
    ("title", Title), ("description", Description), ("link", Link), ("feed_url", FeedUrl),
    ("image", Image), ("author", Author), ("owner_email", OwnerEmail), ("language", Language),
    ("category", Category), ("explicit", Explicit), ("locked", Locked), ("query", QueryOpt),
]  # fmt: skip


def curated_options(*, skip: tuple[str, ...] = (), **defaults: Any) -> Callable[[F], F]:
    """Give a command the curated-show options (declared once, above) as keyword parameters
    after its own: `def create(ctx, name, **values)` receives them in `values`."""

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn, eval_str=True)
        own = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
        extra = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                              default=defaults.get(name), annotation=annotation)
            for name, annotation in CURATED_OPTIONS if name not in skip
        ]  # fmt: skip
        fn.__signature__ = sig.replace(parameters=own + extra)  # type: ignore[attr-defined]
        return fn

    return decorate


def episodes_of(store: Store, definition: dict[str, Any]) -> list[dict[str, Any]]:
    from catalog.services import curated

    return curated.episodes_of(store, definition, now=now())


def curated_get(store: Store, name: str) -> dict[str, Any]:
    from catalog.services import curated

    return curated.get(store, name)


@curate_app.command("create")
@user_errors
@curated_options(language="en", explicit=False)
def create(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="A short name for the definition.", show_default=False)
    ],
    **values: Any,
) -> None:
    """Save a curated show: its feed's details and which episodes it carries."""
    from catalog.services import curated

    settings = get_settings(ctx)
    curated.create(open_store(settings), name, values, now=now())
    settings.out.print(f"created curated show {name}")


@curate_app.command("edit")
@user_errors
@curated_options()
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The curated show.", show_default=False)],
    **values: Any,
) -> None:
    """Change fields of a curated show (those not given stay as they are)."""
    from catalog.services import curated

    settings = get_settings(ctx)
    curated.edit(open_store(settings), name, values, now=now())
    settings.out.print(f"updated curated show {name}")


def _pin(ctx: typer.Context, name: str, refs: list[str], change: Callable[..., None]) -> None:
    settings = get_settings(ctx)
    store = open_store(settings)
    with store.transaction():
        doc = curated_get(store, name)
        ids = [find_episode(store, ref)["id"] for ref in refs]
        change(doc["pinned"], ids)
        store.put("curated", [doc])
    settings.out.print(f"{name}: {len(doc['pinned'])} pinned episode(s)")


@curate_app.command("add")
@user_errors
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The curated show.", show_default=False)],
    episodes: Annotated[
        list[str], typer.Argument(help="Episode ids or prefixes, in order.", show_default=False)
    ],
) -> None:
    """Pin episodes to a curated show, in the order given (after those already pinned)."""

    def change(pinned: list[str], ids: list[str]) -> None:
        pinned.extend(i for i in ids if i not in pinned)

    _pin(ctx, name, episodes, change)


@curate_app.command("remove")
@user_errors
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The curated show.", show_default=False)],
    episodes: Annotated[
        list[str], typer.Argument(help="Episode ids or prefixes.", show_default=False)
    ],
) -> None:
    """Unpin episodes from a curated show."""

    def change(pinned: list[str], ids: list[str]) -> None:
        pinned[:] = [i for i in pinned if i not in ids]

    _pin(ctx, name, episodes, change)


@curate_app.command("show")
@user_errors
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The curated show.", show_default=False)],
    as_json: JsonFlag = False,
) -> None:
    """A curated show's definition and the episodes it carries now."""
    from catalog import ui

    settings = get_settings(ctx)
    store = open_store(settings)
    doc = curated_get(store, name)
    episodes = episodes_of(store, doc)
    if as_json:
        emit_json(dict(doc, episodes=[e["id"] for e in episodes]))
        return
    settings.out.print(ui.curated_panel(doc))
    shows = {s["id"]: s for s in store.shows()}
    settings.out.print(ui.episode_table(episodes, shows, settings.out.width))


@curate_app.command("list")
@user_errors
def list_curated(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """All curated shows."""
    from catalog import ui

    settings = get_settings(ctx)
    docs = sorted(open_store(settings).all("curated"), key=lambda d: d["name"])
    if as_json:
        emit_json(docs)
        return
    if not docs:
        settings.err.print("no curated shows yet: `catalog curate create NAME …`")
        return
    for doc in docs:
        settings.out.print(ui.safe(f"{doc['name']}: {doc.get('title')} → {doc.get('feed_url')}"))


@curate_app.command("delete")
@user_errors
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The curated show.", show_default=False)],
) -> None:
    """Delete a curated show's definition (episodes are not touched)."""
    settings = get_settings(ctx)
    store = open_store(settings)
    with store.transaction():
        curated_get(store, name)
        store.delete("curated", [name])
    settings.out.print(f"deleted curated show {name}")


def write_output(settings: Settings, output: str, data: bytes) -> None:
    """Write atomically (temp file + rename), or to stdout for `-`."""
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from catalog.core.errors import StoreError
    from catalog.store.tiny import atomic_write_bytes

    try:
        atomic_write_bytes(Path(output).expanduser(), data)
    except StoreError as exc:
        raise ExportError(str(exc)) from None


def _report_skipped(settings: Settings, skipped: list[dict[str, Any]]) -> None:
    from rich.text import Text

    from catalog import ui

    for ep in skipped:
        settings.err.print(Text.assemble(
            ("left out: ", "yellow"), ep["id"][:8], " ", ui.safe(ep.get("title")),
            " (no http(s) enclosure)"), soft_wrap=True)  # fmt: skip


@export_app.command("rss", cls=QueryCommand)
@user_errors
@curated_options(skip=("query",))
def export_rss(
    ctx: typer.Context,
    target: Annotated[
        list[str],
        typer.Argument(
            help="A curated show's name, or query terms for a one-off feed (with --title …).",
            show_default=False,
        ),
    ],
    output: Output = "-",
    **values: Any,
) -> None:
    """A curated show (or a one-off query) as a podcast RSS feed with host and guest credits.

    Episodes without an http(s) enclosure cannot be carried: they are reported and left out.
    """
    from catalog.core.curated import check
    from catalog.export import rss
    from catalog.services import curated

    settings = get_settings(ctx)
    store = open_store(settings)
    one_off = curated.fields(values)
    if len(target) == 1 and store.get("curated", target[0]) is not None:
        definition = dict(curated.get(store, target[0]), **one_off)
    else:
        if not one_off.get("title"):
            raise UsageError(
                f"no curated show {' '.join(target)!r}; for a one-off feed from a "
                "query give --title, --description, --link, --feed-url, --image "
                "and --category"
            )
        definition = {"name": "one-off", "pinned": [], "query": " ".join(target),
                      "language": "en", **one_off}  # fmt: skip
    check(definition, now=now())
    episodes = episodes_of(store, definition)
    if not episodes:
        raise ExportError(f"{definition['name']}: no episodes to export")
    summaries = {sid: doc for sid in {e.get("summary_id") for e in episodes} if sid
                 for doc in [store.get("summaries", sid)] if doc}  # fmt: skip
    data, skipped = rss.build_rss(definition, episodes, summaries)
    _report_skipped(settings, skipped)
    if len(skipped) == len(episodes):
        raise ExportError(
            f"{definition['name']}: none of the {len(episodes)} episodes has an http(s) enclosure"
        )
    write_output(settings, output, data)
    if output != "-":
        settings.err.print(f"wrote {output}: {len(episodes) - len(skipped)} episodes")


def _records_cmd(fmt: str) -> Callable[..., None]:
    def command(
        ctx: typer.Context,
        terms: Annotated[
            list[str] | None,
            typer.Argument(
                help="Query terms, as for `list` (default: everything).",
                show_default=False,
                metavar="[QUERY]...",
            ),
        ] = None,
        output: Output = "-",
    ) -> None:
        _export_records(ctx, fmt, terms or [], output)

    def opml_command(
        ctx: typer.Context,
        terms: Annotated[
            list[str] | None,
            typer.Argument(
                help="Query terms, as for `list` (default: everything).",
                show_default=False,
                metavar="[QUERY]...",
            ),
        ] = None,
        output: Output = "-",
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="List the shows left out, one a line.")
        ] = False,
    ) -> None:
        _export_records(ctx, fmt, terms or [], output, verbose=verbose)

    if fmt == "opml":
        command = opml_command

    command.__doc__ = {
        "json": "Every field of the selected episodes (credits included), their shows and "
                "summaries, with a schema_version. `catalog ingest FILE` restores it.",
        "jsonl": "Like json, one object per line (a header line first).",
        "csv": "One row per episode with flattened credits; formula-looking cells are "
               "neutralised.",
        "opml": "OPML 2.0 of the source feeds (subscriptions for gPodder, newsboat…) and the "
                "curated shows' feed URLs.",
        "md": "A Markdown episode guide: per show, per date, with hosts, guests and summaries.",
    }[fmt]  # fmt: skip
    return command


def _export_records(
    ctx: typer.Context, fmt: str, terms: list[str], output: str, *, verbose: bool = False
) -> None:
    import io

    from catalog.core import dump
    from catalog.export import markdown, opml

    settings = get_settings(ctx)
    store = open_store(settings)
    episodes, qctx = select(store, terms)
    show_ids = {e["show_id"] for e in episodes}
    shows = [s for s in store.shows() if not terms or s["id"] in show_ids]
    summary_ids = {e.get("summary_id") for e in episodes}
    summaries = [s for s in store.all("summaries")
                 if not terms or s["id"] in summary_ids]  # fmt: skip
    buf = io.StringIO(newline="")
    written = f"{len(episodes)} episodes"
    if fmt in {"json", "jsonl"}:  # the whole catalog: a backup of every table
        whole = not terms
        (dump.write_json if fmt == "json" else dump.write_jsonl)(
            buf, shows, episodes, summaries,
            people=store.all("people") if whole else None,
            curated=store.all("curated") if whole else None,
            rest={t: store.all(t) for t in ("decisions", "files")} if whole else None,
        )  # fmt: skip
    elif fmt == "csv":
        dump.write_csv(buf, episodes, qctx.show_titles)
    elif fmt == "opml":
        curated = store.all("curated")
        skipped = opml.write_opml(buf, shows, curated)
        _report_left_out(settings, skipped, verbose)
        feeds = len(shows) + len(curated) - len(skipped)
        written = f"{feeds} feed{'s' if feeds != 1 else ''}"
    else:
        markdown.write_markdown(buf, shows, episodes, {s["id"]: s for s in summaries})
    write_output(settings, output, buf.getvalue().encode("utf-8"))
    if output != "-":  # what the file holds: feeds for OPML, episodes for the others
        settings.err.print(
            f"wrote {output}: {written}", markup=False, highlight=False, soft_wrap=True
        )


def _report_left_out(settings: Settings, skipped: list[str], verbose: bool) -> None:
    """The shows an OPML list cannot carry: one line (a short list inline), or one a line
    with --verbose."""
    if not skipped:
        return
    what = f"{len(skipped)} show{'s' if len(skipped) != 1 else ''} with no http(s) feed URL"
    if verbose:
        settings.err.print(f"left out {what}:", markup=False, highlight=False, soft_wrap=True)
        for title in skipped:
            settings.err.print(f"  {title}", markup=False, highlight=False, soft_wrap=True)
    elif len(skipped) <= 3:
        listed = "; ".join(skipped)
        settings.err.print(
            f"left out {what}: {listed}", markup=False, highlight=False, soft_wrap=True
        )
    else:
        settings.err.print(
            f"left out {what}; --verbose lists them", markup=False, highlight=False, soft_wrap=True
        )


for _fmt in ("json", "jsonl", "csv", "opml", "md"):
    export_app.command(_fmt, cls=QueryCommand)(user_errors(_records_cmd(_fmt)))
