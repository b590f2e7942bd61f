"""Every command of the CLI is behind the one error boundary (`cli.common.user_errors`) and
has help a person can read: `catalog COMMAND --help` works for each."""

from __future__ import annotations

import re
from pathlib import Path
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
GROUPS = [(g.name or "",) for g in app.registered_groups]


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


# Placeholders made from Python types (typer >= 0.26 without a metavar) and typer's own
# brackets and braces: `<str>`, `<list[str]>`, `<int range>`, `{episode}...`, `[[QUERY]...]...`.
PYTHON_LOOKING = re.compile(r"<[^>]*>|range\b|\[\[|\]\.\.\.\]|[{}]|list\[|\bNoneType\b|\bVALUE\b")


def placeholders(text: str) -> list[str]:
    """The usage line and the left column (names and placeholders) of every help row."""
    found = [text.split("\n\n", 1)[0]]
    for line in text.splitlines():
        if line.startswith("  ") and line[2:3] not in (" ", ""):
            found.append(re.split(r"\s{2,}", line.strip())[0])
    return found


@pytest.mark.parametrize("path", [(), *(p for p, _ in COMMANDS), *GROUPS], ids=" ".join)
def test_help_placeholders_are_words_a_person_reads(cli, path: tuple[str, ...]) -> None:
    for chunk in placeholders(cli(*path, "--help").stdout):
        found = PYTHON_LOOKING.search(chunk)
        assert found is None, f"`catalog {' '.join(path)} --help` shows {chunk!r}"


def test_help_placeholders_name_what_to_type(cli) -> None:
    text = " ".join(cli("list", "--help").stdout.split())
    for placeholder in ("catalog list [OPTIONS] [QUERY]...", "--show NAME", "--limit N",
                        "--sort KEY", "--since DATE", "--format TEMPLATE"):  # fmt: skip
        assert placeholder in text
    assert "catalog ingest [OPTIONS] SOURCES..." in cli("ingest", "--help").stdout
    assert "Missing argument 'SOURCES...'" in cli("ingest", code=2).stderr


def test_commands_are_listed_in_groups_in_a_useful_order(cli) -> None:
    text = cli("--help").stdout
    headings = [ln[:-1] for ln in text.splitlines() if ln.endswith(":") and not ln[0].isspace()]
    assert headings[-6:] == ["Feeds and episodes", "People", "Summaries and review",
                             "Audio files", "Export", "Catalog maintenance"]  # fmt: skip
    listed = [ln.split()[0] for ln in text.split("Feeds and episodes:")[1].splitlines()
              if ln.startswith("  ")]  # fmt: skip
    assert listed[:3] == ["ingest", "refresh", "shows"]
    assert listed[-1] == "migrate"
    assert "Other commands" not in text  # every command has its place in cli.help.PANELS
    assert sorted(listed) == sorted({p[0] for p, _c in COMMANDS} | {g[0] for g in GROUPS})


def test_readme_lists_the_commands_in_the_help_order() -> None:
    from catalog.cli.help import PANELS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    usage = readme.split("## Usage", 1)[1].split("```", 1)[0]
    groups = {m[1]: re.findall(r"`(\w+)`", m[2])
              for m in re.finditer(r"^- ([^:]+): (.*)$", usage, re.M)}  # fmt: skip
    assert groups == {panel: list(names) for panel, names in PANELS.items()}


def test_match_help_says_it_reviews_audio_files_too(cli) -> None:
    line = next(ln for ln in cli("--help").stdout.splitlines() if ln.startswith("  match "))
    assert "audio files" in line or "audio" in cli("match", "--help").stdout.split("\n\n")[1]
    assert "audio files" in " ".join(cli("match", "--help").stdout.split())
