"""Commands about feeds and episodes: ingest, refresh, shows, list, show."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.cli.common import (
    JsonFlag,
    MaxMB,
    ReportJsonFlag,
    Settings,
    Timeout,
    app,
    emit_json,
    get_settings,
    now,
    open_store,
    progress_bar,
    user_errors,
)
from catalog.cli.pager import NoPager, page

if TYPE_CHECKING:
    pass


Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="List every warning (else at most 3 a source).")
]


def _run_ingest(
    settings: Settings, job: Callable[..., Any], as_json: bool, verbose: bool = False
) -> None:
    """Run an ingest and report it as beets and newsboat users expect: the warnings first (on
    stderr, at most 3 a source unless --verbose), then the table of sources with a count of
    warnings each, then every `error:` line, where it is seen, and a one-line total."""
    from catalog import ui

    with progress_bar(settings, "ingesting", as_json) as on_progress:
        report = job(on_progress=on_progress)
    if as_json:
        emit_json({"sources": [r.as_dict() for r in report.sources], "failed": len(report.failed)})
    else:
        for line in ui.report_warnings(report.sources, None if verbose else 3):
            # Wrapped at words on a terminal; one line each for a log or a pipe.
            settings.err.print(line, soft_wrap=not settings.err.is_terminal)
        settings.out.print(ui.report_table(report.sources, settings.out.width))
        for line in ui.report_errors(report.sources):
            settings.err.print(line, soft_wrap=True)
        settings.out.print(ui.report_total(report.sources), soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)


@app.command()
@user_errors
def ingest(
    ctx: typer.Context,
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Feed files, http(s) URLs, OPML files, or folders of them.", show_default=False
        ),
    ],
    as_json: ReportJsonFlag = False,
    timeout: Timeout = 30.0,
    max_mb: MaxMB = 50,
    verbose: Verbose = False,
) -> None:
    """Add or update shows and episodes from feeds, OPML lists and folders.

    Every source is reported (new / updated / unchanged / absent / warnings): the warnings
    first, then the table, then the errors and a total. One bad source never stops the
    others, but makes the exit code 1.
    """
    from catalog.services import ingest as pipeline
    from catalog.sources.fetch import FetchSettings

    settings = get_settings(ctx)
    store = open_store(settings)
    fetch_settings = FetchSettings(timeout=timeout, max_bytes=max_mb * 1024 * 1024)
    _run_ingest(
        settings,
        functools.partial(
            pipeline.ingest,
            store,
            sources,
            now=now(),
            settings=fetch_settings,
            debug=settings.debug,
        ),
        as_json,
        verbose,
    )


@app.command()
@user_errors
def refresh(
    ctx: typer.Context,
    as_json: ReportJsonFlag = False,
    timeout: Timeout = 30.0,
    max_mb: MaxMB = 50,
    verbose: Verbose = False,
) -> None:
    """Re-ingest every known show from its feed (conditional GET: unchanged feeds cost little)."""
    from catalog.services import ingest as pipeline
    from catalog.sources.fetch import FetchSettings

    settings = get_settings(ctx)
    store = open_store(settings)
    _run_ingest(
        settings,
        functools.partial(
            pipeline.refresh,
            store,
            now=now(),
            settings=FetchSettings(timeout=timeout, max_bytes=max_mb * 1024 * 1024),
            debug=settings.debug,
        ),
        as_json,
        verbose,
    )


@app.command()
@user_errors
def shows(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """List the shows: episode counts, first and last episode, last refresh status."""
    from catalog import ui

    settings = get_settings(ctx)
    store = open_store(settings)
    all_shows = sorted(store.shows(), key=lambda s: (s.get("title") or "").casefold())
    stats = store.show_stats()
    if as_json:
        emit_json(
            [dict(s, episode_count=stats.get(s["id"], {}).get("episodes", 0)) for s in all_shows]
        )
        return
    if not all_shows:
        settings.err.print("no shows yet: add some with `catalog ingest FEED`")
        return
    id_width = ui.prefix_width([s["id"] for s in all_shows], ())  # every show is shown
    page(
        settings, ui.shows_table(all_shows, stats, settings.out.width, id_width), no_pager=no_pager
    )
