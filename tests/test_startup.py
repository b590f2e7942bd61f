"""Start-up stays cheap: what `catalog --help` and `catalog list` on an empty catalog import.

No timings here (bench/startup_bench.py measures them): each command runs in a fresh process
that reports `sys.modules` at exit, and the heavy modules must not be among them. The other tests
guard the means: plain help on every typer app, command annotations evaluated once, and the
pydantic-free conversion of parameter values (catalog.cli.coercion), checked against typer's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer import BadParameter
from typer._coercion import build_runtime_param  # typer's own route, to compare with ours

from catalog.cli import app, coercion

ROOT = Path(__file__).resolve().parent.parent

# Never needed to print help or the version, nor to list an empty catalog.
HEAVY = {
    "feedparser": "feed parsing (ingest only)",
    "lxml": "feed parsing and RSS export",
    "mutagen": "audio tags",
    "rapidfuzz": "summary matching",
    "filelock": "locking (writes only)",
    "pydantic": "typer's value conversion (catalog.cli.coercion avoids it)",
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


def tree() -> tuple[Any, Any]:
    """The click command tree with the fast route installed, and the root's context."""
    root = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="catalog", **root.context_settings)
    coercion.install(root, ctx)
    return root, ctx


def params_of(command: Any, ctx: Any) -> list[Any]:
    found = [*command.params, command.get_help_option(ctx)]
    for sub in getattr(command, "commands", {}).values():
        found += params_of(sub, ctx)
    return found


def test_the_fast_route_is_installed() -> None:
    assert coercion.AVAILABLE, "typer's coercion layer moved: see catalog/cli/coercion.py"
    root, ctx = tree()
    params = params_of(root, ctx)
    fast = [p for p in params if isinstance(p._runtime_param, coercion.FastRuntimeParam)]
    assert len(fast) > 100
    # everything `catalog list` parses, the help options included
    for p in [*params_of(root.commands["list"], ctx), *root.params, root.get_help_option(ctx)]:
        assert isinstance(p._runtime_param, coercion.FastRuntimeParam), p.name


SAMPLES: dict[Any, list[Any]] = {
    str: ["x", "", "ä \udcff", "-", 3],
    bool: [True, False, "true", "no", "", 1],
    int: ["0", "7", "+3", "-1", "007", "1_000", " 4", "x", "1.0", "", "9" * 5000, 5, True, 2.0],
    float: ["30", "1.5", ".5", "1.", "1e3", "-2", "inf", "nan", "1e400", "x", "", 30.0, 2],
    Path: ["a.json", "", "-", ".", "sub/dir/", "nowhere/x.json", Path("p.json")],
}


def outcome(runtime: Any, value: Any, param: Any) -> tuple[str, Any]:
    try:
        result = runtime._coerce_value(value, param=param, ctx=None)
    except BadParameter as exc:
        return "error", exc.format_message()
    return type(result).__name__, result


def test_fast_route_agrees_with_typer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub" / "dir").mkdir(parents=True)
    (tmp_path / "a.json").write_text("{}")
    root, ctx = tree()
    checked = 0
    for param in params_of(root, ctx):
        fast = param._runtime_param
        if not isinstance(fast, coercion.FastRuntimeParam):
            continue
        slow = build_runtime_param(param.type_descriptor)
        annotation = param.type_descriptor.annotation
        item = annotation.__args__[0] if getattr(annotation, "__origin__", None) is list else None
        values = SAMPLES[item or annotation]
        if item is not None:
            values = [[v] for v in values] + [tuple(values[:2]), values[0]]
        for value in values:
            assert outcome(fast, value, param) == outcome(slow, value, param), (param.name, value)
            checked += 1
    assert checked > 500


def test_out_of_range_and_bad_values_keep_typers_messages(cli) -> None:
    result = cli("list", "--limit", "-1", code=2)
    assert "'--limit'" in result.stderr
    assert "greater than or equal to 0" in result.stderr
    assert "valid integer" in cli("list", "--limit", "lots", code=2).stderr
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
