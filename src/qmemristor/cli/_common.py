"""Shared CLI plumbing: JSON output, messages on stderr, output-path checks, and the command
class every command uses (repeated options and out-of-range integers are usage errors)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import typer
from typer.core import TyperCommand

from ..io import check_output_file

__all__ = ["Command", "check_out", "emit_json", "info", "jsonable", "new_app", "repeated_options"]

#: Integers handed to NumPy (shots, seeds, sizes) must fit a signed 64-bit integer.
_INT64 = 2**63


def repeated_options(command: Any, args: list[str]) -> list[tuple[str, list[str]]]:
    """Options of ``command`` that ``args`` gives more than once, with the values given.

    Every option of our commands takes one value (or is a flag), so a second occurrence would
    silently replace the first (click keeps the last).  ``args`` are the command's own
    tokens; ``--name=value`` and ``--name value`` both count; a flag's ``--x/--no-x`` pair
    counts as one option; nothing after ``--`` is an option.
    """
    by_name: dict[str, Any] = {}
    for param in command.params:
        if getattr(param, "multiple", False) or getattr(param, "count", False):
            continue
        for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            if name.startswith("-"):
                by_name[name] = param
    seen: dict[str, tuple[str, list[str]]] = {}
    tokens = iter(args)
    for tok in tokens:
        if tok == "--":
            break
        name, eq, inline = tok.partition("=")
        param = by_name.get(name)
        if param is None:
            continue
        if getattr(param, "is_flag", False):
            value = name
        elif eq:
            value = inline
        else:
            value = next(tokens, "")
        seen.setdefault(param.name, (name, []))[1].append(value)
    return [(first, values) for first, values in seen.values() if len(values) > 1]


class Command(TyperCommand):
    """A typer command that refuses repeated options and integers beyond 64 bits.

    Both checks run on every command made by :func:`new_app`, before its body: a repeated
    ``--x`` used to drop all but the last value silently, and a 20-digit ``--shots`` reached
    NumPy as an OverflowError.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for name, values in repeated_options(self, list(args)):
            given = ", ".join(repr(v) for v in values) if values[0] != name else ""
            raise typer.BadParameter(
                f"given {len(values)} times{f' ({given})' if given else ''}; give it once",
                ctx=ctx,
                param_hint=f"'{name}'",
            )
        rest = super().parse_args(ctx, args)
        for param in self.params:
            value = ctx.params.get(param.name)
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _INT64:
                hint = "/".join(getattr(param, "opts", ())) or str(param.name)
                raise typer.BadParameter(
                    f"{value} does not fit a 64-bit integer (|value| < 2^63)",
                    ctx=ctx,
                    param_hint=f"'{hint}'",
                )
        return rest


class _Typer(typer.Typer):
    """Typer whose commands are :class:`Command` unless another class is asked for."""

    def command(self, name: str | None = None, *, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(name, cls=cls or Command, **kwargs)


def new_app(help_text: str) -> typer.Typer:
    """A Typer (sub)app with the project's settings: no completion, plain errors, ``-h``, and
    :class:`Command` for its commands."""
    return _Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def jsonable(v: Any) -> Any:
    """Arrays → lists, NumPy scalars → Python, NaN/inf → null (strict JSON)."""
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v


def emit_json(obj: dict[str, Any]) -> None:
    """Print one strict-JSON object on stdout."""
    sys.stdout.write(json.dumps(jsonable(obj), allow_nan=False) + "\n")


def info(msg: str) -> None:
    """A human message on stderr (stdout stays clean for ``--json``)."""
    typer.echo(msg, err=True)


def check_out(path: Path | None, suffixes: tuple[str, ...] = (".nc",)) -> Path | None:
    """Validate an output file path before any work is done (suffix, folder, name length,
    not a folder; symlinks followed: :func:`qmemristor.io.check_output_file`)."""
    if path is None:
        return None
    if path.suffix not in suffixes:
        from ..errors import ParameterError

        raise ParameterError(f"--out must end in {' or '.join(suffixes)} (got {path.name})")
    check_output_file(path)
    return path
