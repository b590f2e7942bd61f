"""Parameter values converted without pydantic, for the plain values a command line carries.

typer 0.29 converts every non-flag parameter value (`--limit 5`, the `--db` path, even an
option's default) through a pydantic TypeAdapter that it builds on first use: importing pydantic
and building the adapters costs ~60 ms per command, more than the rest of `catalog list` on a
small catalog. Our parameters are str, int, float, bool and Path, and lists of them. For those,
a value that is plainly valid is converted here exactly as typer would (the equivalence is
tested); anything else (a malformed or out-of-range number, a bool from an environment variable,
an annotation we do not know) goes to typer's own coercion, so its error messages are unchanged.

This relies on typer internals: a parameter's `type_descriptor` and its lazily built
`_runtime_param` (typer's own cache), and `typer._coercion.RuntimeParam`. `install` checks that
they are there and otherwise does nothing: typer then converts every value itself, only slower.
tests/test_startup.py checks that pydantic stays out of `catalog list` and that both routes agree.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import BadParameter

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
LEAVES = (str, bool, int, float, Path)

try:
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover - another typer: it converts every value itself
    AVAILABLE = False
else:
    AVAILABLE = True

    @dataclass(frozen=True)
    class FastRuntimeParam(RuntimeParam):
        """Plain values converted here; anything else by the runtime typer would have built."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation: Any = self.annotation
            try:
                if get_origin(annotation) is list:
                    if not isinstance(value, list | tuple):
                        raise _Slow
                    (item,) = get_args(annotation)
                    return [self._leaf(v, item, param, ctx) for v in value]
                return self._leaf(value, annotation, param, ctx)
            except _Slow:
                slow = build_runtime_param(param.type_descriptor)
                return slow._coerce_value(value, param=param, ctx=ctx)

        def _leaf(self, value: Any, annotation: Any, param: Any, ctx: Any) -> Any:
            info = self.parameter_info
            if annotation is str and isinstance(value, str):
                return value
            if annotation is bool and isinstance(value, bool):
                return value
            if annotation is int or annotation is float:
                return self._number(value, annotation)
            if annotation is Path and info.path_type is None and isinstance(value, str | Path):
                # what typer does after pydantic's Path(value): the exists/dir_okay/… checks;
                # typer's message names the value as given ("sub/", not "sub")
                try:
                    return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
                except BadParameter:
                    raise _Slow from None
            raise _Slow

        def _number(self, value: Any, kind: type[int] | type[float]) -> int | float:
            info = self.parameter_info
            number: int | float
            if type(value) is int or (kind is float and type(value) is float):
                number = kind(value)
            elif isinstance(value, str) and (_INT if kind is int else _FLOAT).fullmatch(value):
                try:
                    number = kind(value)
                except ValueError:  # more digits than int() takes: typer says what is wrong
                    raise _Slow from None
            else:
                raise _Slow
            if kind is float and not math.isfinite(number):
                raise _Slow
            if info.clamp or (info.min is not None and number < info.min):
                raise _Slow
            if info.max is not None and number > info.max:
                raise _Slow
            return number


class _Slow(Exception):
    """The value is left to typer's own coercion (and its error messages)."""


def handles(descriptor: Any) -> bool:
    """True if the fast route knows this parameter's annotation (plain types, lists of them)."""
    if descriptor.file_annotation is not None or descriptor.parameter_info.parser is not None:
        return False
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation) or (None,)
    return annotation in LEAVES


def install(command: Any, ctx: Any) -> int:
    """Give every plain parameter of a click command tree the fast route; return how many.

    `ctx` is the root's context: the help options (made on first use, then kept) are made
    here with its help option names, which every command's context inherits."""
    if not AVAILABLE:  # pragma: no cover
        return 0
    params = list(getattr(command, "params", ()))
    own_names = getattr(command, "context_settings", {}).get("help_option_names")
    if own_names is None or list(own_names) == list(ctx.help_option_names):
        with contextlib.suppress(AttributeError):
            params.append(command.get_help_option(ctx))
    count = 0
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        # None: typer has not built its converter yet (a missing attribute: another typer)
        built = getattr(param, "_runtime_param", False)
        if built is None and descriptor is not None and handles(descriptor):
            param._runtime_param = FastRuntimeParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
            count += 1
    for sub in getattr(command, "commands", {}).values():
        count += install(sub, ctx)
    return count
