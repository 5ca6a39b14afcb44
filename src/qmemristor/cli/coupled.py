"""``qmemristor neuron coupled``: two neurons joined by a resistor — locking, tongues, cycles.

Mounted on the ``neuron`` group by ``cli/neuron.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ._common import check_out, emit_json, info
from .neuron import ALPHA_OPT, GAMMA_OPT, JSON_OPT, R_M_OPT, ZT_OPT, neuron_command

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..neuron import NeuronParams


@neuron_command
def coupled(
    v_in: float = typer.Option(1.73, "--v-in", help="Input bias V_in of neuron 1."),
    r_m: float = R_M_OPT,
    gamma: float = GAMMA_OPT,
    alpha: float = ALPHA_OPT,
    z_t: float = ZT_OPT,
    g_c: float = typer.Option(1.0, "--g-c", help="Coupling conductance g_c = R_ext/R_c ≥ 0."),
    detuning: float = typer.Option(
        0.0, "--detuning", help="Ω_2 − Ω_1: neuron 2's qubit frequency minus neuron 1's."
    ),
    dv_in: float = typer.Option(0.0, "--dv-in", help="V_in,2 − V_in,1."),
    transient: float = typer.Option(600.0, "--transient", help="Time discarded (τ_c)."),
    window: float = typer.Option(200.0, "--window", help="Measuring window (τ_c)."),
    tongue: bool = typer.Option(
        False, "--tongue", help="Map the locking state over (detuning, g_c) (Arnold tongue)."
    ),
    branch: bool = typer.Option(
        False, "--branch", help="Continue the in-phase cycle in the detuning at --g-c."
    ),
    detuning_max: float = typer.Option(
        0.06, "--detuning-max", help="Tongue / branch detuning window [−max, max]."
    ),
    g_c_max: float = typer.Option(4.0, "--g-c-max", help="Tongue: g_c from 0 to this."),
    n_detuning: int = typer.Option(13, "--n-detuning", min=2, max=1000, help="Tongue columns."),
    n_g_c: int = typer.Option(5, "--n-g-c", min=2, max=1000, help="Tongue rows."),
    out: Path | None = typer.Option(None, "--out", help="Write the result to this .nc file."),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Two neurons whose output nodes are joined by a resistor (g_c in units of 1/R_ext).

    Neuron 1 has the given parameters; neuron 2 the same with Ω + --detuning and V_in +
    --dv-in.  Default: integrate the pair past --transient and report both frequencies, their
    ratio, the phase difference (event phase of the upward mean crossings of V) and the
    locking state (in-phase, anti-phase, locked, unlocked, quenched).  --tongue maps the state
    over the detuning and g_c with the batched sweep engine; --branch continues the in-phase
    cycle of two identical neurons in Ω_2 (orthogonal collocation) with its Floquet
    multipliers, and reports its folds of cycles (the edges of the 1:1 tongue at --g-c).
    """
    from ..errors import ParameterError, check_finite, check_positive
    from ..io import write_netcdf
    from ..neuron.coupled import CoupledParams

    check_out(out)
    if tongue and branch:
        raise ParameterError("--tongue and --branch are exclusive: choose one")
    base = params()
    detuning = check_finite("--detuning", detuning)
    dv_in = check_finite("--dv-in", dv_in)
    pair = CoupledParams.detuned(base, g_c, delta_omega=detuning, delta_v_in=dv_in)
    if branch and pair.g_c <= 0:
        raise ParameterError(
            "--branch needs --g-c > 0 (at g_c = 0 the relative phase is neutral: no isolated "
            "cycle to continue)"
        )
    from ..sweeps.locking import _check_options

    options = {"transient": check_positive("--transient", transient),
               "window": check_positive("--window", window)}  # fmt: skip
    _check_options(options)  # every option valid before any work
    dmax = check_positive("--detuning-max", check_finite("--detuning-max", detuning_max))
    if tongue:
        gmax = check_positive("--g-c-max", check_finite("--g-c-max", g_c_max))
        CoupledParams.detuned(base, gmax, delta_omega=dmax)  # validated before any work
        CoupledParams.detuned(base, 0.0, delta_omega=-dmax)
        _tongue(base, dv_in, dmax, gmax, n_detuning, n_g_c, options, out, as_json)
        return
    if branch:
        _branch(base, g_c, dmax, out, as_json)
        return
    from ..analysis.synchrony import locking_summary
    from ..results.coupled_neurons import pair_dataset, pair_record
    from ..sweeps.locking import pair_traces

    if not as_json:
        info("integrating the pair ...")
    t, v1, v2, status = pair_traces(pair.pvec, options)
    summary = locking_summary(t, v1[0], v2[0])
    record = pair_record(pair, summary, int(status[0]))
    if out is not None:
        write_netcdf(pair_dataset(pair, t, v1[0], v2[0], record, options), out)
    if as_json:
        emit_json(record)
        return
    info(f"state: {record['state']} (status {record['status']})")
    info(f"  ω_1 = {record['omega_1']:.6g}, ω_2 = {record['omega_2']:.6g}, "
         f"ratio {record['ratio']:.6g}")  # fmt: skip
    info(f"  phase difference φ_2 − φ_1 = {record['phase']:.4g} rad, coherence "
         f"{record['coherence']:.4g}, drift {record['drift']:.4g} rad over the window")  # fmt: skip
    info(f"  spans: V_1 {record['span_1']:.4g}, V_2 {record['span_2']:.4g}")
    if out is not None:
        info(f"wrote {out}")


