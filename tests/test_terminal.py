"""On a real terminal (a pty through `script`): colour, NO_COLOR, and the pager."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1)")
CATALOG = Path(sys.executable).parent / "catalog"


def on_tty(command: str, db: Path, **env: str) -> str:
    full = dict(os.environ, CATALOG_DB=str(db), **env)
    full.pop("NO_COLOR", None) if "NO_COLOR" not in env else None
    out = subprocess.run(["script", "-qec", f"stty rows 12 cols 100; {command}", "/dev/null"],
                         capture_output=True, text=True, env=full, timeout=60)  # fmt: skip
    return out.stdout


@pytest.fixture
def db(cli, db_path: Path) -> Path:
    cli("ingest", ROOT / "feeds")
    return db_path


COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-9]|9[0-7])m")  # foreground colours, not bold/dim


def test_colour_on_a_terminal_and_none_with_no_color(db: Path) -> None:
    assert COLOUR.search(on_tty(f"{CATALOG} list -n 2", db))
    assert not COLOUR.search(on_tty(f"{CATALOG} list -n 2", db, NO_COLOR="1"))


def test_long_listings_go_through_the_pager(db: Path) -> None:
    paged = on_tty(f"{CATALOG} list", db, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" in paged
    assert "PAGED:" not in on_tty(f"{CATALOG} list --no-pager", db, PAGER="sed s/^/PAGED:/")
    assert "PAGED:" not in on_tty(f"{CATALOG} list -n 3", db, PAGER="sed s/^/PAGED:/")
