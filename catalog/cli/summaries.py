"""Commands about scraped summaries and matching: `summaries …` and `match …`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from catalog.cli.common import (
    JsonFlag,
    ReviewEnd,
    Settings,
    app,
    emit_json,
    find_episode,
    get_settings,
    now,
    open_store,
    review_loop,
    user_errors,
)
from catalog.cli.pager import NoPager, page
from catalog.core.errors import NotFoundError, UsageError

summaries_app = typer.Typer(
    help="Scraped episode pages: import, list, show.", no_args_is_help=True, rich_markup_mode=None
)
match_app = typer.Typer(
    help="Match summaries and audio files to episodes and review the matches: run, review, "
    "log, undo, set, clear.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(summaries_app, name="summaries")
app.add_typer(match_app, name="match")

AutoOpt = Annotated[
    float, typer.Option("--auto", min=0, max=1, help="Accept matches scoring at least this.")
]
ReviewOpt = Annotated[
    float, typer.Option("--review", min=0, max=1, help="Queue for review from this score up.")
]
STATES = ("auto", "accepted", "manual", "review", "unmatched", "rejected")


def _thresholds(auto: float, review: float) -> Any:
    from catalog.core.match import Thresholds

    if review > auto:
        raise UsageError(f"--review {review} is above --auto {auto}")
    return Thresholds(auto=auto, review=review)


def _show_ids(settings: Settings, shows: list[str] | None) -> set[str] | None:
    if not shows:
        return None
    from catalog.services.selection import resolve_shows

    return set(resolve_shows(open_store(settings), shows))


@summaries_app.command("import")
@user_errors
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(help="Page files (.txt, .html) or folders of them.", show_default=False),
    ],
    show: Annotated[
        list[str] | None,
        typer.Option(
            "--show", "-s", help="Match only against this show (repeatable).", show_default=False
        ),
    ] = None,
    auto: AutoOpt = 0.75,
    review: ReviewOpt = 0.45,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import scraped episode pages, extract their credits and match them to episodes.

    The same page imported twice is a no-op (pages are identified by their content).
    Matches scoring at least --auto are accepted; those from --review up wait in
    `catalog match review`; the rest stay unmatched.
    """
    from catalog import ui
    from catalog.services import summaries as rv

    settings = get_settings(ctx)
    store = open_store(settings)
    rows = rv.import_pages(
        store,
        paths,
        now=now(),
        thresholds=_thresholds(auto, review),
        show_ids=_show_ids(settings, show),
    )
    if as_json:
        emit_json(
            {"pages": [r.as_dict() for r in rows], "failed": sum(r.status == "error" for r in rows)}
        )
    else:
        from rich.text import Text

        settings.out.print(ui.page_report_table(rows, settings.out.width))
        for row in rows:
            if row.error:
                settings.err.print(
                    Text.assemble(("error: ", "red"), ui.safe(row.error)), soft_wrap=True
                )
    if any(r.status == "error" for r in rows):
        raise typer.Exit(1)


