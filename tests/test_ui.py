"""Rendering into a fixed-width console, compared with golden files (tests/data/ui/).

Regenerate after an intended change with `pytest tests/test_ui.py --regen-golden` (or
CATALOG_UPDATE_GOLDEN=1) and review the diff.
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


def check_golden(name: str, text: str, regen: bool = False) -> None:
    path = GOLDEN / name
    if regen or os.environ.get("CATALOG_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with --regen-golden"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


@pytest.mark.parametrize("width", [80, 120])
def test_episode_table(width: int, regen: bool) -> None:
    text = render(ui.episode_table(EPISODES, SHOWS, width), width)
    assert max(len(line) for line in text.splitlines()) <= width
    check_golden(f"episode_table_{width}.txt", text, regen)


def test_episode_table_at_80_columns_keeps_30_cells_of_title_and_a_second_line() -> None:
    text = render(ui.episode_table(EPISODES, SHOWS, 80, id_width=5), 80)
    assert "Lavrov-Tillerson Meet:" in text
    assert "Preparing for Putin-Trump" in text
    assert "a1b2c" in text
    assert "a1b2c3" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_episode_panel(regen: bool) -> None:
    text = render(ui.episode_panel(EPISODES[0], SHOWS["s2"], width=100), 100)
    check_golden("episode_panel_100.txt", text, regen)


def test_a_url_too_long_for_the_panel_is_printed_whole_below_it() -> None:
    url = "https://audio.example.org/" + "/".join(["a-long-path-segment"] * 5) + "/ts-1.mp3"
    ep = dict(EPISODES[0], enclosures=[{"url": url, "type": "audio/mpeg"}])
    buf = StringIO()
    Console(file=buf, width=80, color_system=None).print(
        ui.episode_panel(ep, SHOWS["s2"], width=80), crop=False
    )
    lines = buf.getvalue().splitlines()
    assert f"enclosure  {url} (audio/mpeg)" in lines  # whole, on a line of its own
    inside = [line for line in lines if line.startswith("│")]
    assert all(len(line) == 80 for line in inside)
    assert not any("a-long-path-segment/a-long" in line and url not in line
                   for line in lines if not line.startswith("│ enclosure"))  # fmt: skip
    # the website, cut in its column, is whole below the panel too
    assert "website    Joseph Davis https://jdavismemphis.com" in lines


def test_stats_view(regen: bool) -> None:
    figures = stats.compute(EPISODES, {k: v["title"] for k, v in SHOWS.items()},
                            [{"state": "auto"}, {"state": "review"}])  # fmt: skip
    assert figures["episodes"] == 3
    assert figures["duration_mean"] == round((1797 + 3723.5) / 2)
    assert figures["summaries"] == {"total": 2, "matched": 1,
                                    "by_state": {"auto": 1, "review": 1}}  # fmt: skip
    check_golden("stats_100.txt", render(ui.stats_view(figures, 100), 100), regen)


def test_golden_files_are_all_used() -> None:
    used = {"episode_table_80.txt", "episode_table_120.txt", "episode_panel_100.txt",
            "stats_100.txt"}  # fmt: skip
    used |= {
        f"pty_{view}_{cols}.txt"
        for view in ("list", "shows", "people", "match_log", "show", "ingest")
        for cols in (80, 160)
    }
    assert {p.name for p in Path(GOLDEN).glob("*.txt")} <= used  # test_terminal.py: pty_*


ODD_ROWS = [
    ("2017-05-10", ui.safe("Trendstorm"), ui.safe("Lavrov-Tillerson Meet", style="bold"), "29:57"),
    ("", ui.safe("東京ラジオ番組の長い名前"), ui.safe("Zoë Ångström — 対談"), "1:02:04"),
    ("2023-03-07", ui.safe("x"), ui.safe("[bold]not markup[/bold]"), ""),
    ("2023-03-07", ui.safe(""), ui.safe("a" * 20), "12:00"),
    (
        "2023-03-08",
        ui.safe("Two Lines"),
        ui.safe("862: Some Title That Goes On and On Past Its Column", style="bold"),
        "1:00",
    ),
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
    assert isinstance(fast, ui.text.FittedTable)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, collapse_padding=True)
    for header, w in zip(headers, fast.widths, strict=True):
        table.add_column(header, width=w, no_wrap=header != "title",
                         overflow="fold" if header == "title" else "ellipsis",
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


def test_numbers_and_ids_are_never_cut_and_columns_give_way_by_priority() -> None:
    headers = ("name", "count", "extra", "title", "id")
    rows = [("Somebody Long-Named", "123456", "x" * 30, "A title " * 10, "abcdef1")]
    limits = ((8, 30), (3, 4), (10, 30), (10, 10_000), (4, 8))
    table = ui.fitted_table(headers, rows, limits, grow=3, width=60, right=("count",),
                            keep=("id",), drop=("extra",))  # fmt: skip
    text = render(table, 60)
    assert "123456" in text
    assert "abcdef1" in text
    assert "extra" not in text
    assert "xxx" not in text
    assert "A title A title A title" in text  # 30 cells and a second line
    assert len(text.splitlines()) == 4


def test_paths_are_shortened_in_the_middle() -> None:
    rows = [("/feeds/critical-role-2020-07-17.xml", "Critical Role")]
    table = ui.fitted_table(("source", "show"), rows, ((12, 60), (10, 100)), grow=1, width=36,
                            middle=("source",))  # fmt: skip
    line = render(table, 36).splitlines()[2]
    assert line.startswith("/feeds/…") or "…" in line
    assert "07-17.xml" in line


def test_prefix_width_is_unique_across_the_catalog() -> None:
    every = ["abcd1234", "abcd1299", "ff000000", "0a000000"]
    assert ui.prefix_width(["ff000000"], every) == 4
    assert ui.prefix_width(["abcd1234", "ff000000"], every) == 7
    assert ui.prefix_width(["abcd1234"], every, floor=8) == 8


def test_an_untitled_show_is_named_by_its_feed_file() -> None:
    shows = [
        {"id": "0123456789", "title": "", "feed_url": "/tmp/new-feeds/untitled-one.xml"},
        {"id": "1123456789", "feed_url": "https://feeds.example.org/a/b/rss.xml"},
    ]
    text = render(ui.shows_table(shows, {}, 80), 80)
    assert "untitled-one.xml" in text
    assert "feeds.example.org/…/rss.xml" in text
    assert "/tmp/ne" not in text
