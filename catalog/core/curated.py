"""Pure rules of a curated show: the fields a definition has, and what a podcast app would
refuse in one (Apple's categories, http(s) links, artwork, language and e-mail forms)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from catalog.core.errors import UsageError
from catalog.core.normalize import clean_line

FIELDS = ("title", "description", "link", "feed_url", "image", "author", "owner_email",
          "language", "category", "explicit", "locked", "query")  # fmt: skip
NAME = re.compile(r"[\w.-]{1,64}")  # a definition's name: letters, digits, '-', '_', '.'

# Apple Podcasts categories and subcategories.
APPLE_CATEGORIES: dict[str, set[str]] = {
    "Arts": {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"},
    "Business": {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing",
                 "Non-Profit"},
    "Comedy": {"Comedy Interviews", "Improv", "Stand-Up"},
    "Education": {"Courses", "How To", "Language Learning", "Self-Improvement"},
    "Fiction": {"Comedy Fiction", "Drama", "Science Fiction"},
    "Government": set(),
    "History": set(),
    "Health & Fitness": {"Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"},
    "Kids & Family": {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"},
    "Leisure": {"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"},
    "Music": {"Music Commentary", "Music History", "Music Interviews"},
    "News": {"Business News", "Daily News", "Entertainment News", "News Commentary",
             "Politics", "Sports News", "Tech News"},
    "Religion & Spirituality": {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"},
    "Science": {"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"},
    "Society & Culture": {"Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"},
    "Sports": {"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf",
               "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
               "Wilderness", "Wrestling"},
    "Technology": set(),
    "True Crime": set(),
    "TV & Film": {"After Shows", "Film History", "Film Interviews", "Film Reviews",
                  "TV Reviews"},
}  # fmt: skip


def parse_category(text: str) -> tuple[str, str | None]:
    """'News/Politics' or 'News > Politics' → ('News', 'Politics'), checked against Apple's list.

    >>> parse_category("news > politics")
    ('News', 'Politics')
    """
    parts = [p.strip() for p in text.replace(">", "/").split("/") if p.strip()]
    if not parts or len(parts) > 2:
        raise ValueError(f"bad category {text!r}: use 'Category' or 'Category/Subcategory'")
    top = next((c for c in APPLE_CATEGORIES if c.lower() == parts[0].lower()), None)
    if top is None:
        raise ValueError(
            f"{parts[0]!r} is not an Apple Podcasts category ({', '.join(APPLE_CATEGORIES)})"
        )
    if len(parts) == 1:
        return top, None
    sub = next((s for s in APPLE_CATEGORIES[top] if s.lower() == parts[1].lower()), None)
    if sub is None:
        raise ValueError(
            f"{parts[1]!r} is not a subcategory of {top!r} "
            f"({', '.join(sorted(APPLE_CATEGORIES[top])) or 'none'})"
        )
    return top, sub


def is_http(url: object) -> bool:
    """An absolute http(s) URL."""
    if not isinstance(url, str) or not url or re.search(r"\s", url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def check(definition: dict[str, Any], *, now: datetime) -> None:
    """Refuse a definition a podcast app would reject, naming the field."""
    missing = [f for f in ("title", "description", "link", "feed_url", "image", "category")
               if not clean_line(definition.get(f))]  # fmt: skip
    if missing:
        raise UsageError(
            f"curated show {definition['name']!r} needs "
            + ", ".join("--" + f.replace("_", "-") for f in missing)
        )
    for key in ("link", "feed_url", "image"):
        if not is_http(definition[key]):
            raise UsageError(
                f"--{key.replace('_', '-')} must be an http(s) URL, not {definition[key]!r}"
            )
    if not re.search(r"\.(jpe?g|png)$", urlpath(definition["image"]), re.I):
        raise UsageError("--image must end in .jpg or .png (Apple's artwork rule)")
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", definition.get("language") or "en"):
        raise UsageError(f"--language {definition['language']!r} is not an ISO 639 code")
    email = definition.get("owner_email")
    if email and not re.fullmatch(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+", email):
        raise UsageError(f"--owner-email {definition['owner_email']!r} is not an e-mail address")
    try:
        parse_category(definition["category"])
    except ValueError as exc:
        raise UsageError(f"--category: {exc}") from None
    if definition.get("query"):
        from catalog.core import query

        query.parse(definition["query"], now=now)


def urlpath(url: str) -> str:
    return urlsplit(url).path
