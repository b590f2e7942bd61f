"""Every command of the CLI is behind the one error boundary (`cli.common.user_errors`) and
has help a person can read: `catalog COMMAND --help` works for each."""

from __future__ import annotations

from typing import Any

import pytest
import typer
import typer.main

from catalog.cli import app


def typers(root: typer.Typer, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found: list[tuple[tuple[str, ...], Any]] = []
    for command in root.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.rstrip("_").replace("_", "-")
        found.append(((*path, name), command))
    for group in root.registered_groups:
        assert group.typer_instance is not None
        found += typers(group.typer_instance, (*path, group.name or ""))
    return found


COMMANDS = typers(app)


def test_there_are_commands_to_check() -> None:
    names = {" ".join(path) for path, _c in COMMANDS}
    assert {"ingest", "list", "show", "summaries import", "match review", "export rss"} <= names
    assert len(COMMANDS) >= 30


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_is_behind_the_error_boundary_and_has_help(
    cli, path: tuple[str, ...], command: Any
) -> None:
    assert getattr(command.callback, "__catalog_boundary__", False), (
        f"`catalog {' '.join(path)}` is not decorated with @user_errors"
    )
    text = cli(*path, "--help").stdout
    assert f"catalog {' '.join(path)}" in text.replace("Usage: ", "")
    doc = (command.help or command.callback.__doc__ or "").strip()
    assert doc, f"`catalog {' '.join(path)}` has no help text"
    assert doc.split("\n")[0][:40] in " ".join(text.split())
