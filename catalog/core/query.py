"""Pure query language for episodes, in the spirit of beets' queries and newsboat's filters.

    words "a phrase"          title, description or summary text contains them (any case/accents)
    field:value               the field contains value      (show title guest host person tag
                                                             mention guid year date duration)
    field:=value              the field equals value
    field::regex              the field matches a regular expression
    date:2017-05..2017-06     a range (either end may be left open: date:2017.., date:..2018)
    date:-30d..               relative to today: d, w, m (months), y
    duration:20m..1h          units s, m, h (a bare number is minutes)
    has:file  has:summary     the episode has an audio file (`catalog scan`), a matched summary
    -field:value  ^word       negation
    guest:davis,guest:leon    OR between terms joined by a comma; terms side by side are ANDed

A malformed term raises QueryError naming it.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from catalog.core.errors import QueryError, UsageError
from catalog.core.normalize import HOST_ROLES, fold, person_key

TEXT_FIELDS = ("show", "title", "guest", "host", "person", "tag", "mention", "guid")
RANGE_FIELDS = ("date", "year", "duration")
FIELDS = (*TEXT_FIELDS, *RANGE_FIELDS, "has")
HAS_VALUES = ("file", "summary")
ALIASES = {"tags": "tag", "mentions": "mention", "people": "person", "guests": "guest",
           "hosts": "host", "published": "date", "length": "duration"}  # fmt: skip
SORT_KEYS = ("date", "title", "show", "duration")

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RELATIVE_RE = re.compile(r"^-(\d+)([dwmy])$")
_DURATION_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$")
_TERM_RE = re.compile(r"^(?P<field>[a-z]+)(?P<op>::|:=|:)(?P<value>.*)$", re.S)


class BadDate(UsageError):
    """A date that is not a day of the calendar: `date:2012-13`, `2012-02-30`."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"bad date {text!r}: {reason}")
        self.text, self.reason = text, reason


