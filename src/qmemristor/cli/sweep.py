"""``qmemristor neuron sweep``: resumable parameter maps of the neuron (span, frequency, regime).

Mounted on the ``neuron`` group by ``cli/neuron.py``.  Everything is validated (axes, fixed
parameters, tolerances, the sampling of V, output paths, the size of the sweep: memory and
work, an existing store's identity and lock) before any point is computed; a refused sweep
creates nothing.  Ctrl-C stops at once with one line (exit 130) and keeps what is stored; a
lost Dask scheduler is one line (exit 2); either way the same command continues the sweep.
"""

from __future__ import annotations

import math
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import typer

from ._common import emit_json, info

#: Smallest chunk (points) the command runs: a chunk of the neuron costs ~3.5 ms of set-up
#: whatever its size (initial states, equilibrium spectra, regime and spectrum analysis of the
#: batch; measured 4.1 ms for a chunk of one point against 0.53 ms a point in chunks of 100 at
#: t_end = 20), so smaller chunks spend more time on set-up than on integrating.  A smaller
#: --chunk-size is raised to this, with a note.
MIN_CHUNK_POINTS = 16
#: The regime of a point needs 4 windows of at least 4 samples of V
#: (:func:`qmemristor.analysis.spectra.regime_diagnostics`).
MIN_SAMPLES = 16
#: Peak bytes per sample of V per point while a chunk is evaluated (the samples, their copies
#: in the regime analysis and the zero-padded spectra): measured 74 with tracemalloc on chunks
#: of 100 points (paper and stationary protocols); rounded down, so a lower bound.
EVAL_BYTES_PER_SAMPLE = 64
#: A step of the batched kernel costs this many times less than a step of a single SciPy
#: trajectory (the unit of QMEMRISTOR_MAX_STEPS): measured 1.07 µs a kernel step (14 per unit
#: time at rtol 3e-5) against 2.5 ms per unit time of `neuron simulate` (DOP853, ≈ 1.1
#: estimated steps per unit time at Ω = 7): 2.2 ms per estimated step, 165× a kernel
#: estimated step; rounded down.
KERNEL_STEPS_PER_BUDGET_STEP = 150


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
    params = dict(locals())  # the options as given
    try:
        _sweep(**params)
    except KeyboardInterrupt as exc:  # here, not in click: one line, no blank line before it
        msg = str(exc) if str(exc) else "interrupted"
        sys.stderr.write(f"qmemristor: error: {' '.join(msg.split())}\n")
        # Ctrl-C means "stop now": leave the objects of the run out of the interpreter's last
        # garbage collection at exit (measured 1–4 s with the numba and SciPy modules loaded)
        import gc

        gc.freeze()
        raise typer.Exit(130) from None


