"""Pure matching of summaries to episodes: a score in 0..1 with its reasons, and a one-to-one
assignment. The only user of rapidfuzz.

Like beets' distance model, each signal gives a similarity in 0..1 with a weight; the score
is the weighted mean over the signals that are available for the pair. Signals: the title
(rapidfuzz), the words shared with the episode's title and description, the page's slug
(file name or URL), the people named on both sides, and the date: an air date printed on
the page is strong, a slug date medium, the scrape time (clock line) only says the episode
must be older than the page. Candidates come from an inverted index of title and slug words
plus a date window, never a full cross product.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from catalog.normalize import fold


@dataclass(frozen=True)
class Thresholds:
    """Score limits: at or above `auto` (with `margin` over the runner-up) a match is accepted
    without asking; at or above `review` it waits in the review queue; below, unmatched."""

    auto: float = 0.75
    review: float = 0.45
    margin: float = 0.08


WEIGHTS = {"title": 0.45, "words": 0.2, "slug": 0.1, "people": 0.1, "air_date": 0.25,
           "slug_date": 0.1, "scraped": 0.05}  # fmt: skip
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


def words(text: str) -> list[str]:
    """Folded content words of a text (stop words and 1-2 letter words dropped)."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in STOPWORDS]


def _day(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return None


@dataclass
class _Ep:
    idx: int
    id: str
    show_id: str
    title: str
    title_words: set[str]
    words: set[str]
    slug_words: set[str]
    day: int | None
    people: set[str]


@dataclass
class Candidate:
    """One scored (summary, episode) pair."""

    episode_id: str
    score: float
    reasons: dict[str, Any] = field(default_factory=dict)


def _slug_words(ep: dict[str, Any]) -> set[str]:
    parts = []
    if ep.get("link"):
        parts.append(re.sub(r"^https?://[^/]+", "", ep["link"]))
    if ep.get("guid") and not str(ep["guid"]).startswith("http"):
        parts.append(str(ep["guid"]))
    return set(words(" ".join(parts).replace("-", " ").replace("_", " ")))


class EpisodeIndex:
    """Episodes prepared once for many summaries: words, dates and an inverted index."""

    def __init__(self, episodes: list[dict[str, Any]]) -> None:
        self.eps: list[_Ep] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.by_day: dict[int, list[int]] = defaultdict(list)
        for idx, ep in enumerate(episodes):
            title = ep.get("title") or ""
            tw = set(words(title))
            item = _Ep(
                idx=idx, id=ep["id"], show_id=ep.get("show_id", ""), title=fold(title),
                title_words=tw,
                words=tw | set(words((ep.get("description") or "")[:3000])),
                slug_words=_slug_words(ep), day=_day(ep.get("published")),
                people={c["key"] for c in ep.get("credits") or [] if c.get("key")},
            )  # fmt: skip
            self.eps.append(item)
            for w in tw | item.slug_words:
                self.postings[w].append(idx)
            if item.day is not None:
                self.by_day[item.day].append(idx)
        self.n = max(1, len(self.eps))
        self.common = max(50, self.n // 100)  # words in >1% of titles don't pick candidates

    def candidates(self, summary: dict[str, Any], limit: int = 30) -> list[int]:
        """Episode indexes worth scoring: shared rare title/slug words, or a date window."""
        found: dict[int, float] = defaultdict(float)
        query = set(words(summary.get("title") or "")) | set(
            words((summary.get("slug") or "").replace("-", " ").replace("_", " "))
        )
        for w in query:
            posting = self.postings.get(w)
            if posting and len(posting) <= self.common:
                weight = math.log(self.n / len(posting)) + 1
                for idx in posting:
                    found[idx] += weight
        ranked = sorted(found, key=lambda i: -found[i])[:limit]
        for key in ("air_date", "slug_date"):
            day = _day(summary.get(key))
            if day is not None:
                for d in range(day - 3, day + 4):
                    ranked.extend(self.by_day.get(d, ()))
        return list(dict.fromkeys(ranked))


def score(
    summary: dict[str, Any], ep: _Ep, summary_words: set[str], summary_people: set[str]
) -> Candidate:
    """Score one pair; the reasons say what each signal gave."""
    sims: dict[str, float] = {}
    notes: list[str] = []
    title = fold(summary.get("title") or "")
    if title:
        sims["title"] = (
            max(fuzz.ratio(title, ep.title), fuzz.token_sort_ratio(title, ep.title)) / 100
        )
    if summary_words and ep.words:
        shared = summary_words & ep.words
        sims["words"] = min(1.0, len(shared) / max(1, min(len(ep.words), 12)))
    slug = set(words((summary.get("slug") or "").replace("-", " ").replace("_", " ")))
    if slug and (ep.slug_words or ep.title_words):
        target = ep.slug_words | ep.title_words
        sims["slug"] = len(slug & target) / max(1, min(len(slug), len(target)))
    if summary_people or ep.people:
        both = summary_people & ep.people
        sims["people"] = 1.0 if both else 0.0
        if both:
            notes.append("people: " + ", ".join(sorted(both)))
    for key in ("air_date", "slug_date"):
        day = _day(summary.get(key))
        if day is not None and ep.day is not None:
            gap = abs(day - ep.day)
            sims[key] = 1.0 if gap <= 1 else 0.7 if gap <= 3 else 0.3 if gap <= 14 else 0.0
            notes.append(f"{key.replace('_', ' ')} {gap} day(s) from the episode")
    scraped = _day(summary.get("scraped_at"))
    if scraped is not None and ep.day is not None:
        sims["scraped"] = 1.0 if ep.day <= scraped + 1 else 0.0
        if ep.day > scraped + 1:
            notes.append("episode is newer than the page")
    total = sum(WEIGHTS[k] for k in sims)
    value = sum(WEIGHTS[k] * v for k, v in sims.items()) / total if total else 0.0
    reasons: dict[str, Any] = {k: round(v, 3) for k, v in sims.items()}
    if notes:
        reasons["notes"] = notes
    return Candidate(ep.id, round(value, 4), reasons)


def rank(
    summary: dict[str, Any], index: EpisodeIndex, *, show_ids: set[str] | None = None, top: int = 5
) -> list[Candidate]:
    """The best candidates for one summary, best first."""
    summary_words = set(
        words((summary.get("title") or "") + " " + (summary.get("body") or "")[:4000])
    )
    summary_people = {c["key"] for c in summary.get("credits") or [] if c.get("key")}
    scored = []
    for idx in index.candidates(summary):
        ep = index.eps[idx]
        if show_ids is not None and ep.show_id not in show_ids:
            continue
        scored.append(score(summary, ep, summary_words, summary_people))
    scored.sort(key=lambda c: (-c.score, c.episode_id))
    return scored[:top]


def search(
    text: str, index: EpisodeIndex, summary: dict[str, Any], top: int = 5
) -> list[Candidate]:
    """Candidates for a free-text search typed in the review queue."""
    probe = dict(summary, title=text, slug="")
    return rank(probe, index, top=top)


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
