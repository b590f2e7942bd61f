"""Pure matching of summaries to episodes: a score in 0..1 with its reasons, and a one-to-one
assignment. The only user of rapidfuzz.

Like beets' distance model, each signal gives a similarity in 0..1 with a weight; the score
is the weighted mean over the signals that are available for the pair. Signals: the title
(rapidfuzz), the words shared with the episode's title and description, the page's slug
(file name or URL), the people named on both sides, and the date: an air date printed on
the page is strong, a slug date medium, the scrape time (clock line) only says the episode
must be older than the page. Candidates come from an inverted index of title and slug words
plus a date window, never a full cross product; among episodes tied on shared words, the
title similarity picks which are scored.

Sized for 10,000 summaries against 100,000 episodes (bench/match_bench.py has the target):
all of a summary's candidates are scored in one batch (`_values`), and only the best few get
their reasons spelled out.
"""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import add as add_
from operator import ge, itemgetter, mul, sub, truediv
from typing import Any

from rapidfuzz import fuzz, process

from catalog.core.normalize import fold, title_key


@dataclass(frozen=True)
class Thresholds:
    """Score limits: at or above `auto` (with `margin` over the runner-up) a match is accepted
    without asking; at or above `review` it waits in the review queue; below, unmatched."""

    auto: float = 0.75
    review: float = 0.45
    margin: float = 0.08


WEIGHTS = {"title": 0.45, "words": 0.2, "slug": 0.1, "people": 0.1, "air_date": 0.25,
           "slug_date": 0.1, "scraped": 0.15, "show": 0.2}  # fmt: skip
