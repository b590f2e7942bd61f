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

from rich.console import RenderableType
from rich.text import Text

from catalog.core.normalize import clean_block, clean_line

TITLE_MIN = 30  # cells a title keeps before the other columns give way


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


def fit_widths(
    available: int,
    columns: Sequence[tuple[int, int, int]],
    grow: int,
    *,
    soft: int = TITLE_MIN,
    drop: Sequence[int] = (),
    gap: int = 0,
) -> list[int]:
    """Column widths that fit `available` cells: each column is (natural, minimum, cap).

    Columns get their natural width up to their cap. When space is short, column `grow` (the
    title) gives way down to `soft` cells (30: with its second line, a title shows 30 to 60
    characters), then the others (widest first, down to their minimum). When even that does
    not fit, the columns in `drop` are hidden one by one (width 0; each gives back its `gap`
    too), and only then does the title go below `soft`, down to its minimum.

    >>> fit_widths(40, [(10, 10, 10), (30, 6, 20), (50, 12, 999)], grow=2)
    [10, 6, 24]
    >>> fit_widths(70, [(10, 10, 10), (30, 6, 20), (50, 12, 999)], grow=2)
    [10, 20, 40]
    >>> fit_widths(40, [(10, 10, 10), (30, 6, 20), (50, 12, 999)], grow=2, drop=[1], gap=2)
    [10, 0, 32]
    """
    for hidden in range(len(drop) + 1):
        gone = set(drop[:hidden])
        widths, excess = _squeeze(available + gap * len(gone), columns, grow, soft, gone)
        if excess <= 0:
            return widths
    if excess > 0:
        widths[grow] = max(columns[grow][1], widths[grow] - excess)
    return widths


def _squeeze(
    available: int, columns: Sequence[tuple[int, int, int]], grow: int, soft: int, gone: set[int]
) -> tuple[list[int], int]:
    widths = [
        0 if i in gone else max(minimum, min(natural, cap))
        for i, (natural, minimum, cap) in enumerate(columns)
    ]
    excess = sum(widths) - available
    soft = max(columns[grow][1], soft)
    if excess > 0 and widths[grow] > soft:
        cut = min(excess, widths[grow] - soft)
        widths[grow] -= cut
        excess -= cut
    while excess > 0:
        candidates = [
            i
            for i, (w, c) in enumerate(zip(widths, columns, strict=True))
            if i != grow and i not in gone and w > c[1]
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths, excess


def _natural(values: Iterable[object], header: str) -> int:
    return max([len(header), *(_cell_len(v) for v in values)])


def _cell_len(value: object) -> int:
    text = value if isinstance(value, Text) else Text(str(value))
    return max((line.cell_len for line in text.split("\n")), default=0)


def fitted_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Text | str]],
    limits: Sequence[tuple[int, int]],
    grow: int,
    width: int,
    right: Sequence[str] = (),
    styles: dict[str, str] | None = None,
    *,
    keep: Sequence[str] = (),
    drop: Sequence[str] = (),
    middle: Sequence[str] = (),
    wrap: dict[str, int] | None = None,
    soft: int = TITLE_MIN,
) -> RenderableType:
    """A table whose columns fit `width` (see `fit_widths`), two cells between columns.

    Right-aligned columns (numbers) and the `keep` columns (ids) are never cut: their data
    sets their minimum. The `grow` column (the title) wraps onto a second line (`wrap` gives
    other columns, or the title, another number of lines) and ellipsises the rest. When the
    rest cannot fit, the `drop` columns give way, in that order. `middle` columns (paths,
    URLs) are shortened in the middle, keeping both ends, never folded.
    """
    whole = set(right) | set(keep)
    natural = [_natural((r[i] for r in rows), h) for i, h in enumerate(headers)]
    specs = [
        (n, n if h in whole else lo, max(n, hi) if h in whole else hi)
        for n, h, (lo, hi) in zip(natural, headers, limits, strict=True)
    ]
    widths = fit_widths(
        width - GAP * (len(headers) - 1),
        specs,
        grow=grow,
        soft=soft,
        drop=[headers.index(h) for h in drop],
        gap=GAP,
    )
    lines = {headers[grow]: 2, **(wrap or {})}
    return FittedTable(headers, widths, rows, right, styles or {}, lines, middle)


GAP = 2  # cells between two columns


def shorten_middle(text: Text, width: int, head_share: float = 0.5) -> Text:
    """`text` in `width` cells, its middle replaced by an ellipsis (both ends kept; the head
    gets `head_share` of the room: less for a path, whose file name is at its end)."""
    if text.cell_len <= width:
        return text
    head = int(width * head_share)
    tail = width - 1 - head
    short = text[:head] + Text("…") + (text[len(text) - tail :] if tail > 0 else Text(""))
    while short.cell_len > width and head > 0:  # wide characters
        head -= 1
        short = text[:head] + Text("…") + (text[len(text) - tail :] if tail > 0 else Text(""))
    return short


