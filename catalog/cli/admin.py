"""Commands about the catalog file itself: migrate between backends."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import ReportJsonFlag, app, emit_json, get_settings, open_store, user_errors
from catalog.core.errors import StoreError, UsageError

_SUFFIX = {"sqlite": ".sqlite", "tinydb": ".json"}


@app.command("migrate")
@user_errors
def migrate(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="The backend to convert to: sqlite or tinydb.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The new catalog file (default: the same name with .sqlite or .json).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    as_json: ReportJsonFlag = False,
) -> None:
    """Copy the catalog into a new file of the other backend, every document unchanged.

    The original file is left as it is; point --db (or $CATALOG_DB) at the new one. SQLite
    answers queries on 100,000 episodes in milliseconds where TinyDB reads the whole file.
    """
    from catalog.store import BACKENDS, copy_catalog
    from catalog.store import open_store as open_path

    settings = get_settings(ctx)
    if to not in BACKENDS:
        raise UsageError(f"--to {to!r}: choose sqlite or tinydb")
    source = open_store(settings, hint=False)
    if source.backend == to:
        raise UsageError(f"{settings.db} is already a {to} catalog")
    if not settings.db.exists():
        raise StoreError(f"{settings.db}: no such catalog")
    target_path = output or settings.db.with_suffix(_SUFFIX[to])
    if target_path.exists():
        raise UsageError(f"{target_path} already exists; choose another --output")
    target = open_path(target_path, to)
    try:
        counts = copy_catalog(source, target)
    except BaseException:
        target.close()
        for leftover in (target_path, *(Path(f"{target_path}{x}") for x in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    for table, n in counts.items():  # read back: every document arrived
        if target.count(table) != n:
            raise StoreError(f"{target_path}: {table} has {target.count(table)} of {n} documents")
    if as_json:
        emit_json({"from": str(settings.db), "to": str(target_path), "backend": to,
                   "counts": counts})  # fmt: skip
        return
    settings.out.print(
        f"{counts['episodes']} episodes, {counts['shows']} shows and "
        f"{sum(counts.values()) - counts['episodes'] - counts['shows']} other records "
        f"copied to {target_path} ({to}); use it with --db {target_path}",
        markup=False,
        highlight=False,
    )
