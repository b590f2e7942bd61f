"""Commands about audio files: `scan` (catalog folders of recordings) and `tag` (write the
catalog's metadata into them); their part of `catalog match review`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from catalog.cli.browse import QUERY_HELP, QueryCommand, select
from catalog.cli.common import (
    ReportJsonFlag,
    ReviewEnd,
    Settings,
    app,
    emit_json,
    get_settings,
    now,
    open_store,
    progress_bar,
    review_loop,
    user_errors,
)
from catalog.core.errors import UsageError

ROWS = 50  # rows of the scan report printed on a terminal (--json has them all)


def print_traceback(settings: Settings, text: str | None) -> None:
    """With --debug, the traceback of a per-file error, on stderr under its `error:` line (the
    file is a reported row, not an error that ends the command)."""
    if settings.debug and text:
        from catalog.ui import audio

        settings.err.print(audio.traceback_text(text), soft_wrap=True)


@app.command("scan")
@user_errors
def scan_(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(help="Folders of audio files (or single files).", show_default=False),
    ],
    auto: Annotated[
        float, typer.Option("--auto", min=0, max=1, help="Attach files scoring at least this.")
    ] = 0.8,
    review: Annotated[
        float, typer.Option("--review", min=0, max=1, help="Queue for review from this score up.")
    ] = 0.5,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every file, unchanged ones included.")
    ] = False,
    as_json: ReportJsonFlag = False,
) -> None:
    """Catalog folders of audio files (MP3, M4A/M4B, Ogg Vorbis, Opus, FLAC, WAV).

    Each file's tags, stream info and chapters are read and the file is attached to its
    episode: by the episode id or guid in its tags, else the file name of an enclosure,
    else title, date and length (from --auto up; from --review up it waits in `catalog
    match review`). Files no feed knows become local-only episodes of a show named after
    the album or folder. Hosts (artist) and guests ("with X", "feat. X", "Guest: X") in the
    tags are credited. A rescan reads only files whose size or modification time changed.
    An unreadable file is reported on one line and the scan goes on (exit code 1).
    """
    from catalog import ui
    from catalog.services import scan
    from catalog.ui import audio

    if review > auto:
        raise UsageError(f"--review {review} is above --auto {auto}")
    settings = get_settings(ctx)
    store = open_store(settings)
    with progress_bar(settings, "scanning", as_json) as on_progress:
        report = scan.scan(
            store,
            paths,
            now=now(),
            auto=auto,
            review=review,
            on_progress=on_progress,
            debug=settings.debug,
        )
    counts = report.counts()
    if as_json:
        for row in report.failed:
            print_traceback(settings, row.traceback)
        rows = [
            dict(r.as_dict(), read=r.status in {"new", "changed", "moved"}) for r in report.files
        ]
        emit_json(
            {
                "files": rows,
                "read": report.read,
                "counts": counts,
                "new_episodes": report.new_episodes,
                "new_shows": report.new_shows,
                "failed": len(report.failed),
            }
        )
    else:
        quiet = {"unchanged", "error"}
        shown = [r for r in report.files if show_all or r.status not in quiet or r.outcome]
        if shown:
            settings.out.print(audio.scan_table(shown[:ROWS], settings.out.width))
            if len(shown) > ROWS:
                settings.out.print(f"… and {len(shown) - ROWS} more (--json lists them all)")
        for row in report.failed:
            settings.err.print(ui.error_text(row.error), soft_wrap=True)
            print_traceback(settings, row.traceback)
        total = sum(1 for r in report.files if r.file_id)
        settings.out.print(audio.scan_summary(counts, total, report.new_episodes, report.new_shows))
        if counts.get("review"):
            settings.out.print("review the uncertain matches with `catalog match review`")
    if report.failed:
        raise typer.Exit(1)


TAG_HELP = (
    "Write the catalog's metadata into the audio files of the episodes a query selects "
    "(every episode with a file when there is no query): title, show as album, date, hosts "
    "as artist, guests (a GUESTS tag and a 'Guests:' line in the comment), episode guid, "
    "feed URL, description and the catalog id. Only these tags change; cover art and every "
    "other tag stay. A title, album or date that a local episode took from a file or folder "
    "name is not written unless --from-paths. Each file is written to a temp copy that must "
    "read back right before it replaces the file.\n\nWithout --write (or with --dry-run) "
    "the changes are shown, per file, and nothing is written. --write asks first, unless "
    "--yes.\n\n" + QUERY_HELP
)


@app.command("tag", cls=QueryCommand, help=TAG_HELP)
@user_errors
def tag_(
    ctx: typer.Context,
    terms: Annotated[
        list[str] | None,
        typer.Argument(
            help="Query terms, as for `list`.", show_default=False, metavar="[QUERY]..."
        ),
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Write the tags.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the changes per file; write nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before writing.")] = False,
    from_paths: Annotated[
        bool,
        typer.Option(
            "--from-paths",
            help="Also write the title, album and date a local episode took from file and "
            "folder names (not written by default).",
        ),
    ] = False,
    as_json: ReportJsonFlag = False,
) -> None:
    from catalog import ui
    from catalog.services import tagging
    from catalog.ui import audio

    settings = get_settings(ctx)
    store = open_store(settings)
    episode_ids = {e["id"] for e in select(store, terms)[0]} if terms else None
    plans = tagging.plan(store, episode_ids, from_paths=from_paths)
    if not plans:
        settings.err.print(
            "no episode with an audio file matches"
            if terms
            else "no audio files: add some with `catalog scan FOLDER`"
        )
        return
    todo = [p for p in plans if p.status == "planned"]
    going = write and not dry_run and bool(todo)
    if going and as_json and not yes:
        raise UsageError("--write with --json needs --yes (there is no one to ask)")
    if not as_json:
        for row in todo:
            settings.out.print(audio.tag_diff(row.path, row.changes))
    if going and not yes and not typer.confirm(f"Write tags to {len(todo)} file(s)?"):
        raise typer.Exit(1)
    if going:
        with progress_bar(settings, "tagging", as_json) as on_progress:
            tagging.write(store, plans, now=now(), on_progress=on_progress)
    failed = [p for p in plans if p.status == "error"]
    if as_json:
        for row in failed:
            print_traceback(settings, row.traceback)
        emit_json(
            {
                "files": [p.as_dict() for p in plans],
                "failed": len(failed),
                "written": sum(p.status == "written" for p in plans),
            }
        )
    else:
        for row in failed:
            settings.err.print(ui.error_text(row.error), soft_wrap=True)
            print_traceback(settings, row.traceback)
        same = sum(p.status == "same" for p in plans)
        if note := audio.guessed_note(plans):
            settings.out.print(note)
        if going:
            done = sum(p.status == "written" for p in plans)
            settings.out.print(f"{done} file(s) tagged, {same} already up to date")
        else:
            settings.out.print(
                f"{len(todo)} file(s) would change, {same} already up to date"
                + ("" if dry_run or not todo else "; add --write to write")
            )
    if failed:
        raise typer.Exit(1)


# -- the review queue (`catalog match review` calls these) ------------------------------------
def review_interactive(
    settings: Settings,
    store: Any,
    queue: list[dict[str, Any]],
    candidates_table: Callable[..., Any],
    tally: Any,
) -> ReviewEnd:
    """Go through the files waiting for review, counting into `tally` (a `review.Tally`)."""
    from catalog.core import audiomatch
    from catalog.services import filereview, review
    from catalog.services.scan import lookup
    from catalog.ui import audio

    def show(n: int, doc: dict[str, Any], candidates: list[dict[str, Any]]) -> None:
        settings.out.rule(f"file {n} of {len(queue)}")
        settings.out.print(audio.file_panel(doc))
        settings.out.print(
            candidates_table(store, candidates, settings) if candidates else "no candidates"
        )

    def search(doc: dict[str, Any], text: str) -> list[dict[str, Any]]:
        return audiomatch.search(doc["info"], text, lookup(store))

    def decide(doc_id: str, action: str, *, move: bool = False, **kw: Any) -> Any:
        return filereview.decide(store, doc_id, action, now=now(), alongside=move, **kw)

    return review_loop(
        settings, queue, show=show, search=search, decide=decide, tally=tally,
        held=lambda doc, episode_id: review.held(store, "file", doc["id"], episode_id),
        unmatched="unmatched (local)",
    )  # fmt: skip