def date_bound(text: str, *, end: bool) -> str:
    """An ISO timestamp bound from `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (inclusive at both ends).

    >>> date_bound("2017-05", end=False), date_bound("2017-05", end=True)
    ('2017-05-01T00:00:00Z', '2017-05-31T23:59:59Z')
    """
    match = _DATE_RE.match(text.strip())
    if not match:
        raise UsageError(f"bad date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    if not 1 <= month <= 12:
        raise BadDate(text.strip(), f"no month {month}")
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    day = int(match.group(3)) if match.group(3) else (last if end else 1)
    if not 1 <= day <= last:
        name = f"{calendar.month_name[month]} {year}"
        raise BadDate(text.strip(), f"no day {day} in {name} (it has {last})")
    try:
        value = date(year, month, day)
    except ValueError:  # year 0
        raise BadDate(text.strip(), f"no year {year}") from None
    return value.isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")


@dataclass(frozen=True)
class Term:
    """One condition: a field (None for free text), an operator, a value, and negation."""

    field: str | None
    op: str  # contains | exact | regex | range | has
    value: Any
    negate: bool = False
    text: str = ""


@dataclass
class Query:
    """AND of groups; each group is an OR of terms."""

    groups: list[list[Term]] = field(default_factory=list)

    def matches(self, ep: dict[str, Any], ctx: Context) -> bool:
        """True if the episode satisfies every group."""
        return all(any(_eval(term, ep, ctx) for term in group) for group in self.groups)

    def __bool__(self) -> bool:
        return bool(self.groups)


@dataclass
class Context:
    """What a predicate needs beyond the episode: show titles and summary texts by id, the
    aliases of merged people, and the episodes that have audio files."""

    show_titles: dict[str, str] = field(default_factory=dict)
    summary_text: Mapping[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias key → canonical key
    with_files: set[str] = field(default_factory=set)  # episodes with an audio file


def tokenize(text: str) -> list[str]:
    """Split on spaces outside double quotes; quotes are kept for the term parser.

    >>> tokenize('guest:davis "putin trump" title:"a b"')
    ['guest:davis', '"putin trump"', 'title:"a b"']
    """
    tokens: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch.isspace() and not quoted:
            if buf:
                tokens.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
    if quoted:
        raise QueryError(f"unclosed quote in {text.strip()!r}")
    if buf:
        tokens.append("".join(buf))
    return tokens


def from_args(args: Sequence[str], *, now: datetime) -> Query:
    """A query from command-line arguments: each argument is one term, or several terms
    when it holds field terms separated by spaces; a bare argument with spaces is a phrase."""
    tokens: list[str] = []
    for arg in args:
        arg = arg.strip()
        spaced = re.search(r"\s", arg) is not None
        later_terms = re.search(r"\s[-^]?[a-z]+(?:::|:=|:)", arg)
        if spaced and not later_terms and '"' not in arg:
            head = _TERM_RE.match(arg.lstrip("-^"))
            if head:  # 'guest:=Davis, Joseph': one term whose value has spaces
                prefix = arg[: len(arg) - len(head.group("value"))]
                tokens.append(f'{prefix}"{head.group("value")}"')
            else:
                tokens.append(f'"{arg}"')
        else:
            tokens.extend(tokenize(arg))
    return parse_tokens(tokens, now=now)


def parse(text: str, *, now: datetime) -> Query:
    """Parse a query string."""
    return parse_tokens(tokenize(text), now=now)


def parse_tokens(tokens: Iterable[str], *, now: datetime) -> Query:
    """Parse already split terms (see the module docstring for the syntax)."""
    query = Query()
    for token in tokens:
        alternatives = _split_or(token)
        query.groups.append([_term(alt, now) for alt in alternatives])
    return query


def _split_or(token: str) -> list[str]:
    """'guest:davis,guest:leon' → two terms; a comma inside a value stays put."""
    parts: list[str] = []
    start, quoted = 0, False
    for i, ch in enumerate(token):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted and re.match(r"[-^]?[a-z]+(?:::|:=|:)", token[i + 1 :]):
            parts.append(token[start:i])
            start = i + 1
    parts.append(token[start:])
    if len(parts) > 1 and all(_TERM_RE.match(p.lstrip("-^")) for p in parts):
        return parts
    return [token]


def _unquote(value: str, term: str) -> str:
    if value.startswith('"'):
        if len(value) < 2 or not value.endswith('"'):
            raise QueryError(f"bad term {term!r}: unbalanced quote")
        return value[1:-1]
    return value


def _term(token: str, now: datetime) -> Term:
    raw = token
    negate = token[:1] in {"-", "^"} and len(token) > 1
    if negate:
        token = token[1:]
    match = _TERM_RE.match(token)
    if not match or token.startswith('"'):
        value = _unquote(token, raw)
        if not value.strip():
            raise QueryError(f"bad term {raw!r}: nothing to search for")
        return Term(None, "contains", fold(value), negate, raw)
    name = ALIASES.get(match.group("field"), match.group("field"))
    if name not in FIELDS:
        raise QueryError(
            f"unknown field {match.group('field')!r} in {raw!r} (fields: {', '.join(FIELDS)})"
        )
    value = _unquote(match.group("value"), raw)
    if not value.strip():
        raise QueryError(f"bad term {raw!r}: no value after {name}:")
    op = {"::": "regex", ":=": "exact", ":": "contains"}[match.group("op")]
    if name == "has":
        if op == "regex" or fold(value).strip() not in HAS_VALUES:
            raise QueryError(f"bad term {raw!r}: use {' or '.join('has:' + v for v in HAS_VALUES)}")
        return Term(name, "has", fold(value).strip(), negate, raw)
    if name in RANGE_FIELDS:
        if op == "regex":
            raise QueryError(f"bad term {raw!r}: {name} takes a value or a range, not a regex")
        return Term(name, "range", _range(name, value, raw, now), negate, raw)
    if op == "regex":
        try:
            return Term(name, op, re.compile(value, re.IGNORECASE), negate, raw)
        except re.error as exc:
            raise QueryError(f"bad regular expression in {raw!r}: {exc}") from None
    return Term(name, op, fold(value).strip(), negate, raw)


def _range(name: str, value: str, raw: str, now: datetime) -> tuple[Any, Any]:
    low, sep, high = value.partition("..")
    if not sep:
        low = high = value
    if not low and not high:
        raise QueryError(f"bad term {raw!r}: a range needs at least one end")
    try:
        if name == "duration":
            return (_seconds(low, raw) if low else None, _seconds(high, raw) if high else None)
        if name == "year":
            return (date_bound(low, end=False) if low else None,
                    date_bound(high, end=True) if high else None)  # fmt: skip
        return (_when(low, now, end=False) if low else None,
                _when(high, now, end=True) if high else None)  # fmt: skip
    except BadDate as exc:  # date:2012-13: no month 13
        where = "" if raw.lstrip("-^") == f"{name}:{exc.text}" else f" (in {raw!r})"
        raise QueryError(f"{name}:{exc.text}: {exc.reason}{where}") from None
    except UsageError as exc:
        raise QueryError(f"bad term {raw!r}: {exc}") from None


def when(text: str, now: datetime, *, end: bool) -> str:
    """A date term's bound: `YYYY[-MM[-DD]]`, `-30d` (d, w, m, y), `today` (UsageError else)."""
    return _when(text, now, end=end)


def _when(text: str, now: datetime, *, end: bool) -> str:
    rel = _RELATIVE_RE.match(text)
    if rel:
        n, unit = int(rel.group(1)), rel.group(2)
        days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit] * n
        day = (now - timedelta(days=days)).date()
        return day.isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")
    if text in {"today", "now"}:
        return now.date().isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")
    return date_bound(text, end=end)


def _seconds(text: str, raw: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) * 60
    match = _DURATION_RE.match(text)
    if not match or not any(match.groups()):
        raise UsageError("durations look like 90s, 20m, 1h, 1h30m")
    h, m, s = (float(g) if g else 0.0 for g in match.groups())
    return h * 3600 + m * 60 + s


# -- evaluation ----------------------------------------------------------------------------
def _names(ep: dict[str, Any], role: str) -> list[dict[str, Any]]:
    credits = ep.get("credits") or []
    if role == "host":
        return [c for c in credits if c.get("role") in HOST_ROLES]
    if role == "guest":
        return [c for c in credits if c.get("role") == "guest"]
    return list(credits)


def _text_values(name: str, ep: dict[str, Any], ctx: Context) -> list[str]:
    if name == "show":
        return [ctx.show_titles.get(ep.get("show_id") or "", ""), ep.get("show_id") or ""]
    if name == "title":
        return [ep.get("title") or ""]
    if name == "guid":
        return [ep.get("guid") or ""]
    if name in {"tag", "mention"}:
        values = list(ep.get("mentions") or [])
        if name == "tag":
            values += list(ep.get("topics") or []) + list(ep.get("keywords") or [])
        return values
    return [c.get("name") or "" for c in _names(ep, name)]


_key_of = functools.lru_cache(maxsize=256)(person_key)  # a term's key, once per query


def _name_test(term: Term, ep: dict[str, Any], ctx: Context) -> bool:
    """A name term: the same person by key (through merged aliases), or, unless exact, a part
    of a credited name ("davis")."""
    key = _key_of(term.value)
    key = ctx.aliases.get(key, key)
    for credit in _names(ep, term.field or "person"):
        credit_key = credit.get("key") or person_key(credit.get("name") or "")
        if ctx.aliases.get(credit_key, credit_key) == key:
            return True
        if term.op == "contains" and term.value in fold(credit.get("name") or ""):
            return True
    return False


def _eval(term: Term, ep: dict[str, Any], ctx: Context) -> bool:
    return _test(term, ep, ctx) != term.negate


def _test(term: Term, ep: dict[str, Any], ctx: Context) -> bool:
    if term.field is None:  # each text on its own: a phrase never spans two of them
        texts = (ep.get("title"), ep.get("description"),
                 ctx.summary_text.get(ep.get("summary_id") or ""))  # fmt: skip
        return any(term.value in fold(t) for t in texts if t)
    if term.op == "has":
        if term.value == "file":
            return ep.get("id") in ctx.with_files
        return bool(ep.get("summary_id"))
    if term.op == "range":
        low, high = term.value
        if term.field == "duration":
            value = ep.get("duration")
            if not isinstance(value, int | float):
                return False
            return (low is None or value >= low) and (high is None or value <= high)
        published = ep.get("published")
        if not published:
            return False
        return (low is None or published >= low) and (high is None or published <= high)
    if term.field in {"guest", "host", "person"} and term.op != "regex":
        return _name_test(term, ep, ctx)
    values = _text_values(term.field, ep, ctx)
    if term.op == "regex":
        return any(term.value.search(v) for v in values)
    if term.op == "exact":
        return any(fold(v) == term.value for v in values)
    return any(term.value in fold(v) for v in values)


# -- plans: what an indexed store may use to narrow the candidates ------------------------
@dataclass(frozen=True)
class Cond:
    """A condition every episode matching a term satisfies (a superset, never narrower).

    kind "shows": show_id in `shows`; "date"/"duration": the value within low..high;
    "person": a credit in role class `role` (host, guest or person) whose key is one of `keys`
    or whose folded name contains `like`; "text": the folded title or description (or, unless
    `title_only`, the matched summary) contains `text` (3 characters or more).
    """

    kind: str
    shows: frozenset[str] = frozenset()
    low: Any = None
    high: Any = None
    role: str = ""
    keys: frozenset[str] = frozenset()
    like: str | None = None
    text: str = ""
    title_only: bool = False


@dataclass
class Plan:
    """AND of groups, each an OR of conditions; an episode the query matches satisfies it."""

    groups: list[list[Cond]] = field(default_factory=list)


def plan(query: Query, ctx: Context) -> Plan:
    """The conditions an indexed store can check before the query's own predicate.

    Groups with a term that has no condition (negations, regexes on text, tags, guids, short
    words) are left out: the plan only narrows, and the predicate decides.
    """
    out = Plan()
    for group in query.groups:
        conds = [_cond(term, ctx) for term in group]
        if conds and all(c is not None for c in conds):
            out.groups.append([c for c in conds if c is not None])
    return out


def _cond(term: Term, ctx: Context) -> Cond | None:
    if term.negate:
        return None
    if term.field is None or (term.field == "title" and term.op != "regex"):
        if len(term.value) < 3:
            return None
        return Cond("text", text=term.value, title_only=term.field == "title")
    if term.op == "range":
        low, high = term.value
        return Cond("duration" if term.field == "duration" else "date", low=low, high=high)
    if term.field == "show":
        probe = {"show_id": ""}
        ids = frozenset(
            sid for sid in ctx.show_titles if _test(term, dict(probe, show_id=sid), ctx)
        )
        return Cond("shows", shows=ids)
    if term.field in {"guest", "host", "person"} and term.op != "regex":
        key = person_key(term.value)
        key = ctx.aliases.get(key, key)
        keys = {key} | {alias for alias, canon in ctx.aliases.items() if canon == key}
        like = term.value if term.op == "contains" else None
        return Cond("person", role=term.field, keys=frozenset(keys), like=like)
    return None


# -- sorting -------------------------------------------------------------------------------
def parse_sort(specs: Sequence[str]) -> list[tuple[str, bool]]:
    """'date-' / 'title+' (several keys allowed) → [(key, descending)]."""
    out: list[tuple[str, bool]] = []
    for spec in specs:
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            descending = part.endswith("-")
            key = part.rstrip("+-")
            if key not in SORT_KEYS:
                raise UsageError(
                    f"cannot sort by {key!r}: use {', '.join(SORT_KEYS)} "
                    "with + (ascending) or - (descending)"
                )
            out.append((key, descending))
    return out or [("date", True)]


def sort_episodes(
    episodes: Iterable[dict[str, Any]], keys: list[tuple[str, bool]], ctx: Context
) -> list[dict[str, Any]]:
    """Sort by several keys (stable sorts, last key first); missing values sort last."""
    eps = list(episodes)
    extractors: dict[str, Callable[[dict[str, Any]], Any]] = {
        "date": lambda e: e.get("published") or "",
        "title": lambda e: fold(e.get("title") or ""),
        "show": lambda e: fold(ctx.show_titles.get(e.get("show_id") or "", "")),
        "duration": lambda e: e.get("duration") or 0,
    }
    eps.sort(key=lambda e: e.get("id") or "")
    for key, descending in reversed(keys):
        eps.sort(key=extractors[key], reverse=descending)
        eps.sort(key=functools.partial(_missing, key=key))  # stable: the missing go last
    return eps


def _missing(ep: dict[str, Any], *, key: str) -> bool:
    if key == "show":
        return not ep.get("show_id")
    return ep.get({"date": "published"}.get(key, key)) in (None, "")


def newest_first(episodes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Episodes sorted by date, newest first; undated ones last, then by title."""
    eps = list(episodes)
    eps.sort(key=lambda e: (e.get("title") or "").casefold())
    eps.sort(key=lambda e: e.get("published") or "", reverse=True)
    return eps