@summaries_app.command("list")
@user_errors
def list_summaries(
    ctx: typer.Context,
    state: Annotated[
        str | None, typer.Option(help=f"Only this state: {', '.join(STATES)}.", show_default=False)
    ] = None,
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """List imported summaries with their match state."""
    from catalog import ui

    if state is not None and state not in STATES:
        raise UsageError(f"unknown state {state!r}: use one of {', '.join(STATES)}")
    settings = get_settings(ctx)
    docs = open_store(settings).all("summaries")
    docs = [d for d in docs if state is None or d.get("state") == state]
    docs.sort(key=lambda d: (d.get("title") or "").casefold())
    if as_json:
        emit_json(docs)
        return
    if not docs:
        settings.err.print("no summaries" + (f" in state {state}" if state else ""))
        return
    page(settings, ui.summaries_table(docs, settings.out.width), no_pager=no_pager)


@summaries_app.command("show")
@user_errors
def show_summary(
    ctx: typer.Context,
    summary: Annotated[
        str, typer.Argument(help="Summary id or unique prefix.", show_default=False)
    ],
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """Show one summary: dates, match, candidates, credits, mentions and text."""
    from catalog import ui
    from catalog.services import summaries as rv

    settings = get_settings(ctx)
    store = open_store(settings)
    doc = rv.find_summary(store, summary)
    if as_json:
        emit_json(doc)
        return
    episode = store.get("episodes", doc["episode_id"]) if doc.get("episode_id") else None
    from rich.console import Group

    parts: list[Any] = [ui.summary_panel(doc, episode, width=settings.out.width)]
    if doc.get("candidates"):
        parts.append(_candidates(store, doc["candidates"], settings))
    page(settings, Group(*parts), no_pager=no_pager)


def _candidates(
    store: Any, candidates: list[dict[str, Any]], settings: Settings, width: int | None = None
) -> Any:
    from catalog import ui

    episodes = {c["episode_id"]: store.get("episodes", c["episode_id"]) or {} for c in candidates}
    shows = {s["id"]: s for s in store.shows()}
    return ui.candidates_table(candidates, episodes, shows, width or settings.out.width)


@match_app.command("run")
@user_errors
def run(
    ctx: typer.Context,
    auto: AutoOpt = 0.75,
    review: ReviewOpt = 0.45,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show, change nothing.")] = False,
) -> None:
    """Match again the summaries still unmatched or waiting for review (after new ingests).

    Decisions made by a person (accepted, set, rejected) are left alone.
    """
    from catalog import ui
    from catalog.services import summaries as rv

    settings = get_settings(ctx)
    store = open_store(settings)
    ids = [s["id"] for s in store.all("summaries") if s.get("state") in {"unmatched", "review"}]
    outcome = rv.run_matching(
        store, ids, now=now(), thresholds=_thresholds(auto, review), dry_run=dry_run
    )
    rows = [rv.PageReport(source=sid, status="new", summary_id=sid,
                          title=(store.get("summaries", sid) or {}).get("title"), state=state,
                          episode_id=cand.episode_id if cand else None,
                          score=cand.score if cand else None)
            for sid, (state, cand) in outcome.items()]  # fmt: skip
    settings.out.print(ui.page_report_table(rows, settings.out.width))
    if dry_run:
        settings.err.print("dry run: nothing changed")


@match_app.command("review")
@user_errors
def review_queue(
    ctx: typer.Context,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes", "-y", help="Accept every suggestion scoring at least --min, without asking."
        ),
    ] = False,
    minimum: Annotated[
        float, typer.Option("--min", min=0, max=1, help="With --yes: the lowest score to accept.")
    ] = 0.6,
    move: Annotated[
        bool,
        typer.Option(
            "--move",
            help="With --yes: also accept suggestions whose episode already has a summary "
            "(moved off it, to unmatched) or a file (kept beside). Without it they are skipped.",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be done.")] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the items and counts as JSON (a dry run unless --yes)."),
    ] = False,
) -> None:
    """Go through the summaries, then the audio files, waiting for review, best first.

    For each: accept the first candidate (a), pick one by its number, search (s) for
    another episode, skip (k), mark unmatched (u; a file then keeps a local-only episode),
    or quit (q). Accepting an episode that already has a summary (or a file) says so and
    asks first. Review ends with a line of counts: accepted, skipped, left. Every decision
    is logged (`catalog match log`) and can be undone (`catalog match undo`).
    """
    from catalog import ui
    from catalog.services import filereview, review
    from catalog.services import summaries as rv

    settings = get_settings(ctx)
    store = open_store(settings)
    queue = rv.pending(store)
    files = filereview.pending(store)
    if yes or dry_run or as_json:
        rows = review.batch_accept(
            store, minimum=minimum, now=now(), apply=yes and not dry_run, move=move
        )
        counts = review.tally(rows)
        if as_json:
            emit_json({"items": [r.as_dict() for r in rows], "counts": counts.as_dict(),
                       "dry_run": not yes or dry_run})  # fmt: skip
            return
        if not rows:
            settings.err.print("nothing to review")
            return
        for row in rows:
            settings.out.print(ui.batch_line(row))
        settings.out.print(ui.review_summary(counts, dry_run=dry_run))
        if dry_run:
            settings.err.print("dry run: nothing changed")
        return
    if not queue and not files:
        settings.err.print("nothing to review")
        return
    tally = review.Tally()
    end = _interactive(settings, store, queue, tally)
    if end == "done" and files:
        from catalog.cli import audio as audio_cli

        end = audio_cli.review_interactive(settings, store, files, _candidates, tally)
    else:
        tally.left += len(files)
    settings.out.print(ui.review_summary(tally))
    if end == "interrupted":
        raise typer.Exit(130)


def _interactive(
    settings: Settings, store: Any, queue: list[dict[str, Any]], tally: Any
) -> ReviewEnd:
    from rich.table import Table

    from catalog import ui
    from catalog.core import match as mt
    from catalog.services import review
    from catalog.services import summaries as rv

    console = settings.out

    def show(n: int, doc: dict[str, Any], candidates: list[dict[str, Any]]) -> None:
        console.rule(f"{n} of {len(queue)}")
        panel = ui.summary_panel(doc, body_chars=600)
        wide = console.width >= 140  # the page and its candidates side by side
        width = (console.width * 3) // 5 - 2 if wide else None
        table = (_candidates(store, candidates, settings, width) if candidates
                 else "no candidates")  # fmt: skip
        if wide:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(ratio=2)
            grid.add_column(ratio=3)
            grid.add_row(panel, table)
            console.print(grid)
        else:
            console.print(panel)
            console.print(table)

    def search(doc: dict[str, Any], text: str) -> list[dict[str, Any]]:
        index = rv.episode_index(store)
        probe = rv.with_show_ids(doc, store.all("shows"))
        return [{"episode_id": c.episode_id, "score": c.score, "reasons": c.reasons}
                for c in mt.search(text, index, probe)]  # fmt: skip

    return review_loop(
        settings, queue, show=show, search=search, tally=tally,
        held=lambda doc, episode_id: review.held(store, "summary", doc["id"], episode_id),
        decide=lambda doc_id, action, **kw: rv.decide(store, doc_id, action, now=now(), **kw),
    )  # fmt: skip


