"""`catalog scan DIR` on a generated folder of 2,000 small tagged audio files, whole process:
the first scan (every file read, attached and stored) and a second, incremental one (no file
changed, so none is read and nothing is written). The baseline in the same run is
`python -c pass`.

    .venv/bin/python bench/scan_bench.py [--files 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audiogen import make_flac, make_m4a, make_mp3, make_ogg_vorbis, make_opus, make_wav
from feedgen import FIRST, LAST, WORDS


def build(folder: Path, n: int) -> None:
    """n files over 20 shows (folders), one in ten in each format but MP3, tagged as a radio
    archive would be: title (with a guest now and then), artist, album, date."""
    for i in range(n):
        show = folder / f"Show {i % 20:02d}"
        show.mkdir(exist_ok=True)
        title = f"{i}: " + " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(4)).title()
        if i % 3 == 0:
            title += f" with {FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
        day = f"{2010 + i % 12}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        host = f"{FIRST[(i // 20) % len(FIRST)]} Host"
        album = f"Show {i % 20:02d}"
        kind = i % 10
        stem = show / f"{day} {i:05d}"
        if kind == 1:
            make_m4a(stem.with_suffix(".m4a"), 0.2, **{"©nam": title, "©ART": host,
                                                        "©alb": album, "©day": day})  # fmt: skip
        elif kind == 2:
            make_flac(stem.with_suffix(".flac"), 0.2, title=title, artist=host, album=album,
                      date=day)  # fmt: skip
        elif kind == 3:
            make_ogg_vorbis(stem.with_suffix(".ogg"), 0.2, title=title, artist=host, album=album,
                            date=day)  # fmt: skip
        elif kind == 4:
            make_opus(stem.with_suffix(".opus"), 0.2, title=title, artist=host, album=album,
                      date=day)  # fmt: skip
        elif kind == 5:
            make_wav(stem.with_suffix(".wav"), 0.05, title=title, artist=host, album=album,
                     date=day)  # fmt: skip
        else:
            make_mp3(stem.with_suffix(".mp3"), 0.2, title=title, artist=host, album=album,
                     date=day)  # fmt: skip


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    catalog = Path(sys.executable).parent / "catalog"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        build(folder, args.files)
        first, second, shows, base = [], [], [], []
        for n in range(args.rounds):
            db = Path(tmp) / f"round{n}.json"
            scan = [str(catalog), "--db", str(db), "scan", str(folder)]
            base.append(timed([sys.executable, "-c", "pass"])[0])
            first.append(timed(scan)[0])
            second.append(timed(scan)[0])
            shows.append(timed([str(catalog), "--db", str(db), "shows"])[0])
            report = json.loads(timed([*scan, "--json"])[1])  # checked, not timed
            assert report["read"] == 0, report["counts"]
            assert report["counts"].get("unchanged") == args.files, report["counts"]
        size = db.stat().st_size / 1e6
        ids = timed([str(catalog), "--db", str(db), "list", "--ids", "--no-pager"])[1]
        episodes = len(ids.split())
    a, b, c, d = (statistics.median(x) for x in (first, second, base, shows))
    print(
        f"catalog scan DIR on {args.files} generated files ({episodes} local episodes, "
        f"{size:.1f} MB TinyDB file after), "
        f"median of {args.rounds} whole-process runs"
    )
    print(f"  python -c pass                      {c:7.3f} s")
    print(f"  catalog shows (loads the catalog)   {d:7.3f} s")
    print(f"  first scan (every file read)        {a:7.3f} s   ({a / c:.0f}x python)")
    print(f"  second scan (incremental, 0 read)   {b:7.3f} s   ({b / c:.0f}x python)")
    print(f"  first / second                      {a / b:7.1f}x")


if __name__ == "__main__":
    main()
