"""Text helpers every renderable shares: untrusted strings made safe, dates, and tables
fitted to the terminal's width. Nothing here prints.

Every untrusted string (titles, names, descriptions, URLs, errors quoting them) goes through
`safe()`, which strips control and bidi characters and wraps the result in `Text`, so that
`[bold]x[/]`, `[link=file:///etc/passwd]` or an ANSI escape in a feed prints literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from catalog.core.normalize import clean_block, clean_line


def safe(value: object, style: str = "") -> Text:
    """Untrusted text as a `Text` that can never be markup or an escape sequence."""
    return Text(clean_line(value), style=style)


def error_text(message: object) -> Text:
    """`error: MESSAGE` in red, the message as literal text."""
    return Text.assemble(("error: ", "red"), safe(message))


def assemble(*parts: str | Text | tuple[str, str]) -> Text:
    """A line from pieces (our own strings, styled pairs and safe Texts): never markup."""
    return Text.assemble(*parts)


def safe_block(value: object, style: str = "") -> Text:
    """Like `safe` but keeps paragraph breaks."""
    return Text(clean_block(value), style=style)


def fmt_date(iso: object) -> str:
    """The date part of a stored ISO timestamp."""
    return str(iso)[:10] if iso else ""


def fit_widths(available: int, columns: Sequence[tuple[int, int, int]], grow: int) -> list[int]:
    """Column widths that fit `available` cells: each column is (natural, minimum, cap).

    Columns get their natural width up to their cap. When space is short, column `grow` (the
    title) gives way down to 32 cells, then the others (widest first, down to their minimum),
    then the title down to its minimum.

    >>> fit_widths(40, [(10, 10, 10), (30, 6, 20), (50, 12, 999)], grow=2)
    [10, 6, 24]
    >>> fit_widths(70, [(10, 10, 10), (30, 6, 20), (50, 12, 999)], grow=2)
    [10, 20, 40]
    """
    widths = [max(minimum, min(natural, cap)) for natural, minimum, cap in columns]
    excess = sum(widths) - available
    soft = max(columns[grow][1], 32)  # a title keeps 32 cells before the others give way
    if excess > 0 and widths[grow] > soft:
        cut = min(excess, widths[grow] - soft)
        widths[grow] -= cut
        excess -= cut
    while excess > 0:
        candidates = [
            i
            for i, (w, c) in enumerate(zip(widths, columns, strict=True))
            if i != grow and w > c[1]
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    if excess > 0:
        widths[grow] = max(columns[grow][1], widths[grow] - excess)
    return widths


def _natural(values: Iterable[object], header: str) -> int:
    return max([len(header), *(Text(str(v)).cell_len for v in values)])


def fitted_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Text | str]],
    limits: Sequence[tuple[int, int]],
    grow: int,
    width: int,
    right: Sequence[str] = (),
    styles: dict[str, str] | None = None,
) -> RenderableType:
    """A one-line-per-row table whose columns fit `width` (see `fit_widths`)."""
    natural = [_natural((r[i] for r in rows), h) for i, h in enumerate(headers)]
    widths = fit_widths(
        width - 3 * (len(headers) - 1),  # padding + divider between columns
        [(n, lo, hi) for n, (lo, hi) in zip(natural, limits, strict=True)],
        grow=grow,
    )
    if all("\n" not in (c.plain if isinstance(c, Text) else c) for r in rows for c in r):
        return OneLineTable(headers, widths, rows, right, styles or {})
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for header, w in zip(headers, widths, strict=True):
        table.add_column(
            header,
            width=w,
            no_wrap=True,
            overflow="ellipsis",
            justify="right" if header in right else "left",
            style=(styles or {}).get(header, ""),
        )
    for row in rows:
        table.add_row(*row)
    return table


class OneLineTable:
    """What `rich.table.Table` draws for one-line rows in fixed-width, no-wrap, ellipsis
    columns (box SIMPLE_HEAD, no edge), drawn line by line: the same text, several times
    faster, which matters for listings of hundreds of episodes."""

    def __init__(
        self,
        headers: Sequence[str],
        widths: Sequence[int],
        rows: Sequence[Sequence[Text | str]],
        right: Sequence[str],
        styles: dict[str, str],
    ) -> None:
        self.headers, self.widths, self.rows = headers, widths, rows
        self.right, self.styles = right, styles

    def _line(self, console: Any, cells: Sequence[Text | str], header: bool = False) -> list[Any]:
        from rich.segment import Segment

        out: list[Segment] = []
        last = len(self.widths) - 1
        for i, (cell, name, w) in enumerate(zip(cells, self.headers, self.widths, strict=True)):
            column = console.get_style("table.header" if header else self.styles.get(name) or "")
            text = cell.copy() if isinstance(cell, Text) else Text(cell)
            own = console.get_style(text.style) if isinstance(text.style, str) else text.style
            text.truncate(w, overflow="ellipsis")
            if name in self.right:
                text.pad_left(w - text.cell_len)
            else:
                text.pad_right(w - text.cell_len)
            if i:
                out += [Segment(" "), Segment(" ", column)]  # divider, left padding
            # the column's style goes under the cell's own, over the whole cell
            out += Segment.apply_style(text.render(console), column + own)
            if i < last:
                out.append(Segment(" ", column))  # right padding
        out.append(Segment.line())
        return out

    def __rich_console__(self, console: Any, options: Any) -> Iterable[Any]:
        from rich.segment import Segment

        total = sum(self.widths) + 3 * (len(self.widths) - 1)
        yield from self._line(console, self.headers, header=True)
        yield Segment("─" * total)
        yield Segment.line()
        for row in self.rows:
            yield from self._line(console, row)


def short_source(source: str) -> str:
    """A source as a person reads it in a narrow column: URLs as they are, paths by file name."""
    if "://" in source:
        return source
    return PurePath(source).name or source


STATE_STYLE = {"auto": "green", "accepted": "green", "manual": "green", "review": "yellow",
               "unmatched": "red", "rejected": "dim"}  # fmt: skip
