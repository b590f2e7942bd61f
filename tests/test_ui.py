"""Rendering into a fixed-width console, compared with golden files (tests/data/ui/).

Regenerate after an intended change with CATALOG_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from conftest import DATA
from rich.console import Console

from catalog import ui
from catalog.core import stats

GOLDEN = DATA / "ui"
SHOWS = {"s1": {"id": "s1", "title": "Harbour Lights"}, "s2": {"id": "s2", "title": "Trendstorm"}}


def _credit(name: str, role: str, **extra):
    return {"name": name, "role": role, "key": name.lower(), "group": "cast", **extra}


EPISODES = [
    {"id": "a1b2c3d4e5f6", "show_id": "s2", "title": "Lavrov-Tillerson Meet: Preparing for "
     "Putin-Trump Summit", "published": "2017-05-10T16:00:00Z", "duration": 1797,
     "credits": [_credit("Andrew Korybko", "host", sources=["feed"]),
                 _credit("Joseph Davis", "guest", bio="an independent blogger and researcher "
                         "based in Memphis, TN", href="https://jdavismemphis.com",
                         sources=["feed", "summary"])],
     "mentions": ["Rex Tillerson", "Sergei Lavrov"], "topics": ["US", "Russia"],
     "guid": "ts-1", "enclosures": [{"url": "https://audio.example.org/ts-1.mp3",
                                     "type": "audio/mpeg", "length": 28855445}],
     "description": "Andrew Korybko talks with Joseph Davis.", "absent_since": None},
    {"id": "0f9e8d7c6b5a", "show_id": "s1", "title": "Fog Signals [bold]not markup[/bold]",
     "published": "2023-03-07T08:30:00Z", "duration": 3723.5,
     "credits": [_credit("Inès Moreau", "host"), _credit("Ada Lindqvist", "guest")],
     "absent_since": "2024-01-01T00:00:00Z"},
    {"id": "99aa88bb77cc", "show_id": "s1", "title": "Untimed", "published": None,
     "duration": None, "credits": []},
]  # fmt: skip


def render(renderable, width: int) -> str:
    buf = StringIO()
    Console(file=buf, width=width, color_system=None, legacy_windows=False).print(renderable)
    return buf.getvalue()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CATALOG_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with CATALOG_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [80, 120])
def test_episode_table(width: int) -> None:
    text = render(ui.episode_table(EPISODES, SHOWS, width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    check_golden(f"episode_table_{width}.txt", text)


def test_episode_panel() -> None:
    text = render(ui.episode_panel(EPISODES[0], SHOWS["s2"]), 100)
    check_golden("episode_panel_100.txt", text)


def test_stats_view() -> None:
    figures = stats.compute(EPISODES, {k: v["title"] for k, v in SHOWS.items()},
                            [{"state": "auto"}, {"state": "review"}])  # fmt: skip
    assert figures["episodes"] == 3
    assert figures["duration_mean"] == round((1797 + 3723.5) / 2)
    assert figures["summaries"] == {"total": 2, "matched": 1,
                                    "by_state": {"auto": 1, "review": 1}}  # fmt: skip
    check_golden("stats_100.txt", render(ui.stats_view(figures, 100), 100))


def test_golden_files_are_all_used() -> None:
    used = {"episode_table_80.txt", "episode_table_120.txt", "episode_panel_100.txt",
            "stats_100.txt"}  # fmt: skip
    assert {p.name for p in Path(GOLDEN).glob("*.txt")} <= used


ODD_ROWS = [
    ("2017-05-10", ui.safe("Trendstorm"), ui.safe("Lavrov-Tillerson Meet", style="bold"), "29:57"),
    ("", ui.safe("東京ラジオ番組の長い名前"), ui.safe("Zoë Ångström — 対談"), "1:02:04"),
    ("2023-03-07", ui.safe("x"), ui.safe("[bold]not markup[/bold]"), ""),
    ("2023-03-07", ui.safe(""), ui.safe("a" * 200), "12:00"),
]


@pytest.mark.parametrize("width", [60, 80, 133])
@pytest.mark.parametrize("color", [False, True])
def test_one_line_table_draws_what_rich_table_draws(width: int, color: bool) -> None:
    """The fast listing renderer is character for character (and colour for colour) what
    rich's Table draws for the same columns."""
    from rich import box
    from rich.table import Table

    headers = ("date", "show", "title", "length")
    limits = ((10, 10), (6, 20), (10, 10_000), (7, 7))
    fast = ui.fitted_table(headers, ODD_ROWS, limits, grow=2, width=width, right=("length",),
                           styles={"date": "cyan", "title": "italic"})  # fmt: skip
    assert isinstance(fast, ui.text.OneLineTable)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for header, w in zip(headers, fast.widths, strict=True):
        table.add_column(header, width=w, no_wrap=True, overflow="ellipsis",
                         justify="right" if header == "length" else "left",
                         style={"date": "cyan", "title": "italic"}.get(header, ""))  # fmt: skip
    for row in ODD_ROWS:
        table.add_row(*row)

    def draw(renderable: object) -> str:
        out = StringIO()
        console = Console(file=out, width=width, force_terminal=color,
                          color_system="truecolor" if color else None)  # fmt: skip
        console.print(renderable)
        return out.getvalue()

    assert draw(fast) == draw(table)
