"""The `catalog` command line: a thin typer client of the pipeline, with one error boundary.

The commands live in submodules, one per group; importing them registers them on `app`.
"""

from __future__ import annotations

import sys

from catalog.cli import admin, audio, browse, episodes, export, people, summaries  # noqa: F401
from catalog.cli.common import app
from catalog.cli.help import plain_help

plain_help(app)

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        sys.stderr.write("interrupted\n")
        sys.exit(130)
