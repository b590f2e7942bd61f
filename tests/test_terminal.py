"""On a real terminal (a pty through `script`): colour, NO_COLOR, the pager, and what every
long output looks like at 80 and 160 columns (golden files, tests/data/ui/pty_*.txt;
`pytest tests/test_terminal.py --regen-golden` rewrites them)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

pytestmark = pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1)")
CATALOG = Path(sys.executable).parent / "catalog"
GOLDEN = DATA / "ui"


def on_tty(command: str, db: Path, rows: int = 12, cols: int = 100, **env: str) -> str:
    """What `command` prints on a terminal of `rows` x `cols` (the pty's size: COLUMNS and
    LINES unset, LESS and PAGER too unless given)."""
    full = dict(os.environ, CATALOG_DB=str(db), **env)
    for name in ("NO_COLOR", "COLUMNS", "LINES", "LESS", "PAGER", "LV"):
        if name not in env:
            full.pop(name, None)
    out = subprocess.run(["script", "-qec", f"stty rows {rows} cols {cols}; {command}",
                          "/dev/null"], capture_output=True, text=True, env=full,
                         timeout=120)  # fmt: skip
    return out.stdout


@pytest.fixture
def db(cli, db_path: Path) -> Path:
    cli("ingest", ROOT / "feeds")
    return db_path


COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-9]|9[0-7])m")  # foreground colours, not bold/dim
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def plain(text: str) -> str:
    return ESCAPES.sub("", text).replace("\r\n", "\n").replace("\r", "")


def test_colour_on_a_terminal_and_none_with_no_color(db: Path) -> None:
    assert COLOUR.search(on_tty(f"{CATALOG} list -n 2", db))
    assert not COLOUR.search(on_tty(f"{CATALOG} list -n 2", db, NO_COLOR="1"))


def test_long_listings_go_through_the_pager(db: Path) -> None:
    paged = on_tty(f"{CATALOG} list", db, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" in paged
    assert "PAGED:" not in on_tty(f"{CATALOG} list --no-pager", db, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" not in on_tty(f"{CATALOG} list -n 3", db, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" not in on_tty(f"{CATALOG} list | cat", db, PAGER="sed s/^/PAGED:/")


@pytest.fixture
def fake_less(tmp_path: Path) -> tuple[Path, Path]:
    """A `less` on PATH that writes down its LESS and LV and keeps what it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "seen"
    less = bin_dir / "less"
    less.write_text(f'#!/bin/sh\necho "LESS=$LESS LV=$LV" > {seen}.env\ncat > {seen}\n')
    less.chmod(0o755)
    return bin_dir, seen


def test_less_gets_frx_like_git_and_shows_colour(db: Path, fake_less) -> None:
    bin_dir, seen = fake_less
    path = f"{bin_dir}:{os.environ['PATH']}"
    on_tty(f"{CATALOG} list", db, PATH=path)
    assert Path(f"{seen}.env").read_text().strip() == "LESS=FRX LV=-c"
    got = seen.read_text()
    assert COLOUR.search(got)
    lines = plain(got).splitlines()
    assert max(len(line) for line in lines) <= 100  # drawn at the terminal's width
    assert lines[0].startswith("date")


def test_a_users_less_is_kept_and_gets_no_colour_it_cannot_show(db: Path, fake_less) -> None:
    bin_dir, seen = fake_less
    path = f"{bin_dir}:{os.environ['PATH']}"
    on_tty(f"{CATALOG} list", db, PATH=path, LESS="-i")
    assert Path(f"{seen}.env").read_text().startswith("LESS=-i ")
    assert "\x1b[" not in seen.read_text()  # less -i would print them as ESC[1m
    on_tty(f"{CATALOG} list", db, PATH=path, LESS="-iR")
    assert COLOUR.search(seen.read_text())


