"""Precision and recall of credits from prose, per show and overall, leaving one show out.

    .venv/bin/python bench/credits_eval.py [--shipped] [--show SUBSTRING] [--errors]

For each show (one labelled file), the role model is trained on every other show's labels
and scores that show: nothing learned from a show's labels is used on it. The credits
scored are those `catalog.people.extract_items` gives (the ingest path), without the
show-level host fill-in (the labels name only the people an item's own text names).
`--shipped` scores the shipped model instead (trained on everything: a development figure).
Ambiguous items are left out. Needs ../shared (the corpus and the development labels).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from credits_data import Show, load_shows, same_person
from credits_train import examples, show_candidates, train

from catalog.core import people, roles
from catalog.core.credits import SUGGEST_BELOW


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, found: list[str], wanted: list[str], where: str, role: str) -> None:
        for name in found:
            if any(same_person(name, w) for w in wanted):
                self.tp += 1
            else:
                self.fp += 1
                self.errors.append(f"FP {role:5} {name!r:32} {where}")
        for name in wanted:
            if not any(same_person(name, f) for f in found):
                self.fn += 1
                self.errors.append(f"FN {role:5} {name!r:32} {where}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __iadd__(self, other: Score) -> Score:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors
        return self


def score_show(
    show: Show, model: roles.Model, threshold: float = SUGGEST_BELOW
) -> tuple[Score, Score, int]:
    """Guests and hosts scores of one show's labelled items under a model."""
    cands, context = show_candidates(show)
    guests, hosts = Score(), Score()
    n = 0
    for item in show.labelled:
        if item.ambiguous:
            continue
        n += 1
        extraction = people.decide(cands[item.pos], context, source="description", model=model)
        where = f"{show.name.split('/')[-1]}[{item.index}] {item.title[:40]!r}"
        credits = [c for c in extraction.credits if c["confidence"] >= threshold]
        found = {r: [c["name"] for c in credits if c["role"] == r] for r in ("guest", "host")}
        guests.add(found["guest"], item.guests, where, "guest")
        hosts.add(found["host"], item.hosts, where, "host")
    return guests, hosts, n


_SHOWS: dict[str, Show] = {}


def _fold(name: str, shipped: bool) -> tuple[tuple, dict[float, tuple[Score, Score]]]:
    """Score one show under a model trained on every other show (or the shipped one)."""
    show = _SHOWS[name]
    if shipped:
        model = roles.shipped_model()
    else:
        model = train(examples(s for n, s in _SHOWS.items() if n != name))
    guests, hosts, n = score_show(show, model)
    at = {cut: score_show(show, model, cut)[:2] for cut in CURVE}
    return (name, n, guests, hosts), at


def evaluate(shows: dict[str, Show], *, shipped: bool = False, only: str = "") -> list[tuple]:
    """Every show's scores; the folds run in parallel (one process per core)."""
    _SHOWS.clear()
    _SHOWS.update(shows)
    for show in shows.values():  # worked out once, before the workers fork
        examples([show])
    names = [n for n in sorted(shows) if not only or only in n]
    workers = min(len(names), os.cpu_count() or 1) or 1
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        results = pool.starmap(_fold, [(n, shipped) for n in names])
    rows = []
    for row, at in results:
        rows.append(row)
        for cut, (g, h) in at.items():
            curve.setdefault(cut, [Score(), Score()])
            curve[cut][0] += g
            curve[cut][1] += h
    return rows


CURVE = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
curve: dict[float, list[Score]] = {}


def _fmt(s: Score) -> str:
    return f"{s.precision:5.2f} {s.recall:5.2f} {s.tp:4d} {s.fp:3d} {s.fn:3d}"


def report(rows: list[tuple], out=sys.stdout) -> tuple[Score, Score]:
    print(f"{'show':58} {'items':>5} | guests P     R   tp  fp  fn | hosts P     R   tp  fp  fn",
          file=out)  # fmt: skip
    total_g, total_h = Score(), Score()
    for name, n, g, h in rows:
        short = name.removeprefix("shared/corpus/")[-58:]
        print(f"{short:58} {n:5d} | {_fmt(g)}   | {_fmt(h)}", file=out)
        total_g += g
        total_h += h
    items = sum(r[1] for r in rows)
    real = [r for r in rows if "/tests/data/" not in r[0]]
    if len(real) != len(rows):
        real_g, real_h = Score(), Score()
        for _name, _n, g, h in real:
            real_g += g
            real_h += h
        n = sum(r[1] for r in real)
        print(f"{'real shows only (../shared)':58} {n:5d} | {_fmt(real_g)}   | {_fmt(real_h)}",
              file=out)  # fmt: skip
    print(f"{'ALL (micro)':58} {items:5d} | {_fmt(total_g)}   | {_fmt(total_h)}", file=out)
    return total_g, total_h


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shipped", action="store_true")
    ap.add_argument("--show", default="")
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    started = time.perf_counter()
    shows = load_shows()
    rows = evaluate(shows, shipped=args.shipped, only=args.show)
    g, h = report(rows)
    if args.errors:
        for line in g.errors + h.errors:
            print(line)
    for cut, (g, h) in sorted(curve.items()):
        print(f"at confidence >= {cut:.1f}: guests P {g.precision:.2f} R {g.recall:.2f}; "
              f"hosts P {h.precision:.2f} R {h.recall:.2f}")  # fmt: skip
    kind = "shipped model (development figure)" if args.shipped else "leave one show out"
    print(f"{kind}; {len(rows)} shows; {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
