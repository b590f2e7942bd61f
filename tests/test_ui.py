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

from catalog import stats, ui

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
