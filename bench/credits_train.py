"""Train the role model on every labelled set and write catalog/data/roles_model.json.

    .venv/bin/python bench/credits_train.py          # (make model)

A multinomial logistic regression (AdaGrad, L2) over the features `catalog.roles` gives
each candidate; a candidate's class is the role its labelled item gives the same person
(host, guest, mentioned), else "none". Ambiguous items are left out. Pure Python: no numpy.
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from credits_data import CORPUS, ROOT, Show, load_shows, read_items, same_person

from catalog.core import people, roles

MODEL = ROOT / "catalog" / "data" / "roles_model.json"
Example = tuple[list[str], int]


def label_of(name: str, item: object) -> int:
    """The class index the labels give a found name."""
    for cls in ("host", "guest", "mentioned"):
        names = getattr(item, {"host": "hosts", "guest": "guests", "mentioned": "mentioned"}[cls])
        if any(same_person(name, label) for label in names):
            return roles.CLASSES.index(cls)
    return roles.CLASSES.index("none")


@functools.cache
def show_candidates(
    show: Show,
) -> tuple[list[tuple[roles.Candidate, ...]], roles.ShowContext]:
    """Every item's candidates and the show's context, as the ingest path computes them."""
    return people.show_candidates(show.items, show.channel_text)


@functools.cache
def show_examples(show: Show) -> list[Example]:
    """(features, class) of every candidate in the show's labelled, unambiguous items."""
    cands, context = show_candidates(show)
    out: list[Example] = []
    for n, item in enumerate(show.labelled):
        if item.ambiguous:
            continue
        # One item in four is also seen alone, as a summary page is read (no show around it).
        alone = None
        if n % 4 == 0:
            alone = roles.show_context([cands[item.pos]], "", [f"{item.title}\n{item.text}"])
        for cand in cands[item.pos]:
            y = label_of(cand.name, item)
            out.append((roles.features_of(cand, context), y))
            if alone is not None:
                out.append((roles.features_of(cand, alone), y))
    return out


def examples(shows: Iterable[Show]) -> list[Example]:
    return [ex for show in shows for ex in show_examples(show)]


# Word features (the words around a name) are many and each is seen on few shows: they are
# held back harder than the structural ones (cue classes, phrasings, show regularity).
LEXICAL = ("l1=", "r1=", "l2=", "r2=", "l3=", "r3=", "l12=", "r12=", "l123=", "r123=",
           "lw=", "rw=", "desc=")  # fmt: skip
LEXICAL_L2 = float(os.environ.get("CREDITS_LEXICAL_L2", "10"))  # × l2


def train(data: list[Example], *, epochs: int = int(os.environ.get("CREDITS_EPOCHS", "6")),
          l2: float = float(os.environ.get("CREDITS_L2", "1e-3")), rate: float = 0.3,
          min_count: int = 2, seed: int = 7) -> roles.Model:  # fmt: skip
    """Fit the weights; features seen fewer than `min_count` times are dropped."""
    k = len(roles.CLASSES)
    counts: dict[str, int] = {}
    for feats, _y in data:
        for f in set(feats):
            counts[f] = counts.get(f, 0) + 1
    keep = {f for f, n in counts.items() if n >= min_count}
    weights: dict[str, list[float]] = {f: [0.0] * k for f in keep}
    decay = {f: l2 * (LEXICAL_L2 if f.startswith(LEXICAL) else 1.0) for f in keep}
    grads: dict[str, list[float]] = {f: [1e-8] * k for f in keep}
    bias = [0.0] * k
    gbias = [1e-8] * k
    order = list(range(len(data)))
    rng = random.Random(seed)
    for _epoch in range(epochs):
        rng.shuffle(order)
        for n in order:
            feats, y = data[n]
            active = [weights[f] for f in feats if f in keep]
            fgrad = [grads[f] for f in feats if f in keep]
            fdecay = [decay[f] for f in feats if f in keep]
            scores = list(bias)
            for w in active:
                for c in range(k):
                    scores[c] += w[c]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            for c in range(k):
                g = exps[c] / total - (1.0 if c == y else 0.0)
                gbias[c] += g * g
                bias[c] -= rate * g / math.sqrt(gbias[c])
                for w, acc, lam in zip(active, fgrad, fdecay, strict=True):
                    gc = g + lam * w[c]
                    acc[c] += gc * gc
                    w[c] -= rate * gc / math.sqrt(acc[c])
    pruned = {f: [round(x, 4) for x in w] for f, w in weights.items() if max(map(abs, w)) > 0.02}
    return roles.Model(weights=pruned, bias=[round(b, 4) for b in bias])


COMMON = ROOT / "catalog" / "data" / "common_words.txt"
_LOWER = re.compile(r"(?<![\w'’\-])[a-z][a-z'’\-]{2,}")
_CAPITAL_INSIDE = re.compile(r"(?<=[a-z,;] )[A-Z][a-z'’\-]{2,}")


def common_words(min_files: int = 4) -> list[str]:
    """Words written in lower case in at least `min_files` files of ../shared/corpus, and
    more often so than capitalised inside a sentence ("mark", "king" are names too often).
    Unlabelled text only: no label is read."""
    seen: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in {".xml", ".rss", ".json"} or not path.is_file():
            continue
        try:
            _channel, items = read_items(path)
        except Exception:  # not a feed (the corpus holds broken ones on purpose)
            continue
        words: set[str] = set()
        caps: set[str] = set()
        for title, text in items:
            words.update(_LOWER.findall(title))
            words.update(_LOWER.findall(text))
            caps.update(w.lower() for w in _CAPITAL_INSIDE.findall(text))
        seen.update(words)
        capital.update(caps)
    return sorted(w for w, n in seen.items() if n >= min_files and capital[w] < n)


def main() -> None:
    if CORPUS.is_dir():
        words = common_words()
        COMMON.write_text("\n".join(words) + "\n", encoding="utf-8")
        print(f"{COMMON.relative_to(ROOT)}: {len(words)} words")
    shows = load_shows()
    data = examples(shows.values())
    model = train(data)
    MODEL.parent.mkdir(parents=True, exist_ok=True)
    MODEL.write_text(json.dumps(model.as_json(), sort_keys=True, separators=(",", ":")) + "\n")
    print(f"{MODEL.relative_to(ROOT)}: {len(model.weights)} features from {len(data)} "
          f"candidates in {sum(len(s.labelled) for s in shows.values())} items of "
          f"{len(shows)} shows")  # fmt: skip


if __name__ == "__main__":
    main()
