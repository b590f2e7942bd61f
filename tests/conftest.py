"""Shared fixtures: a fresh catalog file per test, a CLI runner, paths to fixtures."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner  # noqa: TID251 (tests drive the CLI)

from catalog.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FEEDS = DATA / "feeds"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "bench"))  # feedgen: the generator shared with the benchmarks
CORPUS = SHARED / "corpus"

# In CI ($CI set) property tests use fixed examples: a red build is then reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
# CATALOG_TEST_BACKEND=sqlite runs the CLI tests against SQLite catalogs (see tests/README).
CATALOG_NAME = (
    "catalog.sqlite" if os.environ.get("CATALOG_TEST_BACKEND") == "sqlite" else "catalog.json"
)


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # rich reads COLUMNS lazily; CliRunner streams are not terminals, so no colour codes.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("CATALOG_DB", str(tmp_path / CATALOG_NAME))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The catalog file the CLI uses in this test (via $CATALOG_DB)."""
    return tmp_path / CATALOG_NAME


class Cli:
    """Run `catalog ARGS…` in process; `.json(...)` parses stdout of a --json command."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int | None = 0) -> Any:
        result = self.runner.invoke(app, [str(a) for a in args])
        if code is not None and result.exit_code != code:
            raise AssertionError(
                f"catalog {' '.join(map(str, args))} exited {result.exit_code}, wanted {code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str, code: int | None = 0) -> Any:
        return json.loads(self(*args, "--json", code=code).stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files from today's code: tests/data/golden/*.json "
        "(test_golden.py), tests/data/ui/*.txt (test_ui.py, test_terminal.py)",
    )
