"""Labelled credits for training and evaluating the role model: the labels, the texts they
describe (read as the catalog reads them), and how a found name is matched to a label.

Label sets: `../shared/labels/radio2012-dev.json` (its `file` is under
`corpus/podsearch-crawl-2012/`) and `tests/data/credits/labels-*.json` (their `file` is under
`../shared/corpus/`, or `bundled:` for this repository's own `feeds/` and `tests/data/`).
A show is one file: leave-one-show-out holds out a file at a time.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.core import (  # noqa: E402
    normalize,
    pages,
    people,
)
from catalog.core.normalize import fold, person_key  # noqa: E402
from catalog.sources import feeds  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
DEV = SHARED / "labels" / "radio2012-dev.json"
OURS = ROOT / "tests" / "data" / "credits"


@dataclass
class Item:
    """One labelled episode (or page) with its text."""

    show: str  # the file: one show
    index: int
    title: str
    text: str
    hosts: list[str]
    guests: list[str]
    mentioned: list[str]
    ambiguous: bool
    set: str  # the label file it came from
    pos: int  # its position among the show's items


@dataclass(eq=False)  # hashed by identity: the caches in credits_train key on it
class Show:
    """A show's every item (labelled or not: the show context reads them all)."""

    name: str
    channel_text: str
    items: list[tuple[str, str]]  # (title, text) of every item, in feed order
    labelled: list[Item]


def _resolve(file: str, set_name: str) -> Path:
    if file.startswith("bundled:"):
        return ROOT / file.removeprefix("bundled:")
    if set_name == "radio2012-dev":
        return CORPUS / "podsearch-crawl-2012" / file
    return CORPUS / file


@functools.cache
def read_items(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """(channel text, [(title, description)]) of a feed, a JSON list or a page."""
    data = path.read_bytes()
    if path.suffix == ".json":
        rows = json.loads(data)
        return "", [
            (normalize.clean_line(r.get("title") or ""),
             normalize.html_to_text(r.get("description") or ""))
            for r in rows
        ]  # fmt: skip
    if path.suffix in {".txt", ".html"}:
        page = pages.parse_page(data.decode("utf-8", "replace"), name=path.name)
        return "", [(page["title"] or "", page["body"] or "")]
    raw = feeds.parse_feed(data, str(path))
    channel = normalize.normalize_channel(raw.channel)
    out = []
    for entry in raw.entries:
        ep = normalize.normalize_entry(entry, channel["credits"])
        out.append((ep["title"], ep["description"]))
    return people.channel_text(channel), out


def label_files() -> list[tuple[str, Path]]:
    """Every label set present: (name, path)."""
    out = []
    if DEV.is_file():
        out.append(("radio2012-dev", DEV))
    out += [(p.stem.removeprefix("labels-"), p) for p in sorted(OURS.glob("labels-*.json"))]
    return out


def load_shows() -> dict[str, Show]:
    """Every labelled show whose text is present, by file."""
    shows: dict[str, Show] = {}
    for set_name, path in label_files():
        for row in json.loads(path.read_text("utf-8")):
            source = _resolve(row["file"], set_name)
            if not source.is_file():
                continue
            channel_text, items = read_items(source)
            key = str(source.relative_to(ROOT.parent))
            show = shows.get(key)
            if show is None:
                show = shows[key] = Show(key, channel_text, items, [])
            pos = _find(items, row)
            title, text = items[pos] if pos >= 0 else ("", "")
            show.labelled.append(
                Item(
                    show=key, index=row.get("item_index", 0), title=title, text=text,
                    hosts=list(row.get("hosts") or []), guests=list(row.get("guests") or []),
                    mentioned=list(row.get("mentioned") or []),
                    ambiguous=bool(row.get("ambiguous")) or pos < 0, set=set_name, pos=pos,
                )
            )  # fmt: skip
    return shows


def _find(items: list[tuple[str, str]], row: dict[str, Any]) -> int:
    """The labelled item's position among the show's items (-1: not found)."""
    index = row.get("item_index", 0)
    if 0 <= index < len(items) and _same_title(items[index][0], row.get("title") or ""):
        return int(index)
    for pos, (title, _text) in enumerate(items):  # the order moved: find it by title
        if _same_title(title, row.get("title") or ""):
            return pos
    return -1


def _same_title(a: str, b: str) -> bool:
    return fold(" ".join(a.split())) == fold(" ".join(b.split()))


def same_person(a: str, b: str) -> bool:
    """Whether two names are one person: the same key, or one is the other less a middle
    name or initial ("J. Robert Oppenheimer" / "Robert Oppenheimer"), same surname."""
    ka, kb = person_key(a), person_key(b)
    if ka == kb:
        return True
    ta, tb = ka.split(), kb.split()
    if not ta or not tb or ta[-1] != tb[-1] or min(len(ta), len(tb)) < 2:
        return False
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return set(short) <= set(long)
