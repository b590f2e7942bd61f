"""Matching benchmark: 10,000 noisy summaries against 100,000 episodes, catalog's matcher vs a
bare rapidfuzz `extractOne` (`fuzz.ratio`) over the titles within ±3 days of the air date.

The data is generated with a fixed seed: episodes in the shape the store holds them (300 shows,
10 years, titles with a long-tailed vocabulary and recurring series names) and summaries in the
shape `summaries.parse_page` returns, each a noisy copy of a known target episode (typos,
dropped and swapped words, case changes, "Ep. 12 - " prefixes, "(encore)" suffixes; an air date
±0-2 days for ~60%, a title slug for ~50%). Everything runs in one process with the episodes in
memory, as `review.run_matching` has them after loading the store: EpisodeIndex, then
`match.rank` for every summary, then `match.assign`. Rounds alternate ours and the baseline so
that drift on a shared machine hits both; the table shows medians.

The baseline follows perf-baselines.md section 4: both sides pre-processed with
`rapidfuzz.utils.default_process` outside the timed region, the blocking set-up (sort by day)
inside it; summaries without an air date are skipped (it has no candidates for them).

    .venv/bin/python bench/match_bench.py [--episodes 100000] [--summaries 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import statistics
import string
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from catalog.core import match

SEED = 20240611
TARGET_SECONDS = 30.0  # the issue: 10k summaries against 100k episodes on the 2-core machine


def _split(text: str) -> list[str]:
    return text.split()


COMMON = _split("""
    market policy energy music history science city river border election harvest festival
    ocean winter summer spring autumn satellite archive summit talks trade money power water
    food climate health school family war peace church state court law crime prison police
    army navy island mountain forest desert village farm factory union strike protest vote
    party league cup match season final record album song band guitar piano jazz opera poetry
    novel book library museum painting film cinema theatre stage dance fashion design house
    garden kitchen bread wine coffee tea sugar salt oil gold silver copper iron steel coal gas
    rail train road bridge tunnel port ship plane flight airport space moon star planet comet
    storm flood fire drought earthquake volcano glacier coral whale wolf bear eagle horse bees
    brain heart blood virus vaccine doctor nurse hospital medicine memory sleep dream language
    word letter number code computer robot internet phone radio signal network data privacy
    secret spy empire kingdom republic revolution treaty border colony migrant refugee exile
    home journey road map compass north south east west capital harbour coast valley canyon
    legend myth ghost witch saint king queen prince general president minister mayor judge
    teacher student worker farmer miner sailor soldier pilot artist writer poet singer actor
    chess openings endgame puzzle game sport football tennis boxing marathon cycling swimming
    morning evening night midnight dawn sunset shadow light colour silence noise voice echo
""")
FIRST = _split("""
    Ada Bruno Chen Dalia Emeka Farah Goran Hana Ivo Jana Kofi Lena Mateo Nadia Olek Priya Quinn
    Rosa Sven Tariq Uma Viktor Wen Xenia Yusuf Zora Aisha Bjorn Carmen Dmitri Elif Felix Grace
    Hiro Ines Jonas Kaia Luis Mira Noor Oscar Paula Rafael Sina Tomas Ulla Vera Wanjiru Yara
""")
LAST = _split("""
    Abara Berg Costa Dubois Eklund Fischer Garcia Haddad Ito Jensen Kowalski Lopez Moreau
    Nakamura Okafor Petrov Quispe Rahman Silva Tanaka Umarov Varga Weber Xu Yilmaz Zielinski
    Andersen Bianchi Chavez Dvorak Esposito Fontaine Gupta Horvat Ivanova Kaur Lindqvist Mensah
    Novak Olsen Park Rossi Schmidt Torres Ueda Vasquez Walsh Young
