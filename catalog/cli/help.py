"""How `--help` reads: placeholders a person understands, and the commands in groups.

typer (0.26 and later) prints a placeholder made from the Python type when a parameter has no
`metavar` (`<str>`, `<int range>`, `{episode}...`), and lists commands in the order the
modules happened to register them. `CatalogCommand` gives every parameter without an explicit
`metavar` a plain one (`--top N`, `--title TEXT`, `EPISODE...`) and writes the usage line
without typer's braces; `CatalogGroup` lists the top-level commands by `PANELS`.
tests/test_cli_surface.py walks every command's help and fails on a Python-looking one.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

# The top-level commands, in the order `catalog --help` and the README list them.
PANELS: dict[str, tuple[str, ...]] = {
    "Feeds and episodes": ("ingest", "refresh", "shows", "list", "show", "stats"),
    "People": ("guest", "person", "people", "credit"),
    "Summaries and review": ("summaries", "match"),
    "Audio files": ("scan", "tag"),
    "Export": ("export", "curate"),
    "Catalog maintenance": ("migrate",),
}
OTHER_PANEL = "Other commands"

# Placeholders by option, for the options that set no metavar: one word for the same option
# on every command (`--show NAME` on list, people and summaries import alike).
BY_OPTION = {
    "--backend": "BACKEND", "--to": "BACKEND", "--output": "FILE", "--db": "FILE",
    "--show": "NAME", "--guest": "NAME", "--host": "NAME", "--person": "NAME",
    "--since": "DATE", "--until": "DATE", "--search": "WORDS", "--sort": "KEY",
    "--limit": "N", "--offset": "N", "--top": "N", "--format": "TEMPLATE",
    "--timeout": "SECONDS", "--max-mb": "MB", "--auto": "SCORE", "--review": "SCORE",
    "--min": "SCORE", "--title": "TEXT", "--description": "TEXT", "--link": "URL",
    "--feed-url": "URL", "--image": "URL", "--website": "URL", "--author": "NAME",
    "--owner-email": "EMAIL", "--language": "CODE", "--category": "CATEGORY",
    "--query": "QUERY", "--role": "ROLE", "--bio": "TEXT", "--state": "STATE",
}  # fmt: skip

# Else by click type name, for options that set no metavar.
_BY_TYPE = {"int": "N", "int range": "N", "integer": "N", "integer range": "N",
            "float": "NUMBER", "float range": "NUMBER", "path": "PATH", "file": "FILE",
            "str": "TEXT", "text": "TEXT"}  # fmt: skip


def plain_metavars(params: list[Any]) -> None:
    """Give each parameter without an explicit `metavar` a plain placeholder."""
    for param in params:
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        if param.param_type_name == "argument":
            name = (param.name or "value").upper()
            param.metavar = name + ("..." if param.nargs != 1 else "")
        elif param.param_type_name == "option" and not getattr(param, "count", False):
            long = max(param.opts, key=len)
            param.metavar = BY_OPTION.get(long) or _BY_TYPE.get(param.type.name, "VALUE")


class CatalogCommand(TyperCommand):
    """A command whose help shows plain placeholders (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_metavars(self.params)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] SOURCE...` and `[QUERY]...`: typer would write `{SOURCE...}`."""
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument" and param.metavar:
                metavar = param.metavar
                optional = not param.required and not metavar.startswith("[")
                pieces.append(f"[{metavar}]" if optional else metavar)
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class CatalogGroup(TyperGroup):
    """The `catalog` group: its commands listed in `PANELS`' order, under their panel's
    heading; one missing from `PANELS` goes last, under "Other commands"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_metavars(self.params)

    def list_commands(self, ctx: Any) -> list[str]:
        order = [name for names in PANELS.values() for name in names]
        known = [name for name in order if name in self.commands]
        return known + [name for name in self.commands if name not in order]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows: dict[str, list[tuple[str, str]]] = {}
        commands = [(n, self.commands[n]) for n in self.list_commands(ctx)]
        commands = [(n, c) for n, c in commands if not c.hidden]
        if not commands:
            return
        widest = max(len(name) for name, _ in commands)
        limit = formatter.width - 6 - widest
        panel_of = {name: panel for panel, names in PANELS.items() for name in names}
        for name, command in commands:  # names padded: one column across the panels
            panel = panel_of.get(name, OTHER_PANEL)
            short = command.get_short_help_str(limit)
            rows.setdefault(panel, []).append((name.ljust(widest), short))
        for panel in [*PANELS, OTHER_PANEL]:
            if panel in rows:
                with formatter.section(panel):
                    formatter.write_dl(rows[panel])


def plain_help(typer_app: Any) -> None:
    """Make every command registered on `typer_app` (and its sub-apps) a `CatalogCommand`,
    unless it chose its own class, which must then be one (QueryCommand is)."""
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = CatalogCommand
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            plain_help(group.typer_instance)
