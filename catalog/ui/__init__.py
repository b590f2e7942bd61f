"""Rich renderables built from structured results; nothing here prints.

Every untrusted string (titles, names, descriptions, URLs, errors quoting them) goes through
`safe()`, which strips control and bidi characters and wraps the result in `Text`, so that
`[bold]x[/]`, `[link=file:///etc/passwd]` or an ANSI escape in a feed prints literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

# The helpers every renderable shares live in `ui.text`; these are re-exported, as the
# commands use them through `ui`.
from catalog.core.normalize import fmt_duration as fmt_duration
from catalog.ui.text import STATE_STYLE as STATE_STYLE
from catalog.ui.text import WholeLines as WholeLines
from catalog.ui.text import assemble as assemble
from catalog.ui.text import digits_for as digits_for
from catalog.ui.text import error_text as error_text
from catalog.ui.text import fit_widths as fit_widths
from catalog.ui.text import fitted_table as fitted_table
from catalog.ui.text import fmt_date as fmt_date
from catalog.ui.text import prefix_width as prefix_width
from catalog.ui.text import safe as safe
from catalog.ui.text import safe_block as safe_block
from catalog.ui.text import short_source as short_source
from catalog.ui.text import source_label as source_label

CAST = ("host", "co-host", "guest host")


def names(credits: Iterable[dict[str, Any]], roles: Sequence[str]) -> str:
    """Comma-separated names of the credits with one of `roles`."""
    seen: list[str] = []
    for credit in credits:
        if credit.get("role") in roles and credit.get("name") not in seen:
            seen.append(credit["name"])
    return ", ".join(seen)


def episode_table(
    episodes: Sequence[dict[str, Any]],
    shows: dict[str, dict[str, Any]],
    width: int = 80,
    id_width: int = 8,
) -> RenderableType:
    """The episode listing (date, show, title, length, hosts, guests, summary matched, id) in
    `width` cells, ids cut to `id_width` (see `prefix_width`).

    Titles keep 30 cells (and a second line) before the other columns give way; in a narrow
    terminal the summary mark, the hosts and the length are left out, in that order.
    """
    rows = []
    for ep in episodes:
        credits = ep.get("credits") or []
        title = safe(ep.get("title") or "(untitled)")
        if ep.get("absent_since"):
            title.append(" (gone from feed)", style="dim")
        rows.append(
            (
                fmt_date(ep.get("published")),
                _show_name(shows.get(ep.get("show_id") or "", {})),
                title,
                fmt_duration(ep.get("duration")),
                safe(names(credits, CAST)),
                safe(names(credits, ("guest",))),
                Text("✓", style="green") if ep.get("summary_id") else "",
                ep["id"][:id_width],
            )
        )
    # "sum": a scraped summary page is matched to the episode.
    headers = ("date", "show", "title", "length", "hosts", "guests", "sum", "id")
    limits = ((10, 10), (10, 20), (12, 10_000), (7, 7), (10, 20), (10, 26), (3, 3), (4, 12))
    return fitted_table(
        headers,
        rows,
        limits,
        grow=2,
        width=width,
        right=("length",),
        styles={"date": "cyan", "id": "dim"},
        keep=("date", "id"),
        drop=("sum", "hosts", "length"),
    )


# Fields holding a URL or a path: never folded (a space in the middle breaks copy and paste).
LINKS = frozenset({"link", "enclosure", "image", "guid", "website", "chapters", "transcripts",
                   "feed url", "page", "file"})  # fmt: skip


def _show_name(show: dict[str, Any]) -> Text:
    """A show's title; an untitled one by what tells it apart: its feed's file name."""
    return safe(show.get("title")) or safe(source_label(show.get("feed_url") or ""), "italic")


def _field_rows(pairs: Iterable[tuple[str, object]], spill: list[tuple[str, Text]] | None = None,
                width: int | None = None) -> Table:  # fmt: skip
    """Label/value rows. Given the panel's `width`, URLs and paths stay on one line: one
    too long for it is ellipsised there and added to `spill` whole, to print under the panel."""
    shown = [(label, value if isinstance(value, Text) else safe(value))
             for label, value in pairs if value not in (None, "", [], {})]  # fmt: skip
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    room = (width - 4 - max((len(k) for k, _v in shown), default=0) - 2) if width else None
    for label, text in shown:
        if room is not None and label in LINKS:
            text = text.copy()
            text.no_wrap, text.overflow = True, "ellipsis"
            for line in text.split("\n"):
                if line.cell_len > room and spill is not None:
                    spill.append((label, line))
        grid.add_row(label, text)
    return grid


def _credit_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    spill: list[tuple[str, Text]] | None = None,
    width: int | None = None,
) -> Table:
    """Credits in columns. Given the panel's `width`, the website stays on one line (cut
    with an ellipsis, and added to `spill` whole when it is)."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    cells = [[safe(value) for value in row] for row in rows]
    link = columns.index("website") if "website" in columns else None
    cap = max(16, (width - 4) // 4) if width else None
    for i, col in enumerate(columns):
        if i == link and cap is not None:
            natural = max([len(col), *(r[i].cell_len for r in cells)])
            table.add_column(col, no_wrap=True, overflow="ellipsis", width=min(natural, cap))
        else:
            table.add_column(col, overflow="fold")
    for row in cells:
        if link is not None and cap is not None and row[link].cell_len > cap and spill is not None:
            spill.append(("website", Text.assemble(row[0], " ", row[link])))
        table.add_row(*row)
    return table


def _spilled(panel: Panel, spill: Sequence[tuple[str, Text]]) -> RenderableType:
    """A panel and, under it, the URLs and paths too long to show whole inside it."""
    return Group(panel, WholeLines(spill)) if spill else panel


def _sources(c: dict[str, Any]) -> str:
    return ", ".join(c.get("sources") or [c.get("source") or ""])


def credits_table(
    credits: Sequence[dict[str, Any]],
    spill: list[tuple[str, Text]] | None = None,
    width: int | None = None,
) -> Table:
    """Credits: name, role, what we know about them, website, and where that came from."""
    return _credit_rows(
        ("name", "role", "about", "website", "source"),
        (
            (c.get("name"), c.get("role"),
             c.get("bio") or ("" if c.get("group") in (None, "", "cast") else c["group"]),
             c.get("href"), _sources(c))
            for c in credits
        ),
        spill, width,
    )  # fmt: skip


def suggested_table(credits: Sequence[dict[str, Any]]) -> Table:
    """Suggested credits: name, role, confidence, what we know, and why they were suggested."""
    return _credit_rows(
        ("name", "role", "confidence", "about", "source"),
        (
            (c.get("name"), f"{c.get('role') or 'guest'}?",
             f"{float(c.get('confidence') or 0):.2f}", c.get("bio"),
             _sources(c) + (f" ({c['evidence']})" if c.get("evidence") else ""))
            for c in credits
        ),
    )  # fmt: skip


def suggestion_panel(item: dict[str, Any], n: int, total: int) -> Panel:
    """One suggested credit under review: the episode, the person, role, confidence, bio,
    and the evidence and sentence it was read from."""
    rows = _field_rows([
        ("show", item.get("show")),
        ("episode", f"{(item.get('published') or '')[:10]}  {item.get('title') or ''}".strip()),
        ("id", item["episode_id"][:8]),
        ("person", item.get("name")),
        ("role", item.get("role")),
        ("confidence", f"{float(item.get('confidence') or 0):.2f}"),
        ("bio", item.get("bio")),
        ("website", item.get("href")),
        ("evidence", item.get("evidence")),
        ("source", ", ".join(s for s in item.get("sources") or [] if s)),
    ])  # fmt: skip
    parts: list[RenderableType] = [rows]
    if item.get("sentence"):
        parts += [Text(""), safe_block(item["sentence"], style="italic")]
    return Panel(Group(*parts), title=Text(f"suggested credit {n} of {total}", style="bold"),
                 title_align="left", box=box.ROUNDED)  # fmt: skip


def episode_panel(
    ep: dict[str, Any],
    show: dict[str, Any] | None,
    summary: dict[str, Any] | None = None,
    files: Sequence[dict[str, Any]] = (),
    width: int | None = None,
) -> RenderableType:
    """Every stored field of one episode, credits and local audio files included. Given the
    `width` it is drawn in, URLs are never folded: those too long are listed whole below."""
    spill: list[tuple[str, Text]] = []
    enclosures = ep.get("enclosures") or []
    enc_text = Text()
    for n, enc in enumerate(enclosures):
        if n:
            enc_text.append("\n")
        enc_text.append_text(safe(enc.get("url")))
        extra = ", ".join(str(x) for x in (enc.get("type"), enc.get("length")) if x)
        if extra:
            enc_text.append(" ")
            enc_text.append_text(
                safe(f"({extra} bytes)" if enc.get("length") else f"({extra})", style="dim")
            )
    transcripts = Text("\n").join(
        safe(" ".join(str(v) for v in (t.get("url"), t.get("type"), t.get("language")) if v))
        for t in ep.get("transcripts") or []
    )
    chapters = ep.get("chapters") or {}
    rows = _field_rows(
        [
            ("id", ep.get("id")),
            ("show", (show or {}).get("title")),
            ("published", ep.get("published")),
            ("duration", fmt_duration(ep.get("duration"))),
            ("guid", ep.get("guid")),
            ("link", ep.get("link")),
            ("enclosure", enc_text if enclosures else None),
            ("image", ep.get("image")),
            ("explicit", {True: "yes", False: "no"}.get(ep.get("explicit"))),  # type: ignore[arg-type]
            ("season", ep.get("season")),
            ("episode", ep.get("episode")),
            ("type", ep.get("episode_type")),
            ("author", ep.get("author")),
            ("keywords", ", ".join(ep.get("keywords") or [])),
            ("transcripts", transcripts if ep.get("transcripts") else None),
            ("chapters", chapters.get("url")),
            ("mentions", ", ".join(ep.get("mentions") or [])),
            ("topics", ", ".join(ep.get("topics") or [])),
            ("summary", _summary_line(summary)),
            ("first seen", ep.get("first_seen")),
            ("updated", ep.get("updated_at")),
            ("gone from feed", ep.get("absent_since")),
        ],
        spill,
        width,
    )
    parts: list[RenderableType] = [rows]
    if ep.get("credits"):
        parts += [Text(""), Text("credits", style="bold"),
                  credits_table(ep["credits"], spill, width)]  # fmt: skip
    if ep.get("suggested_credits"):
        parts += [Text(""), Text.assemble(("suggested", "bold yellow"),
                                          ("  not counted until accepted: catalog people review",
                                           "dim")),
                  suggested_table(ep["suggested_credits"])]  # fmt: skip
    if files:
        from catalog.ui.audio import files_table

        parts += [Text(""), Text("files", style="bold"), files_table(files, spill, width)]
    if ep.get("description"):
        parts += [Text(""), safe_block(ep["description"])]
    panel = Panel(
        Group(*parts),
        title=safe(ep.get("title") or "(untitled)", style="bold"),
        title_align="left",
        box=box.ROUNDED,
    )
    return _spilled(panel, spill)


def _summary_line(summary: dict[str, Any] | None) -> Text | None:
    if not summary:
        return None
    line = safe(f"{summary['id'][:8]} {summary.get('title') or ''}")
    score = f" {summary['score']:.2f}" if summary.get("score") is not None else ""
    line.append(f" ({summary.get('state')}{score})", style="dim")
    return line


def shows_table(
    shows: Sequence[dict[str, Any]],
    stats: dict[str, dict[str, Any]],
    width: int = 80,
    id_width: int = 10,
) -> RenderableType:
    """Shows with episode counts, first/last dates, and the last refresh status; a show
    without a title by its feed's file name (or host and last path segment). In a narrow
    terminal the `checked` and then the `first` dates are left out."""
    rows = []
    for show in shows:
        st = stats.get(show["id"], {})
        status = safe(show.get("status") or "")
        if show.get("last_error"):
            status = Text.assemble(status, ": ", safe(show["last_error"]))
            status.stylize("red")
        rows.append(
            (
                _show_name(show),
                str(st.get("episodes", 0)),
                fmt_date(st.get("first")),
                fmt_date(st.get("last")),
                status,
                fmt_date(show.get("last_checked")),
                show["id"][:id_width],
            )
        )
    headers = ("show", "episodes", "first", "last", "status", "checked", "id")
    limits = ((12, 10_000), (8, 8), (10, 10), (10, 10), (12, 60), (10, 10), (4, 10))
    return fitted_table(headers, rows, limits, grow=0, width=width, right=("episodes",),
                        styles={"id": "dim"}, keep=("first", "last", "checked", "id"),
                        drop=("checked", "first"))  # fmt: skip


_STATUS_STYLE = {
    "ok": "green",
    "not-modified": "cyan",
    "gone": "yellow",
    "error": "red",
    "opml": "blue",
}


def report_table(rows: Sequence[Any], width: int = 80) -> RenderableType:
    """The per-source ingest report: one row per source with counts and status."""
    cells = []
    for row in rows:
        label = row.status if row.status != "not-modified" else "unchanged (304)"
        cells.append(
            (
                safe(short_source(row.source)),
                safe(row.show_title),
                str(row.new),
                str(row.updated),
                str(row.unchanged),
                str(row.absent),
                str(len(row.warnings)),
                Text(label, style=_STATUS_STYLE.get(row.status, "")),
            )
        )
    headers = ("source", "show", "new", "updated", "same", "absent", "warn", "status")
    limits = ((18, 60), (12, 10_000), (3, 6), (7, 7), (4, 6), (6, 6), (4, 4), (6, 15))
    numbers = ("new", "updated", "same", "absent", "warn")
    # the source says which row is which: at 80 columns it keeps 18 cells, the show wraps
    return fitted_table(headers, cells, limits, grow=1, width=width, right=numbers,
                        keep=("status",), middle=("source",), soft=16)  # fmt: skip


def report_warnings(rows: Sequence[Any], per_source: int | None = 3) -> list[Text]:
    """The warnings of a report, one line each, named by the source as the table names it;
    past `per_source` of one source, one line says how many more (None: every one)."""
    notes: list[Text] = []
    for row in rows:
        name = safe(short_source(row.source))
        shown = row.warnings if per_source is None else row.warnings[:per_source]
        for warning in shown:
            notes.append(Text.assemble(("warning: ", "yellow"), name, ": ", safe(warning)))
        if len(row.warnings) > len(shown):
            more = len(row.warnings) - len(shown)
            notes.append(Text.assemble(("warning: ", "yellow"), name,
                                       f": … and {more} more (--verbose lists them)"))  # fmt: skip
    return notes


def report_errors(rows: Sequence[Any]) -> list[Text]:
    """The errors of a report, one line each (the message names its source)."""
    return [Text.assemble(("error: ", "bold red"), safe(row.error)) for row in rows if row.error]


def report_total(rows: Sequence[Any]) -> Text:
    """One line under the report: `34 sources: 33 read, 1 failed, 57 warnings`."""
    failed = sum(1 for row in rows if row.status == "error")
    warnings = sum(len(row.warnings) for row in rows)

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count != 1 else ''}"

    return Text.assemble(
        f"{n(len(rows), 'source')}: {len(rows) - failed} read, ",
        (f"{failed} failed", "red" if failed else ""), ", ",
        (n(warnings, "warning"), "yellow" if warnings else ""),
    )  # fmt: skip


