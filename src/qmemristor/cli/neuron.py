"""``qmemristor neuron ...``: equilibria, folds, cusps, ramps, Hopf points, continuation and
long-time simulation of Paper N's neuron."""

from __future__ import annotations

import functools
import inspect
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ._common import check_out, emit_json, info, new_app

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..neuron import NeuronParams

app = new_app(
    "Paper N: the memristive quantum neuron (equilibria, folds, cusp, hysteresis, Hopf points, "
    "continuation, self-oscillations)."
)

# device options shared by every command (docs/theory.md §N1 defaults)
L_OPT: Any = typer.Option(0.5, "--l", help="Oscillator width l > 0 (units of the half-gap L).")
X0_OPT: Any = typer.Option(0.8, "--x0", help="Shuttle offset x0 at V = 0 (units of L).")
LAM_OPT: Any = typer.Option(0.13, "--lam", help="Tunnelling length λ > 0 (units of L).")
OMEGA_OPT: Any = typer.Option(7.0, "--omega", help="Qubit frequency Ω (units of 1/τ_c).")
ZT_OPT: Any = typer.Option(1.0, "--z-t", help="Thermal polarisation Z_T ∈ [0, 1] (1: T = 0).")
GAMMA_OPT: Any = typer.Option(0.1, "--gamma", help="Dephasing rate Γ ≥ 0 (units of 1/τ_c).")
ALPHA_OPT: Any = typer.Option(1.0, "--alpha", help="α = γ_T/γ_φ ∈ [0, 2].")
JSON_OPT: Any = typer.Option(False, "--json", help="Print one JSON object on stdout.")
R_M_HELP = "Load resistance R_m ≥ 0 (units of R_ext)."
R_M_OPT: Any = typer.Option(5.0, "--r-m", help=R_M_HELP)
V_IN_OPT: Any = typer.Option(0.23, "--v-in", help="Input bias V_in.")


class Side(str, Enum):
    positive = "positive"
    negative = "negative"


#: NeuronParams fields a command may take as options (the rest keep the model's defaults).
_PARAM_FIELDS = ("v_in", "r_m", "gamma", "alpha", "z_t", "omega", "l", "x0", "lam")
#: The device options every command has, inserted before its ``out``/``as_json`` options.
_DEVICE_OPTS = {"omega": OMEGA_OPT, "l": L_OPT, "x0": X0_OPT, "lam": LAM_OPT}


def neuron_command(fn):
    """Give a command the device options and hand it its NeuronParams as one ``params()``.

    The command declares its own options, among them any of ``v_in, r_m, gamma, alpha, z_t``,
    and a keyword-only ``params``; ``--omega --l --x0 --lam`` are added before its
    ``out``/``as_json`` options (their place in ``--help``).  Typer sees the command's options
    without ``params``; at call time all the parameter options are bound into
    ``params = partial(NeuronParams, ...)``, which the command calls where it validates them
    (its own options are passed on as well).
    """
    own = [q for q in inspect.signature(fn).parameters.values() if q.name != "params"]
    at = next((i for i, q in enumerate(own) if q.name in ("out", "as_json")), len(own))
    device = [
        inspect.Parameter(
            name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=opt, annotation=float
        )
        for name, opt in _DEVICE_OPTS.items()
    ]
    options = own[:at] + device + own[at:]

    @functools.wraps(fn)
    def command(**kw):
        from ..neuron import NeuronParams

        given = {name: kw[name] for name in _PARAM_FIELDS if name in kw}
        for name in _DEVICE_OPTS:
            del kw[name]
        return fn(**kw, params=functools.partial(NeuronParams, **given))

    command.__signature__ = inspect.Signature(options, return_annotation=None)
    command.__annotations__ = {q.name: q.annotation for q in options}  # typer resolves these
    return command


