"""Shared CLI plumbing: JSON output, messages on stderr, output-path checks."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import typer

from ..io import check_writable_dir

__all__ = ["check_out", "emit_json", "info", "jsonable", "new_app"]


def new_app(help_text: str) -> typer.Typer:
    """A Typer (sub)app with the project's settings: no completion, plain errors, ``-h``."""
    return typer.Typer(
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
    """Validate an output file path before any work is done."""
    if path is None:
        return None
    if path.suffix not in suffixes:
        from ..errors import ParameterError

        raise ParameterError(f"--out must end in {' or '.join(suffixes)} (got {path.name})")
    check_writable_dir(path)
    return path
