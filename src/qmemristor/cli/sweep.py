"""``qmemristor neuron sweep``: resumable parameter maps of the neuron (span, frequency, regime).

Mounted on the ``neuron`` group by ``cli/neuron.py``.  Everything is validated (axes, fixed
parameters, output paths, an existing store's identity) before any point is computed.
"""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import numpy as np
import typer

from ._common import emit_json, info


class Initial(str, Enum):
    equilibrium = "equilibrium"
    rest = "rest"


class Method(str, Enum):
    integrate = "integrate"
    orbits = "orbits"


class Protocol(str, Enum):
    stationary = "stationary"
    paper = "paper"


#: The measured accuracy at the default rtol, as qmemristor.sweeps.neuron.ACCURACY states it
#: (kept in step by tests/cli/test_sweep_cli.py; not imported, to keep start-up light).
RTOL_HELP = (
    "Relative tolerance of the integrator (3e-5: settled spans within 2.4e-05 of SciPy's in "
    "every case measured, ~1e-3 relative next to a Hopf point)."
)


_FIXED = {
    "v_in": typer.Option(None, "--v-in", help="Input bias V_in (default 0.23)."),
    "r_m": typer.Option(None, "--r-m", help="Load resistance R_m ≥ 0 (default 5)."),
    "gamma": typer.Option(None, "--gamma", help="Dephasing rate Γ ≥ 0 (default 0.1)."),
    "alpha": typer.Option(None, "--alpha", help="α = γ_T/γ_φ ∈ [0, 2] (default 1)."),
    "z_t": typer.Option(None, "--z-t", help="Thermal polarisation Z_T ∈ [0, 1] (default 1)."),
    "omega": typer.Option(None, "--omega", help="Qubit frequency Ω (default 7)."),
    "l": typer.Option(None, "--l", help="Oscillator width l > 0 (default 0.5)."),
    "x0": typer.Option(None, "--x0", help="Shuttle offset x0 (default 0.8)."),
    "lam": typer.Option(None, "--lam", help="Tunnelling length λ > 0 (default 0.13)."),
}


