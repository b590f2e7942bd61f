"""Pure reading of the dates on scraped pages: calendar dates in prose, and clock lines.

A clock line is the page's own time stamp, in the many forms of the Sputnik family:
"04:01 GMT07 March 2021" (the date glued to the zone), "11:08 GMT +322 December 2021" (an
offset of +3 glued to the 22nd), "11:08 GMT +3 22 December 2021", "11:08 22.12.2021",
"22.12.2021 11:08", "11:08 GMT 22.12.2021 (updated 14:20 GMT 22.12.2021)". Numeric dates are
day first (the family's order) unless the first number cannot be a month's day.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    m: i + 1
    for i, names in enumerate([
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ])
    for m in names
}  # fmt: skip
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MON})\.?,?\s+(?P<y>\d{{4}})", re.I),
    re.compile(rf"(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I),
]
# A whole date, anchored: a clock line is nothing but a time, a zone, an offset and a date.
_CLOCK_DATE = re.compile(
    rf"(?:(?P<d>\d{{1,2}})\s*(?P<mon>{_MON})[a-z]*\.?,?\s+(?P<y>\d{{4}})"
    rf"|(?P<mon2>{_MON})[a-z]*\.?\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{4}})"
    r"|(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y3>\d{4})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{1,2})-(?P<d4>\d{1,2}))",
    re.I,
)
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
_ZONE = r"(?:GMT|UTC|MSK|CET|CEST|EET|EEST|[ECMP][SD]T|BST|IST)"
_SIGN = "+\\-\u2212"
# time, zone, then whatever follows: an offset (maybe glued to the day) and the date
_TIME_FIRST = re.compile(rf"{_TIME}\s*,?\s*(?:{_ZONE})?\s*(?P<rest>.*)", re.I)
_DATE_FIRST_TAIL = re.compile(
    rf"\s*,?\s*(?:at\s+)?{_TIME}\s*(?:{_ZONE})?\s*(?:[{_SIGN}]\s?\d{{1,2}}(?::?\d{{2}})?)?\s*",
    re.I,
)
_UPDATED = re.compile(r"\s*[(\[]?\s*(?:updated|last updated|modified)\b.*$", re.I)
_OFFSET = re.compile(rf"[{_SIGN}]\s?(?P<digits>\d{{1,4}})(?P<minutes>:\d{{2}})?")


def _iso(y: str, m: int, d: str) -> str | None:
    try:
        return date(int(y), m, int(d)).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first calendar date in a text, as YYYY-MM-DD.

    >>> parse_date("Aired March 14, 2017"), parse_date("07 March 2021"), parse_date("2017-5-10")
    ('2017-03-14', '2021-03-07', '2017-05-10')
    """
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
        value = _iso(parts["y"], month, parts["d"])
        if value is None:
            continue
        if best is None or match.start() < best[0]:
            best = (match.start(), value)
    return best[1] if best else None


def _whole_date(text: str) -> tuple[str, int] | None:
    """(ISO date, digits in its day) if `text` is one date and nothing else."""
    found = _CLOCK_DATE.fullmatch(text.strip().rstrip("."))
    if found is None:
        return None
    g = found.groupdict()
    if g["d"]:
        return _dated(g["y"], MONTHS[g["mon"].lower()], g["d"])
    if g["d2"]:
        return _dated(g["y2"], MONTHS[g["mon2"].lower()], g["d2"])
    if g["a"]:
        first, second = int(g["a"]), int(g["b"])
        day, month = (g["b"], first) if second > 12 else (g["a"], second)  # day first, as a rule
        return _dated(g["y3"], month, day)
    return _dated(g["y4"], int(g["m4"]), g["d4"])


def _dated(y: str, month: int, day: str) -> tuple[str, int] | None:
    value = _iso(y, month, day) if 1 <= month <= 12 else None
    return (value, len(day)) if value else None


def parse_clock(line: str) -> str | None:
    """The date of a clock line (YYYY-MM-DD), or None if the line is not one.

    >>> parse_clock("04:01 GMT07 March 2021"), parse_clock("11:08 GMT +322 December 2021")
    ('2021-03-07', '2021-12-22')
    >>> parse_clock("22.12.2021 11:08"), parse_clock("11:08 GMT 22.12.2021 (updated 14:20)")
    ('2021-12-22', '2021-12-22')
    >>> parse_clock("Lavrov meets Tillerson at 11:08"), parse_clock("11:08 GMT")
    (None, None)
    """
    text = _UPDATED.sub("", line.strip())
    if len(text) > 60:
        return None
    head = _TIME_FIRST.fullmatch(text)
    if head is not None:
        return _date_after_time(head.group("rest"))
    # date first: "22.12.2021 11:08", "22 December 2021, 11:08 GMT"
    for cut in range(len(text), 0, -1):
        if _DATE_FIRST_TAIL.fullmatch(text, cut) and cut < len(text):
            found = _whole_date(text[:cut])
            if found:
                return found[0]
    return None


def _date_after_time(rest: str) -> str | None:
    """The date in what follows a clock's time: maybe after an offset glued to its day."""
    rest = rest.strip()
    offset = _OFFSET.match(rest)
    if offset is None:
        found = _whole_date(rest)
        return found[0] if found else None
    digits, after = offset.group("digits"), rest[offset.end() :]
    if offset.group("minutes") or not after[:1].isalnum():
        found = _whole_date(after)  # "+03:00 22.12.2021", "+3 22 December 2021"
        if found or offset.group("minutes"):
            return found[0] if found else None
    # The offset's hours and the day may be one run of digits ("+322"): try each split and
    # keep a valid one, a two-digit day first (the family writes "07 March").
    readings: list[tuple[str, int]] = []
    for hours in (1, 2):
        if hours > len(digits) or int(digits[:hours]) > 14:
            continue
        found = _whole_date(digits[hours:] + after)
        if found:
            readings.append(found)
    if not readings:
        return None
    readings.sort(key=lambda r: r[1] != 2)
    return readings[0][0]
