"""Phase locking of two coupled neurons over a parameter grid (Arnold tongues).

:func:`locking_model` is a :class:`~qmemristor.sweeps.SweepModel` of the coupled pair
(:func:`qmemristor.neuron.coupled.coupled_model`): per point, the batched Dormand–Prince
integrator (:func:`qmemristor.solvers.integrate_batch`) runs the pair from
:func:`~qmemristor.neuron.coupled.initial_pair` through a transient ``[0, transient]``, then
over a measuring window of length ``window`` twice from the same state — once recording V_1,
once V_2 (the integrator records one component; the two runs are the same computation on the
same inputs, so the samples lie on one trajectory) — and
:func:`qmemristor.analysis.synchrony.locking_summary` turns the two sampled voltages into
frequencies, frequency ratio, phase difference (event phase of the upward mean crossings of
V), coherence, drift and a locking state: in-phase, anti-phase, locked (other phase),
unlocked (quasi-periodic), quenched (oscillation death).

Parameters: those of the coupled model (``v_in_1`` … ``x0_2``, ``g_c``), with defaults two
copies of the Fig. 4 neuron at V_in = 1.73 (R_m = 5, Γ = 0.1, α = 1, Z_T = 1, Ω = 7; the
largest span of that cycle family) and ``g_c = 0``.  An Arnold-tongue map sweeps ``omega_2``
(detuning ``omega_2 − omega_1``) against ``g_c``::

    sweep = make_sweep(locking_model(), ["omega_2=6.92:7.08:33", "g_c=0:4:17"])
    ds = run_sweep(sweep, model=locking_model())   # ds.state(omega_2, g_c), ds.ratio, ...
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError, check_positive
from .models import Output, SweepModel

__all__ = ["LOCKING_DEFAULTS", "LOCKING_OPTIONS", "locking_model", "pair_traces"]

#: Options of a locking sweep and their defaults (times in τ_c; the neuron's period ≈ 0.89).
LOCKING_OPTIONS: dict[str, Any] = {
    "transient": 600.0,
    "window": 200.0,
    "dt_out": 0.02,
    "rtol": 1e-7,
    "atol": 1e-10,
    "max_steps": 5_000_000,
    "phase_tol": 0.2,
    "drift_tol": 0.25,
    "quench_span": 1e-4,
    "amplitude": 0.1,
    "offset": 0.5 * math.pi,
}

#: Operating point of both neurons by default: the Fig. 4 neuron at V_in = 1.73.
LOCKING_DEFAULTS = {"v_in": 1.73, "r_m": 5.0, "gamma": 0.1}


def _check_options(options: Mapping[str, Any]) -> dict[str, Any]:
    from ..analysis.synchrony import LockingOptions

    unknown = set(options) - set(LOCKING_OPTIONS)
    if unknown:
        raise ParameterError(
            f"unknown locking option(s) {sorted(unknown)}; valid: {', '.join(LOCKING_OPTIONS)}"
        )
    out = {**LOCKING_OPTIONS, **options}
    for k in ("transient", "window", "dt_out", "rtol", "atol"):
        out[k] = check_positive(k, out[k])
    if out["window"] < 10 * out["dt_out"]:
        raise ParameterError("window must hold at least 10 samples (window ≥ 10 dt_out)")
    ms = out["max_steps"]
    if isinstance(ms, bool) or not isinstance(ms, int | np.integer) or ms < 1:
        raise ParameterError(f"max_steps must be an integer ≥ 1 (got {ms!r})")
    LockingOptions(out["phase_tol"], out["drift_tol"], out["quench_span"])
    if not 0 <= out["amplitude"] < 1:
        raise ParameterError(f"amplitude must be in [0, 1) (got {out['amplitude']!r})")
    return out


@lru_cache(maxsize=4096)
def _rest_voltage(v_in: float, r_m: float, z_t: float, x0: float) -> float:
    """V of the smallest-|V| equilibrium of one neuron (Ω, Γ, α do not move it)."""
    from ..neuron.coupled import CoupledParams, initial_pair
    from ..neuron.model import NeuronParams

    q = NeuronParams(v_in=v_in, r_m=r_m, z_t=z_t, x0=x0)
    return float(initial_pair(CoupledParams(q, q), amplitude=0.0)[3])


def _starts(ps: NDArray, names: tuple[str, ...], amplitude: float, offset: float) -> NDArray:
    """:func:`~qmemristor.neuron.coupled.initial_pair` for every point (equilibria cached)."""
    col = {n: ps[:, i] for i, n in enumerate(names)}
    out = np.empty((ps.shape[0], 8))
    for i in range(ps.shape[0]):
        for k, th in ((1, 0.0), (2, offset)):
            v = _rest_voltage(*(float(col[f"{n}_{k}"][i]) for n in ("v_in", "r_m", "z_t", "x0")))
            z = min(float(col[f"z_t_{k}"][i]), math.sqrt(1.0 - amplitude**2))
            o = 4 * (k - 1)
            out[i, o : o + 4] = (amplitude * math.cos(th), -amplitude * math.sin(th), z, v)
    return out


def _traces(ps: NDArray, opts: Mapping[str, Any]) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """``(t, V_1 samples, V_2 samples, status)`` over the measuring window of every point."""
    from ..neuron.coupled import V_1, V_2, coupled_model
    from ..solvers.batched import FAILED, IntegratorOptions, Schedule, integrate_batch

    model = coupled_model()
    n = ps.shape[0]
    y0 = _starts(ps, model.param_names, opts["amplitude"], opts["offset"])
    common = {"atol": opts["atol"], "max_steps": int(opts["max_steps"]), "dt_out": opts["dt_out"]}
    dt = opts["dt_out"]
    first = integrate_batch(
        model, ps, y0,
        Schedule.fixed(n, opts["transient"], opts["transient"] - 0.5 * dt, opts["rtol"]),
        IntegratorOptions(**common, n_samples=1), observable=V_1,
    )  # fmt: skip
    ok = ~np.isin(first.status, FAILED)
    start = np.where(ok[:, None], first.final_state, y0)
    n_samples = math.floor(opts["window"] / dt * (1 + 1e-12)) + 1
    sched = Schedule.fixed(n, opts["window"], 0.0, opts["rtol"])
    integ = IntegratorOptions(**common, n_samples=n_samples)
    runs = [integrate_batch(model, ps, start, sched, integ, observable=v) for v in (V_1, V_2)]
    status = np.where(ok, np.maximum(runs[0].status, runs[1].status), first.status)
    return dt * np.arange(n_samples), runs[0].samples, runs[1].samples, status.astype(np.int8)


def pair_traces(
    pvecs: NDArray, options: Mapping[str, Any] | None = None
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """V_1(t), V_2(t) over the measuring window for parameter vectors ``pvecs`` (n, 15).

    Returns ``(t, v1, v2, status)``: ``t`` (k,) from the window's start, ``v1``, ``v2``
    (n, k), ``status`` (n,) of :data:`qmemristor.solvers.batched.STATUS`.
    """
    ps = np.array(np.atleast_2d(pvecs), dtype=float, order="C")
    return _traces(ps, _check_options(dict(options or {})))


def _evaluate(params: Mapping[str, NDArray], options: Mapping[str, Any]) -> dict[str, NDArray]:
    from ..analysis.synchrony import LockingOptions, locking_summary
    from ..neuron.coupled import COUPLED_PARAM_NAMES
    from ..solvers.batched import FAILED

    opts = _check_options(options)
    n = len(next(iter(params.values())))
    ps = np.stack([np.asarray(params[k], dtype=float) for k in COUPLED_PARAM_NAMES], axis=1)
    t, v1, v2, status = _traces(ps, opts)
    lock = LockingOptions(opts["phase_tol"], opts["drift_tol"], opts["quench_span"])
    keys = ("omega_1", "omega_2", "ratio", "phase", "coherence", "drift", "span_1", "span_2")
    names = {"omega_1": "frequency_1", "omega_2": "frequency_2"}
    out: dict[str, NDArray] = {names.get(k, k): np.full(n, np.nan) for k in keys}
    out["state"] = np.full(n, -1, dtype=np.int8)
    for i in np.flatnonzero(~np.isin(status, FAILED)):
        s = locking_summary(t, v1[i], v2[i], lock)
        for k in keys:
            out[names.get(k, k)][i] = s[k]
        out["state"][i] = int(s["state"])
    out["status"] = status
    return out


def locking_model() -> SweepModel:
    """The locking sweep model of two coupled neurons (module docstring)."""
    from ..analysis.synchrony import LOCKING_STATES
    from ..neuron.coupled import coupled_model
    from ..solvers.batched import STATUS

    model = coupled_model()
    defaults = dict(model.defaults)
    for k in (1, 2):
        defaults.update({f"{n}_{k}": v for n, v in LOCKING_DEFAULTS.items()})
    codes = sorted(LOCKING_STATES)

    def check_point(point: dict[str, float]) -> None:
        model.params(**point)

    outputs = (
        Output("frequency_1", "f8", math.nan, {"long_name": "angular frequency of V_1"}),
        Output("frequency_2", "f8", math.nan, {"long_name": "angular frequency of V_2"}),
        Output("ratio", "f8", math.nan, {"long_name": "frequency ratio frequency_2 / frequency_1"}),
        Output("phase", "f8", math.nan,
               {"long_name": "circular mean of phi_2 - phi_1 (event phase of V)",
                "units": "rad"}),
        Output("coherence", "f8", math.nan, {"long_name": "|<exp(i (phi_2 - phi_1))>|"}),
        Output("drift", "f8", math.nan,
               {"long_name": "unwrapped phase difference, last minus first", "units": "rad"}),
        Output("span_1", "f8", math.nan, {"long_name": "span of V_1 over the window"}),
        Output("span_2", "f8", math.nan, {"long_name": "span of V_2 over the window"}),
        Output("state", "i1", -1, {"long_name": "locking state", "flag_values": codes,
                                    "flag_meanings": " ".join(LOCKING_STATES[c] for c in codes)}),
        Output("status", "i1", -1, {"long_name": "status of the point (0: ok)",
                                     "flag_values": sorted(STATUS),
                                     "flag_meanings": " ".join(STATUS[k].split(":")[0]
                                                               for k in sorted(STATUS))}),
    )  # fmt: skip
    return SweepModel(
        name="neuron-coupled",
        defaults=defaults,
        outputs=outputs,
        evaluate=_evaluate,
        check_point=check_point,
        check_options=_check_options,
        prepare=lambda fixed: None,
        status_meanings=dict(STATUS),
        parameter_attrs={"g_c": {"long_name": "coupling conductance R_ext / R_c"}},
        releases_gil=True,
    )