@pytest.mark.parametrize(
    "command",
    ["show ts-1", "stats", "shows", "people", "guest 'Joseph Davis'", "match log"],
)
def test_every_long_output_goes_through_the_pager(cli, command: str, tmp_path: Path) -> None:
    db = big_catalog(tmp_path / "big.json")
    if command.startswith("show"):
        command = "show 8620"
    paged = on_tty(f"{CATALOG} {command}", db, rows=6, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" in paged, paged
    alone = on_tty(f"{CATALOG} {command} --no-pager", db, rows=6, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" not in alone
    assert plain(alone).strip()


# -- what it looks like: a corpus-shaped catalog, written straight into a store -------------
BIG = 1449  # episodes of one show: four-digit counts


def big_catalog(path: Path) -> Path:
    """Shows (one untitled, one with an error), long titles, 1449 episodes of one show, long
    URLs, credits with long websites, and match decisions; fixed ids and dates."""
    from catalog.store import open_store

    store = open_store(path, None)
    checked = "2024-06-01T09:00:00Z"
    shows = [
        {"id": "3a1f00c2d9", "title": "This American Archive", "status": "ok",
         "feed_url": "/srv/feeds/this-american-archive.xml", "last_checked": checked},
        {"id": "3a1f7e0b11", "title": "", "status": "ok",
         "feed_url": "/tmp/new-feeds/untitled-feed-one.rss", "last_checked": checked},
        {"id": "b0c2e4f6a8", "title": "", "status": "ok",
         "feed_url": "/tmp/new-feeds/untitled-feed-two.rss", "last_checked": checked},
        {"id": "c55e1d0f42", "title": "Rounder's Radio - Poker Talk and Strategy With Friends",
         "status": "error", "last_error": "HTTP 404 Not Found",
         "feed_url": "https://feeds.example.org/rounders/podcast/rss.xml",
         "last_checked": checked},
    ]  # fmt: skip
    host = {"name": "Ira Glass", "role": "host", "key": "ira glass", "group": "cast",
            "sources": ["feed"]}  # fmt: skip
    davis = {"name": "Joseph Davis", "role": "guest", "key": "joseph davis", "group": "cast",
             "bio": "an independent blogger and researcher based in Memphis, TN",
             "href": "https://jdavismemphis.com/about/the-long-page-about-joseph-davis.html",
             "sources": ["feed", "summary"]}  # fmt: skip
    episodes = [
        {"id": "8620a1b2c3d4", "show_id": "3a1f00c2d9", "guid": "ts-1",
         "title": "862: Some Title That Goes On and On Past Its Column, As Titles Do",
         "published": "2025-07-18T00:00:00Z", "duration": 3723,
         "link": "https://www.thisamericanlife.org/862/some-title-that-goes-on-and-on",
         "enclosures": [{"url": "https://pfx.example.com/6qj4J/dts.podtrac.com/redirect.mp3/"
                         "chrt.fm/track/138C95/traffic.megaphone.fm/NPR2581159385.mp3",
                         "type": "audio/mpeg", "length": 59579000}],
         "credits": [host, davis], "summary_id": "5e0d1c2b3a4f5e6d",
         "first_seen": checked, "updated_at": checked,
         "description": "Joseph Davis talks with Ira Glass about titles that go on."},
        {"id": "8621ffee0011", "show_id": "3a1f00c2d9", "guid": "ts-2",
         "title": "861: Short", "published": "2025-07-11T00:00:00Z", "duration": 45296,
         "credits": [host], "first_seen": checked, "updated_at": checked},
        {"id": "0b1c2d3e4f50", "show_id": "3a1f7e0b11", "guid": "u-1", "title": "",
         "published": "2024-01-02T00:00:00Z", "first_seen": checked, "updated_at": checked},
        {"id": "0b1c9a8b7c6d", "show_id": "b0c2e4f6a8", "guid": "u-2",
         "title": "An episode of a show without a title", "published": "2024-01-03T00:00:00Z",
         "first_seen": checked, "updated_at": checked},
    ]  # fmt: skip
    episodes += [
        {"id": hashlib.sha1(f"r-{n}".encode()).hexdigest()[:12], "show_id": "c55e1d0f42",
         "guid": f"r-{n}",
         "title": f"Poker Talk {n}: a hand played slowly", "duration": 1800 + n,
         "published": f"{2000 + n // 365:04d}-{1 + n % 12:02d}-{1 + n % 28:02d}T00:00:00Z",
         "credits": [dict(host, name="Tyler Example", key="tyler example")],
         "first_seen": checked, "updated_at": checked}
        for n in range(BIG)
    ]  # fmt: skip
    decisions = [
        {"id": str(n), "time": f"2024-06-0{n}T10:0{n}:00Z", "action": action,
         "summary_id": summary, "summary_title": title, "episode_id": episode,
         "reason": reason, "undone": n == 2, "previous": {}}
        for n, (action, summary, title, episode, reason) in enumerate([
            ("auto", "5e0d1c2b3a4f5e6d", "Some Title That Goes On and On Past Its Column",
             "8620a1b2c3d4", "score 0.93 (title 0.88, date 1.00, guests 1.00)"),
            ("accept", "5e0d9f8e7d6c5b4a", "861: Short", "8621ffee0011",
             "picked candidate 2 in review"),
            ("undo", "5e0d9f8e7d6c5b4a", "861: Short", "8621ffee0011", "undid decision 2"),
        ], 1)
    ]  # fmt: skip
    with store.transaction():
        store.put("shows", shows)
        store.put("episodes", episodes)
        store.put("decisions", decisions)
    store.close()
    return path


def write_feeds(folder: Path) -> Path:
    """Feeds for the ingest report: one of 1449 items, long file names, a broken one."""
    folder.mkdir()
    items = "".join(
        f"<item><title>Episode {n}</title><guid>g-{n}</guid>"
        f"<pubDate>Mon, 01 Jan 2001 00:00:00 GMT</pubDate></item>"
        for n in range(BIG)
    )
    channel = "<rss version='2.0'><channel><title>{}</title><link>https://example.org/</link>{}"
    (folder / "critical-role-2020-07-17-archive-snapshot.xml").write_text(
        channel.format("Critical Role", items) + "</channel></rss>", encoding="utf-8"
    )
    (folder / "documentary-on-one-rte-radio-1.xml").write_text(
        channel.format("Documentary on One - RTÉ Radio 1 Documentaries and Features",
                       "<item><title>One</title><guid>d-1</guid></item>") + "</channel></rss>",
        encoding="utf-8",
    )  # fmt: skip
    (folder / "empty.rss").write_text("", encoding="utf-8")
    return folder


VIEWS = {
    "list": "list -n 6",
    "shows": "shows",
    "people": "people",
    "match_log": "match log",
    "show": "show 8620",
}


@pytest.mark.parametrize("cols", [80, 160])
@pytest.mark.parametrize("name", [*VIEWS, "ingest"])
def test_golden_at_80_and_160_columns(name: str, cols: int, tmp_path: Path, request) -> None:
    if name == "ingest":
        feeds = write_feeds(tmp_path / "feeds")
        # the report (stdout); the progress bar and the notes go to stderr
        out = on_tty(f"{CATALOG} ingest {feeds} 2>/dev/null", tmp_path / "new.json", rows=200,
                     cols=cols)  # fmt: skip
    else:
        db = big_catalog(tmp_path / "big.json")
        out = on_tty(f"{CATALOG} {VIEWS[name]}", db, rows=200, cols=cols)
    text = plain(out).replace(str(tmp_path), "TMP")
    lines = text.splitlines()
    # URLs listed whole under a panel, and ingest's notes, are left for the terminal to wrap
    whole = [line for line in lines if ("://" in line and not line.startswith(("│", "╭")))
             or line.startswith(("error: ", "warning: "))]  # fmt: skip
    assert all(len(line) <= cols for line in lines if line not in whole), text
    for line in lines:  # no URL broken by inserted spaces
        for url in re.findall(r"https?://\S+", line):
            assert url.endswith(("…", ".mp3", ".html", "/", "-on", ".xml")), url
    path = GOLDEN / f"pty_{name}_{cols}.txt"
    if request.config.getoption("--regen-golden"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path.name} is missing: run pytest {__file__} --regen-golden"
    assert text == path.read_text(encoding="utf-8")
