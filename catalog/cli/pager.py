"""Long output through a pager, as git does it.

Output taller than the terminal goes to `$PAGER` (else `less`); piped output, `--no-pager`
and `PAGER=cat` (or empty) print directly. When `LESS` is unset the pager gets `LESS=FRX`
(colours shown, short output does not wait for `q`, the screen is not cleared) and, when
`LV` is unset, `LV=-c`. A user's own `LESS` is kept; when it lacks `-R`/`-r`, less would
show colour codes as `ESC[1m`, so the pager gets the text without them. Everything is drawn
at the terminal's width, so rows do not wrap inside the pager.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from catalog.cli.common import Settings

NoPager = Annotated[bool, typer.Option("--no-pager", help="Never use a pager.")]

SGR = re.compile(r"\x1b\[[0-9;]*m")
# less options whose argument follows the letter in the same word (`-Pprompt`, `-x4`)
_LESS_ARGUMENT = set("bDhjkoOpPtTxyz#")


def less_shows_colour(value: str) -> bool:
    """Whether a `LESS` value lets less draw colour codes (`-R`, `-r` or their long names).

    >>> [less_shows_colour(v) for v in ("FRX", "-R", "-i -M", "--RAW-CONTROL-CHARS", "-Pr>")]
    [True, True, False, True, False]
    """
    for word in value.split():
        if word.startswith("--"):
            if word[2:].lower().startswith("raw-control-chars"):
                return True
            continue
        if word.startswith("+"):
            continue
        for letter in word.lstrip("-"):
            if letter in "rR":
                return True
            if letter in _LESS_ARGUMENT:
                break
    return False


def pager_command(environ: dict[str, str]) -> tuple[str, dict[str, str], bool] | None:
    """The pager to run, its environment and whether it shows colour; None for no pager."""
    import shlex

    command = environ.get("PAGER", "less").strip()
    if command in ("", "cat"):
        return None
    env = dict(environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    try:
        program = os.path.basename(shlex.split(command)[0])
    except (ValueError, IndexError):
        program = command
    colour = program != "less" or less_shows_colour(env["LESS"])
    return command, env, colour


def page(settings: Settings, renderable: Any, *, no_pager: bool = False) -> None:
    """Print `renderable`; through the pager when it is taller than the terminal."""
    out = settings.out
    pager = None if no_pager or not out.is_terminal else pager_command(dict(os.environ))
    if pager is None:
        out.print(renderable, crop=False)
        return
    with out.capture() as captured:
        out.print(renderable, crop=False)
    text = captured.get()
    if text.count("\n") < out.height:  # it fits (the prompt line included)
        out.file.write(text)
        out.file.flush()
        return
    command, env, colour = pager
    if not colour:
        text = SGR.sub("", text)
    _run(command, env, text, out)


def _run(command: str, env: dict[str, str], text: str, out: Any) -> None:
    import contextlib
    import subprocess

    encoding = getattr(out.file, "encoding", None) or "utf-8"
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        out.file.write(text)
        return
    assert proc.stdin is not None
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):  # the reader quit early
        proc.stdin.write(text.encode(encoding, errors="replace"))
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.close()
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:  # less handles ^C itself; wait for it to end
            continue
    if code == 127:  # the shell found no such pager: print instead
        out.file.write(text)
        out.file.flush()