# -- summaries and matching ---------------------------------------------------------------
def batch_line(row: Any) -> Text:
    """One line of `match review --yes/--dry-run`: accept, skip (its episode already has a
    page or file) or leave (below the minimum), the item, its score, and what it affects."""
    verb = row.action
    line = assemble(
        (f"{verb:6} ", {"accept": "green", "skip": "red"}.get(verb, "yellow")),
        "file " if row.kind == "file" else "",
        row.id[:8], " ", safe(row.title), f"  ({row.score:.2f})",
    )  # fmt: skip
    if row.held is not None:
        line.append_text(assemble(": ", held_text(row.held, row.episode_id)))
        page = row.held.kind == "summary"
        if row.moved:
            line.append("; moved off it" if page else "; attached beside it")
        else:
            line.append("; --move to take it" if page else "; --move to attach it beside")
    return line


def _held_name(held: Any) -> Text:
    name = short_source(held.title) if held.kind == "file" else held.title
    return assemble("'", safe(name or held.id[:8]), "'")


def held_text(held: Any, episode_id: str | None) -> Text:
    """What accepting another item for an episode would affect (a `review.Held`), as
    "episode 1a2b3c4d already has summary 'X' (auto, 1.00)"."""
    score = f", {held.score:.2f}" if held.score is not None else ""
    more = f" and {held.count - 1} more" if held.count > 1 else ""
    return assemble(
        f"episode {(episode_id or '')[:8]} already has {held.kind} {held.id[:8]} ",
        _held_name(held),
        f" ({held.state}{score}){more}",
    )  # fmt: skip


