"""Shared parts of the command line: the app, its settings, the error boundary, JSON out."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from catalog import __version__
from catalog.cli.help import CatalogGroup
from catalog.core.errors import CatalogError, UsageError

if TYPE_CHECKING:  # rich and the store are imported lazily, by the code that uses them
    from rich.console import Console

    from catalog.store import Store


app = typer.Typer(
    name="catalog",
    cls=CatalogGroup,  # commands in groups, plain placeholders (cli/help.py)
    help="An offline catalog of podcast and radio episodes and the people on them.",
    no_args_is_help=True,
    # Plain (click) help and usage errors: typer's rich help imports rich.markdown, markdown_it,
    # rich.traceback, pygments… (slower than the rest of `catalog --help`: bench/startup_bench.py).
    # Every sub-app sets it too (typer takes it per Typer instance).
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])

# Options shared by several commands.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print every stored field as JSON.")]
ReportJsonFlag = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
Timeout = Annotated[float, typer.Option(help="Network timeout in seconds.", min=1)]
MaxMB = Annotated[int, typer.Option("--max-mb", help="Refuse feeds larger than this.", min=1)]


@dataclass
class Settings:
    """Per-invocation settings, built by the callback and handed to commands via ctx.obj."""

    db: Path
    debug: bool
    backend: str | None = None

    # The consoles are made on first use: output for scripts (--json, --ids, …) needs no rich.
    @functools.cached_property
    def out(self) -> Console:
        from rich.console import Console

        return Console(highlight=False)

    @functools.cached_property
    def err(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False)


def default_db(backend: str | None = None) -> Path:
    """The platform's per-user data folder (used when neither --db nor $CATALOG_DB is set)."""
    import platformdirs

    name = "catalog.sqlite" if backend == "sqlite" else "catalog.json"
    return Path(platformdirs.user_data_dir("catalog", appauthor=False)) / name


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"catalog {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="CATALOG_DB",
            help="Catalog file (default: $CATALOG_DB, else the user data folder). "
            "*.sqlite, *.sqlite3 and *.db files are SQLite catalogs, others TinyDB (JSON).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend",
            envvar="CATALOG_BACKEND",
            help="tinydb or sqlite, when the file's extension does not say.",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """An offline catalog of podcast and radio episodes and the people on them."""
    if backend is not None and backend not in ("tinydb", "sqlite"):
        raise typer.BadParameter(f"{backend!r}: choose tinydb or sqlite", param_hint="--backend")
    ctx.obj = Settings(db=db or default_db(backend), debug=debug, backend=backend)


def user_errors(fn: F) -> F:
    """The error boundary: a CatalogError becomes `error: …` on stderr and exit 1 (2 for usage).

    With --debug the exception propagates, so its traceback is shown.
    """
    resolve_annotations(fn)

    @functools.wraps(fn)
    def wrapper(ctx: typer.Context, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(ctx, *args, **kwargs)
        except CatalogError as exc:
            settings: Settings | None = ctx.obj if isinstance(ctx.obj, Settings) else None
            if settings is not None and settings.debug:
                raise
            from rich.console import Console
            from rich.text import Text

            from catalog.ui import safe

            err = settings.err if settings else Console(stderr=True)
            err.print(Text.assemble(("error: ", "bold red"), safe(str(exc))), soft_wrap=True)
            raise typer.Exit(2 if isinstance(exc, UsageError) else 1) from None

    wrapper.__catalog_boundary__ = True  # type: ignore[attr-defined]  # tests/test_cli_surface.py
    return wrapper  # type: ignore[return-value]


def resolve_annotations(fn: Callable[..., Any]) -> None:
    """Evaluate a command's annotations once, at import. Under `from __future__ import
    annotations` they are strings, which typer evaluates four times per command on every run
    while it builds the command tree (`inspect.signature(eval_str=True)` and `get_type_hints`,
    twice each): a good part of `catalog --help` (bench/startup_bench.py). A name not defined
    yet is left to typer."""
    with contextlib.suppress(NameError):
        fn.__annotations__ = typing.get_type_hints(fn, include_extras=True)


def get_settings(ctx: typer.Context) -> Settings:
    assert isinstance(ctx.obj, Settings)
    return ctx.obj


def open_store(settings: Settings, *, hint: bool = True) -> Store:
    """The catalog the settings name; a large TinyDB catalog gets a one-line hint to migrate."""
    from catalog import store as backend

    store = backend.open_store(settings.db, settings.backend)
    if hint and store.backend == "tinydb":
        try:
            big = settings.db.stat().st_size > backend.MIGRATE_HINT_BYTES
        except OSError:
            big = False
        if big and store.count("episodes") > backend.MIGRATE_HINT_EPISODES:
            settings.err.print(
                f"hint: {store.count('episodes'):,} episodes in a TinyDB catalog; "
                f"`catalog migrate --to sqlite` makes large catalogs much faster",
                markup=False,
                highlight=False,
            )
    return store


def find_episode(store: Store, ref: str) -> dict[str, Any]:
    """An episode by id or unique id prefix, as `pipeline.find_episode` finds it, but without
    importing the ingest pipeline (feedparser, lxml, the fetcher)."""
    return store.find("episodes", ref)


@contextlib.contextmanager
def progress_bar(settings: Settings, label: str, quiet: bool) -> Iterator[Any]:
    """A progress callback `(done, total, path)` drawing a bar on stderr when it is a
    terminal (else None). Names are shown as literal text, never read as markup."""
    if quiet or not settings.err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from catalog import ui

    bar = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        console=settings.err,
        transient=True,
    )
    task = bar.add_task(label, total=None)

    def update(done: int, total: int, path: str) -> None:
        name = ui.safe(ui.short_source(path))[-40:].plain
        bar.update(task, completed=done, total=total, description=name or label)

    bar.start()
    try:
        yield update
    finally:
        bar.stop()


