"""Deterministic generator of large podcast feeds for tests and benchmarks (stdlib only)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

FIRST = [
    "Ada",
    "Bruno",
    "Chen",
    "Dalia",
    "Emeka",
    "Farah",
    "Goran",
    "Hana",
    "Ivo",
    "Jana",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Olek",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
]
LAST = [
    "Abara",
    "Berg",
    "Costa",
    "Dubois",
    "Eklund",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
]
WORDS = [
    "radio",
    "archive",
    "summit",
    "talks",
    "policy",
    "trade",
    "energy",
    "music",
    "history",
    "science",
    "city",
    "river",
    "market",
    "border",
    "election",
    "harvest",
    "festival",
    "ocean",
    "winter",
    "border",
    "satellite",
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def make_feed(
    path: Path,
    items: int,
    *,
    title: str = "Generated Show",
    seed: int = 1,
    prefix: str = "gen",
    title_suffix: str = "",
    paragraphs: int = 4,
) -> Path:
    """Write an RSS 2.0 podcast feed with `items` items (persons, transcripts, HTML notes of
    `paragraphs` paragraphs: with 1, a stored episode takes ~2.6 KB, the corpus's ~2 KB)."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 5, 9, 0, tzinfo=UTC)
    host = "Morgan Host"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>https://gen.example.com/{prefix}/</link>\n"
        "<description>A generated feed.</description>\n<language>en</language>\n"
        f'<podcast:person role="host">{host}</podcast:person>\n'
    ]
    for i in range(items):
        when = start + timedelta(days=i, minutes=rng.randrange(600))
        guest = person(rng)
        words = " ".join(rng.choice(WORDS) for _ in range(5)).title()
        notes = "".join(
            f"<p>{' '.join(rng.choice(WORDS) for _ in range(40))} &amp; more.</p>"
            for _ in range(paragraphs)
        )
        parts.append(
            "<item>\n"
            f"<title>{escape(words)} with {escape(guest)}{escape(title_suffix)}</title>\n"
            f'<guid isPermaLink="false">{prefix}-{i}</guid>\n'
            f"<link>https://gen.example.com/{prefix}/{i}</link>\n"
            f"<pubDate>{format_datetime(when)}</pubDate>\n"
            f"<description><![CDATA[<p>{escape(host)} talks with {escape(guest)}.</p>{notes}]]>"
            "</description>\n"
            f"<enclosure url={quoteattr(f'https://cdn.example.com/{prefix}/{i}.mp3')} "
            f'length="{rng.randrange(10**6, 10**8)}" type="audio/mpeg"/>\n'
            f"<itunes:duration>{rng.randrange(600, 7200)}</itunes:duration>\n"
            f"<itunes:episode>{i + 1}</itunes:episode>\n"
            f'<podcast:person role="host">{host}</podcast:person>\n'
            f'<podcast:person role="guest" href="https://people.example.com/{i}">'
            f"{escape(guest)}</podcast:person>\n"
            f'<podcast:transcript url="https://cdn.example.com/{prefix}/{i}.vtt" '
            'type="text/vtt"/>\n'
            "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


if __name__ == "__main__":
    import sys

    make_feed(Path(sys.argv[1]), int(sys.argv[2]))