""")
HOSTS = [f"{f} {x}" for f, x in zip(FIRST[::3], LAST[::2], strict=False)]
PREFIXES = ["Ep. {n} - ", "Episode {n}: ", "#{n} ", "Rebroadcast: ", "Listen: ", "Encore: "]
SUFFIXES = [" (encore)", " (repeat)", " [rebroadcast]", " - full episode", " (part 2)"]


def _vocabulary(rng: random.Random, extra: int = 3500) -> list[str]:
    """Common real words first, then invented ones (places, names, jargon) for the long tail."""
    onset = _split("b c d f g h j k l m n p r s t v w z br dr gr kr pl st tr sh ch th")
    vowel = _split("a e i o u ai ea ou")
    coda = ["", "", "n", "r", "l", "s", "m", "th", "nd", "rk"]
    seen = set(COMMON)
    out = list(dict.fromkeys(COMMON))
    while len(out) < len(COMMON) + extra:
        word = "".join(
            rng.choice(onset) + rng.choice(vowel) + rng.choice(coda)
            for _ in range(rng.choice((2, 2, 3)))
        )
        if 4 <= len(word) <= 12 and word not in seen:
            seen.add(word)
            out.append(word)
    return out


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slugify(text: str) -> str:
    keep = "".join(ch.lower() if ch.isalnum() else " " for ch in text)
    return "-".join(keep.split())


def _hex(*parts: object, length: int = 12) -> str:
    return hashlib.sha1("\x00".join(map(str, parts)).encode()).hexdigest()[:length]


def make_episodes(
    n: int, shows: int = 300, seed: int = SEED
) -> tuple[list[dict[str, Any]], list[str]]:
    """`n` episode dicts as the store holds them, spread over ~300 shows and 10 years, and the
    guest named in each (or "")."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1 / (r + 5) for r in range(len(vocab))]  # Zipf: a few common words, a long tail
    cum = list(itertools.accumulate(weights))

    def pick(k: int) -> list[str]:
        return rng.choices(vocab, cum_weights=cum, k=k)

    show_rows = []
    for s in range(shows):
        name = " ".join(w.title() for w in pick(2))
        series = [" ".join(w.title() for w in pick(rng.choice((1, 2)))) for _ in range(3)]
        show_rows.append((_hex("show", s, length=10), _slugify(name) or f"show{s}", series))
    start = datetime(2015, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=3652).total_seconds())
    out: list[dict[str, Any]] = []
    guests: list[str] = []
    counters: Counter[str] = Counter()
    for i in range(n):
        show_id, host_slug, series = rng.choice(show_rows)
        counters[show_id] += 1
        number = counters[show_id]
        guest = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        topic = " ".join(pick(rng.randint(3, 6))).capitalize()
        form = rng.random()
        if form < 0.5:
            title = f"{rng.choice(series)}: {topic} with {guest}"
        elif form < 0.8:
            title = " ".join(pick(rng.randint(5, 8))).title()
            guest = ""
        else:
            title = f"{rng.choice(series)} #{number}: {topic}"
            guest = ""
        host = HOSTS[int(show_id, 16) % len(HOSTS)]
        about = " ".join(pick(rng.randint(8, 15)))
        extra = " ".join(pick(rng.randint(8, 12)))
        description = (
            f"{host} talks with {guest} about {about}. {extra.capitalize()}."
            if guest
            else f"{host} on {about}. {extra.capitalize()}."
        )
        base = f"https://{host_slug}.example.com"
        link = f"{base}/episodes/{_slugify(title)}" if rng.random() < 0.5 else f"{base}/ep/{number}"
        uid = _hex("guid", i, length=32)
        guid = (
            link
            if rng.random() < 0.5
            else f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}"
        )
        out.append(
            {
                "id": _hex(show_id, i),
                "show_id": show_id,
                "title": title,
                "description": description,
                "published": _iso(start + timedelta(seconds=rng.randrange(span))),
                "link": link,
                "guid": guid,
                "credits": [],
            }
        )
        guests.append(guest)
    return out, guests


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letter = rng.choice(string.ascii_lowercase)
    if op == 2:
        return word[:i] + letter + word[i + 1 :]
    return word[:i] + letter + word[i:]


def noisy_title(title: str, rng: random.Random) -> str:
    """A title as a station log or show-notes page would have it."""
    parts = title.split()
    parts = [_typo(w, rng) if rng.random() < 0.15 else w for w in parts]
    if len(parts) > 3 and rng.random() < 0.4:
        del parts[rng.randrange(len(parts))]
    if len(parts) > 2 and rng.random() < 0.2:
        j = rng.randrange(len(parts) - 1)
        parts[j], parts[j + 1] = parts[j + 1], parts[j]
    text = " ".join(parts)
    case = rng.random()
    if case < 0.3:
        text = text.lower()
    elif case < 0.4:
        text = text.upper()
    if rng.random() < 0.3:
        text = rng.choice(PREFIXES).format(n=rng.randint(1, 400)) + text
    if rng.random() < 0.15:
        text += rng.choice(SUFFIXES)
    return text


