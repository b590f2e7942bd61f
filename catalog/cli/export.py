"""Commands for curated shows (`curate …`) and exports (`export rss|json|jsonl|csv|opml|md`)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.cli.browse import QueryCommand, select
from catalog.cli.common import (
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
from catalog.core.errors import ExportError, NotFoundError, UsageError

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

FIELDS = ("title", "description", "link", "feed_url", "image", "author", "owner_email",
          "language", "category", "explicit", "locked", "query")  # fmt: skip
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


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in FIELDS and v is not None}


def _check(definition: dict[str, Any]) -> None:
    """Refuse a definition a podcast app would reject, naming the field."""
    from catalog.core.normalize import clean_line
    from catalog.export.rss import is_http, parse_category

    missing = [f for f in ("title", "description", "link", "feed_url", "image", "category")
               if not clean_line(definition.get(f))]  # fmt: skip
    if missing:
        raise UsageError(
            f"curated show {definition['name']!r} needs "
            + ", ".join("--" + f.replace("_", "-") for f in missing)
        )
    for key in ("link", "feed_url", "image"):
        if not is_http(definition[key]):
            raise UsageError(
                f"--{key.replace('_', '-')} must be an http(s) URL, not {definition[key]!r}"
            )
    if not re.search(r"\.(jpe?g|png)$", urlpath(definition["image"]), re.I):
        raise UsageError("--image must end in .jpg or .png (Apple's artwork rule)")
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", definition.get("language") or "en"):
        raise UsageError(f"--language {definition['language']!r} is not an ISO 639 code")
    email = definition.get("owner_email")
    if email and not re.fullmatch(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+", email):
        raise UsageError(f"--owner-email {definition['owner_email']!r} is not an e-mail address")
    try:
        parse_category(definition["category"])
    except ValueError as exc:
        raise UsageError(f"--category: {exc}") from None
    if definition.get("query"):
        from catalog.core import query

        query.parse(definition["query"], now=now())


def urlpath(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def _get(store: Store, name: str) -> dict[str, Any]:
    doc = store.get("curated", name)
    if doc is None:
        raise NotFoundError(f"no curated show {name!r} (see `catalog curate list`)")
    return doc


def episodes_of(store: Store, definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Pinned episodes in their order, then those the query selects, newest first."""
    from catalog.core import query

    pinned = []
    for ep_id in definition.get("pinned") or []:
        ep = store.get("episodes", ep_id)
        if ep is not None:
            pinned.append(ep)
    found: list[dict[str, Any]] = []
    if definition.get("query"):
        hits, _ctx = select(store, query.tokenize(definition["query"]))
        found = query.newest_first(hits)
    ids = {e["id"] for e in pinned}
    return pinned + [e for e in found if e["id"] not in ids]


@curate_app.command("create")
@user_errors
def create(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="A short name for the definition.", show_default=False)
    ],
    title: Title = None,
    description: Description = None,
    link: Link = None,
    feed_url: FeedUrl = None,
    image: Image = None,
    author: Author = None,
    owner_email: OwnerEmail = None,
    language: Language = "en",
    category: Category = None,
    explicit: Explicit = False,
    locked: Locked = None,
    query: QueryOpt = None,
) -> None:
    """Save a curated show: its feed's details and which episodes it carries."""
    settings = get_settings(ctx)
    store = open_store(settings)
    if not re.fullmatch(r"[\w.-]{1,64}", name):
        raise UsageError(f"curated show name {name!r}: use letters, digits, '-', '_' or '.'")
    with store.transaction():
        if store.get("curated", name) is not None:
            raise UsageError(f"curated show {name!r} exists; change it with `curate edit`")
        doc = {"id": name, "name": name, "pinned": [], **_fields(locals())}
        _check(doc)
        store.put("curated", [doc])
    settings.out.print(f"created curated show {name}")


@curate_app.command("edit")
@user_errors
def edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The curated show.", show_default=False)],
    title: Title = None,
    description: Description = None,
    link: Link = None,
    feed_url: FeedUrl = None,
    image: Image = None,
    author: Author = None,
    owner_email: OwnerEmail = None,
    language: Language = None,
    category: Category = None,
    explicit: Explicit = None,
    locked: Locked = None,
    query: QueryOpt = None,
) -> None:
    """Change fields of a curated show (those not given stay as they are)."""
    settings = get_settings(ctx)
    store = open_store(settings)
    with store.transaction():
        doc = _get(store, name)
        doc.update(_fields(locals()))
        _check(doc)
        store.put("curated", [doc])
    settings.out.print(f"updated curated show {name}")


def _pin(ctx: typer.Context, name: str, refs: list[str], change: Callable[..., None]) -> None:
    settings = get_settings(ctx)
    store = open_store(settings)
    with store.transaction():
        doc = _get(store, name)
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
    doc = _get(store, name)
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
        _get(store, name)
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
    title: Title = None,
    description: Description = None,
    link: Link = None,
    feed_url: FeedUrl = None,
    image: Image = None,
    author: Author = None,
    owner_email: OwnerEmail = None,
    language: Language = None,
    category: Category = None,
    explicit: Explicit = None,
    locked: Locked = None,
) -> None:
    """A curated show (or a one-off query) as a podcast RSS feed with host and guest credits.

    Episodes without an http(s) enclosure cannot be carried: they are reported and left out.
    """
    from catalog.export import rss

    settings = get_settings(ctx)
    store = open_store(settings)
    one_off = _fields(locals())
    if len(target) == 1 and store.get("curated", target[0]) is not None:
        definition = dict(_get(store, target[0]), **one_off)
    else:
        if not one_off.get("title"):
            raise UsageError(
                f"no curated show {' '.join(target)!r}; for a one-off feed from a "
                "query give --title, --description, --link, --feed-url, --image "
                "and --category"
            )
        definition = {"name": "one-off", "pinned": [], "query": " ".join(target),
                      "language": "en", **one_off}  # fmt: skip
    _check(definition)
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


def _export_records(ctx: typer.Context, fmt: str, terms: list[str], output: str) -> None:
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
        skipped = opml.write_opml(buf, shows, store.all("curated"))
        for title in skipped:
            settings.err.print(
                f"left out (no http(s) feed URL): {title}", markup=False, highlight=False
            )
    else:
        markdown.write_markdown(buf, shows, episodes, {s["id"]: s for s in summaries})
    write_output(settings, output, buf.getvalue().encode("utf-8"))
    if output != "-":
        settings.err.print(f"wrote {output}: {len(episodes)} episodes", markup=False)


for _fmt in ("json", "jsonl", "csv", "opml", "md"):
    export_app.command(_fmt, cls=QueryCommand)(user_errors(_records_cmd(_fmt)))
