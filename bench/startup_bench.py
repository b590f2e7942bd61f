"""CLI start-up, whole process: `catalog --help`, `list --limit 1` on an empty catalog, `--version`.

Each command runs N times (default 15) after one warm-up, interleaved round by round with the
baseline `python -c pass`, so drift on a shared machine hits both alike. The table shows the
median wall time, its ratio to the baseline's median, and the target.

    .venv/bin/python bench/startup_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (label, arguments after `catalog`, target in ms or None)
CASES: list[tuple[str, list[str], float | None]] = [
    ("catalog --help", ["--help"], 100.0),
    ("catalog list --limit 1 (empty)", ["list", "--limit", "1"], 150.0),
    ("catalog --version", ["--version"], None),
]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="Keep PYTHONDONTWRITEBYTECODE if set (catalog's modules are then compiled each run).",
    )
    args = parser.parse_args()
    catalog = str(Path(sys.executable).parent / "catalog")
    with tempfile.TemporaryDirectory() as tmp:
        # An empty catalog: the file does not exist (no catalog was ever written).
        env = dict(os.environ, CATALOG_DB=str(Path(tmp) / "empty.json"), NO_COLOR="1")
        if not args.no_bytecode:  # as an installed package is: the warm-up writes the .pyc files
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = [("python -c pass", [sys.executable, "-c", "pass"], None)]
        commands += [(label, [catalog, *argv], target) for label, argv, target in CASES]
        times: dict[str, list[float]] = {label: [] for label, _, _ in commands}
        for _label, cmd, _ in commands:  # warm-up (page cache, .pyc files)
            timed(cmd, env)
        for _ in range(args.runs):
            for label, cmd, _ in commands:
                times[label].append(timed(cmd, env))
    base = statistics.median(times["python -c pass"])
    pyc = "without .pyc for catalog" if args.no_bytecode else "with .pyc"
    print(
        f"CLI start-up, median of {args.runs} whole-process runs, {pyc} (baseline: python -c pass)"
    )
    print(f"  {'command':32} {'median':>9} {'min':>9} {'× base':>7}  target")
    for label, _, target in commands:
        med = statistics.median(times[label])
        verdict = ""
        if target is not None:
            ok = "met" if med * 1000 <= target else "NOT met"
            verdict = f"≤ {target:.0f} ms ({ok})"
        print(
            f"  {label:32} {med * 1000:6.1f} ms {min(times[label]) * 1000:6.1f} ms "
            f"{med / base:6.1f}x  {verdict}"
        )


if __name__ == "__main__":
    main()
