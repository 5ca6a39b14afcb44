"""Datasets and JSON records of two coupled neurons (:mod:`qmemristor.neuron.coupled`).

:func:`pair_dataset` holds V_1(t), V_2(t) over the measuring window and the locking summary
in its attributes; :func:`branch_dataset` the in-phase cycle branch (parameter, period, spans,
multipliers, stability) with its folds of cycles; the records are the same content as plain
Python (the CLI's ``--json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from ..analysis.orbits import CycleFamily
from ..analysis.synchrony import LOCKING_STATES
from ..io import provenance_attrs
from ..neuron.coupled import COUPLED_PARAM_NAMES, V_1, V_2, CoupledParams

__all__ = ["branch_dataset", "branch_record", "lpc_values", "pair_dataset", "pair_record"]


def pair_record(p: CoupledParams, summary: Mapping[str, float], status: int) -> dict[str, Any]:
    """The locking summary of one pair as plain Python."""
    state = int(summary["state"])
    return {
        "parameters": p.as_attrs(),
        "detuning_omega": p.second.omega - p.first.omega,
        "detuning_v_in": p.second.v_in - p.first.v_in,
        "state": LOCKING_STATES[state],
        "status": int(status),
        **{k: float(v) for k, v in summary.items() if k != "state"},
    }


def pair_dataset(
    p: CoupledParams, t: np.ndarray, v1: np.ndarray, v2: np.ndarray, record: Mapping[str, Any],
    options: Mapping[str, Any],
) -> xr.Dataset:  # fmt: skip
    """V_1(t), V_2(t) over the window, the summary and options in the attributes."""
    attrs = {**p.as_attrs(), **{f"option_{k}": v for k, v in options.items()}}
    attrs.update({f"result_{k}": v for k, v in record.items() if k != "parameters"})
    return xr.Dataset(
        {"V_1": ("t", v1, {"long_name": "V of neuron 1"}),
         "V_2": ("t", v2, {"long_name": "V of neuron 2"})},
        coords={"t": ("t", t, {"long_name": "time from the window start", "units": "tau_c"})},
        attrs=provenance_attrs(attrs),
    )  # fmt: skip


def lpc_values(family: CycleFamily, tol: float = 1e-6) -> list[float]:
    """The distinct parameter values of the folds of cycles on ``family`` (sorted)."""
    vals: list[float] = []
    for sp in family.points("LPC"):
        v = float(sp.p[family.k])
        if all(abs(v - w) > tol for w in vals):
            vals.append(v)
    return sorted(vals)


def branch_record(family: CycleFamily, p: CoupledParams) -> dict[str, Any]:
    """The in-phase branch as plain Python: points and folds (LPC)."""
    name = COUPLED_PARAM_NAMES[family.k]
    points = [
        {
            name: float(family.mu[i]),
            "period": float(family.period[i]),
            "span_1": float(family.maximum[i, V_1] - family.minimum[i, V_1]),
            "span_2": float(family.maximum[i, V_2] - family.minimum[i, V_2]),
            "stable": bool(family.stable[i]),
            "multipliers": [[float(m.real), float(m.imag)] for m in family.multipliers[i]],
        }
        for i in range(len(family))
    ]
    return {"parameter": name, "ends": list(family.ends), "lpc": lpc_values(family),
            "points": points}  # fmt: skip


def branch_dataset(family: CycleFamily, p: CoupledParams) -> xr.Dataset:
    """The in-phase branch on dimension ``point`` (multipliers as real and imaginary parts)."""
    name = COUPLED_PARAM_NAMES[family.k]
    mult = np.asarray(family.multipliers)
    return xr.Dataset(
        {
            name: ("point", family.mu),
            "period": ("point", family.period),
            "span_1": ("point", family.maximum[:, V_1] - family.minimum[:, V_1]),
            "span_2": ("point", family.maximum[:, V_2] - family.minimum[:, V_2]),
            "stable": ("point", family.stable.astype(np.int8)),
            "multiplier_re": (("point", "multiplier"), mult.real),
            "multiplier_im": (("point", "multiplier"), mult.imag),
        },
        attrs=provenance_attrs(
            {
                **p.as_attrs(),
                "branch_parameter": name,
                "ends": " ".join(family.ends),
                "lpc": lpc_values(family),
            }
        ),
    )