def sweep(
    x: str = typer.Option(
        ..., "--x", help="First axis NAME=START:STOP:NUM (inclusive, like numpy.linspace)."
    ),
    y: str | None = typer.Option(None, "--y", help="Optional second axis NAME=START:STOP:NUM."),
    v_in: float | None = _FIXED["v_in"],
    r_m: float | None = _FIXED["r_m"],
    gamma: float | None = _FIXED["gamma"],
    alpha: float | None = _FIXED["alpha"],
    z_t: float | None = _FIXED["z_t"],
    omega: float | None = _FIXED["omega"],
    l: float | None = _FIXED["l"],
    x0: float | None = _FIXED["x0"],
    lam: float | None = _FIXED["lam"],
    protocol: Protocol = typer.Option(
        Protocol.stationary,
        "--protocol",
        help="stationary: each point runs window by window until the extremes of V agree over "
        "three windows (windows and cap scale with its slowest relaxation time; points that do "
        "not settle get status 5); paper: Paper N's fixed duration, second half kept.",
    ),
    t_end: float | None = typer.Option(
        None,
        "--t-end",
        help="paper: the integration time (default 1500); stationary: the longest run of any "
        "point (default 30000).",
    ),
    dt_out: float = typer.Option(0.05, "--dt-out", help="Sampling step of V in the window."),
    rtol: float = typer.Option(3e-5, "--rtol", help=RTOL_HELP),
    initial: Initial = typer.Option(
        Initial.equilibrium,
        "--initial",
        help="Initial state: the smallest-|V| equilibrium + 1e-3·(1,0,0,1)/√2 (as `neuron "
        "simulate`), or rest = (0, 0, Z_T, 0).",
    ),
    chunk_size: int = typer.Option(
        100, "--chunk-size", help="Points per chunk (unit of work and of resumption)."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Zarr store (.zarr); an existing store of the same sweep is resumed."
    ),
    netcdf: Path | None = typer.Option(
        None, "--netcdf", help="Also write the finished dataset to this .nc file."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run on an existing Dask cluster (tcp://HOST:PORT)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Start a local Dask cluster with N worker processes."
    ),
    method: Method = typer.Option(
        Method.integrate,
        "--method",
        help="integrate: every point by integration; orbits: the cycle born at each Hopf point "
        "of every --x line, continued at the grid values (exact stationary spans, checked by a "
        "short integration; other attractors and points without a cycle are integrated and get "
        "status 6/7).  Same variables; chunks hold whole --x lines.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON summary on stdout."),
) -> None:
    """Map span, frequency, regime and mean V of the neuron over one or two parameters.

    Each point is integrated from the --initial state until stationary (or, with --protocol
    paper, to --t-end); span, regime, frequency and V_mean describe its last window (the
    second half).  Results stream into the zarr store chunk by chunk, so an interrupted sweep
    (even killed) continues where it stopped when the same command is run again.
    """
    from ..errors import ParameterError
    from ..io import check_writable_dir
    from ..sweeps.runner import DaskExecutor, LocalExecutor, make_sweep, run_sweep
    from ..sweeps.store import SweepStore, check_store_path

    given = {
        "v_in": v_in, "r_m": r_m, "gamma": gamma, "alpha": alpha, "z_t": z_t,
        "omega": omega, "l": l, "x0": x0, "lam": lam,
    }  # fmt: skip
    fixed = {k: v for k, v in given.items() if v is not None}
    if scheduler is not None and workers is not None:
        raise ParameterError("give either --scheduler or --workers, not both")
    if workers is not None and workers < 1:
        raise ParameterError(f"--workers must be ≥ 1 (got {workers})")
    if chunk_size < 1:
        raise ParameterError(f"--chunk-size must be ≥ 1 (got {chunk_size})")
    axes = [x] if y is None else [x, y]
    options = {
        "protocol": protocol.value,
        "t_end": t_end,
        "dt_out": dt_out,
        "rtol": rtol,
        "initial": initial.value,
    }
    model_name, chunk = "neuron", None
    if method is Method.orbits:
        from ..neuron.model import PARAM_NAMES
        from ..sweeps.grid import parse_axis

        first = parse_axis(x)
        if first.name not in PARAM_NAMES:
            raise ParameterError(
                f"--method orbits continues cycles along --x, which must be one of "
                f"{', '.join(PARAM_NAMES)} (got {first.name!r})"
            )
        if initial is not Initial.equilibrium:
            raise ParameterError(
                "--method orbits starts from the perturbed equilibrium: use --initial "
                "equilibrium (or --method integrate)"
            )
        model_name = "neuron-orbits"
        options["continue_in"] = first.name
        chunk = (first.num,) if y is None else (first.num, max(1, chunk_size // first.num))
    spec = make_sweep(
        model_name, axes, fixed=fixed, options=options, chunk=chunk, chunk_points=chunk_size
    )
    check_store_path(out)
    if netcdf is not None:
        if netcdf.suffix != ".nc":
            raise ParameterError(f"--netcdf must end in .nc (got {netcdf.name})")
        check_writable_dir(netcdf)
    if out.exists():  # refuse a foreign or corrupt store before starting anything
        SweepStore.open(out, spec, _model(model_name))
    if scheduler is not None:
        executor = DaskExecutor(scheduler)
    elif workers is not None:
        executor = DaskExecutor(n_workers=workers)
    else:
        executor = LocalExecutor()

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    t0 = time.perf_counter()
    with Progress(
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("sweep", total=spec.n_points)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        ds = run_sweep(spec, out=out, executor=executor, progress=report)
    elapsed = time.perf_counter() - t0
    if netcdf is not None:
        from ..io import write_netcdf

        write_netcdf(ds, netcdf)
    from ..sweeps.batch import FAILED, NOT_SETTLED

    failed = int(np.isin(ds.status.values, FAILED).sum())
    unsettled = int((ds.status.values == NOT_SETTLED).sum())
    if as_json:
        summary = {"points": spec.n_points, "failed": failed, "not_settled": unsettled,
                   "elapsed_s": elapsed}  # fmt: skip
        emit_json({**summary, "out": str(out)})
        return
    shape = " × ".join(f"{a.num} {a.name}" for a in spec.axes)
    info(
        f"{spec.n_points} points ({shape}) in {elapsed:.1f} s, {failed} failed, "
        f"{unsettled} not settled → {out}"
    )
    if netcdf is not None:
        info(f"wrote {netcdf}")


def _model(name: str = "neuron"):
    from ..sweeps.models import get_model

    return get_model(name)