@match_app.command("log")
@user_errors
def log_(
    ctx: typer.Context,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Only the last N decisions.")
    ] = None,
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """Every match decision, automatic or by hand, with its time and reason."""
    from catalog import ui

    settings = get_settings(ctx)
    store = open_store(settings)
    entries = sorted(store.all("decisions"), key=lambda d: int(d["id"]))
    if limit:
        entries = entries[-limit:]
    if as_json:
        emit_json(entries)
        return
    if not entries:
        settings.err.print("no decisions yet")
        return
    from catalog.cli.browse import id_prefix

    id_width = max(
        id_prefix(store, table, [e[key] for e in entries if e.get(key)])
        for table, key in (("episodes", "episode_id"), ("summaries", "summary_id"),
                           ("files", "file_id"))
    )  # fmt: skip
    page(settings, ui.decisions_table(entries, settings.out.width, id_width), no_pager=no_pager)


@match_app.command("undo")
@user_errors
def undo(
    ctx: typer.Context,
    decision: Annotated[
        str | None,
        typer.Argument(
            help="Decision number from `catalog match log` (default: the latest).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Undo a match decision, restoring what it replaced."""
    from catalog import ui
    from catalog.services import undo as undo_mod

    settings = get_settings(ctx)
    entry = undo_mod.undo(open_store(settings), decision, now=now())
    settings.out.print(
        ui.safe(
            f"{entry['reason']}: "
            + (
                f"file {entry['file_id'][:8]}"
                if entry.get("kind") == "file"
                else f"{entry['person']} on episode {entry['episode_id'][:8]}"
                if entry.get("kind") == "credit"
                else f"summary {entry['summary_id'][:8]}"
            )
            + f" is {entry['state']} again"
        )
    )


@match_app.command("set")
@user_errors
def set_(
    ctx: typer.Context,
    episode: Annotated[
        str, typer.Argument(help="Episode id or unique prefix.", show_default=False)
    ],
    summary: Annotated[
        str,
        typer.Argument(
            help="Summary id or unique prefix (or an audio file's id, from `scan --json`).",
            show_default=False,
        ),
    ],
) -> None:
    """Match a summary (or an audio file) to an episode by hand; logged like any decision."""
    from catalog import ui
    from catalog.services import filereview
    from catalog.services import summaries as rv

    settings = get_settings(ctx)
    store = open_store(settings)
    ep = find_episode(store, episode)
    if (
        not store.has("summaries", summary)
        and not any(s.startswith(summary) for s in store.ids("summaries"))
        and any(f.startswith(summary) for f in store.ids("files"))
    ):
        entry = filereview.decide(store, summary, "set", now=now(), episode_id=ep["id"],
                                  reason="set by hand", alongside=True)  # fmt: skip
        settings.out.print(ui.safe(f"file {entry['file_id'][:8]} → episode {ep['id'][:8]} "
                                   f"{ep.get('title') or ''}"))  # fmt: skip
        return
    from catalog.services import review

    sid = rv.find_summary(store, summary)["id"]
    has = review.held(store, "summary", sid, ep["id"])  # `set` is explicit: it moves
    entry = rv.decide(store, sid, "set", now=now(), episode_id=ep["id"], reason="set by hand",
                      move=True)  # fmt: skip
    settings.out.print(
        ui.safe(
            f"summary {entry['summary_id'][:8]} → episode {ep['id'][:8]} {ep.get('title') or ''}"
        )
    )
    if has is not None:
        settings.out.print(ui.moved_note(has, ep["id"]))


@match_app.command("clear")
@user_errors
def clear(
    ctx: typer.Context,
    episode: Annotated[
        str, typer.Argument(help="Episode id or unique prefix.", show_default=False)
    ],
) -> None:
    """Detach the summary matched to an episode; logged, and undoable."""
    from catalog import ui
    from catalog.services import summaries as rv

    settings = get_settings(ctx)
    store = open_store(settings)
    ep = find_episode(store, episode)
    try:
        entry = rv.clear_episode(store, ep["id"], now=now())
    except NotFoundError:
        raise NotFoundError(f"episode {ep['id'][:8]} has no summary") from None
    settings.out.print(
        ui.safe(f"summary {entry['summary_id'][:8]} detached from episode {ep['id'][:8]}")
    )
