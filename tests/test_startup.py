"""Start-up stays cheap: what `catalog --help` and `catalog list` on an empty catalog import.

No timings here (bench/startup_bench.py measures them): each command runs in a fresh process
that reports `sys.modules` at exit, and the heavy modules must not be among them. The other tests
guard the means: plain help on every typer app and command annotations evaluated once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from catalog.cli import app

ROOT = Path(__file__).resolve().parent.parent

# Never needed to print help or the version, nor to list an empty catalog.
HEAVY = {
    "feedparser": "feed parsing (ingest only)",
    "lxml": "feed parsing and RSS export",
    "mutagen": "audio tags",
    "rapidfuzz": "summary matching",
    "filelock": "locking (writes only)",
    "pydantic": "typer 0.29's value conversion (typer is kept below it)",
    "typer.rich_utils": "typer's rich help (rich_markup_mode=None)",
    "rich.markdown": "typer's rich help",
    "rich.table": "tables (only when one is printed)",
    "catalog.services.ingest": "ingest",
    "catalog.sources.feeds": "ingest",
    "catalog.core.match": "matching",
    "catalog.ui": "tables and panels",
}
# On top of those, help and --version need no catalog at all, nor rich.
NOT_FOR_HELP = {"rich", "tinydb", "catalog.store.tiny", "catalog.core.query", "platformdirs"}

RUN = """
import json, runpy, sys
out, sys.argv = sys.argv[1], ["catalog", *sys.argv[2:]]
try:
    runpy.run_module("catalog", run_name="__main__", alter_sys=True)
finally:
    with open(out, "w") as fh:
        json.dump(sorted(sys.modules), fh)
"""


def imported_by(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh `catalog ARGS…` process has imported when it exits."""
    out = tmp_path / "modules.json"
    env = dict(os.environ, CATALOG_DB=str(tmp_path / "none" / "catalog.json"), NO_COLOR="1")
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text()))


def offenders(modules: set[str], banned: set[str]) -> list[str]:
    return sorted(m for m in modules if m in banned or m.split(".")[0] in banned)


@pytest.mark.parametrize(
    "args", [("--help",), ("--version",), ("list", "--help"), ("people", "--help")]
)
def test_help_and_version_import_neither_rich_nor_the_catalog(tmp_path: Path, args) -> None:
    modules = imported_by(tmp_path, *args)
    assert "typer" in modules  # the check itself works
    assert offenders(modules, set(HEAVY) | NOT_FOR_HELP) == []


@pytest.mark.parametrize("args", [("list", "--limit", "1"), ("list", "--json")])
def test_list_on_an_empty_catalog_imports_only_what_it_needs(tmp_path: Path, args) -> None:
    modules = imported_by(tmp_path, *args)
    assert {"catalog.store.tiny", "catalog.core.query"} <= modules
    assert offenders(modules, set(HEAVY)) == [], {m: HEAVY.get(m) for m in HEAVY}


def test_show_needs_no_ingest_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "modules.json"
    env = dict(os.environ, CATALOG_DB=str(tmp_path / "catalog.json"))
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(out), "show", "nope"], env=env, cwd=ROOT, check=False
    )
    assert done.returncode == 1  # no such episode
    modules = set(json.loads(out.read_text()))
    assert offenders(modules, {"catalog.services.ingest", "feedparser", "lxml", "pydantic"}) == []


# -- the means ---------------------------------------------------------------------------------


def typers(root: typer.Typer) -> list[typer.Typer]:
    found = [root]
    for group in root.registered_groups:
        assert group.typer_instance is not None
        found += typers(group.typer_instance)
    return found


def test_every_typer_app_has_plain_help() -> None:
    # typer takes rich_markup_mode per Typer instance; one left at its default brings back
    # typer.rich_utils (rich.markdown, markdown_it, pygments…) for that group's help and errors.
    assert [t.info.name for t in typers(app) if t.rich_markup_mode is not None] == []


def test_command_annotations_are_evaluated_once_at_import() -> None:
    # Strings would be evaluated by typer four times per command on every run.
    for t in typers(app):
        for command in t.registered_commands:
            callback = command.callback
            assert callback is not None
            names = [k for k, v in callback.__annotations__.items() if isinstance(v, str)]
            assert names == [], f"{callback.__name__}: string annotations {names}"


def test_out_of_range_and_bad_values_get_typers_messages(cli) -> None:
    result = cli("list", "--limit", "-1", code=2)
    assert "'--limit'" in result.stderr
    assert "-1 is not in the range x>=0" in result.stderr
    assert "'lots' is not a valid int" in cli("list", "--limit", "lots", code=2).stderr
    assert "is a directory" in cli("--db", ROOT, "list", code=2).stderr


def test_startup_bench_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "startup_bench.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "catalog --help" in done.stdout
    assert "python -c pass" in done.stdout


# The console script ends with os._exit once its output is flushed: the exit code and every
# line of output must survive that, and a reader that quits early (`| head`) is no error.
CATALOG = Path(sys.executable).parent / "catalog"


def test_the_console_script_keeps_exit_codes_and_output(tmp_path: Path) -> None:
    env = dict(os.environ, CATALOG_DB=str(tmp_path / "c.json"))
    ingest = subprocess.run([CATALOG, "ingest", ROOT / "feeds"], capture_output=True,
                            text=True, env=env)  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    listed = subprocess.run([CATALOG, "list", "--ids"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0
    ids = listed.stdout.split()
    assert len(ids) >= 10
    assert len(set(ids)) == len(ids)
    assert ids == [ep["id"] for ep in json.loads(subprocess.run(
        [CATALOG, "list", "--json"], capture_output=True, text=True, env=env).stdout)]  # fmt: skip
    usage = subprocess.run([CATALOG, "list", "date:2017-13"], capture_output=True, text=True,
                           env=env)  # fmt: skip
    assert usage.returncode == 2
    assert "no month 13" in usage.stderr
    missing = subprocess.run([CATALOG, "show", "ffffffffffff"], capture_output=True, text=True,
                             env=env)  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ")
    head = subprocess.run(f"{CATALOG} list --ids | head -1", shell=True, capture_output=True,
                          text=True, env=env)  # fmt: skip
    assert head.stdout.strip() == ids[0]
    assert head.stderr == ""  # no "Exception ignored … BrokenPipeError"
