"""Pure record writers: the catalog as JSON, JSON Lines or CSV, and reading an export back.

Nothing here opens a file: every writer takes the data and a text stream. JSON and JSONL
carry every stored field and a schema version, so an export is a backup that `read_export`
(and `catalog ingest`) can restore; CSV is a flat sheet for spreadsheets.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from catalog.core.errors import ExportError, FeedError
from catalog.core.flatten import COLUMNS, csv_safe, episode_row
from catalog.core.normalize import UNSAFE_BEYOND_C0, clean_line

# The export must carry the catalog file's schema version; only the constant is used here.
from catalog.core.schema import SCHEMA_VERSION

JSON_FORMAT = "catalog-export"
JSONL_FORMAT = "catalog-export-jsonl"
# Everything `catalog --json` escapes, plus the line and paragraph separators, which some
# JSON Lines readers (Python's `str.splitlines`, JavaScript before ES2019) take as line ends.
_ESCAPE = re.compile(f"{UNSAFE_BEYOND_C0.pattern}|[\u2028\u2029]")
# JSONL record types and the export keys they fill, in the order they are written.
_TYPES = {
    "show": "shows",
    "episode": "episodes",
    "summary": "summaries",
    "person": "people",
    "curated": "curated",
    "decision": "decisions",
    "file": "files",
}
_OPTIONAL = ("people", "curated", "decisions", "files")


def _escape(text: str) -> str:
    """Escape C1 controls, bidi/format marks and line separators in JSON text as \\uXXXX."""
    return _ESCAPE.sub(lambda m: json.dumps(m.group())[1:-1], text)


def _sorted_keys(value: Any) -> Any:
    """The same JSON data with the keys of every object in sorted order."""
    if isinstance(value, Mapping):
        return {str(k): _sorted_keys(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_sorted_keys(v) for v in value]
    return value


def _dumps(value: Any, *, indent: int | None = None) -> str:
    """Deterministic JSON text (keys in the order given), UTF-8 kept, unsafe chars escaped."""
    try:
        text = json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            indent=indent,
            separators=(",", ": ") if indent is not None else (",", ":"),
        )
    except ValueError as exc:  # NaN or infinity: not JSON
        raise ExportError(f"cannot export: {exc}") from None
    return _escape(text)


def _by_id(docs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(docs, key=lambda d: str(d.get("id", "")))


def _episode_order(docs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(
        docs,
        key=lambda d: (
            str(d.get("show_id") or ""),
            str(d.get("published") or ""),
            str(d.get("id", "")),
        ),
    )


def _ordered(
    shows: Iterable[Mapping[str, Any]],
    episodes: Iterable[Mapping[str, Any]],
    summaries: Iterable[Mapping[str, Any]],
    people: Iterable[Mapping[str, Any]] | None,
    curated: Iterable[Mapping[str, Any]] | None,
    rest: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
) -> dict[str, list[Mapping[str, Any]]]:
    """The export's tables in their stable order (optional tables only when given)."""
    tables = {
        "shows": _by_id(shows),
        "episodes": _episode_order(episodes),
        "summaries": _by_id(summaries),
    }
    if people is not None:
        tables["people"] = _by_id(people)
    if curated is not None:
        tables["curated"] = _by_id(curated)
    for table, docs in (rest or {}).items():  # the match log and the audio files
        tables[table] = _by_id(docs)
    return tables


def write_json(
    out: TextIO,
    shows: Iterable[Mapping[str, Any]],
    episodes: Iterable[Mapping[str, Any]],
    summaries: Iterable[Mapping[str, Any]],
    *,
    people: Iterable[Mapping[str, Any]] | None = None,
    curated: Iterable[Mapping[str, Any]] | None = None,
    rest: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
) -> None:
    """Write one JSON document with every stored field: a backup `read_export` restores.

    Shows, summaries, people, curated shows, decisions and files are ordered by id, episodes
    by (show, published, id), keys are sorted, so the same catalog gives the same bytes.
    People and curated shows (and `rest`: "decisions", "files") are included only when given.
    """
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "format": JSON_FORMAT}
    for table, docs in _ordered(shows, episodes, summaries, people, curated, rest).items():
        document[table] = [_sorted_keys(doc) for doc in docs]
    # The header stays first (a reader, or `head`, sees what the file is before the data).
    out.write(_dumps(document, indent=2) + "\n")


def write_jsonl(
    out: TextIO,
    shows: Iterable[Mapping[str, Any]],
    episodes: Iterable[Mapping[str, Any]],
    summaries: Iterable[Mapping[str, Any]],
    *,
    people: Iterable[Mapping[str, Any]] | None = None,
    curated: Iterable[Mapping[str, Any]] | None = None,
    rest: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
) -> None:
    """Write JSON Lines: a header object, then `{"type": …, "data": {…}}` per document.

    Types are "show", "episode", "summary" (and "person", "curated", "decision", "file" when
    those are given), in that order and each in the same stable order as `write_json`.
    """
    out.write(_dumps({"schema_version": SCHEMA_VERSION, "format": JSONL_FORMAT}) + "\n")
    tables = _ordered(shows, episodes, summaries, people, curated, rest)
    kinds = {table: kind for kind, table in _TYPES.items()}
    for table, docs in tables.items():
        for doc in docs:
            out.write(_dumps({"type": kinds[table], "data": _sorted_keys(doc)}) + "\n")


