"""Rich renderables for audio files (scan report, files of an episode, tag diffs, a file in
the review queue); nothing here prints. Every tag value is untrusted and goes through
`ui.text.safe` (Text, never markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from catalog.core.normalize import clean_line, fmt_duration
from catalog.ui.text import (
    STATE_STYLE,
    fitted_table,
    safe,
    safe_block,
    short_source,
    shorten_middle,
)

_STATUS_STYLE = {
    "new": "green",
    "changed": "cyan",
    "moved": "cyan",
    "missing": "yellow",
    "error": "red",
    "unchanged": "dim",
}


def fmt_bitrate(bps: object) -> str:
    """Bits per second as kbit/s.

    >>> fmt_bitrate(128000), fmt_bitrate(None)
    ('128 kbit/s', '')
    """
    if not isinstance(bps, int | float) or isinstance(bps, bool) or bps <= 0:
        return ""
    return f"{round(bps / 1000)} kbit/s"


def files_table(
    files: Sequence[Mapping[str, Any]],
    spill: list[tuple[str, Text]] | None = None,
    width: int | None = None,
) -> RenderableType:
    """The audio files of an episode: path, length, codec, bitrate, chapters, match state.

    A path is never folded (copy and paste must get it whole): given the panel's `width`, one
    too long for its column is cut in the middle there and added to `spill` whole, to print
    under the panel."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    rows = []
    for doc in files:
        info = doc.get("info") or {}
        state = Text(doc.get("state") or "", style=STATE_STYLE.get(doc.get("state") or "", ""))
        if doc.get("score") is not None:
            state.append(f" {doc['score']:.2f}", style="dim")
        if doc.get("missing"):  # the file is gone: said where the path cannot be cut off
            state = Text.assemble(("missing", "yellow"), " ", state)
        rows.append((
            safe(doc.get("path")),
            Text(fmt_duration(info.get("duration"))),
            safe(info.get("codec")),
            Text(fmt_bitrate(info.get("bitrate"))),
            Text(str(len(info.get("chapters") or []))),
            state,
        ))  # fmt: skip
    headers = ("file", "length", "codec", "bitrate", "chapters", "match")
    others = [max(len(h), *(r[i].cell_len for r in rows)) for i, h in enumerate(headers)][1:]
    natural = max([4, *(r[0].cell_len for r in rows)])
    gaps = 3 * len(others)  # a blank rule and a cell of padding each side, between columns
    room = natural if width is None else max(16, width - 4 - sum(others) - gaps)
    path_width = min(natural, room)
    table.add_column("file", no_wrap=True, width=path_width)
    for header in headers[1:]:
        table.add_column(header, no_wrap=True, justify="right" if header == "length" else "left")
    for path, *cells in rows:
        if path.cell_len > path_width:
            if spill is not None:
                spill.append(("file", path))
            path = shorten_middle(path, path_width, head_share=0.3)
        table.add_row(path, *cells)
    return table


def scan_table(rows: Sequence[Any], width: int = 80) -> RenderableType:
    """The per-file scan report: file, what happened, where it went, score, title."""
    cells = []
    for row in rows:
        where = row.outcome or ""
        cells.append(
            (
                safe(short_source(row.path)),
                Text(row.status, style=_STATUS_STYLE.get(row.status, "")),
                Text(where, style=STATE_STYLE.get(row.state or "", "")),
                (row.episode_id or "")[:8],
                f"{row.score:.2f}" if row.score is not None else "",
                safe(row.title),
            )
        )
    headers = ("file", "status", "outcome", "episode", "score", "title")
    limits = ((12, 40), (6, 9), (8, 8), (8, 8), (5, 5), (12, 10_000))
    return fitted_table(headers, cells, limits, grow=5, width=width, right=("score",))


def scan_summary(counts: Mapping[str, int], total: int, new_episodes: int, new_shows: int) -> Text:
    """One line: how many files, read, attached, local, waiting for review, missing, errors."""
    parts = [f"{total} files"]
    for key, label in (
        ("new", "new"),
        ("changed", "changed"),
        ("moved", "moved"),
        ("unchanged", "unchanged (not read)"),
        ("attached", "attached"),
        ("local", "local-only"),
        ("review", "waiting for review"),
        ("missing", "missing"),
        ("error", "unreadable"),
    ):
        if counts.get(key):
            parts.append(f"{counts[key]} {label}")
    if new_episodes or new_shows:
        parts.append(f"{new_episodes} new local episodes in {new_shows} new local shows")
    return Text(", ".join(parts))


def _value(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = str(value or "")
    return text if len(text) <= 70 else text[:69] + "…"


def tag_diff(path: str, changes: Mapping[str, tuple[Any, Any]]) -> Group:
    """A file's tag changes, one field a line: old → new."""
    lines: list[RenderableType] = [safe(path, style="bold")]
    for name, (old, new) in changes.items():
        line = Text(f"  {name}: ")
        line.append_text(safe(_value(old) or "(none)", style="red" if old else "dim"))
        line.append(" → ")
        line.append_text(safe(_value(new), style="green"))
        lines.append(line)
    return Group(*lines)


def guessed_note(plans: Sequence[Any]) -> Text | None:
    """One line about the values guessed from file and folder names that are not written."""
    rows = [p for p in plans if getattr(p, "guessed", None)]
    if not rows:
        return None
    fields = sorted({k for p in rows for k in p.guessed})
    return Text(
        f"{len(rows)} file(s): {', '.join(fields)} guessed from file or folder names, "
        "not written (--from-paths writes them)",
        style="dim",
    )


def traceback_text(text: str) -> Text:
    """A traceback (of a per-file error, shown with --debug) as literal dim text: its lines
    keep their indentation, and the file names and messages in it are made safe."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        body = line.lstrip(" ")
        lines.append(" " * (len(line) - len(body)) + clean_line(body))
    return Text("\n".join(lines), style="dim")


def file_panel(doc: Mapping[str, Any]) -> Panel:
    """An audio file in the review queue: its tags and stream, and why it is waiting."""
    info = doc.get("info") or {}
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    pairs = [
        ("id", doc.get("id")),
        ("file", doc.get("path")),
        ("artist", info.get("artist")),
        ("album", info.get("album")),
        ("date", info.get("date")),
        ("length", fmt_duration(info.get("duration"))),
        ("codec", info.get("codec")),
        ("guid", info.get("episode_guid")),
        ("state", doc.get("state")),
        ("score", f"{doc['score']:.2f}" if doc.get("score") is not None else None),
    ]
    for label, value in pairs:
        if value not in (None, ""):
            grid.add_row(label, safe(value))
    parts: list[RenderableType] = [grid]
    text = info.get("comment") or info.get("description")
    if text:
        parts += [Text(""), safe_block(str(text)[:600])]
    return Panel(
        Group(*parts),
        title=safe(info.get("title") or doc.get("path"), style="bold"),
        title_align="left",
        box=box.ROUNDED,
    )