def _tongue(
    base: Any, dv_in: float, dmax: float, gmax: float, nd: int, ng: int,
    options: dict[str, float], out: Path | None, as_json: bool,
) -> None:  # fmt: skip
    import numpy as np
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..analysis.synchrony import LOCKING_STATES
    from ..io import write_netcdf
    from ..sweeps import make_sweep, run_sweep
    from ..sweeps.locking import locking_model

    model = locking_model()
    fixed = {f"{n}_{k}": float(getattr(base, n)) for k in (1, 2)
             for n in ("v_in", "r_m", "gamma", "alpha", "z_t", "x0")}  # fmt: skip
    fixed["v_in_2"] += dv_in
    fixed["omega_1"] = base.omega
    axes = [f"omega_2={base.omega - dmax!r}:{base.omega + dmax!r}:{nd}", f"g_c=0:{gmax!r}:{ng}"]
    spec = make_sweep(model, axes, fixed=fixed, options=options)
    with Progress(
        TextColumn("tongue"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("tongue", total=spec.n_points)
        ds = run_sweep(
            spec, model=model, progress=lambda d, t: progress.update(task, completed=d, total=t)
        )
    ds = ds.assign_coords(detuning=("omega_2", ds.omega_2.values - base.omega))
    if out is not None:
        write_netcdf(ds, out)
    state = ds.state.transpose("g_c", "omega_2").values
    det = ds.detuning.values
    rows = []
    for j, g in enumerate(ds.g_c.values):
        locked = np.isin(state[j], (0, 1, 2))
        width = float(np.ptp(det[locked])) if locked.any() else 0.0
        rows.append({"g_c": float(g), "locked_width": width,
                     "states": [LOCKING_STATES[int(s)] for s in state[j]]})  # fmt: skip
    if as_json:
        emit_json({"detuning": det, "rows": rows, "failed": int((ds.status.values != 0).sum())})
        return
    for r in rows:
        info(f"g_c = {r['g_c']:.4g}: locked over a detuning width {r['locked_width']:.4g}")
    if out is not None:
        info(f"wrote {out}")


def _branch(base: Any, g_c: float, dmax: float, out: Path | None, as_json: bool) -> None:
    from ..errors import NumericalError
    from ..io import write_netcdf
    from ..neuron.coupled import CoupledParams
    from ..neuron.coupled_orbits import in_phase_branch
    from ..results.coupled_neurons import branch_dataset, branch_record

    pair = CoupledParams(base, base, g_c)
    if not as_json:
        info("continuing the in-phase cycle in Ω_2 ...")
    fam = in_phase_branch(pair, "omega_2", (base.omega - dmax, base.omega + dmax))
    if not fam.ok:
        raise NumericalError(f"the in-phase branch stopped early ({' / '.join(fam.ends)})")
    record = branch_record(fam, pair)
    if out is not None:
        write_netcdf(branch_dataset(fam, pair), out)
    if as_json:
        emit_json(record)
        return
    info(f"{len(fam)} cycles; ends: {' / '.join(fam.ends)}")
    for v in record["lpc"]:
        info(f"  LPC (tongue edge) at detuning Ω_2 − Ω_1 = {v - base.omega:.6g}")
    if out is not None:
        info(f"wrote {out}")