ReviewEnd = typing.Literal["done", "quit", "interrupted"]


def review_loop(
    settings: Settings,
    queue: list[dict[str, Any]],
    *,
    show: Callable[[int, dict[str, Any], list[dict[str, Any]]], None],
    decide: Callable[..., Any],
    search: Callable[[dict[str, Any], str], list[dict[str, Any]]],
    held: Callable[[dict[str, Any], str], Any],
    tally: Any,
    unmatched: str = "unmatched",
) -> ReviewEnd:
    """Go through uncertain matches one by one: accept #1, pick a candidate, search, skip,
    mark unmatched, or quit. `show(n, doc, candidates)` draws one, `decide(doc_id, action,
    **kw)` records a choice, `search(doc, text)` finds more, `held(doc, episode_id)` says
    what that episode already has (a `review.Held`, or None): then accepting asks first, and
    goes ahead (`move=True`) only on yes. Counts go to `tally` (a `review.Tally`); the end
    is "done", "quit" (q or end of input: the rest is left) or "interrupted" (Ctrl-C)."""
    from rich.markup import escape
    from rich.prompt import Confirm, Prompt

    from catalog import ui

    console = settings.out
    n = 0
    try:
        for n, doc in enumerate(queue, 1):  # n counts what is left on quit
            candidates = doc.get("candidates") or []
            redraw = True
            while True:
                if redraw:
                    show(n, doc, candidates)
                redraw = True
                k = len(candidates)
                keys = ("[a]ccept #1, " if k else "") + (
                    "pick 1, " if k == 1 else f"pick 1-{k}, " if k else ""
                )
                answer = Prompt.ask(
                    escape(f"{keys}[s]earch, s[k]ip, [u]{unmatched[1:]}, [q]uit"),
                    choices=(["a"] if k else []) + ["s", "k", "u", "q"]
                    + [str(i) for i in range(1, k + 1)],
                    default="k",
                    show_choices=False,
                    console=console,
                )  # fmt: skip
                if answer == "q":
                    tally.left += len(queue) - n + 1
                    return "quit"
                if answer == "k":
                    tally.skipped += 1
                    break
                if answer == "u":
                    decide(doc["id"], "reject", reason="marked unmatched")
                    tally.unmatched += 1
                    break
                if answer == "s":
                    text = Prompt.ask("search episode titles", console=console).strip()
                    found = search(doc, text) if text else []
                    if found:
                        candidates = found
                    else:
                        console.print(ui.assemble("no episode found for '", ui.safe(text),
                                                  "'; the candidates stay"))  # fmt: skip
                        redraw = False
                    continue
                pick = 0 if answer == "a" else int(answer) - 1
                episode_id = candidates[pick]["episode_id"]
                has = held(doc, episode_id)
                if has is not None and not Confirm.ask(
                    ui.held_question(has, episode_id), default=False, console=console
                ):
                    redraw = False
                    continue
                decide(doc["id"], "accept", episode_id=episode_id, move=has is not None,
                       reason=f"picked candidate {pick + 1} in review")  # fmt: skip
                tally.accepted += 1
                if has is not None and has.kind == "summary":
                    console.print(ui.moved_note(has, episode_id))
                break
    except (EOFError, KeyboardInterrupt) as exc:
        console.print()  # the cursor was after the prompt
        tally.left += len(queue) - n + 1 if n else len(queue)
        return "interrupted" if isinstance(exc, KeyboardInterrupt) else "quit"
    return "done"


def emit_json(data: Any) -> None:
    """JSON on stdout: UTF-8 text, with the C1 controls and bidi/format marks escaped as
    \\uXXXX (JSON itself escapes the C0 controls), so a terminal never acts on them."""
    from catalog.core.normalize import UNSAFE_BEYOND_C0

    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = UNSAFE_BEYOND_C0.sub(lambda m: json.dumps(m.group())[1:-1], text)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