def held_question(held: Any, episode_id: str | None) -> Text:
    """The question review asks before an accept that affects what an episode has."""
    if held.kind == "summary":
        ask = assemble(f"; move this one there and unmatch summary {held.id[:8]}?")
    else:
        ask = assemble("; attach this one beside it (both stay)?")
    return assemble(held_text(held, episode_id), ask)


def moved_note(held: Any, episode_id: str | None) -> Text:
    """What became of the summary an accept moved off its episode."""
    return assemble(
        ("moved: ", "yellow"), f"summary {held.id[:8]} left episode {(episode_id or '')[:8]} "
        "and is unmatched now "
        "(`catalog match run` can match it again; `catalog match undo`, twice, puts it back)",
    )  # fmt: skip


def review_summary(tally: Any, *, dry_run: bool = False) -> Text:
    """The line a review ends with: accepted, (unmatched,) skipped, left (a `review.Tally`)."""
    parts = [f"accepted {tally.accepted}"]
    if tally.unmatched:
        parts.append(f"unmatched {tally.unmatched}")
    parts += [f"skipped {tally.skipped}", f"left {tally.left}"]
    text = ", ".join(parts)
    return assemble(("would have " + text) if dry_run else text)


def page_report_table(rows: Sequence[Any], width: int = 80) -> RenderableType:
    """The per-page import report: page, title, match state, episode, score, guests."""
    cells = []
    for row in rows:
        label = row.status if row.status != "new" else (row.state or "")
        cells.append((
            safe(short_source(row.source)), safe(row.title), Text(label, style=STATE_STYLE.get(
                row.state or "", "red" if row.status == "error" else "")),
            (row.episode_id or "")[:8], f"{row.score:.2f}" if row.score is not None else "",
            safe(", ".join(row.guests)),
        ))  # fmt: skip
    headers = ("page", "title", "match", "episode", "score", "guests")
    limits = ((12, 40), (12, 10_000), (6, 10), (8, 8), (5, 5), (10, 30))
    return fitted_table(headers, cells, limits, grow=1, width=width, right=("score",),
                        keep=("episode",), middle=("page",), drop=("guests",))  # fmt: skip


