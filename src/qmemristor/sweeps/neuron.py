"""The neuron as a sweep model: span, frequency, regime and mean of V per parameter point.

For every point the neuron (Paper N, §N2) is integrated by the batched kernel
(:mod:`qmemristor.sweeps.batch`) under the option ``protocol``:

- ``"stationary"`` (default) — window by window until the extremes of V are stationary, or
  until the point's cap (the rule: :mod:`qmemristor.neuron.stationary`); the windows and the
  cap scale with the point's slowest relaxation time τ (from Γ, αΓ and the Jacobian's
  eigenvalues at the equilibrium the run starts from), the hard cap is ``t_end`` (default
  30000);
- ``"paper"`` — Paper N's protocol: to ``t_end`` (default 1500), the second half kept.

The (last) window gives

- ``span`` = max V − min V over the window (interpolant-refined extremes, docs/theory.md §N4);
- ``regime`` = :func:`qmemristor.analysis.spectra.regime_diagnostics` of V sampled every
  ``dt_out`` (0 = steady, 1 = oscillation, −1 = failed, :data:`REGIME_CODES`), told whether
  the point has a stable equilibrium at all (without one a decaying amplitude is not
  extrapolated to rest);
- ``frequency`` = :func:`~qmemristor.analysis.spectra.dominant_frequency` (angular, rad per
  τ_c) of the same samples where the regime is an oscillation, NaN where steady;
- ``V_mean`` = the time average of V over the window (exact integral of the interpolant);
- ``status`` = :data:`qmemristor.sweeps.batch.STATUS` (0 settled / completed, 1–4 failed,
  5 not settled within the cap: values of the last window, kept);
- ``t_reached`` = when the point's integration stopped; ``tau`` = its relaxation time τ.

Accuracy (:data:`ACCURACY`): span errors against SciPy measured by
``benchmarks/stationary_accuracy.py``.

Initial state (a convention: where a stable equilibrium and a limit cycle coexist it decides
which one is reached), option ``initial``:

- ``"equilibrium"`` (default) — the convention of :func:`qmemristor.neuron.dynamics.
  initial_state`, so that sweep points and single simulations agree: the equilibrium
  (0, 0, Z_T, V*) with the smallest |V*| plus ``perturbation·(1, 0, 0, 1)/√2``
  (``perturbation`` = 1e-3), scaled back into the Bloch ball.  Computed here with the folds
  cached per (R_m, Z_T, device) and the equilibria cached per (V_in, R_m, Z_T, device) — V*
  does not depend on Γ, α or Ω — so it costs ~1 ms per new (V_in, R_m) instead of the ~20 ms
  of a fresh fold scan (tested equal to ``initial_state`` within 4 ulps);
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
from ..neuron.stationary import ZERO_RATE
from .batch import FAILED, STATUS, BatchOptions
from .models import Output, SweepModel

__all__ = [
    "ACCURACY",
    "INITIAL_STATES",
    "NEURON_OUTPUTS",
    "REGIME_CODES",
    "equilibrium_start",
    "evaluate_neuron",
    "initial_states",
    "neuron_model",
    "rest_state",
    "start_spectra",
]

#: Values of the ``initial`` option (module docstring).
INITIAL_STATES = ("equilibrium", "rest")
_START_OPTIONS = {"initial": "equilibrium", "perturbation": 1e-3}

#: Regime codes of the ``regime`` variable, ``"name: description"``.
REGIME_CODES = {
    -1: "failed: the integration failed (status 1–4)",
    0: "steady: V at rest in the window (flat, or a spiral decaying to a stable equilibrium)",
    1: "oscillation: V oscillates in the window (sustained, growing, or approaching a cycle)",
}

#: Measured accuracy of settled spans at the default rtol = 3e-5 (``benchmarks/
#: stationary_accuracy.py``: 25 points — steady, limit cycles, coexistence, Hopf
#: neighbourhoods, slow points with αΓ down to 1e-3 — against LSODA at rtol 1e-10 from the same
#: start, run 3 windows beyond the sweep's end): the largest |span − span_SciPy|, where, and the
#: relative error next to Hopf points (where the tolerance is tightened, ``rtol_hopf``).
#: Quoted by the CLI's help (kept in step by tests/cli/test_sweep_cli.py).
ACCURACY = {
    "span_error": 2.4e-5,
    "where": "Γ = 0.645, V_in = 2, R_m = 6 (span 0.0259, 0.009 inside the Hopf point 0.6544)",
    "relative_near_hopf": 1.1e-3,
}

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
            "flag_values": sorted(REGIME_CODES),
            "flag_meanings": " ".join(REGIME_CODES[k].split(":")[0] for k in sorted(REGIME_CODES)),
            "flag_descriptions": "; ".join(f"{k}: {REGIME_CODES[k]}" for k in sorted(REGIME_CODES)),
        },
    ),
    Output("V_mean", "f8", math.nan, {"long_name": "time average of V over the window"}),
    Output(
        "status",
        "i1",
        -1,
        {
            "long_name": "status of the point (0: ok; 5: not settled, values kept; else failed)",
            "flag_values": sorted(STATUS),
            "flag_meanings": " ".join(STATUS[k].split(":")[0] for k in sorted(STATUS)),
            "flag_descriptions": "; ".join(f"{k}: {STATUS[k]}" for k in sorted(STATUS)),
        },
    ),
    Output(
        "t_reached",
        "f8",
        math.nan,
        {"long_name": "time at which the integration stopped", "units": "tau_c"},
    ),
    Output(
        "tau",
        "f8",
        math.nan,
        {
            "long_name": "slowest relaxation time 1/min(Γ, αΓ, |Re λ|) at the start equilibrium "
            "(stationary protocol; NaN for the paper protocol)",
            "units": "tau_c",
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
def _equilibrium_voltages(v_in, r_m, z_t, x0, l, lam) -> tuple[float, ...]:
    """Every equilibrium voltage V* (sorted); V* does not depend on Γ, α or Ω."""
    from ..neuron.equilibria import equilibria

    p = NeuronParams(v_in=v_in, r_m=r_m, z_t=z_t, x0=x0, l=l, lam=lam)
    return tuple(e.V for e in equilibria(p, folds=list(_folds(r_m, z_t, x0, l, lam))))


@lru_cache(maxsize=65536)
def _equilibrium_start(v_in, r_m, z_t, x0, l, lam, perturbation) -> tuple[float, ...]:
    v_star = min(_equilibrium_voltages(v_in, r_m, z_t, x0, l, lam), key=abs)
    # the rule of neuron.dynamics.initial_state, written the same way (same rounding)
    y = np.array([0.0, 0.0, z_t, v_star]) + perturbation * np.array(
        [1.0, 0.0, 0.0, 1.0]
    ) / math.sqrt(2.0)
    r = float(np.linalg.norm(y[:3]))
    if r > 1.0:
        y[:3] /= r
    return tuple(float(v) for v in y)


def equilibrium_start(p: NeuronParams, perturbation: float = 1e-3) -> NDArray[np.float64]:
    """:func:`qmemristor.neuron.dynamics.initial_state` with cached folds (module docstring)."""
    key = (p.v_in, p.r_m, p.z_t, p.x0, p.l, p.lam, float(perturbation))
    return np.array(_equilibrium_start(*key))


_DEVICE_KEYS = ("v_in", "r_m", "z_t", "x0", "l", "lam")


def initial_states(
    params: Mapping[str, NDArray], initial: str = "equilibrium", perturbation: float = 1e-3
) -> NDArray[np.float64]:
    """Initial states (n, 4) of a batch of points for the ``initial`` convention."""
    if initial == "rest":
        return rest_state(params["z_t"])
    cols = [np.asarray(params[k], dtype=float) for k in _DEVICE_KEYS]
    return np.array(
        [_equilibrium_start(*(float(c[i]) for c in cols), float(perturbation))
         for i in range(cols[0].size)]
    ).reshape(-1, 4)  # fmt: skip


def start_spectra(
    params: Mapping[str, NDArray], y0: NDArray, tables
) -> tuple[NDArray[np.complex128], NDArray[np.bool_]]:
    """Per point: the Jacobian eigenvalues at the equilibrium nearest (in V) to the initial
    state, and whether any equilibrium is stable (no eigenvalue with Re λ >
    :data:`~qmemristor.neuron.stationary.ZERO_RATE`; a neutral direction, α = 0, counts as
    at rest).  Points share ``tables``; V* comes from the cache of :func:`initial_states`."""
    from ..neuron.stationary import equilibrium_spectra

    cols = [np.asarray(params[k], dtype=float) for k in _DEVICE_KEYS]
    n = cols[0].size
    if n == 0:
        return np.empty((0, 4), dtype=complex), np.empty(0, dtype=bool)
    pvecs = np.stack([np.asarray(params[k], dtype=float) for k in PARAM_NAMES], axis=1)
    vs = [_equilibrium_voltages(*(float(c[i]) for c in cols)) for i in range(n)]
    counts = [len(v) for v in vs]
    owner = np.repeat(np.arange(n), counts)
    flat = np.concatenate([np.asarray(v, dtype=float) for v in vs])
    ev = equilibrium_spectra(flat, pvecs[owner], tables)
    stable = np.zeros(n, dtype=bool)
    np.logical_or.at(stable, owner, ev.real.max(axis=1) <= ZERO_RATE)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(int)
    near = np.array([first[i] + int(np.argmin(np.abs(np.asarray(vs[i]) - y0[i, 3])))
                     for i in range(n)], dtype=int)  # fmt: skip
    return ev[near], stable


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
    from ..neuron.stationary import relaxation_time
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
        "t_reached": np.full(n, np.nan),
        "tau": np.full(n, np.nan),
    }
    samples = np.full((n, opts.n_samples), np.nan)
    rest = np.ones(n, dtype=bool)
    device = np.stack([np.asarray(params["l"], float), np.asarray(params["lam"], float)], 1)
    for width, lam in np.unique(device, axis=0):
        sel = np.flatnonzero((device[:, 0] == width) & (device[:, 1] == lam))
        tables = device_tables(float(width), float(lam))
        ev, rest[sel] = start_spectra({k: np.asarray(v)[sel] for k, v in params.items()},
                                      y0[sel], tables)  # fmt: skip
        if opts.protocol == "stationary":
            out["tau"][sel] = relaxation_time(pvecs[sel, 2], pvecs[sel, 3], ev)
        res = integrate_batch(pvecs[sel], y0[sel], tables, opts, spectra=ev)
        out["span"][sel] = res.span
        out["V_mean"][sel] = res.v_mean
        out["status"][sel] = res.status
        out["t_reached"][sel] = res.t_reached
        samples[sel] = res.samples
    ok = np.flatnonzero(~np.isin(out["status"], FAILED))
    if ok.size:
        t = opts.sample_times()
        diag = regime_diagnostics(t, samples[ok], transient=0.0, rest_possible=rest[ok])
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