def write_csv(
    out: TextIO, episodes: Iterable[dict[str, Any]], show_titles: Mapping[str, str]
) -> None:
    """Write a header and one row per episode (in the order given), credits flattened.

    Columns are `catalog.records.COLUMNS`. Every cell is made one line of safe text and
    neutralised against formula injection (`=`, `+`, `-`, `@`, tab, CR at the start get a
    leading `'`). Lines end in "\\n"; open the file with `newline=""`.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for ep in episodes:
        row = episode_row(ep, show_titles.get(str(ep.get("show_id") or ""), ""))
        writer.writerow([csv_safe(clean_line(row[column])) for column in COLUMNS])


# -- reading an export back ----------------------------------------------------------------


def _refuse(source: str, reason: str) -> FeedError:
    where = f"{source}: " if source else ""
    return FeedError(f"{where}not a catalog export ({clean_line(reason)[:200]})")


def _check_version(header: Mapping[str, Any], source: str) -> int:
    version = header.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(source, "no valid schema_version")
    if version > SCHEMA_VERSION:
        where = f"{source}: " if source else ""
        raise FeedError(
            f"{where}export schema version {version} is newer than this catalog program "
            f"understands ({SCHEMA_VERSION}); upgrade catalog to read it"
        )
    return version


def _json_error(exc: json.JSONDecodeError, line: int | None = None) -> str:
    where = f"line {line}" if line is not None else f"line {exc.lineno} column {exc.colno}"
    return f"invalid JSON at {where}: {exc.msg}"


def _check_docs(result: dict[str, Any], source: str) -> None:
    """Every document an object with a unique, non-empty string id."""
    for table in ("shows", "episodes", "summaries", *_OPTIONAL):
        if table not in result:
            continue
        docs = result[table]
        if not isinstance(docs, list):
            raise _refuse(source, f"{table!r} is not a list")
        seen: set[str] = set()
        for n, doc in enumerate(docs):
            if not isinstance(doc, dict):
                raise _refuse(source, f"{table}[{n}] is not an object")
            doc_id = doc.get("id")
            if not isinstance(doc_id, str) or not doc_id:
                raise _refuse(source, f"{table}[{n}] has no id")
            if doc_id in seen:
                raise _refuse(source, f"{table} id {doc_id!r} appears twice")
            seen.add(doc_id)
        if table == "episodes":
            for n, doc in enumerate(docs):
                if not isinstance(doc.get("show_id"), str):
                    raise _refuse(source, f"episodes[{n}] has no show_id")


def _read_json(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(source, _json_error(exc)) from None
    if not isinstance(data, dict):
        raise _refuse(source, "not a JSON object")
    if data.get("format") != JSON_FORMAT:
        if "_meta" in data and "episodes" in data:
            raise _refuse(source, "it is a catalog file, not an export of one")
        raise _refuse(source, f'no "format": {JSON_FORMAT!r}')
    version = _check_version(data, source)
    missing = [t for t in ("shows", "episodes", "summaries") if t not in data]
    if missing:
        raise _refuse(source, f"no {missing[0]!r}")
    result: dict[str, Any] = {"schema_version": version}
    for table in ("shows", "episodes", "summaries", *_OPTIONAL):
        if table in data:
            result[table] = data[table]
    return result


def _read_jsonl(lines: list[str], header: Mapping[str, Any], source: str) -> dict[str, Any]:
    version = _check_version(header, source)
    result: dict[str, Any] = {"schema_version": version, "shows": [], "episodes": [],
                              "summaries": []}  # fmt: skip
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _refuse(source, _json_error(exc, number)) from None
        if not isinstance(record, dict) or not isinstance(record.get("data"), dict):
            raise _refuse(source, f'line {number} is not a {{"type", "data"}} record')
        table = _TYPES.get(str(record.get("type")))
        if table is None:
            raise _refuse(source, f"line {number} has unknown type {record.get('type')!r}")
        result.setdefault(table, []).append(record["data"])
    return result


def read_export(data: bytes, *, source: str = "") -> dict[str, Any]:
    """Parse a JSON or JSONL export into {"schema_version", "shows", "episodes", "summaries"}.

    "people", "curated", "decisions" and "files" are included when the export has them.
    Raises `FeedError` with a one-line message (prefixed with `source`, e.g. a file name,
    when given) for anything that is not a catalog export, or that a newer catalog wrote.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(source, "not UTF-8 text") from None
    if not text.strip():
        raise _refuse(source, "empty")
    if not text.lstrip().startswith(("{", "[")):
        raise _refuse(source, "not JSON")
    lines = text.lstrip().split("\n")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        header = None
    if isinstance(header, dict) and header.get("format") == JSONL_FORMAT:
        result = _read_jsonl(lines, header, source)
    else:
        result = _read_json(text, source)
    _check_docs(result, source)
    return result