def summaries_table(docs: Sequence[dict[str, Any]], width: int = 80) -> RenderableType:
    """Summaries with their match state and best score."""
    cells = [
        (doc["id"][:8], safe(doc.get("title") or "(untitled)"),
         Text(doc.get("state") or "", style=STATE_STYLE.get(doc.get("state") or "", "")),
         (doc.get("episode_id") or doc.get("suggested") or "")[:8],
         f"{doc['score']:.2f}" if doc.get("score") is not None else "",
         safe(names(doc.get("credits") or [], ("guest",))))
        for doc in docs
    ]  # fmt: skip
    headers = ("id", "title", "state", "episode", "score", "guests")
    limits = ((8, 8), (12, 10_000), (6, 9), (8, 8), (5, 5), (10, 30))
    return fitted_table(headers, cells, limits, grow=1, width=width, right=("score",),
                        keep=("id", "episode"), drop=("guests",))  # fmt: skip


def _reasons(reasons: dict[str, Any]) -> str:
    parts = [f"{k} {v:.2f}" for k, v in reasons.items() if isinstance(v, float)]
    return ", ".join(parts + list(reasons.get("notes") or []))


def candidates_table(
    candidates: Sequence[dict[str, Any]],
    episodes: dict[str, dict[str, Any]],
    shows: dict[str, dict[str, Any]],
    width: int = 80,
) -> RenderableType:
    """Numbered candidate episodes for a summary, with scores and the reasons behind them."""
    cells = []
    for n, cand in enumerate(candidates, 1):
        ep = episodes.get(cand["episode_id"], {})
        cells.append(
            (
                str(n),
                f"{cand['score']:.2f}",
                fmt_date(ep.get("published")),
                safe(shows.get(ep.get("show_id") or "", {}).get("title")),
                safe(ep.get("title") or cand["episode_id"]),
                safe(_reasons(cand["reasons"])),
            )
        )
    headers = ("#", "score", "date", "show", "title", "why")
    limits = ((2, 2), (5, 5), (10, 10), (10, 16), (12, 10_000), (12, 40))
    return fitted_table(headers, cells, limits, grow=4, width=width, right=("#", "score"),
                        keep=("date",), wrap={"why": 3}, drop=("show", "date"))  # fmt: skip


