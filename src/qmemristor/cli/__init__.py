"""The ``qmemristor`` command.

Errors in the input (bad values, unknown names, unwritable paths, corrupt files, runs beyond
the memory or work budget of :mod:`qmemristor.limits`) and numerical failures of a run print
one line ``qmemristor: error: ...`` on stderr and exit with code 2; no traceback.  Set
``QMEMRISTOR_DEBUG=1`` to see the traceback of an unexpected failure.
"""

from __future__ import annotations

import os
import sys
import warnings

import typer

from .._version import __version__
from ..errors import DataFileError, NumericalError, ParameterError
from . import memristor, neuron, reservoir
from ._common import new_app
from .reproduce import reproduce

__all__ = ["app", "main"]

app = new_app(
    "Quantum memristors: exact, digital-circuit and neuron simulations, and the figures of "
    "Guo et al., PR Applied 18, 024082 (2022) and the memristive quantum neuron paper."
)
app.add_typer(memristor.app, name="memristor")
app.add_typer(neuron.app, name="neuron")
app.add_typer(reservoir.app, name="reservoir")
app.command("reproduce")(reproduce)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qmemristor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Quantum memristors and memristive quantum neurons."""


def _fail(msg: str, code: int = 2) -> None:
    sys.stderr.write(f"qmemristor: error: {' '.join(str(msg).split())}\n")
    sys.exit(code)


def _warn(caught: list[warnings.WarningMessage]) -> None:
    """Warnings of a successful run, one line each (deduplicated), after its output."""
    seen = set()
    for w in caught:
        line = f"{w.category.__name__}: {' '.join(str(w.message).split())}"
        if line not in seen:
            seen.add(line)
            sys.stderr.write(f"qmemristor: warning: {line}\n")


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning input errors into one line and exit code 2.

    Python warnings raised during a run are collected: printed as one line each after a
    successful run, dropped when the run fails (its error line says what went wrong).
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            rv = app(args=argv, prog_name="qmemristor", standalone_mode=False)
    except typer.TyperException as exc:  # usage errors and bad option values (typer's click)
        if type(exc).__name__ == "NoArgsIsHelpError":  # help was already printed
            sys.exit(0)
        _fail(exc.format_message(), 2)
    except NumericalError as exc:  # before ParameterError: both are ValueErrors
        _fail(f"numerical failure: {exc}", 2)
    except (ParameterError, DataFileError, OSError) as exc:
        _fail(str(exc), 2)
    except MemoryError:
        _fail(
            "out of memory: the run needed more memory than is free (the estimate of "
            "qmemristor.limits missed it); use a smaller run or lower QMEMRISTOR_MAX_BYTES",
            2,
        )
    except typer.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:
        if os.environ.get("QMEMRISTOR_DEBUG"):
            raise
        _fail(f"internal error ({type(exc).__name__}: {exc}); rerun with QMEMRISTOR_DEBUG=1", 1)
    _warn(caught)
    sys.exit(rv if isinstance(rv, int) else 0)
