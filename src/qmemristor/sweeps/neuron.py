"""The neuron as a sweep model: span, frequency, regime and mean of V per parameter point.

For every point the neuron (Paper N, §N2) is integrated from the **rest state**
(:func:`rest_state`) to ``t_end`` by the batched kernel (:mod:`qmemristor.sweeps.batch`), and
the stationary window ``[transient, t_end]`` (default: the second half) gives

- ``span`` = max V − min V over the window (interpolant-refined extremes, docs/theory.md §N4);
- ``regime`` = :func:`qmemristor.analysis.spectra.regime_diagnostics` of V sampled every
  ``dt_out`` over the window (0 = steady, 1 = oscillation, −1 = failed);
- ``frequency`` = :func:`~qmemristor.analysis.spectra.dominant_frequency` (angular, rad per
  τ_c) of the same samples where the regime is an oscillation, NaN where steady;
- ``V_mean`` = the time average of V over the window (exact integral of the interpolant);
- ``status`` = the integrator's status (:data:`qmemristor.sweeps.batch.STATUS`).

Initial state (a convention: where a stable equilibrium and a limit cycle coexist it decides
which one is reached), option ``initial``:

- ``"equilibrium"`` (default) — the convention of :func:`qmemristor.neuron.dynamics.
  initial_state`, so that sweep points and single simulations agree: the equilibrium
  (0, 0, Z_T, V*) with the smallest |V*| plus ``perturbation·(1, 0, 0, 1)/√2``
  (``perturbation`` = 1e-3), scaled back into the Bloch ball.  Computed here with the folds
  cached per (R_m, Z_T, device) and the result cached per (V_in, R_m, Z_T, device) — V* does
  not depend on Γ, α or Ω — so it costs ~1 ms per new (V_in, R_m) instead of the ~20 ms of a
  fresh fold scan (tested equal to ``initial_state`` within 4 ulps);
- ``"rest"`` — ``(X, Y, Z, V) = (0, 0, Z_T, 0)``: an uncharged capacitor and the device qubit
  in its thermal state, V_in switched on at t = 0 (:func:`rest_state`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError, check_nonnegative
from ..neuron.model import PARAM_NAMES, NeuronParams
from .batch import STATUS, BatchOptions
from .models import Output, SweepModel

__all__ = [
    "INITIAL_STATES",
    "NEURON_OUTPUTS",
    "REGIME_CODES",
    "equilibrium_start",
    "evaluate_neuron",
    "initial_states",
    "neuron_model",
    "rest_state",
]

#: Values of the ``initial`` option (module docstring).
INITIAL_STATES = ("equilibrium", "rest")
_START_OPTIONS = {"initial": "equilibrium", "perturbation": 1e-3}

#: Regime codes of the ``regime`` variable.
REGIME_CODES = {-1: "failed", 0: "steady", 1: "oscillation"}

_PARAM_ATTRS = {
    "v_in": {"long_name": "input bias V_in"},
    "r_m": {"long_name": "load resistance R_m", "units": "R_ext"},
    "gamma": {"long_name": "dephasing rate Γ", "units": "1/τ_c"},
    "alpha": {"long_name": "α = γ_T/γ_φ"},
    "z_t": {"long_name": "thermal polarisation Z_T"},
    "omega": {"long_name": "qubit frequency Ω", "units": "1/τ_c"},
    "l": {"long_name": "oscillator width l", "units": "L"},
    "x0": {"long_name": "shuttle offset x0", "units": "L"},
    "lam": {"long_name": "tunnelling length λ", "units": "L"},
}

NEURON_OUTPUTS = (
    Output("span", "f8", math.nan, {"long_name": "span of V: max − min over the window"}),
    Output(
        "frequency",
        "f8",
        math.nan,
        {"long_name": "dominant angular frequency of V (NaN if steady)", "units": "rad/τ_c"},
    ),
    Output(
        "regime",
        "i1",
        -1,
        {
            "long_name": "stationary regime",
            "flag_values": [-1, 0, 1],
            "flag_meanings": "failed steady oscillation",
        },
    ),
    Output("V_mean", "f8", math.nan, {"long_name": "time average of V over the window"}),
    Output(
        "status",
        "i1",
        -1,
        {
            "long_name": "integration status (0: ok)",
            "flag_values": sorted(STATUS),
            "flag_meanings": " ".join(STATUS[k].split(":")[0] for k in sorted(STATUS)),
        },
    ),
)


def rest_state(z_t: NDArray | float) -> NDArray[np.float64]:
    """The rest state ``(0, 0, Z_T, 0)`` for each Z_T, shape (..., 4)."""
    z = np.asarray(z_t, dtype=float)
    y0 = np.zeros((*z.shape, 4))
    y0[..., 2] = z
    return y0


@lru_cache(maxsize=4096)
def _folds(r_m: float, z_t: float, x0: float, l: float, lam: float) -> tuple:
    from ..neuron.equilibria import fold_points

    return tuple(fold_points(NeuronParams(r_m=r_m, z_t=z_t, x0=x0, l=l, lam=lam)))


@lru_cache(maxsize=65536)
def _equilibrium_start(v_in, r_m, z_t, x0, l, lam, perturbation) -> tuple[float, ...]:
    from ..neuron.equilibria import equilibria

    p = NeuronParams(v_in=v_in, r_m=r_m, z_t=z_t, x0=x0, l=l, lam=lam)
    eq = min(equilibria(p, folds=list(_folds(r_m, z_t, x0, l, lam))), key=lambda e: abs(e.V))
    # the rule of neuron.dynamics.initial_state, written the same way (same rounding)
    y = eq.state + perturbation * np.array([1.0, 0.0, 0.0, 1.0]) / math.sqrt(2.0)
    r = float(np.linalg.norm(y[:3]))
    if r > 1.0:
        y[:3] /= r
    return tuple(float(v) for v in y)


def equilibrium_start(p: NeuronParams, perturbation: float = 1e-3) -> NDArray[np.float64]:
    """:func:`qmemristor.neuron.dynamics.initial_state` with cached folds (module docstring)."""
    key = (p.v_in, p.r_m, p.z_t, p.x0, p.l, p.lam, float(perturbation))
    return np.array(_equilibrium_start(*key))


def initial_states(
    params: Mapping[str, NDArray], initial: str = "equilibrium", perturbation: float = 1e-3
) -> NDArray[np.float64]:
    """Initial states (n, 4) of a batch of points for the ``initial`` convention."""
    if initial == "rest":
        return rest_state(params["z_t"])
    keys = ("v_in", "r_m", "z_t", "x0", "l", "lam")
    cols = [np.asarray(params[k], dtype=float) for k in keys]
    return np.array(
        [_equilibrium_start(*(float(c[i]) for c in cols), float(perturbation))
         for i in range(cols[0].size)]
    ).reshape(-1, 4)  # fmt: skip


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Validated numerical options with defaults: :class:`BatchOptions` fields, ``initial``
    and ``perturbation``."""
    batch_fields = tuple(f.name for f in dataclasses.fields(BatchOptions))
    known = (*batch_fields, *_START_OPTIONS)
    for k in options:
        if k not in known:
            raise ParameterError(f"unknown neuron sweep option {k!r}; valid: {', '.join(known)}")
    opts = dataclasses.asdict(BatchOptions(**{k: options[k] for k in batch_fields if k in options}))
    start = {**_START_OPTIONS, **{k: options[k] for k in _START_OPTIONS if k in options}}
    if start["initial"] not in INITIAL_STATES:
        raise ParameterError(
            f"initial must be one of {', '.join(INITIAL_STATES)} (got {start['initial']!r})"
        )
    start["perturbation"] = check_nonnegative("perturbation", start["perturbation"])
    return {**opts, **start}