def summary_panel(
    doc: dict[str, Any],
    episode: dict[str, Any] | None = None,
    body_chars: int | None = None,
    width: int | None = None,
) -> RenderableType:
    """One summary: dates, state, credits, mentions, topics and its text (with a `width`,
    paths and URLs too long for the panel are listed whole below it)."""
    spill: list[tuple[str, Text]] = []
    body = doc.get("body") or ""
    if body_chars is not None and len(body) > body_chars:
        body = body[:body_chars].rsplit(" ", 1)[0] + " …"
    rows = _field_rows(
        [
            ("id", doc.get("id")),
            ("page", doc.get("path")),
            ("show", doc.get("show")),
            ("scraped", doc.get("scraped_at")),
            ("aired", doc.get("air_date")),
            ("state", doc.get("state")),
            ("episode", (episode or {}).get("title") or doc.get("episode_id")),
            ("score", f"{doc['score']:.2f}" if doc.get("score") is not None else None),
            ("why", _reasons(doc.get("reasons") or {})),
            ("mentions", ", ".join(doc.get("mentions") or [])),
            ("topics", ", ".join(doc.get("topics") or [])),
        ],
        spill,
        width,
    )
    parts: list[RenderableType] = [rows]
    if doc.get("credits"):
        parts += [Text(""), credits_table(doc["credits"], spill, width)]
    if body:
        parts += [Text(""), safe_block(body)]
    panel = Panel(
        Group(*parts),
        title=safe(doc.get("title") or "(untitled)", style="bold"),
        title_align="left",
        box=box.ROUNDED,
    )
    return _spilled(panel, spill)