@app.command()
@neuron_command
def equilibria(
    r_m: float = R_M_OPT,
    v_in: float = V_IN_OPT,
    z_t: float = ZT_OPT,
    gamma: float = GAMMA_OPT,
    alpha: float = ALPHA_OPT,
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """All equilibria (0, 0, Z_T, V*) sorted by V, with Jacobian eigenvalues and stability."""
    from ..neuron import equilibria as find

    eqs = find(params())
    if as_json:
        emit_json(
            {
                "equilibria": [
                    {
                        "V": e.V,
                        "stable": e.stable,
                        "eigenvalues": [[z.real, z.imag] for z in e.eigenvalues],
                    }
                    for e in eqs
                ]
            }
        )
        return
    info(f"{len(eqs)} equilibrium point(s) at V_in = {v_in:g}, R_m = {r_m:g}, Z_T = {z_t:g}:")
    for e in eqs:
        ev = ", ".join(f"{z.real:+.4g}{z.imag:+.4g}i" for z in e.eigenvalues)
        info(f"  V* = {e.V:.10g}  {'stable  ' if e.stable else 'unstable'}  eigenvalues: {ev}")


@app.command()
@neuron_command
def folds(
    r_m: float = R_M_OPT,
    z_t: float = ZT_OPT,
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Fold (saddle-node) points: V where df/dV = 0 and the input V_in at which they occur."""
    from ..neuron import fold_points

    fs = fold_points(params())
    if as_json:
        emit_json({"folds": [{"V": f.V, "v_in": f.v_in} for f in fs]})
        return
    if not fs:
        info(f"no folds at R_m = {r_m:g}, Z_T = {z_t:g} (below the cusp)")
    for f in fs:
        info(f"fold at V = {f.V:.10g}, V_in = {f.v_in:.10g}")


@app.command()
@neuron_command
def cusp(
    z_t: float = ZT_OPT,
    side: Side = typer.Option(
        Side.positive, "--side", help="Cusp of the positive-V or negative-V hysteresis region."
    ),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """The cusp: the smallest R_m at which a pair of folds (hysteresis) appears on one side."""
    from ..neuron import primary_cusp

    c = primary_cusp(params(), sign=1 if side is Side.positive else -1)
    if as_json:
        emit_json({"r_m": c.r_m, "V": c.V, "v_in": c.v_in})
        return
    info(f"cusp at R_m = {c.r_m:.10g}, V = {c.V:.10g}, V_in = {c.v_in:.10g}")


@app.command()
@neuron_command
def ramp(
    r_m: float = typer.Option(8.0, "--r-m", help=R_M_HELP),
    v_in_min: float = typer.Option(0.0, "--v-in-min", help="Lowest input of the ramp."),
    v_in_max: float = typer.Option(7.0, "--v-in-max", help="Highest input of the ramp."),
    steps: int = typer.Option(201, "--steps", help="Inputs on the way up (≥ 2; as many down)."),
    z_t: float = ZT_OPT,
    gamma: float = typer.Option(1.0, "--gamma", help="Dephasing rate Γ ≥ 0 (units of 1/τ_c)."),
    alpha: float = ALPHA_OPT,
    out: Path | None = typer.Option(None, "--out", help="Write the dataset to this .nc file."),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Quasi-static V_in ramp up then down, following the equilibrium: the hysteretic jumps."""
    from .. import limits
    from ..io import write_netcdf
    from ..neuron import quasi_static_ramp, ramp_values

    check_out(out)
    p = params()
    _v_in_bounds(p, v_in_min, "--v-in-min", v_in_max, "--v-in-max")
    if steps >= 2:  # ramp_values refuses fewer
        limits.check_steps(
            2 * steps * limits.RAMP_STEPS_PER_INPUT,
            f"a ramp of 2 × {steps} inputs (about {limits.RAMP_STEPS_PER_INPUT} steps each)",
            "use fewer --steps",
        )
    ds = quasi_static_ramp(p, ramp_values(v_in_min, v_in_max, steps))
    if out is not None:
        write_netcdf(ds, out)
    idx = [int(i) for i in ds.step.values[ds.jump.values]]
    jumps = [
        {"v_in": float(ds.v_in[i]), "V_from": float(ds.V[i - 1]), "V_to": float(ds.V[i])}
        for i in idx
    ]
    if as_json:
        emit_json(
            {
                "v_in": ds.v_in.values,
                "V": ds.V.values,
                "stable": [bool(s) for s in ds.stable.values],
                "jumps": jumps,
                "folds": [
                    {"V": v, "v_in": u}
                    for v, u in zip(ds.folds_V.values, ds.folds_v_in.values, strict=True)
                ],
            }
        )
        return
    info(f"ramp of {ds.step.size} inputs between {v_in_min:g} and {v_in_max:g} at R_m = {r_m:g}")
    for j in jumps:
        info(f"  jump at V_in = {j['v_in']:.6g}: V {j['V_from']:.6g} → {j['V_to']:.6g}")
    if out is not None:
        info(f"wrote {out}")


# --------------------------------------------------------------------------------------------
# stability and self-oscillations
# --------------------------------------------------------------------------------------------
LYAPUNOV_NOTE = (
    "lyapunov is the first Lyapunov coefficient l1 = Re(c1)/ω with the critical eigenvector "
    "normalised as <q,q> = 1 in (X, Y, Z, V); its sign decides (l1 < 0: supercritical)."
)


@app.command(epilog=LYAPUNOV_NOTE)
@neuron_command
def hopf(
    r_m: float = R_M_OPT,
    gamma: float = GAMMA_OPT,
    alpha: float = ALPHA_OPT,
    z_t: float = ZT_OPT,
    v_in_min: float = typer.Option(0.0, "--v-in-min", help="Lower end of the V_in window."),
    v_in_max: float = typer.Option(10.0, "--v-in-max", help="Upper end of the V_in window."),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Andronov–Hopf points along V_in, with ω and the first Lyapunov coefficient.

    Every branch of equilibria crossing the window is continued (folds included); each Hopf
    point is located by Newton's method on the Hopf system.
    """
    from ..errors import ParameterError
    from ..neuron.stability import hopf_points

    p = params()
    window = _window(v_in_min, v_in_max, "--v-in-min", "--v-in-max")
    _v_in_bounds(p, v_in_min, "--v-in-min", v_in_max, "--v-in-max")
    if v_in_max < v_in_min:
        raise ParameterError(f"--v-in-max must be > --v-in-min (got {v_in_max:g} < {v_in_min:g})")
    pts = hopf_points(p, "v_in", window)
    if as_json:
        emit_json({"hopf": [h.as_dict() for h in pts]})
        return
    if not pts:
        info(f"no Hopf point for V_in in [{v_in_min:g}, {v_in_max:g}] at R_m = {r_m:g}")
    for h in pts:
        info(
            f"Hopf at V_in = {h.value:.10g}: V = {h.V:.8g}, ω = {h.omega:.8g}, "
            f"l1 = {h.lyapunov:.6g} ({h.criticality})"
        )


def _v_in_bounds(p: NeuronParams, *pairs) -> None:
    """Each (value, option) of a V_in window is a valid V_in (finite, |V_in| ≤ 1e8)."""
    from ..errors import ParameterError

    for value, name in zip(pairs[::2], pairs[1::2], strict=True):
        try:
            p.replace(v_in=value)
        except ParameterError as exc:
            raise ParameterError(f"{name}: {exc}") from None


def _window(a: float, b: float, name_a: str, name_b: str) -> tuple[float, float]:
    from ..errors import ParameterError, check_finite

    a = check_finite(name_a, a)
    b = check_finite(name_b, b)
    if a == b:
        raise ParameterError(f"{name_a} and {name_b} must differ (both are {a:g})")
    return (a, b) if a < b else (b, a)


class Method(str, Enum):
    DOP853 = "DOP853"
    RK45 = "RK45"
    Radau = "Radau"
    BDF = "BDF"
    LSODA = "LSODA"
    odeint = "odeint"


class Protocol(str, Enum):
    stationary = "stationary"
    paper = "paper"


PROTOCOL_HELP = (
    "stationary: integrate window by window until the extremes of V agree over three windows "
    "(windows and cap scale with the slowest relaxation time); paper: Paper N's fixed "
    "duration, second half kept."
)


@app.command()
@neuron_command
def simulate(
    r_m: float = R_M_OPT,
    v_in: float = V_IN_OPT,
    gamma: float = GAMMA_OPT,
    alpha: float = ALPHA_OPT,
    z_t: float = ZT_OPT,
    protocol: Protocol = typer.Option(Protocol.stationary, "--protocol", help=PROTOCOL_HELP),
    t_end: float | None = typer.Option(
        None,
        "--t-end",
        help="paper: the duration (default 1500); stationary: the longest run (default 30000).",
    ),
    transient: float | None = typer.Option(
        None, "--transient", help="paper only: discarded start of the record (default t_end/2)."
    ),
    dt: float = typer.Option(0.01, "--dt", help="Output sampling step."),
    method: Method = typer.Option(
        Method.odeint,
        "--method",
        help="Integrator (odeint: LSODA in Fortran, ~6x faster than DOP853 at equal tolerances).",
    ),
    rtol: float = typer.Option(1e-8, "--rtol", help="Relative tolerance."),
    atol: float = typer.Option(1e-10, "--atol", help="Absolute tolerance."),
    out: Path | None = typer.Option(None, "--out", help="Write the trajectory to this .nc file."),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Long-time simulation from near the equilibrium: regime, span, dominant frequency.

    Starts at the smallest-|V| equilibrium plus a 1e-3 perturbation.  The summary describes
    the last window (stationary protocol; status ok = settled, not_settled = the cap came
    first) or t >= transient (paper protocol).  frequency is angular (rad per τ_c), of the
    dominant spectral peak of V; null when the regime is steady.
    """
    from .. import limits
    from ..errors import NumericalError, ParameterError, check_nonnegative, check_positive
    from ..io import write_netcdf
    from ..neuron.dynamics import simulate as run
    from ..neuron.dynamics import stationary_plan, time_grid

    check_out(out)
    if t_end is not None:
        check_positive("t_end", t_end)
    check_positive("dt", dt)
    limits.check_rtol(rtol)
    limits.check_atol(atol)
    if transient is not None:
        if protocol is not Protocol.paper:
            raise ParameterError("--transient applies to --protocol paper only")
        if check_nonnegative("transient", transient) >= (1500.0 if t_end is None else t_end):
            raise ParameterError(f"transient must be < t_end (got {transient:g})")
    p = params()
    if protocol is Protocol.paper:
        horizon = 1500.0 if t_end is None else t_end
        check_neuron_run(p, horizon, horizon, dt, method.value)
        time_grid(horizon, dt)  # enough samples, before integrating
    else:
        check_neuron_run(p, t_end or 30000.0, 0.0, dt, method.value, memory_only=True)
        plan = stationary_plan(p, dt=dt, t_end=t_end)  # windows of ≥ 16 samples
        # memory: the whole run up to its cap; work: at least its first window
        check_neuron_run(p, plan.window * plan.n_windows, plan.window, dt, method.value)
    if not as_json:
        stationary = protocol is Protocol.stationary
        what = "until stationary" if stationary else f"to t = {t_end or 1500:g}"
        info(f"integrating {what} with {method.value} ...")
    try:
        sim = run(p, t_end, protocol=protocol.value, transient=transient, dt=dt,
                  method=method.value, rtol=rtol, atol=atol)  # fmt: skip
    except RuntimeError as exc:  # the solver gave up (neuron.dynamics raises RuntimeError)
        raise NumericalError(
            f"{str(exc).rstrip('.')}; try another --method (Radau, BDF or LSODA for stiff "
            "parameters) or a smaller --rtol"
        ) from exc
    check_invariants(sim, p)
    if out is not None:
        write_netcdf(sim.dataset, out)
    s = sim.summary
    if as_json:
        emit_json(
            {
                "regime": s.regime,
                "span": s.span,
                "frequency": s.frequency,
                "V_mean": s.V_mean,
                "V_min": s.V_min,
                "V_max": s.V_max,
                "reason": s.reason,
                "bloch_max": s.bloch_max,
                "status": s.status,
                "protocol": protocol.value,
                "window": [s.t_start, s.t_end],
            }
        )
        return
    info(f"regime: {s.regime} ({s.reason}); span = {s.span:.6g}, V_mean = {s.V_mean:.8g}")
    if s.regime == "oscillation":
        info(f"dominant angular frequency ω = {s.frequency:.8g}")
    state = "settled" if s.status == "ok" else "NOT settled (values of the last window)"
    if protocol is Protocol.stationary:
        info(f"{state} at t = {s.t_end:g} (window [{s.t_start:g}, {s.t_end:g}])")
    if out is not None:
        info(f"wrote {out}")


def check_neuron_run(
    p: NeuronParams,
    t_end: float,
    t_work: float,
    dt: float,
    method: str,
    *,
    memory_only: bool = False,
) -> None:
    """Memory of the samples up to ``t_end`` and the integrator steps of at least ``t_work``
    (the part the run certainly integrates), before anything runs."""
    from .. import limits

    samples = t_end / dt + 1
    limits.check_bytes(
        samples * limits.NEURON_BYTES_PER_SAMPLE,
        f"a trajectory of {samples:.3g} samples (t = {t_end:g} / --dt {dt:g})",
        "use a larger --dt or a shorter --t-end",
    )
    if memory_only:
        return
    steps = limits.neuron_steps(
        t_work, omega=p.omega, gamma=p.gamma, alpha=p.alpha, explicit=method in ("DOP853", "RK45")
    )
    limits.check_steps(
        steps,
        f"integrating to t = {t_work:g} with {method} (rates |Ω| = {abs(p.omega):g}, "
        f"Γ = {p.gamma:g})",
        "use a shorter --t-end"
        + (
            ""
            if method not in ("DOP853", "RK45")
            else " or an implicit --method (Radau, BDF, LSODA) when Γ is the fast rate"
        ),
    )


#: Largest excursion of a trajectory outside the region the dynamics keeps invariant (the
#: Bloch ball, V between 0 and V_in), relative to its O(1) scale, before the result is refused.
INVARIANT_SLACK = 1e-3


def check_invariants(sim, p: NeuronParams) -> None:
    """Refuse a trajectory that left the invariant region: an integration error that large
    makes every number of the summary unreliable (loose --rtol/--atol).

    |r| ≤ 1 is invariant for α ≤ 2; V stays between min(0, V_in) and max(0, V_in) once it is
    there (G ≥ 0), and starts within 1e-3 of that interval.
    """
    import numpy as np

    from ..errors import NumericalError

    ds = sim.dataset
    r = float(np.max(np.sqrt(ds.X.values**2 + ds.Y.values**2 + ds.Z.values**2)))
    v0 = float(ds.V.values[0])
    lo, hi = min(0.0, p.v_in, v0), max(0.0, p.v_in, v0)
    v = ds.V.values
    slack = INVARIANT_SLACK * max(1.0, abs(p.v_in))
    outside = max(float(lo - v.min()), float(v.max() - hi), 0.0)
    if not (r <= 1 + INVARIANT_SLACK and outside <= slack):
        what = (
            f"the Bloch vector reached |r| = {r:.6g} > 1"
            if not r <= 1 + INVARIANT_SLACK
            else f"V left [{lo:g}, {hi:g}] by {outside:.3g}"
        )
        raise NumericalError(
            f"the integration is not accurate enough: {what}, which the dynamics forbids; "
            "use a smaller --rtol/--atol"
        )


@app.command("continue", epilog=LYAPUNOV_NOTE)
@neuron_command
def continue_(
    param: str = typer.Option("v_in", "--param", help="Parameter to continue in."),
    start: float = typer.Option(..., "--from", help="One end of the parameter window."),
    stop: float = typer.Option(..., "--to", help="The other end."),
    v_in: float = typer.Option(0.23, "--v-in", help="Input bias V_in (if fixed)."),
    r_m: float = typer.Option(5.0, "--r-m", help="Load resistance R_m (if fixed)."),
    gamma: float = GAMMA_OPT,
    alpha: float = ALPHA_OPT,
    z_t: float = ZT_OPT,
    out: Path | None = typer.Option(None, "--out", help="Write the branches to this .nc file."),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Continue the equilibria in one parameter: branches, stability, folds and Hopf points.

    PARAM is one of v_in, r_m, gamma, alpha, z_t, omega, x0; the other parameters stay at
    their options' values.
    """
    from ..io import write_netcdf
    from ..neuron.stability import equilibrium_diagram, param_index

    check_out(out)
    param_index(param)
    window = _window(start, stop, "--from", "--to")
    p = params()
    d = equilibrium_diagram(p, param, window)
    if out is not None:
        write_netcdf(d.to_dataset(), out)
    if as_json:
        emit_json(
            {
                "param": param,
                "branches": [
                    {
                        param: b.mu,
                        "V": b.x[:, 3],
                        "stable": [bool(s) for s in b.stable],
                        "ends": list(b.ends),
                    }
                    for b in d.branches
                ],
                "folds": [f.as_dict() for f in d.folds],
                "hopf": [h.as_dict() for h in d.hopf],
            }
        )
        return
    info(
        f"{len(d.branches)} branch(es) of equilibria for {param} in [{window[0]:g}, {window[1]:g}]"
    )
    for f in d.folds:
        info(f"  fold at {param} = {f.value:.10g}, V = {f.V:.8g}")
    for h in d.hopf:
        info(
            f"  Hopf at {param} = {h.value:.10g}, V = {h.V:.8g}, ω = {h.omega:.8g}, "
            f"l1 = {h.lyapunov:.6g} ({h.criticality})"
        )
    if out is not None:
        info(f"wrote {out}")


from .sweep import sweep  # noqa: E402  (`neuron sweep` lives in cli/sweep.py)

app.command("sweep")(sweep)

from .orbits import orbits  # noqa: E402  (`neuron orbits` lives in cli/orbits.py)

app.command("orbits")(orbits)

from .coupled import coupled  # noqa: E402  (`neuron coupled` lives in cli/coupled.py)

app.command("coupled")(coupled)