class FittedTable:
    """What `rich.table.Table` draws for fixed-width columns (box SIMPLE_HEAD, no edge,
    collapsed padding: two cells between columns), drawn line by line: the same text,
    several times faster, which matters for listings of hundreds of episodes.

    Cells are one line, cut with an ellipsis, except in the wrapping columns (`lines`: at
    most that many lines, words kept whole, the last line ellipsised) and cells of several
    lines; the other cells of such a row are blank below their first line. Columns of width
    0 are hidden."""

    def __init__(
        self,
        headers: Sequence[str],
        widths: Sequence[int],
        rows: Sequence[Sequence[Text | str]],
        right: Sequence[str],
        styles: dict[str, str],
        lines: dict[str, int] | None = None,
        middle: Sequence[str] = (),
    ) -> None:
        self.headers, self.widths, self.rows = headers, widths, rows
        self.right, self.styles = right, styles
        self.lines, self.middle = lines or {}, middle

    def _cell(self, console: Any, cell: Text | str, name: str, w: int, header: bool) -> list[Text]:
        text = cell.copy() if isinstance(cell, Text) else Text(cell)
        most = 1 if header else self.lines.get(name, 0)
        if most > 1 and text.cell_len > w:
            parts = list(text.wrap(console, w, overflow="fold"))
            if len(parts) > most:
                rest = [part.copy() for part in parts[most - 1 :]]
                for part in rest:
                    part.rstrip()
                parts = [*parts[: most - 1], Text(" ").join(rest)]
            for part in parts:
                part.rstrip()
        else:
            parts = list(text.split("\n")) if "\n" in text.plain else [text]
        for part in parts:
            if name in self.middle and part.cell_len > w:
                short = shorten_middle(part, w)
                part.truncate(0)
                part.append_text(short)
            part.truncate(w, overflow="ellipsis")
            if name in self.right:
                part.pad_left(w - part.cell_len)
            else:
                part.pad_right(w - part.cell_len)
        return parts

    def _row(self, console: Any, cells: Sequence[Text | str], header: bool = False) -> list[Any]:
        from rich.segment import Segment

        shown = [i for i, w in enumerate(self.widths) if w > 0]
        columns = {}
        for i in shown:
            name = self.headers[i]
            text = cells[i]
            own = text.style if isinstance(text, Text) else ""
            parts = self._cell(console, text, name, self.widths[i], header)
            column = console.get_style("table.header" if header else self.styles.get(name) or "")
            own_style = console.get_style(own) if isinstance(own, str) else own
            columns[i] = (parts, column, own_style)
        height = max(len(parts) for parts, _c, _o in columns.values())
        out: list[Segment] = []
        last = shown[-1]
        for n in range(height):
            for i in shown:
                parts, column, own_style = columns[i]
                if i != shown[0]:
                    out.append(Segment(" "))  # the divider
                pad = 1 if i != last else 0  # right padding
                if n < len(parts):
                    # the column's style goes under the cell's own, over the whole cell
                    out += Segment.apply_style(parts[n].render(console), column + own_style)
                    if pad:
                        out.append(Segment(" ", column))
                else:  # below a one-line cell: blank, in the column's style
                    out.append(Segment(" " * (self.widths[i] + pad), column))
            out.append(Segment.line())
        return out

    def __rich_console__(self, console: Any, options: Any) -> Iterable[Any]:
        from rich.segment import Segment

        shown = [w for w in self.widths if w > 0]
        total = sum(shown) + GAP * (len(shown) - 1)
        yield from self._row(console, self.headers, header=True)
        yield Segment("─" * total)
        yield Segment.line()
        for row in self.rows:
            yield from self._row(console, row)


def prefix_width(shown: Iterable[str], every: Iterable[str], floor: int = 4) -> int:
    """How many leading characters tell each of the `shown` ids apart from `every` other id
    (as git abbreviates hashes): the longest unique prefix among them, at least `floor`.

    >>> prefix_width(["abcd12"], ["abcd12", "abcd99", "ff0000"])
    5
    >>> prefix_width([], ["abc"])
    4
    """
    import bisect

    refs = set(shown)
    universe = sorted(set(every) | refs)
    need = floor
    for ref in refs:
        at = bisect.bisect_left(universe, ref)
        for other in universe[max(0, at - 1) : at] + universe[at + 1 : at + 2]:
            common = next((n for n, (a, b) in enumerate(zip(ref, other, strict=False)) if a != b),
                          min(len(ref), len(other)))  # fmt: skip
            need = max(need, min(len(ref), common + 1))
    return need


def digits_for(count: int) -> int:
    """Hex digits that number `count` things (`ceil(log16(count))`, at least 1).

    >>> [digits_for(n) for n in (1, 16, 17, 15_470, 100_000)]
    [1, 1, 2, 4, 5]
    """
    digits = 1
    while 16**digits < count:
        digits += 1
    return digits


class WholeLines:
    """Labelled lines drawn as they are, never folded or cut (URLs and paths to copy):
    printed with `crop=False`, the terminal (or the pager) wraps them without inserting
    anything."""

    def __init__(self, lines: Sequence[tuple[str, Text]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Any, options: Any) -> Iterable[Any]:
        from rich.segment import Segment

        pad = max(len(label) for label, _text in self.lines)
        for label, text in self.lines:
            yield Segment(label.ljust(pad + 2), console.get_style("bold"))
            yield from text.render(console)
            yield Segment.line()


def short_source(source: str) -> str:
    """A source as a person reads it in a narrow column: URLs as they are, paths by file name."""
    if "://" in source:
        return source
    return PurePath(source).name or source


def source_label(source: str) -> str:
    """What tells an untitled feed apart from the others: a path's file name, a URL's host
    and last path segment (`feeds.example.org/…/rss.xml`)."""
    if "://" not in source:
        return PurePath(source).name or source
    from urllib.parse import urlsplit

    parts = urlsplit(source)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return parts.netloc or source
    return parts.netloc + ("/…/" if len(segments) > 1 else "/") + segments[-1]


STATE_STYLE = {"auto": "green", "accepted": "green", "manual": "green", "review": "yellow",
               "unmatched": "red", "rejected": "dim"}  # fmt: skip