def decisions_table(
    entries: Sequence[dict[str, Any]], width: int = 80, id_width: int = 8
) -> RenderableType:
    """The match log: when, what, which summary (or audio file) and episode, and why. The
    title and the reason wrap; in a narrow terminal the item's id and then the time are left
    out (the title names the item; the log is in order)."""
    cells = [
        (e["id"], str(e.get("time") or "")[:16].replace("T", " "),
         e["action"] + (" (undone)" if e.get("undone") else ""),
         (e.get("summary_id") or e.get("file_id") or "")[:id_width],
         (e.get("episode_id") or "")[:id_width], safe(e.get("summary_title") or e.get("title")),
         safe(e.get("reason")))
        for e in entries
    ]  # fmt: skip
    headers = ("#", "time", "action", "item", "episode", "title", "reason")
    limits = ((2, 6), (16, 16), (6, 17), (4, 12), (4, 12), (12, 10_000), (20, 60))
    return fitted_table(headers, cells, limits, grow=5, width=width, right=("#",),
                        keep=("time", "action", "item", "episode"), wrap={"reason": 3},
                        drop=("item", "time"))  # fmt: skip


def _bars(title: str, counts: dict[str, int], width: int, limit: int = 12) -> Table:
    """A small horizontal bar chart: label, count, bar."""
    table = Table(title=title, title_justify="left", box=None, show_header=False,
                  pad_edge=False, title_style="bold")  # fmt: skip
    cells = max(30, width // 3)  # a show's title keeps 30 cells
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=cells)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    items = list(counts.items())[:limit]
    peak = max((n for _, n in items), default=1) or 1
    room = max(10, width - cells - 12)
    for label, n in items:
        table.add_row(safe(label), str(n), Text("█" * max(1, round(n / peak * room)), style="cyan"))
    return table