def _sweep(
    x: str,
    y: str | None,
    protocol: Protocol,
    t_end: float | None,
    dt_out: float,
    rtol: float,
    initial: Initial,
    chunk_size: int,
    out: Path,
    netcdf: Path | None,
    scheduler: str | None,
    workers: int | None,
    method: Method,
    as_json: bool,
    **given: float | None,
) -> None:
    from ..errors import ParameterError
    from ..io import check_output_file
    from ..sweeps.runner import DaskExecutor, LocalExecutor, make_sweep, run_sweep
    from ..sweeps.store import check_store_path

    fixed = {k: v for k, v in given.items() if v is not None}
    if scheduler is not None and workers is not None:
        raise ParameterError("give either --scheduler or --workers, not both")
    if workers is not None and workers < 1:
        raise ParameterError(f"--workers must be ≥ 1 (got {workers})")
    if chunk_size < 1:
        raise ParameterError(f"--chunk-size must be ≥ 1 (got {chunk_size})")
    check_store_path(out)
    if netcdf is not None:
        if netcdf.suffix != ".nc":
            raise ParameterError(f"--netcdf must end in .nc (got {netcdf.name})")
        check_output_file(netcdf)
    if scheduler is not None:
        executor: Any = DaskExecutor(scheduler)
    elif workers is not None:
        if workers > _MAX_LOCAL_WORKERS:
            raise ParameterError(
                f"--workers must be ≤ {_MAX_LOCAL_WORKERS} for a cluster on this machine "
                f"(got {workers}); use --scheduler for a larger cluster"
            )
        executor = DaskExecutor(n_workers=workers)
    else:
        executor = LocalExecutor()
    concurrent = workers or (1 if scheduler else executor.workers)
    axes = [x] if y is None else [x, y]
    options = {
        "protocol": protocol.value,
        "t_end": t_end,
        "dt_out": dt_out,
        "rtol": rtol,
        "initial": initial.value,
    }
    points = max(chunk_size, MIN_CHUNK_POINTS)
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
        chunk = (first.num,) if y is None else (first.num, max(1, points // first.num))
    try:
        spec = make_sweep(
            model_name,
            axes,
            fixed=fixed,
            options=options,
            chunk=chunk,
            chunk_points=points,
            check_size=lambda s: _check_work(s, concurrent),
        )
    except ParameterError as exc:
        if str(exc).startswith("dt_out="):  # name what was given: both options decide
            given_t = "" if t_end is None else f" with --t-end {t_end:g}"
            raise type(exc)(f"--dt-out {dt_out:g}{given_t}: {exc}") from None
        raise
    _check_sampling(spec, dt_out, t_end)
    if (
        method is Method.integrate
        and chunk_size < MIN_CHUNK_POINTS
        and spec.chunk != _chunk_of(spec, chunk_size)
    ):
        info(
            f"qmemristor: note: --chunk-size {chunk_size} raised to {MIN_CHUNK_POINTS}: a chunk "
            "costs ~3.5 ms of set-up, more than smaller chunks take to integrate"
        )

    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    t0 = time.perf_counter()
    with Progress(
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,  # a bar in a pipe is a stray blank line
    ) as progress:
        task = progress.add_task("sweep", total=spec.n_points)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        def note(line: str) -> None:
            progress.console.print(f"qmemristor: note: {line}", markup=False, highlight=False)

        ds = run_sweep(spec, out=out, executor=executor, progress=report, note=note)
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


#: --workers starts this many processes at most on this machine (each ~150 MB and ~3 s).
_MAX_LOCAL_WORKERS = 256


def _chunk_of(spec: Any, points: int) -> tuple[int, ...]:
    from ..sweeps.grid import default_chunk

    chunk = default_chunk(spec.shape, points)
    return tuple(min(c, n) for c, n in zip(chunk, spec.shape, strict=True))


def _batch_options(spec: Any) -> Any:
    import dataclasses

    from ..sweeps.batch import BatchOptions

    names = {f.name for f in dataclasses.fields(BatchOptions)}
    return BatchOptions(**{k: v for k, v in spec.options_dict.items() if k in names})


def _check_sampling(spec: Any, dt_out: float, t_end: float | None) -> None:
    """Enough samples of V for the regime of every point, named by the options given."""
    from ..errors import ParameterError

    opts = _batch_options(spec)
    if opts.n_samples < MIN_SAMPLES:
        length = opts.sample_length
        given = "" if t_end is None else f" of --t-end {t_end:g}"
        raise ParameterError(
            f"--dt-out {dt_out:g} gives {opts.n_samples} samples of V over the sampled "
            f"stretch ({length:g}){given}; the regime needs ≥ {MIN_SAMPLES}: use --dt-out ≤ "
            f"{length / (MIN_SAMPLES - 1):.3g}"
        )


def _duration_bound(opts: Any) -> float:
    """A lower bound of how long every point is integrated: the paper protocol's t_end; in the
    stationary protocol at least three windows of min(window_min, cap/3), the cap being at
    least min(t_end, cap_min) (:mod:`qmemristor.neuron.stationary`)."""
    t_end = float(opts.t_end)
    if opts.protocol == "paper":
        return t_end
    return min(3 * opts.window_min, t_end, opts.cap_min)


def _check_work(spec: Any, concurrent: int) -> None:
    """The sweep's work and the memory of its chunks in flight, before anything runs."""
    from .. import limits
    from ..errors import ResourceLimitError

    opts = _batch_options(spec)
    values = {a.name: a for a in spec.axes}

    def smallest(name: str, magnitude: bool = False) -> float:
        """The smallest value (or |value|) of a parameter over the grid."""
        if name in values:
            lo, hi = sorted((values[name].start, values[name].stop))
        else:
            lo = hi = spec.fixed_dict[name]
        if magnitude:
            return 0.0 if lo <= 0.0 <= hi else min(abs(lo), abs(hi))
        return lo

    per_chunk = math.prod(spec.chunk) * opts.n_samples * EVAL_BYTES_PER_SAMPLE
    limits.check_bytes(
        concurrent * per_chunk,
        f"evaluating {concurrent} chunk(s) of {math.prod(spec.chunk)} points with "
        f"{opts.n_samples} samples of V each",
        "use a larger --dt-out, a smaller --chunk-size or a shorter --t-end",
    )
    duration = _duration_bound(opts)
    per_point = max(
        duration / opts.max_step,
        limits.neuron_steps(
            duration,
            omega=smallest("omega", magnitude=True),
            gamma=smallest("gamma"),
            alpha=smallest("alpha"),
            explicit=True,
        ),
    )
    total = float(spec.n_points) * per_point
    budget = limits.max_steps()
    if not total <= budget * KERNEL_STEPS_PER_BUDGET_STEP:
        raise ResourceLimitError(
            f"a sweep of {float(spec.n_points):.3g} points integrated for at least "
            f"t = {duration:g} each needs at least {total:.3g} steps of the batched "
            f"integrator, more than the work budget ({budget:.3g} steps of a single run ≈ "
            f"{budget * KERNEL_STEPS_PER_BUDGET_STEP:.3g} batched steps); use fewer points or "
            f"a shorter --t-end (or raise {limits.ENV_MAX_STEPS})"
        )
