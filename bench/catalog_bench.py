"""`make bench`: one table of whole-process timings against the issue's targets.

Generates catalogs of 1,000 / 10,000 / 100,000 episodes (TinyDB and SQLite) and a 5,000-item
feed, then times each command as a fresh process (median of --rounds runs), next to a
baseline measured in the same run:

* start-up: `python -c pass`;
* ingest: a bare `feedparser.parse` and a bare `lxml.etree.fromstring` of the same bytes;
* list queries: the `sqlite3` shell (or, without it, python's sqlite3 module) running the
  equivalent SQL on the same file.

Peak memory is the child's maximum resident set size (os.wait4); the catalogs are built by a
separate process, so this one stays small (a child's figure includes its parent's size when it
was forked). Catalogs are built straight through the store (one show's episodes through the
real ingest pipeline, the rest generated in the same shape), so building takes a minute or
two; `--sizes 1000,10000` is quicker.

    .venv/bin/python bench/catalog_bench.py [--rounds 5] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedgen import FIRST, LAST, WORDS, make_feed

from catalog.core.normalize import person_key

PY = sys.executable
CATALOG = str(Path(PY).parent / "catalog")
SHOWS = 250
FEED_ITEMS = 400  # episodes of the show that also has a feed (the one-new-episode ingest)
# Rare words: each episode's notes carry one, so a word search finds about 1 in 1,000.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "do"]
RARE = [a + b + c + "x" for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]


# Measured as installed: with byte-code caches (a shell may set PYTHONDONTWRITEBYTECODE).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one whole process; its output is discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()}")
    return elapsed, usage.ru_maxrss / 1024


def median_run(cmd: list[str], rounds: int) -> tuple[float, float]:
    runs = [run(cmd) for _ in range(rounds)]
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def synthetic(template: dict[str, Any], i: int, show_id: str, rng: random.Random) -> dict[str, Any]:
    """An episode in the shape the pipeline stores, with its own people, words and date."""
    host = f"Host {show_id[-3:]}"
    guest = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    when = datetime(2014, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(10 * 525_600))
    notes = " ".join(rng.choice(WORDS) for _ in range(60)) + f" {rng.choice(RARE)}."
    title = " ".join(rng.choice(WORDS) for _ in range(5)).title() + f" with {guest}"
    credits = [
        {"name": host, "key": person_key(host), "role": "host", "group": "cast",
         "href": None, "img": None, "source": "feed", "scope": "channel"},
        {"name": guest, "key": person_key(guest), "role": "guest", "group": "cast",
         "href": None, "img": None, "source": "feed", "scope": "item"},
    ]  # fmt: skip
    return dict(
        template,
        id=f"x{i:09d}",
        show_id=show_id,
        guid=f"{show_id}-{i}",
        title=title,
        link=f"https://gen.example.com/{show_id}/{i}",
        published=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        duration=rng.randrange(600, 7200),
        description=f"{host} talks with {guest}.\n\n{notes}",
        description_html=f"<p>{host} talks with {guest}.</p><p>{notes}</p>",
        enclosures=[
            {
                "url": f"https://cdn.example.com/{show_id}/{i}.mp3",
                "length": rng.randrange(10**6, 10**8),
                "type": "audio/mpeg",
            }
        ],
        credit_inputs={"feed": credits},
        credits=credits,
        summary_id=None,
    )


def build(path: Path, n: int, feed: Path, now: datetime) -> None:
    """A catalog of `n` episodes: one show ingested from `feed`, the rest generated."""
    from catalog.services import ingest as pipeline
    from catalog.store import open_store

    store = open_store(path)
    pipeline.ingest(store, [str(feed)], now=now)
    real = store.episodes()
    template = real[0]
    show_template = store.shows()[0]
    rng = random.Random(n)
    shows = [dict(show_template, id=f"gs{i:03d}", title=f"Generated Show {i}",
                  feed_url=f"https://gen.example.com/gs{i:03d}.xml", sources=[])
             for i in range(1, SHOWS)]  # fmt: skip
    episodes = [synthetic(template, i, shows[i % len(shows)]["id"], rng)
                for i in range(max(0, n - len(real)))]  # fmt: skip
    with store.transaction():
        store.put("shows", shows)
        store.put("episodes", episodes)
    store.close()


def a_guest(path: Path) -> str:
    """A guest name that appears in the generated catalog."""
    from catalog.store import open_store

    store = open_store(path)
    for ep in store.select_episodes(None, lambda e: True, newest_first_limit=50):
        for credit in ep["credits"]:
            if credit["role"] == "guest" and credit["name"][:4] != "Host":
                return str(credit["name"])
    raise SystemExit("no guest in the generated catalog")


def build_all(tmp: Path, sizes: list[int]) -> None:
    """(In a child process.) Every catalog, and what the queries will look for."""
    from catalog.store import copy_catalog, open_store
    from catalog.store.sqlite import trigram_query

    now = datetime.now(UTC)
    feed = make_feed(tmp / "show.xml", FEED_ITEMS, title="Feed Show", prefix="fs")
    catalogs = []
    for n in sizes:
        sqlite_path = tmp / f"c{n}.sqlite"
        build(sqlite_path, n, feed, now)
        guest = a_guest(sqlite_path)
        info = {"n": n, "guest": guest, "key": person_key(guest), "word": RARE[7],
                "fts": trigram_query(RARE[7])}  # fmt: skip
        catalogs.append(dict(info, backend="sqlite", path=str(sqlite_path)))
        if n <= 10_000:
            json_path = tmp / f"c{n}.json"
            copy_catalog(open_store(sqlite_path), open_store(json_path))
            catalogs.append(dict(info, backend="tinydb", path=str(json_path)))
    make_feed(tmp / "feed5000.xml", 5000)
    (tmp / "catalogs.json").write_text(json.dumps(catalogs))


def sql_baseline(db: Path, sql: str) -> list[str]:
    """The sqlite3 shell running `sql` (python's sqlite3 module when there is no shell)."""
    shell = shutil.which("sqlite3")
    if shell:
        return [shell, str(db), sql]
    code = f"import sqlite3,sys; [sys.stdout.write(str(r)) for r in sqlite3.connect({str(db)!r}).execute({sql!r})]"  # noqa: E501
    return [PY, "-c", code]


Row = tuple[str, str, float, float, str, str, str]  # what, catalog, ms, MB, base, ratio, target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.build:
        build_all(args.build, sizes)
        return
    rounds = args.rounds
    rows: list[Row] = []

    def add(what: str, where: str, cmd: list[str], base: tuple[str, float] | None,
            target: str = "") -> float:  # fmt: skip
        ms, mb = median_run(cmd, rounds)
        ms *= 1000
        base_text, ratio = "", ""
        if base is not None:
            base_text = f"{base[0]} {base[1]:.0f} ms"
            ratio = f"{ms / base[1]:.1f}x"
        rows.append((what, where, ms, mb, base_text, ratio, target))
        print(f"  {what} [{where}]: {ms:.0f} ms, {mb:.0f} MB", file=sys.stderr)
        return ms

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print("building catalogs …", file=sys.stderr)
        subprocess.run([PY, __file__, "--build", str(tmp), "--sizes", args.sizes], check=True,
                       env=ENV)  # fmt: skip
        catalogs = json.loads((tmp / "catalogs.json").read_text())

        # -- start-up ------------------------------------------------------------------------
        pass_ms = add("python -c pass", "-", [PY, "-c", "pass"], None)
        startup = ("python -c pass", pass_ms)
        add("catalog --help", "-", [CATALOG, "--help"], startup, "<= 100 ms")
        empty = tmp / "empty.json"
        add("catalog list --limit 1", "empty", [CATALOG, "--db", str(empty), "list", "--limit",
            "1"], startup, "<= 150 ms")  # fmt: skip

        # -- ingest of a 5,000-item feed -----------------------------------------------------
        big_feed = tmp / "feed5000.xml"  # made by the child: this process stays small
        run([CATALOG, "--db", str(tmp / "warm.json"), "--help"])  # byte-code caches written
        fp_ms = add("bare feedparser.parse", "5,000 items",
                    [PY, "-c", f"import feedparser; feedparser.parse(open({str(big_feed)!r}, 'rb').read())"],  # noqa: E501
                    None)  # fmt: skip
        lx_ms = add("bare lxml parse", "5,000 items",
                    [PY, "-c", f"from lxml import etree; etree.fromstring(open({str(big_feed)!r}, 'rb').read())"],  # noqa: E501
                    None)  # fmt: skip
        for backend, suffix in (("tinydb", "json"), ("sqlite", "sqlite")):
            times = []
            for r in range(rounds):
                fresh = tmp / f"ingest{r}.{suffix}"
                times.append(run([CATALOG, "--db", str(fresh), "ingest", str(big_feed)])[0])
            ms = statistics.median(times) * 1000
            rows.append((f"catalog ingest ({5000 / ms * 1000:,.0f} episodes/s)",
                         f"new {backend}", ms, 0.0,
                         f"feedparser {fp_ms:.0f} ms / lxml {lx_ms:.0f} ms",
                         f"{ms / fp_ms:.2f}x / {ms / lx_ms:.1f}x", ">= 5,000/s"))  # fmt: skip

        # -- queries -------------------------------------------------------------------------
        for cat in catalogs:
            n, backend, path = cat["n"], cat["backend"], Path(cat["path"])
            where = f"{n:,} {backend}"
            guest, word = cat["guest"], cat["word"]
            base = None
            if backend == "sqlite":
                sql = ("SELECT e.body FROM episodes e WHERE e.n IN (SELECT episode FROM credits "
                       f"WHERE key = '{cat['key']}' AND role = 'guest') "
                       "ORDER BY e.published DESC")  # fmt: skip
                base_ms = add("sqlite3 shell: guest SQL", where, sql_baseline(path, sql), None)
                base = ("sqlite3", base_ms)
            target = {(100_000, "sqlite"): "<= 250 ms", (10_000, "tinydb"): "<= 400 ms"}
            add(f"catalog list guest:{guest.split()[-1]!s}", where,
                [CATALOG, "--db", str(path), "list", f'guest:"{guest}"'], base,
                target.get((n, backend), ""))  # fmt: skip
            if backend == "sqlite":
                fts = cat["fts"].replace("'", "''")
                sql = ("SELECT e.body FROM episodes e WHERE e.n IN (SELECT rowid FROM "
                       f"episode_text WHERE episode_text MATCH '{fts}') AND "
                       f"(json_extract(e.body, '$.title') LIKE '%{word}%' OR "
                       f"json_extract(e.body, '$.description') LIKE '%{word}%') "
                       "ORDER BY e.published DESC")  # fmt: skip
                base_ms = add("sqlite3 shell: word SQL (FTS + LIKE)", where,
                              sql_baseline(path, sql), None)  # fmt: skip
                base = ("sqlite3", base_ms)
            add(f"catalog list {word}", where, [CATALOG, "--db", str(path), "list", word], base,
                "<= 350 ms" if (n, backend) == (100_000, "sqlite") else "")  # fmt: skip
            add("catalog guest NAME", where, [CATALOG, "--db", str(path), "guest", guest],
                startup, "<= 350 ms" if (n, backend) == (100_000, "sqlite") else "")  # fmt: skip
            if backend == "sqlite":  # each round's feed has one item more: 1 new episode
                times, peak = [], 0.0
                for r in range(rounds):
                    grown = make_feed(tmp / f"grown{r}.xml", FEED_ITEMS + 1 + r,
                                      title="Feed Show", prefix="fs")  # fmt: skip
                    t, mb = run([CATALOG, "--db", str(path), "ingest", str(grown)])
                    times.append(t)
                    peak = max(peak, mb)
                ms = statistics.median(times) * 1000
                rows.append(("catalog ingest (1 new of a 400-item feed)", where, ms, peak,
                             f"python -c pass {pass_ms:.0f} ms", f"{ms / pass_ms:.1f}x",
                             "<= 300 ms" if n == 100_000 else ""))  # fmt: skip
            size = path.stat().st_size / 1e6
            rows.append((f"  (file size {size:.0f} MB)", where, 0.0, 0.0, "", "", ""))
            print(f"  ({where}: {size:.0f} MB file)", file=sys.stderr)

    print()
    print(f"catalog benchmarks: median of {rounds} whole-process runs; peak = max RSS")
    head = ("command", "catalog", "median", "peak", "baseline (same run)", "ratio", "target")
    widths = [44, 16, 9, 7, 34, 14, 11]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for what, where, ms, mb, base_text, ratio, target in rows:
        median = f"{ms:.0f} ms" if ms else ""
        cells = [what, where, median, f"{mb:.0f} MB" if mb else "", base_text, ratio, target]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))


if __name__ == "__main__":
    main()