def stats_view(stats: dict[str, Any], width: int = 80) -> RenderableType:
    """The `stats` screen: totals, bars by show and year, top people, summaries."""
    total = stats["duration_total"]
    head = _field_rows([
        ("episodes", str(stats["episodes"])),
        ("total length", fmt_duration(total) if stats["with_duration"] else "unknown"),
        ("mean length", fmt_duration(stats["duration_mean"])),
        ("summaries", f"{stats['summaries']['matched']} of {stats['summaries']['total']} "
                      "matched" if stats["summaries"]["total"] else "none imported"),
    ])  # fmt: skip
    people = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    people.add_column("top guests", overflow="ellipsis", no_wrap=True)
    people.add_column("#", justify="right")
    people.add_column("top hosts", overflow="ellipsis", no_wrap=True)
    people.add_column("#", justify="right")
    guests, hosts = stats["top_guests"], stats["top_hosts"]
    for i in range(max(len(guests), len(hosts))):
        g = guests[i] if i < len(guests) else {"name": "", "episodes": ""}
        h = hosts[i] if i < len(hosts) else {"name": "", "episodes": ""}
        people.add_row(safe(g["name"]), str(g["episodes"]), safe(h["name"]), str(h["episodes"]))
    parts: list[RenderableType] = [
        head, Text(""), _bars("episodes by show", stats["shows"], width), Text(""),
        _bars("episodes by year", stats["years"], width, limit=40),
    ]  # fmt: skip
    if guests or hosts:
        parts += [Text(""), people]
    return Group(*parts)


def curated_panel(doc: dict[str, Any]) -> Panel:
    """A curated show's definition."""
    rows = _field_rows([
        ("name", doc.get("name")), ("feed url", doc.get("feed_url")), ("link", doc.get("link")),
        ("image", doc.get("image")), ("author", doc.get("author")),
        ("owner", doc.get("owner_email")), ("language", doc.get("language")),
        ("category", doc.get("category")),
        ("explicit", {True: "yes", False: "no"}.get(doc.get("explicit"))),  # type: ignore[arg-type]
        ("locked", {True: "yes", False: "no"}.get(doc.get("locked"))),  # type: ignore[arg-type]
        ("query", doc.get("query")), ("pinned", ", ".join(i[:8] for i in doc.get("pinned") or [])),
        ("description", doc.get("description")),
    ])  # fmt: skip
    return Panel(
        rows,
        title=safe(doc.get("title") or doc.get("name"), style="bold"),
        title_align="left",
        box=box.ROUNDED,
    )


def _roles(roles: dict[str, int]) -> str:
    return ", ".join(f"{role} {n}" for role, n in sorted(roles.items(), key=lambda r: -r[1]))


def people_table(people: Sequence[Any], width: int = 80) -> RenderableType:
    """People: name, roles with counts, shows, first and last appearance."""
    cells = [
        (safe(p.name), safe(_roles(p.roles)),
         safe(", ".join(t for t, _n in p.shows.most_common(3))),
         fmt_date(p.first), fmt_date(p.last))
        for p in people
    ]  # fmt: skip
    headers = ("name", "roles", "shows", "first", "last")
    limits = ((16, 30), (8, 30), (16, 10_000), (10, 10), (10, 10))
    return fitted_table(headers, cells, limits, grow=2, width=width, soft=20,
                        keep=("roles", "first", "last"), drop=("first",))  # fmt: skip


def person_view(
    person: Any,
    appearances: Sequence[dict[str, Any]],
    show_titles: dict[str, str],
    partners: Any,
    regular: Sequence[str],
    width: int = 80,
    id_width: int = 8,
) -> RenderableType:
    """A person's profile panel, every appearance in date order, and who they appear with."""
    spill: list[tuple[str, Text]] = []
    rows = _field_rows([
        ("name", person.name), ("also", ", ".join(person.aliases)), ("about", person.bio),
        ("website", person.href), ("roles", _roles(person.roles)),
        ("regular on", ", ".join(regular)),
        ("appeared with", ", ".join(f"{n} ({c})" for n, c in partners.most_common(5))),
        ("first", fmt_date(person.first)), ("last", fmt_date(person.last)),
    ], spill, width)  # fmt: skip
    cells = [
        (fmt_date(a["episode"].get("published")),
         safe(show_titles.get(a["episode"].get("show_id") or "", "")),
         safe(a["episode"].get("title")), safe(a["role"]), a["episode"]["id"][:id_width])
        for a in appearances
    ]  # fmt: skip
    headers = ("date", "show", "title", "role", "id")
    limits = ((10, 10), (10, 24), (12, 10_000), (4, 10), (4, 12))
    table = fitted_table(headers, cells, limits, grow=2, width=width,
                         keep=("date", "role", "id"), styles={"id": "dim"})  # fmt: skip
    return Group(
        Panel(rows, title=safe(person.name, style="bold"), title_align="left", box=box.ROUNDED),
        *([WholeLines(spill)] if spill else []),
        table,
    )
