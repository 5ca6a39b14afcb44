"""The neuron as a sweep model: span, frequency, regime and mean of V per parameter point.

For every point the neuron (Paper N, §N2) is integrated from the **rest state**
(:func:`rest_state`) to ``t_end`` by the batched kernel (:mod:`qmemristor.sweeps.batch`), and
the stationary window ``[transient, t_end]`` (default: the second half) gives

- ``span`` = max V − min V over the window (interpolant-refined extremes, SPEC §N4);
- ``regime`` = :func:`qmemristor.analysis.spectra.regime_diagnostics` of V sampled every
  ``dt_out`` over the window (0 = steady, 1 = oscillation, −1 = failed);
- ``frequency`` = :func:`~qmemristor.analysis.spectra.dominant_frequency` (angular, rad per
  τ_c) of the same samples where the regime is an oscillation, NaN where steady;
- ``V_mean`` = the time average of V over the window (exact integral of the interpolant);
- ``status`` = the integrator's status (:data:`qmemristor.sweeps.batch.STATUS`).

Initial state (a convention: where a stable equilibrium and a limit cycle coexist it decides
which one is reached): the rest state ``(X, Y, Z, V) = (0, 0, Z_T, 0)`` — an uncharged
capacitor and the device qubit in its thermal state, the input V_in switched on at t = 0 (the
same start as :func:`qmemristor.neuron.equilibria.quasi_static_ramp`'s ``v_start = 0``).  It
needs no root finding (``equilibria`` costs ~25 ms a point, twice the integration).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError
from ..neuron.model import PARAM_NAMES, NeuronParams
from .batch import STATUS, BatchOptions
from .models import Output, SweepModel

__all__ = [
    "NEURON_OUTPUTS",
    "REGIME_CODES",
    "evaluate_neuron",
    "neuron_model",
    "rest_state",
]

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
    """The sweep's initial state ``(0, 0, Z_T, 0)`` for each Z_T, shape (..., 4)."""
    z = np.asarray(z_t, dtype=float)
    y0 = np.zeros((*z.shape, 4))
    y0[..., 2] = z
    return y0


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Validated numerical options (the fields of :class:`BatchOptions`) with defaults."""
    known = tuple(f.name for f in dataclasses.fields(BatchOptions))
    for k in options:
        if k not in known:
            raise ParameterError(f"unknown neuron sweep option {k!r}; valid: {', '.join(known)}")
    opts = BatchOptions(**options)
    return dataclasses.asdict(opts)


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
    fields of :class:`~qmemristor.sweeps.batch.BatchOptions`.  Points are grouped by device
    (l, λ), which selects the F_ij tables.
    """
    from ..analysis.spectra import dominant_frequency, regime_diagnostics
    from ..neuron.device import device_tables
    from .batch import integrate_batch

    opts = BatchOptions(**options)
    n = len(params["v_in"])
    pvecs = np.stack([np.asarray(params[k], dtype=float) for k in PARAM_NAMES], axis=1)
    y0 = rest_state(params["z_t"])
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
    )