def _batch_options(options: Mapping[str, Any]) -> BatchOptions:
    return BatchOptions(**{f.name: options[f.name] for f in dataclasses.fields(BatchOptions)
                           if f.name in options})  # fmt: skip


def _check_point(params: dict[str, float]) -> NeuronParams:
    return NeuronParams(**params)


def _prepare(fixed: Mapping[str, float]) -> None:
    from ..neuron.device import device_tables
    from .batch import warm_up

    warm_up()
    if "l" in fixed and "lam" in fixed:
        device_tables(fixed["l"], fixed["lam"])


def evaluate_neuron(
    params: Mapping[str, NDArray], options: Mapping[str, Any]
) -> dict[str, NDArray]:
    """The neuron sweep's ``evaluate``: a batch of points → span, frequency, regime, V_mean.

    ``params`` maps every :class:`NeuronParams` field to an array (n,); ``options`` are the
    fields of :class:`~qmemristor.sweeps.batch.BatchOptions` plus ``initial`` and
    ``perturbation`` (module docstring).  Points are grouped by device (l, λ), which selects
    the F_ij tables.
    """
    from ..analysis.spectra import dominant_frequency, regime_diagnostics
    from ..neuron.device import device_tables
    from .batch import integrate_batch

    opts = _batch_options(options)
    n = len(params["v_in"])
    pvecs = np.stack([np.asarray(params[k], dtype=float) for k in PARAM_NAMES], axis=1)
    y0 = initial_states(
        params, options.get("initial", "equilibrium"), options.get("perturbation", 1e-3)
    )
    out = {
        "span": np.full(n, np.nan),
        "frequency": np.full(n, np.nan),
        "regime": np.full(n, -1, dtype=np.int8),
        "V_mean": np.full(n, np.nan),
        "status": np.zeros(n, dtype=np.int8),
    }
    samples = np.full((n, opts.n_samples), np.nan)
    device = np.stack([np.asarray(params["l"], float), np.asarray(params["lam"], float)], 1)
    for width, lam in np.unique(device, axis=0):
        sel = np.flatnonzero((device[:, 0] == width) & (device[:, 1] == lam))
        res = integrate_batch(pvecs[sel], y0[sel], device_tables(float(width), float(lam)), opts)
        out["span"][sel] = res.span
        out["V_mean"][sel] = res.v_mean
        out["status"][sel] = res.status
        samples[sel] = res.samples
    ok = np.flatnonzero(out["status"] == 0)
    if ok.size:
        t = opts.sample_times()
        diag = regime_diagnostics(t, samples[ok], transient=0.0)
        osc = np.asarray(diag.regime).reshape(-1) == "oscillation"
        out["regime"][ok] = osc.astype(np.int8)
        idx = ok[osc]
        if idx.size:
            out["frequency"][idx] = dominant_frequency(t, samples[idx])
    return out


def neuron_model() -> SweepModel:
    """The ``"neuron"`` sweep model (registered under that name)."""
    return SweepModel(
        name="neuron",
        defaults=NeuronParams().as_attrs(),
        outputs=NEURON_OUTPUTS,
        evaluate=evaluate_neuron,
        check_point=_check_point,
        check_options=_options,
        prepare=_prepare,
        status_meanings=dict(STATUS),
        parameter_attrs=_PARAM_ATTRS,
        releases_gil=True,  # the Dormand–Prince kernel is compiled with nogil=True
    )
