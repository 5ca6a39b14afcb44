"""Any :class:`~qmemristor.models.ODEModel` as a sweep model: span, mean, frequency, regime.

:func:`ode_sweep_model` wraps a model so that :func:`~qmemristor.sweeps.make_sweep` /
:func:`~qmemristor.sweeps.run_sweep` map it over a parameter grid with the batched
Dormand–Prince integrator (:func:`qmemristor.solvers.integrate_batch`) — the engine, store,
resumption and Dask path of the neuron's sweeps.  Per point, for the chosen state component
(the *observable*) over the last window:

- ``span`` = max − min (interpolant-refined extremes), ``mean`` (exact integral);
- ``regime`` = :func:`qmemristor.analysis.spectra.regime_diagnostics` of the samples (0
  steady, 1 oscillation, −1 failed), ``frequency`` = the dominant angular frequency where it
  oscillates (NaN where steady);
- ``status`` (:data:`qmemristor.solvers.batched.STATUS`), ``t_reached``.

Options: ``protocol`` — ``"fixed"`` (default: integrate to ``t_end``, describe
``[transient, t_end]``, the second half by default) or ``"stationary"`` (windows of length
``window`` until the extremes of three successive windows agree within ``settle_atol +
settle_rtol·span``, at most ``t_end``); ``dt_out`` (sample spacing), ``rtol``, ``atol``,
``h0``, ``max_step``, ``max_steps``.  The initial state is the model's ``y0`` given here
(the same for every point), or a function of the point's parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError, check_nonnegative, check_positive
from ..models import ODEModel
from .models import Output, SweepModel

__all__ = ["ODE_SWEEP_OPTIONS", "ode_sweep_model"]

#: Options of an ODE sweep and their defaults.
ODE_SWEEP_OPTIONS: dict[str, Any] = {
    "protocol": "fixed",
    "t_end": 100.0,
    "transient": None,
    "window": 20.0,
    "settle_atol": 1e-7,
    "settle_rtol": 1e-3,
    "dt_out": 0.05,
    "rtol": 1e-6,
    "atol": 1e-9,
    "h0": 1e-3,
    "max_step": math.inf,
    "max_steps": 2_000_000,
}

InitialFn = Callable[[Mapping[str, NDArray]], NDArray]


def _check_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(ODE_SWEEP_OPTIONS)
    if unknown:
        raise ParameterError(
            f"unknown ODE sweep option(s) {sorted(unknown)}; valid: {', '.join(ODE_SWEEP_OPTIONS)}"
        )
    out = {**ODE_SWEEP_OPTIONS, **options}
    if out["protocol"] not in ("fixed", "stationary"):
        raise ParameterError(f"protocol must be fixed or stationary (got {out['protocol']!r})")
    for k in ("t_end", "window", "settle_atol", "dt_out", "rtol", "atol", "h0", "max_step"):
        out[k] = check_positive(k, out[k]) if k != "max_step" or out[k] != math.inf else out[k]
    out["settle_rtol"] = check_nonnegative("settle_rtol", out["settle_rtol"])
    if out["transient"] is not None:
        out["transient"] = check_nonnegative("transient", out["transient"])
        if out["transient"] >= out["t_end"] or out["protocol"] != "fixed":
            raise ParameterError("transient must be < t_end (fixed protocol only)")
    if out["protocol"] == "stationary" and out["window"] * 3 > out["t_end"]:
        raise ParameterError("the stationary protocol needs t_end ≥ 3 windows")
    if out["dt_out"] > _sample_length(out):
        raise ParameterError("dt_out is longer than the sampled window")
    ms = out["max_steps"]
    if isinstance(ms, bool) or not isinstance(ms, int | np.integer) or ms < 1:
        raise ParameterError(f"max_steps must be an integer ≥ 1 (got {ms!r})")
    return out


def _sample_length(opts: Mapping[str, Any]) -> float:
    if opts["protocol"] == "stationary":
        return float(opts["window"])
    start = 0.5 * opts["t_end"] if opts["transient"] is None else opts["transient"]
    return float(opts["t_end"] - start)


def ode_sweep_model(
    model: ODEModel,
    observable: str | int,
    *,
    y0: Sequence[float] | InitialFn,
    name: str | None = None,
    parameter_attrs: Mapping[str, Mapping[str, Any]] | None = None,
) -> SweepModel:
    """A :class:`~qmemristor.sweeps.SweepModel` of ``model`` (module docstring).

    Parameters
    ----------
    model : ODEModel
        Must have defaults for every parameter (the values not swept).
    observable : str or int
        The state component described (span, mean, frequency, regime).
    y0 : sequence of float, or callable
        The initial state, or ``y0(params) -> (n, d)`` from the batch's parameter arrays.
    name : str, optional
        The sweep model's name (default: the model's).
    """
    if not model.defaults:
        raise ParameterError(f"model {model.name} needs defaults for a sweep")
    obs = model.state_index(observable)
    if not callable(y0):
        start = np.asarray(y0, dtype=float)
        if start.shape != (model.n_states,) or not np.all(np.isfinite(start)):
            raise ParameterError(f"y0 must be {model.n_states} finite numbers")

    def initial(params: Mapping[str, NDArray], n: int) -> NDArray:
        if callable(y0):
            return np.asarray(y0(params), dtype=float).reshape(n, model.n_states)
        return np.tile(start, (n, 1))

    def check_point(point: dict[str, float]) -> None:
        model.params(**point)

    def evaluate(params: Mapping[str, NDArray], options: Mapping[str, Any]) -> dict[str, NDArray]:
        from ..analysis.spectra import dominant_frequency, regime_diagnostics
        from ..solvers.batched import FAILED, IntegratorOptions, Schedule, integrate_batch

        opts = _check_options(options)
        n = len(next(iter(params.values())))
        ps = np.stack([np.asarray(params[k], dtype=float) for k in model.param_names], axis=1)
        length = _sample_length(opts)
        n_samples = math.floor(length / opts["dt_out"] * (1 + 1e-12)) + 1
        if opts["protocol"] == "fixed":
            start_w = opts["t_end"] - length
            schedule = Schedule.fixed(n, opts["t_end"], start_w, opts["rtol"])
        else:
            n_win = math.floor(opts["t_end"] / opts["window"] * (1 + 1e-12))
            schedule = Schedule.windows(np.full(n, opts["window"]), n_win, opts["rtol"],
                                        settle_atol=opts["settle_atol"],
                                        settle_rtol=opts["settle_rtol"])  # fmt: skip
        integ = IntegratorOptions(atol=opts["atol"], h0=opts["h0"], max_step=opts["max_step"],
                                  max_steps=int(opts["max_steps"]), dt_out=opts["dt_out"],
                                  n_samples=n_samples)  # fmt: skip
        sol = integrate_batch(model, ps, initial(params, n), schedule, integ, observable=obs)
        out = {
            "span": sol.span,
            "mean": sol.mean,
            "frequency": np.full(n, np.nan),
            "regime": np.full(n, -1, dtype=np.int8),
            "status": sol.status,
            "t_reached": sol.t_reached,
        }
        ok = np.flatnonzero(~np.isin(sol.status, FAILED))
        if ok.size:
            t = opts["dt_out"] * np.arange(n_samples)
            diag = regime_diagnostics(t, sol.samples[ok], transient=0.0)
            osc = np.asarray(diag.regime).reshape(-1) == "oscillation"
            out["regime"][ok] = osc.astype(np.int8)
            idx = ok[osc]
            if idx.size:
                out["frequency"][idx] = dominant_frequency(t, sol.samples[idx])
        return out

    from ..solvers.batched import STATUS

    label = model.state_names[obs]
    outputs = (
        Output("span", "f8", math.nan, {"long_name": f"span of {label} over the window"}),
        Output("mean", "f8", math.nan, {"long_name": f"time average of {label}"}),
        Output("frequency", "f8", math.nan,
               {"long_name": f"dominant angular frequency of {label}"}),
        Output("regime", "i1", -1, {"long_name": "0 steady, 1 oscillation, -1 failed",
                                     "flag_values": [-1, 0, 1],
                                     "flag_meanings": "failed steady oscillation"}),
        Output("status", "i1", -1, {"long_name": "status of the point (0: ok)",
                                     "flag_values": sorted(STATUS),
                                     "flag_meanings": " ".join(STATUS[k].split(":")[0]
                                                               for k in sorted(STATUS))}),
        Output("t_reached", "f8", math.nan, {"long_name": "time at which the run stopped"}),
    )  # fmt: skip
    return SweepModel(
        name=name or model.name,
        defaults=dict(model.defaults),
        outputs=outputs,
        evaluate=evaluate,
        check_point=check_point,
        check_options=_check_options,
        prepare=lambda fixed: None,
        status_meanings=dict(STATUS),
        parameter_attrs=dict(parameter_attrs or {}),
        releases_gil=True,
    )