SAME_TITLE = 1.0  # the title signal of titles with the same words (case, punctuation aside)
SUBTITLE_ONLY = 0.97  # … and of titles where one only adds a subtitle ("X" and "X: Why Now")
STOPWORDS = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "about",
        "into",
        "over",
        "after",
        "before",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "not",
        "no",
        "yes",
        "so",
        "than",
        "then",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "why",
        "when",
        "where",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "episode",
        "part",
        "show",
        "podcast",
        "radio",
        "new",
    ]
)
_WORD = re.compile(r"[^\W_]+")
_LONG_WORD = re.compile(r"[^\W_]{3,}")  # the runs of _WORD longer than 2 characters
# What rapidfuzz's token_sort_ratio splits on: Python's whitespace, except that NEL and NBSP
# are not separators in a string whose characters all fit in one byte (rapidfuzz 3.14).
_RF_SPACE = re.compile(
    "[\t\n\x0b\x0c\r\x1c-\x1f \u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)


def _fold(text: str) -> str:
    """`fold` with a fast path: for ASCII text NFKD changes nothing and casefold is lower."""
    return text.lower() if text.isascii() else fold(text)


def _folded_words(folded: str) -> list[str]:
    return [w for w in _WORD.findall(folded) if len(w) > 2 and w not in STOPWORDS]


def words(text: str) -> list[str]:
    """Folded content words of a text (stop words and 1-2 letter words dropped)."""
    return _folded_words(_fold(text))


def _sorted_tokens(text: str) -> str:
    """The form `fuzz.token_sort_ratio` compares: words split as rapidfuzz does, sorted."""
    wide = ("\x85" not in text and "\xa0" not in text) or max(text) > "\xff"
    parts = text.split() if wide else _RF_SPACE.split(text)
    return " ".join(sorted(p for p in parts if p))


def _slug_text(slug: str) -> list[str]:
    return words(slug.replace("-", " ").replace("_", " "))


def _day(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return None


_SUBTITLE = re.compile(r"\s*(?::\s|\s[|\-–—]\s|[|])\s*")
_MAY_SPLIT = re.compile(r"[:|\-–—]")


def title_forms(title: str, show: str | None = None) -> tuple[str, str]:
    """(whole, head): the title's key (`normalize.title_key`) without the show's name before
    or after it ("Topic | Fault Zone"), and the key of the part before a subtitle ("" when
    there is none, or it is one word: "Encore: Topic" is not "Encore").

    >>> title_forms("Belgrade Talks Stall: What Next? | Fault Zone", "Fault Zone")
    ('belgrade talks stall what next', 'belgrade talks stall')
    """
    if not _MAY_SPLIT.search(title or ""):  # most titles: one part, its key
        return title_key(title or ""), ""
    parts = [p for p in _SUBTITLE.split(title) if title_key(p)]
    shown = title_key(show or "")
    if shown and len(parts) > 1:
        if title_key(parts[-1]) == shown:
            parts.pop()
        elif title_key(parts[0]) == shown:
            parts.pop(0)
    whole = title_key(" ".join(parts))
    head = title_key(parts[0]) if len(parts) > 1 else ""
    return whole, head if head.count(" ") >= 1 else ""


def same_title(a: tuple[str, str], b: tuple[str, str]) -> float:
    """SAME_TITLE, SUBTITLE_ONLY or 0.0 for two titles' `title_forms`."""
    if not a[0] or not b[0]:
        return 0.0
    if a[0] == b[0]:
        return SAME_TITLE
    if a[0] == b[1] or a[1] == b[0]:
        return SUBTITLE_ONLY
    return 0.0


@dataclass(slots=True)
class _Ep:
    idx: int
    id: str
    show_id: str
    title: str  # folded
    title_sorted: str  # the folded title's words, sorted (token_sort_ratio's form)
    keys: set[str]  # title and slug words (what the inverted index and the slug signal use)
    words: set[str]  # title and description words
    words_den: int  # the divisor of the "words" signal
    day: int | None
    people: set[str]
    forms: tuple[str, str]  # title_forms


@dataclass(slots=True)
class _Query:
    """What a summary contributes to every pair, worked out once per summary."""

    title: str  # folded
    title_sorted: str
    slug: set[str]
    keys: list[str]  # title and slug words that look up candidates, sorted
    days: list[tuple[str, int]]  # ("air_date" | "slug_date", day ordinal)
    scraped: int | None
    forms: tuple[str, str]  # title_forms
    shows: frozenset[str]  # the show ids the page names (its "show_ids"), or none


def _prepare(summary: dict[str, Any]) -> _Query:
    title = _fold(summary.get("title") or "")
    slug = set(_slug_text(summary.get("slug") or ""))
    days = [
        (key, day)
        for key in ("air_date", "slug_date")
        if (day := _day(summary.get(key))) is not None
    ]
    return _Query(
        title=title, title_sorted=_sorted_tokens(title), slug=slug,
        keys=sorted(set(_folded_words(title)) | slug), days=days,
        scraped=_day(summary.get("scraped_at")),
        forms=title_forms(summary.get("title") or "", summary.get("show")),
        shows=frozenset(summary.get("show_ids") or ()),
    )  # fmt: skip


@dataclass
class Candidate:
    """One scored (summary, episode) pair."""

    episode_id: str
    score: float
    reasons: dict[str, Any] = field(default_factory=dict)


_HOST = re.compile(r"^https?://[^/]+")


def _slug_words(ep: dict[str, Any]) -> set[str]:
    parts = []
    if ep.get("link"):
        parts.append(_HOST.sub("", ep["link"]))
    if ep.get("guid") and not str(ep["guid"]).startswith("http"):
        parts.append(str(ep["guid"]))
    return set(_slug_text(" ".join(parts)))


def _word_set(folded: str) -> set[str]:
    """set(_folded_words(folded)), filtering each distinct word once."""
    return set(_LONG_WORD.findall(folded)) - STOPWORDS


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building the index allocates ~10 objects per episode and no reference cycles; the
    collector would otherwise re-scan the growing index (and the caller's episodes) many times
    over (bench/match_bench.py measures the build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_FALLBACK_WORDS = 2  # common words looked up for a summary without a rare one
_NO_PEOPLE: set[str] = set()  # shared by the episodes without credits; never mutated


class EpisodeIndex:
    """Episodes prepared once for many summaries: words, dates and an inverted index.

    The episodes are numbered (and their strings and sets allocated) in order of publication,
    so that a date window is a run of neighbours in memory: with 100,000 episodes, scoring is
    bound by memory latency more than by arithmetic. The fields that scoring reads are also
    kept as columns (lists by number), so that `_values` picks a summary's candidates out of
    them in one call each.
    """

    def __init__(
        self, episodes: list[dict[str, Any]], show_titles: dict[str, str] | None = None
    ) -> None:
        self.show_titles = show_titles or {}  # show id → title: "Topic | Show" is "Topic"
        self.eps: list[_Ep] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.by_day: dict[int, list[int]] = defaultdict(list)
        days = [_day(ep.get("published")) for ep in episodes]
        never = date.max.toordinal() + 1  # undated episodes last
        order = sorted(range(len(episodes)), key=lambda i: (days[i] or never, i))
        with _gc_paused():
            for idx, src in enumerate(order):
                self._add(idx, episodes[src], days[src])
            eps = self.eps
            self.col_title = [e.title for e in eps]
            self.col_sorted = [e.title_sorted for e in eps]
            self.col_words = [e.words for e in eps]
            self.col_words_den = [e.words_den for e in eps]
            self.col_has_words = [1 if e.words else 0 for e in eps]
            self.col_keys = [e.keys for e in eps]
            self.col_n_keys = [len(e.keys) for e in eps]
            self.col_has_keys = [1 if e.keys else 0 for e in eps]
            self.col_people = [e.people for e in eps]
            self.col_has_people = [1 if e.people else 0 for e in eps]
            self.col_day = [0 if e.day is None else e.day for e in eps]
            self.col_has_day = [0 if e.day is None else 1 for e in eps]
            self.col_id = [e.id for e in eps]
            self.col_show = [e.show_id for e in eps]
            self.col_forms = [e.forms for e in eps]
            self.no_tokens = {e.idx for e in eps if not e.title_sorted}
        self.n = max(1, len(self.eps))
        self.common = max(50, self.n // 100)  # words in >1% of titles don't pick candidates

    def _add(self, idx: int, ep: dict[str, Any], day: int | None) -> None:
        title = _fold(ep.get("title") or "")
        tw = _word_set(title)
        keys = tw | _slug_words(ep)
        every = tw | _word_set(_fold((ep.get("description") or "")[:3000]))
        people = {c["key"] for c in ep.get("credits") or [] if c.get("key")}
        show_id = ep.get("show_id", "")
        item = _Ep(
            idx=idx, id=ep["id"], show_id=show_id, title=title,
            title_sorted=_sorted_tokens(title), keys=keys, words=every,
            words_den=max(1, min(len(every), 12)), day=day, people=people or _NO_PEOPLE,
            forms=title_forms(ep.get("title") or "", self.show_titles.get(show_id)),
        )  # fmt: skip
        self.eps.append(item)
        for w in keys:
            self.postings[w].append(idx)
        if day is not None:
            self.by_day[day].append(idx)

    def candidates(
        self, summary: dict[str, Any], limit: int = 30, *, query: _Query | None = None
    ) -> list[int]:
        """Episode numbers worth scoring: shared rare title/slug words, or a date window.

        Rare words are those in at most 1% of the episodes. A summary that has none (its
        distinctive words misspelt, or a title of everyday words) falls back on its least
        common words, where the title similarity picks among the many episodes sharing them.
        """
        q = query or _prepare(summary)
        sizes = {w: len(self.postings.get(w, ())) for w in q.keys}
        chosen = [w for w in q.keys if 0 < sizes[w] <= self.common]
        if not chosen:
            least = sorted((w for w in q.keys if sizes[w]), key=lambda w: (sizes[w], w))
            chosen = sorted(least[:_FALLBACK_WORDS])
        ranked = self._best(q, self._weigh(chosen), limit)
        for _key, day in q.days:
            for d in range(day - 3, day + 4):
                ranked.extend(self.by_day.get(d, ()))
        return list(dict.fromkeys(ranked))

    def _weigh(self, keys: list[str]) -> dict[int, float]:
        """Episode number -> the summed weights (log inverse frequency) of the words it
        shares. Added in C: each posting list goes in with `dict.update`, and only the
        episodes already seen under an earlier word are summed one by one."""
        found: dict[int, float] = {}
        for w in keys:
            posting = self.postings[w]
            weight = math.log(self.n / len(posting)) + 1
            again = found.keys() & posting
            sums = list(map(add_, map(found.__getitem__, again), repeat(weight)))
            found.update(dict.fromkeys(posting, weight))
            found.update(zip(again, sums, strict=True))  # a set iterates alike twice
        return found

    def _best(self, q: _Query, found: dict[int, float], limit: int) -> list[int]:
        """The `limit` best-weighted episodes; where episodes tied on weight straddle the
        cut (typically many sharing the same single word), the ones whose titles are
        closest to the summary's go first."""
        ranked = sorted(found, key=found.__getitem__, reverse=True)
        if len(ranked) <= limit or not q.title or limit <= 0:
            return ranked[:limit]
        weights = list(map(found.__getitem__, ranked))
        edge = weights[limit - 1]
        if weights[limit] != edge:
            return ranked[:limit]
        first = weights.index(edge)
        tied = ranked[first : first + weights.count(edge)]  # sorted: the ties are a run
        titles = itemgetter(*tied)(self.col_title)  # a tuple: `limit` >= 1 and ties >= 2
        closest = process.extract(q.title, titles, scorer=fuzz.ratio, limit=limit - first)
        return ranked[:first] + [tied[j] for _c, _s, j in closest]


# The date signal by gap in days (1.0 within a day, 0.7 within 3, 0.3 within 14, else 0.0).
_DATE_SIM = {gap: 1.0 if gap <= 1 else 0.7 if gap <= 3 else 0.3 for gap in range(15)}


def _sims(
    q: _Query,
    ep: _Ep,
    summary_words: set[str],
    summary_people: set[str],
) -> dict[str, float]:
    """The similarity of each signal available for the pair, in 0..1."""
    sims: dict[str, float] = {}
    if q.title:
        ratio = fuzz.ratio(q.title, ep.title)
        if q.title_sorted and ep.title_sorted:  # token_sort_ratio, with the sorting done once
            sort_ratio = fuzz.ratio(q.title_sorted, ep.title_sorted)
        else:
            sort_ratio = fuzz.token_sort_ratio(q.title, ep.title)
        sims["title"] = max(max(ratio, sort_ratio) / 100, same_title(q.forms, ep.forms))
    if summary_words and ep.words:
        sims["words"] = min(1.0, len(summary_words & ep.words) / ep.words_den)
    if q.slug and ep.keys:
        sims["slug"] = len(q.slug & ep.keys) / max(1, min(len(q.slug), len(ep.keys)))
    if summary_people or ep.people:
        sims["people"] = 1.0 if summary_people & ep.people else 0.0
    if ep.day is not None:
        for key, day in q.days:
            sims[key] = _DATE_SIM.get(abs(day - ep.day), 0.0)
        if q.scraped is not None:
            sims["scraped"] = 1.0 if ep.day <= q.scraped + 1 else 0.0
    if q.shows:
        sims["show"] = 1.0 if ep.show_id in q.shows else 0.0
    return sims


def _value(sims: dict[str, float]) -> float:
    """The weighted mean of the signals, summed left to right (as `_values` does)."""
    num = total = 0.0
    for k, v in sims.items():
        num += WEIGHTS[k] * v
        total += WEIGHTS[k]
    return num / total if total else 0.0


def _values(
    q: _Query,
    cands: list[int],
    index: EpisodeIndex,
    summary_words: set[str],
    summary_people: set[str],
) -> list[float]:
    """`round(_value(_sims(...)), 4)` for each candidate, computed signal by signal over all
    candidates with C-level maps instead of pair by pair.

    A signal that is not available for a pair adds 0.0 to both sums (x + 0.0 == x), so the
    sums are the same floats as `_value`'s, added in the same order.

    >>> index = EpisodeIndex([
    ...     {"id": "a", "title": "Chess Openings with Ada Berg", "published": "2020-05-01",
    ...      "link": "https://x.example/chess-openings", "credits": [{"key": "ada berg"}]},
    ...     {"id": "b", "title": "Café Society", "description": "cafés of Paris",
    ...      "published": "2020-05-20"},
    ...     {"id": "c", "title": "", "guid": "xyz-café"},
    ...     {"id": "d", "title": "Chess", "published": "2020-06-30", "show_id": "s"}])
    >>> for summary in ({"title": "chess opening with ada", "slug": "chess-openings",
    ...                  "body": "Paris", "air_date": "2020-05-03", "scraped_at": "2020-05-10"},
    ...                 {"title": "", "body": "chess", "slug_date": "2020-06-01"},
    ...                 {"title": " ", "slug": "cafe", "body": ""},
    ...                 {"title": "CHESS: Openings", "body": "", "show_ids": ["s"]}):
    ...     q = _prepare(summary)
    ...     sw = set(words(summary["title"] + " " + summary["body"]))
    ...     for people in (set(), {"ada berg"}):
    ...         for cands in ([0, 1, 2, 3], [3], []):
    ...             slow = [round(_value(_sims(q, index.eps[i], sw, people)), 4) for i in cands]
    ...             assert _values(q, cands, index, sw, people) == slow, (summary, cands, slow)
    """
    n = len(cands)
    if n == 0:
        return []
    pick = itemgetter(*cands) if n > 1 else lambda column: (column[cands[0]],)
    num: Iterable[float] = repeat(0.0, n)
    total: Iterable[float] = repeat(0.0, n)

    def add(weight: float, sims: Iterable[float], available: Iterable[int] | None) -> None:
        nonlocal num, total
        terms = map(mul, repeat(weight), sims)
        if available is None:
            num, total = map(add_, num, terms), map(add_, total, repeat(weight))
        else:
            num = map(add_, num, map(mul, terms, available))
            total = map(add_, total, map(mul, repeat(weight), available))

    if q.title:
        add(WEIGHTS["title"], _title_sims(q, cands, index, pick), None)
    if summary_words:
        shared = map(len, map(summary_words.intersection, pick(index.col_words)))
        fraction = map(truediv, shared, pick(index.col_words_den))
        add(WEIGHTS["words"], map(min, repeat(1.0), fraction), pick(index.col_has_words))
    if q.slug:
        n_slug = len(q.slug)
        hits = map(len, map(q.slug.intersection, pick(index.col_keys)))
        dens = map(max, repeat(1), map(min, repeat(n_slug), pick(index.col_n_keys)))
        add(WEIGHTS["slug"], map(truediv, hits, dens), pick(index.col_has_keys))
    if summary_people:
        both = map(bool, map(summary_people.intersection, pick(index.col_people)))
        add(WEIGHTS["people"], map(float, both), None)
    else:  # available (and 0.0) only where the episode names people
        add(WEIGHTS["people"], repeat(0.0), pick(index.col_has_people))
    if q.days or q.scraped is not None:
        ep_days = pick(index.col_day)  # a tuple: read by each of the maps below
        has_day = pick(index.col_has_day)
        for key, day in q.days:
            gaps = map(abs, map(sub, repeat(day), ep_days))
            add(WEIGHTS[key], map(_DATE_SIM.get, gaps, repeat(0.0)), has_day)
        if q.scraped is not None:
            older = map(float, map(ge, repeat(q.scraped + 1), ep_days))
            add(WEIGHTS["scraped"], older, has_day)
    if q.shows:
        add(WEIGHTS["show"], map(float, map(q.shows.__contains__, pick(index.col_show))), None)
    nums, totals = list(num), list(total)
    if 0.0 in totals:
        return [round(a / b, 4) if b else 0.0 for a, b in zip(nums, totals, strict=True)]
    return list(map(round, map(truediv, nums, totals), repeat(4)))


def _title_sims(
    q: _Query, cands: list[int], index: EpisodeIndex, pick: Callable[[list[Any]], tuple[Any, ...]]
) -> list[float]:
    """max(ratio, token_sort_ratio) / 100 of the summary's title against each candidate's, in
    two rapidfuzz batches: the query is prepared once per batch, not once per pair, and the
    token sort is a plain ratio of the titles' words sorted once in advance."""
    score = itemgetter(1)
    plain = map(score, process.extract_iter(q.title, pick(index.col_title), scorer=fuzz.ratio))
    if q.title_sorted and index.no_tokens.isdisjoint(cands):
        batch = process.extract_iter(q.title_sorted, pick(index.col_sorted), scorer=fuzz.ratio)
        sort: Iterable[float] = map(score, batch)
    else:  # a side without words: rapidfuzz's own token_sort_ratio, pair by pair
        sort = [
            fuzz.ratio(q.title_sorted, index.col_sorted[i])
            if q.title_sorted and index.col_sorted[i]
            else fuzz.token_sort_ratio(q.title, index.col_title[i])
            for i in cands
        ]
    out = list(map(truediv, map(max, plain, sort), repeat(100)))
    if len(out) != len(cands):  # pragma: no cover - extract_iter yields every choice
        raise AssertionError("rapidfuzz skipped a title")
    whole, head = q.forms
    if whole:  # the same words, or one title with a subtitle the other lacks
        for j, forms in enumerate(pick(index.col_forms)):
            if forms[0] == whole or forms[0] == head or forms[1] == whole:
                out[j] = max(out[j], same_title(q.forms, forms))
    return out


def _candidate(q: _Query, ep: _Ep, summary_people: set[str], sims: dict[str, float]) -> Candidate:
    notes: list[str] = []
    both = summary_people & ep.people
    if both:
        notes.append("people: " + ", ".join(sorted(both)))
    if ep.day is not None:
        for key, day in q.days:
            notes.append(f"{key.replace('_', ' ')} {abs(day - ep.day)} day(s) from the episode")
        if q.scraped is not None and ep.day > q.scraped + 1:
            notes.append("episode is newer than the page")
    reasons: dict[str, Any] = {k: round(v, 3) for k, v in sims.items()}
    if notes:
        reasons["notes"] = notes
    return Candidate(ep.id, round(_value(sims), 4), reasons)


def score(
    summary: dict[str, Any],
    ep: _Ep,
    summary_words: set[str],
    summary_people: set[str],
    *,
    query: _Query | None = None,
) -> Candidate:
    """Score one pair; the reasons say what each signal gave. `query` is the summary's
    prepared form when the caller has it."""
    q = query or _prepare(summary)
    return _candidate(q, ep, summary_people, _sims(q, ep, summary_words, summary_people))


def _summary_sets(summary: dict[str, Any]) -> tuple[set[str], set[str]]:
    """A summary's words (title and the start of its text) and its people's keys."""
    text = (summary.get("title") or "") + " " + (summary.get("body") or "")[:4000]
    return set(words(text)), {c["key"] for c in summary.get("credits") or [] if c.get("key")}


def rank(
    summary: dict[str, Any], index: EpisodeIndex, *, show_ids: set[str] | None = None, top: int = 5
) -> list[Candidate]:
    """The best candidates for one summary, best first (ties by episode id).

    Every candidate's score is computed in one pass (`_values`); only the best `top` get
    their reasons worked out (`score`).
    """
    q = _prepare(summary)
    summary_words, summary_people = _summary_sets(summary)
    cands = index.candidates(summary, query=q)
    if show_ids is not None:
        cands = [i for i in cands if index.eps[i].show_id in show_ids]
    values = _values(q, cands, index, summary_words, summary_people)
    order = sorted(range(len(cands)), key=values.__getitem__, reverse=True)
    cut = top
    while cut < len(order) and values[order[cut]] == values[order[top - 1]]:
        cut += 1  # keep everything tied with the last place: ids decide among them
    best = sorted(order[:cut], key=lambda j: (-values[j], index.col_id[cands[j]], j))[:top]
    eps = [index.eps[cands[j]] for j in best]
    return [score(summary, ep, summary_words, summary_people, query=q) for ep in eps]


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, in 0..1: the better of rapidfuzz's ratio and token-sort ratio
    of their folded forms (the same title signal as summaries get).

    >>> title_similarity("Lavrov, Tillerson Meet", "tillerson and lavrov meet") > 0.8
    True
    """
    fa, fb = _fold(a or ""), _fold(b or "")
    if not fa or not fb:
        return 0.0
    return max(fuzz.ratio(fa, fb), fuzz.token_sort_ratio(fa, fb)) / 100


def search(
    text: str, index: EpisodeIndex, summary: dict[str, Any], top: int = 5
) -> list[Candidate]:
    """Candidates for a free-text search typed in the review queue, best first.

    The text only finds the episodes (as a summary with that title would find them); each
    is then scored against the summary itself, by the same scorer as `rank`, so an episode
    gets the same confidence whether the automatic match or a search put it on the list."""
    found = rank(dict(summary, title=text, slug=""), index, top=top)
    if not found:
        return []
    q = _prepare(summary)
    summary_words, summary_people = _summary_sets(summary)
    wanted = {c.episode_id for c in found}
    eps = [ep for ep in index.eps if ep.id in wanted]
    scored = [score(summary, ep, summary_words, summary_people, query=q) for ep in eps]
    return sorted(scored, key=lambda c: (-c.score, c.episode_id))


def assign(
    ranked: dict[str, list[Candidate]], taken: set[str], thresholds: Thresholds
) -> dict[str, tuple[str, Candidate | None]]:
    """One-to-one assignment: best pairs first, each episode to at most one summary.

    Returns summary id → (state, candidate) with state "auto", "review" or "unmatched".
    """
    pairs = [
        (cand.score, sid, n, cand)
        for sid, cands in ranked.items()
        for n, cand in enumerate(cands)
        if cand.score >= thresholds.review
    ]
    pairs.sort(key=lambda p: (-p[0], p[2], p[1]))
    used = set(taken)
    out: dict[str, tuple[str, Candidate | None]] = {}
    for _score, sid, _n, cand in pairs:
        if sid in out or cand.episode_id in used:
            continue
        others = [c.score for c in ranked[sid] if c is not cand and c.episode_id not in used]
        margin = cand.score - max(others, default=0.0)
        state = (
            "auto" if cand.score >= thresholds.auto and margin >= thresholds.margin else "review"
        )
        cand.reasons["margin"] = round(margin, 3)
        out[sid] = (state, cand)
        used.add(cand.episode_id)
    for sid in ranked:
        out.setdefault(sid, ("unmatched", None))
    return out
