"""Adapter for gender-guesser's list of first names (about 45,000, from many countries):
the only module that reads it. It is evidence that a capitalised word begins a person's
name ("Managing Editor Jim Ellis" → "Jim Ellis"); the list is read once, on first use."""

from __future__ import annotations

import functools
import importlib.resources
import logging

from catalog.core.normalize import fold

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    try:
        data = importlib.resources.files("gender_guesser").joinpath("data/nam_dict.txt")
        raw = data.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:  # a broken install
        log.warning("first-name list unavailable (%s): names are found without it", exc)
        return frozenset()
    out: set[str] = set()
    # Fixed columns: a gender code, then the name in columns 3-28 ("+" joins double names).
    for line in raw.decode("iso-8859-1").splitlines():
        if line[:1] in {"#", "=", ""} or len(line) < 4:
            continue
        name = line[3:29].strip()
        if name and "<" not in name:
            out.update(fold(part) for part in name.replace("+", " ").replace("-", " ").split())
    return frozenset(out)


@functools.lru_cache(maxsize=65536)
def is_first_name(word: str) -> bool:
    """Whether a word is a known first name ("Jim", "Hyun-woo", "José").

    >>> is_first_name("Jim"), is_first_name("Editor")
    (True, False)
    """
    word = word.strip(".,'’\"“”")
    if len(word) < 2:
        return False
    names = _names()
    key = fold(word)
    head = key.split("-")[0]
    return key in names or ("-" in key and len(head) >= 3 and head in names)
