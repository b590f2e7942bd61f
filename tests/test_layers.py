"""The package's layers: import-linter's contracts hold (pyproject.toml), and no module
takes part in an import cycle, between siblings or between a package and its modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from conftest import ROOT


def test_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():  # pragma: no cover - installed with the dev extras
        pytest.skip("lint-imports is not installed")
    out = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.find_modules_directly_imported_by(node)):
            if not nxt.startswith("catalog"):
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module.startswith("catalog") and module not in index:
            visit(module)
    return found


def test_no_module_is_in_an_import_cycle() -> None:
    graph = grimp.build_graph("catalog", cache_dir=None)
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "catalog"  # a package of the same name, with one cycle a -> b -> a
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from catalog import b\n")
    (pkg / "b.py").write_text("def f():\n    from catalog import a\n")
    (pkg / "c.py").write_text("import catalog.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "catalog" or m.startswith("catalog.")]:
        monkeypatch.delitem(sys.modules, name)
    graph = grimp.build_graph("catalog", cache_dir=None)
    assert cycles(graph) == [["catalog.a", "catalog.b"]]
    shutil.rmtree(pkg)