def make_summaries(
    episodes: list[dict[str, Any]], guests: list[str], n: int, seed: int = SEED + 1
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """`n` summary dicts (the `parse_page` shape, plus id and credits) and summary id → target."""
    rng = random.Random(seed)
    targets = rng.sample(range(len(episodes)), n)  # distinct: the assignment is one-to-one
    out: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for k, t in enumerate(targets):
        ep = episodes[t]
        day = date.fromisoformat(ep["published"][:10])
        title = noisy_title(ep["title"], rng)
        air = day + timedelta(days=rng.randint(-2, 2)) if rng.random() < 0.6 else None
        scraped = day + timedelta(days=rng.randint(1, 700))
        slug = _slugify(title) if rng.random() < 0.5 else ""
        words = ep["description"].split()
        a = rng.randrange(max(1, len(words) - 6))
        body = " ".join(words[a : a + rng.randint(6, 14)]).rstrip(".") + "."
        guest = guests[t] or f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        body += " " + rng.choice(
            [
                f"Our guest this week is {guest}.",
                f"{guest} joins us in the studio.",
                f"With thanks to {guest} for the interview.",
            ]
        )
        sid = _hex("summary", k, length=16)
        truth[sid] = ep["id"]
        out.append(
            {
                "id": sid,
                "title": title,
                "scraped_at": scraped.isoformat(),
                "air_date": air.isoformat() if air else None,
                "slug": slug,
                "slug_date": None,
                "body": body,
                "tags": [],
                "mentions": [],
                "topics": [],
                "credits": [],
            }
        )
    return out, truth


def run_ours(
    episodes: list[dict[str, Any]], docs: list[dict[str, Any]]
) -> tuple[dict[str, float], dict[str, list[match.Candidate]], dict[str, Any]]:
    t0 = time.perf_counter()
    index = match.EpisodeIndex(episodes)
    t1 = time.perf_counter()
    ranked = {doc["id"]: match.rank(doc, index) for doc in docs}
    t2 = time.perf_counter()
    outcome = match.assign(ranked, set(), match.Thresholds())
    t3 = time.perf_counter()
    times = {"index": t1 - t0, "rank": t2 - t1, "assign": t3 - t2, "total": t3 - t0}
    return times, ranked, outcome


def run_baseline(
    days: list[int], titles: list[str], ids: list[str], queries: list[tuple[str, str, int]]
) -> tuple[dict[str, float], dict[str, str]]:
    """extractOne(fuzz.ratio) over the titles within ±3 days; inputs already pre-processed."""
    t0 = time.perf_counter()
    order = sorted(range(len(days)), key=days.__getitem__)
    sdays = [days[i] for i in order]
    stitles = [titles[i] for i in order]
    t1 = time.perf_counter()
    found: dict[str, str] = {}
    for sid, query, day in queries:
        lo = bisect.bisect_left(sdays, day - 3)
        hi = bisect.bisect_right(sdays, day + 3)
        best = process.extractOne(query, stitles[lo:hi], scorer=fuzz.ratio)
        if best is not None:
            found[sid] = ids[order[lo + best[2]]]
    t2 = time.perf_counter()
    return {"setup": t1 - t0, "query": t2 - t1, "total": t2 - t0}, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--summaries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    t = time.perf_counter()
    episodes, guests = make_episodes(args.episodes)
    docs, truth = make_summaries(episodes, guests, args.summaries)
    gen_s = time.perf_counter() - t
    # the baseline's pre-processing, outside its timed region (as in perf-baselines.md)
    days = [date.fromisoformat(e["published"][:10]).toordinal() for e in episodes]
    titles = [default_process(e["title"]) for e in episodes]
    ids = [e["id"] for e in episodes]
    queries = [
        (d["id"], default_process(d["title"]), date.fromisoformat(d["air_date"]).toordinal())
        for d in docs
        if d["air_date"]
    ]

    ours: list[dict[str, float]] = []
    base: list[dict[str, float]] = []
    ranked: dict[str, list[match.Candidate]] = {}
    outcome: dict[str, Any] = {}
    found: dict[str, str] = {}
    for _ in range(args.rounds):
        b, found = run_baseline(days, titles, ids, queries)
        o, ranked, outcome = run_ours(episodes, docs)
        base.append(b)
        ours.append(o)

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    n = len(docs)
    dated = {d["id"] for d in docs if d["air_date"]}
    states = Counter(state for state, _ in outcome.values())
    right = {
        sid for sid, (_s, c) in outcome.items() if c is not None and c.episode_id == truth[sid]
    }
    wrong_auto = sum(
        1 for sid, (s, c) in outcome.items() if s == "auto" and c and c.episode_id != truth[sid]
    )
    rank_top1 = sum(
        1 for sid, cands in ranked.items() if cands and cands[0].episode_id == truth[sid]
    )
    base_right = sum(1 for sid, ep in found.items() if ep == truth[sid])
    ours_total = med(ours, "total")
    base_total = med(base, "total")
    figures = {
        "episodes": len(episodes),
        "summaries": n,
        "summaries_dated": len(dated),
        "rounds": args.rounds,
        "generate_s": round(gen_s, 2),
        "ours_index_s": round(med(ours, "index"), 3),
        "ours_rank_s": round(med(ours, "rank"), 3),
        "ours_assign_s": round(med(ours, "assign"), 3),
        "ours_total_s": round(ours_total, 3),
        "ours_summaries_per_s": round(n / ours_total),
        "ours_top1": round(len(right) / n, 4),
        "ours_top1_dated": round(len(right & dated) / max(1, len(dated)), 4),
        "ours_top1_undated": round(len(right - dated) / max(1, n - len(dated)), 4),
        "ours_rank_top1": round(rank_top1 / n, 4),
        "auto": states["auto"],
        "review": states["review"],
        "unmatched": states["unmatched"],
        "wrong_auto": wrong_auto,
        "baseline_setup_s": round(med(base, "setup"), 3),
        "baseline_total_s": round(base_total, 3),
        "baseline_summaries_per_s": round(len(queries) / base_total),
        "baseline_top1_dated": round(base_right / max(1, len(queries)), 4),
        "baseline_top1_all": round(base_right / n, 4),
        "ratio_ours_over_baseline": round(ours_total / base_total, 1),
        "ratio_per_summary": round((ours_total / n) / (base_total / max(1, len(queries))), 1),
        "target_s": TARGET_SECONDS,
        "meets_target": ours_total < TARGET_SECONDS,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    f = figures
    print(
        f"matching {n} summaries ({len(dated)} with an air date) against {len(episodes)} "
        f"generated episodes, in-process, median of {args.rounds} rounds"
    )
    print(f"{'what':<56}{'seconds':>9}{'summaries/s':>13}{'top-1':>8}")
    print(
        f"{'baseline: extractOne fuzz.ratio, ±3-day block (dated)':<56}"
        f"{f['baseline_total_s']:>9}{f['baseline_summaries_per_s']:>13}"
        f"{f['baseline_top1_dated']:>8.1%}"
    )
    print(f"{'catalog: EpisodeIndex build':<56}{f['ours_index_s']:>9}")
    print(f"{'catalog: match.rank, all summaries':<56}{f['ours_rank_s']:>9}")
    print(f"{'catalog: match.assign':<56}{f['ours_assign_s']:>9}")
    print(
        f"{'catalog: total (index + rank + assign)':<56}"
        f"{f['ours_total_s']:>9}{f['ours_summaries_per_s']:>13}{f['ours_top1']:>8.1%}"
    )
    print(
        "top-1: the episode match.assign gives the summary (auto, or suggested for review) is its "
        "target; baseline: extractOne's pick"
    )
    print(
        f"catalog top-1: {f['ours_top1_dated']:.1%} dated, {f['ours_top1_undated']:.1%} undated "
        f"(rank alone: {f['ours_rank_top1']:.1%}); baseline over all summaries: "
        f"{f['baseline_top1_all']:.1%}"
    )
    print(
        f"states: auto {f['auto']}, review {f['review']}, unmatched {f['unmatched']}; "
        f"wrongly auto-accepted: {f['wrong_auto']}"
    )
    print(
        f"ratio catalog / baseline: {f['ratio_ours_over_baseline']}x total, "
        f"{f['ratio_per_summary']}x per summary handled; target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if f['meets_target'] else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
