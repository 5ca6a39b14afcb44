"""Datasets of cycle families (:mod:`qmemristor.analysis.orbits`, :mod:`qmemristor.neuron.orbits`).

:func:`neuron_orbits_dataset` lays the neuron's families out on one dimension ``point`` (all
families one after the other; ``family`` says which), with the multipliers on ``multiplier``
and the special points on ``special``; :func:`neuron_orbits_record` is the same content as
plain Python lists (the CLI's ``--json``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from ..io import provenance_attrs
from ..neuron.orbits import V_INDEX, CycleFamilies

__all__ = ["neuron_orbits_dataset", "neuron_orbits_record"]


def _points(result: CycleFamilies) -> dict[str, np.ndarray]:
    fams = result.families
    if not fams or not any(len(f) for f in fams):
        n = 4
        empty = np.empty(0)
        return {
            "family": np.empty(0, dtype=np.int64),
            "v_in": empty,
            "period": empty,
            "v_min": empty,
            "v_max": empty,
            "stable": np.empty(0, dtype=bool),
            "multipliers": np.empty((0, n), dtype=complex),
        }
    return {
        "family": np.concatenate([np.full(len(f), i, dtype=np.int64) for i, f in enumerate(fams)]),
        "v_in": np.concatenate([f.mu for f in fams]),
        "period": np.concatenate([f.period for f in fams]),
        "v_min": np.concatenate([f.minimum[:, V_INDEX] for f in fams]),
        "v_max": np.concatenate([f.maximum[:, V_INDEX] for f in fams]),
        "stable": np.concatenate([f.stable for f in fams]),
        "multipliers": np.concatenate([f.multipliers for f in fams]),
    }


def _special(result: CycleFamilies) -> list[dict[str, Any]]:
    out = []
    for i, fam in enumerate(result.families):
        for sp in fam.special_points:
            out.append(
                {
                    "type": sp.kind,
                    "family": i,
                    "v_in": float(sp.p[fam.k]),
                    "period": float(sp.data["period"]),
                    "located": bool(sp.located),
                }
            )
    return out


def neuron_orbits_record(result: CycleFamilies) -> dict[str, Any]:
    """``{"orbits": [...], "special": [...], "hopf": [...], "families": [...]}`` (module doc).

    Each orbit point: ``family``, ``v_in``, ``period``, ``span``, ``v_min``, ``v_max``,
    ``stable`` and ``multipliers`` as ``[re, im]`` pairs (the trivial multiplier first).
    """
    pts = _points(result)
    orbits = [
        {
            "family": int(pts["family"][i]),
            "v_in": float(pts["v_in"][i]),
            "period": float(pts["period"][i]),
            "span": float(pts["v_max"][i] - pts["v_min"][i]),
            "v_min": float(pts["v_min"][i]),
            "v_max": float(pts["v_max"][i]),
            "stable": bool(pts["stable"][i]),
            "multipliers": [[float(z.real), float(z.imag)] for z in pts["multipliers"][i]],
        }
        for i in range(pts["v_in"].size)
    ]
    families = [
        {
            "family": i,
            "hopf_v_in": result.hopf[result.starts[i]].value,
            "ends": list(f.ends),
            "end_v_in": [float(e) if np.isfinite(e) else None for e in f.end_params],
            "points": len(f),
        }
        for i, f in enumerate(result.families)
    ]
    return {
        "orbits": orbits,
        "special": _special(result),
        "hopf": [h.as_dict() for h in result.hopf],
        "families": families,
    }


def neuron_orbits_dataset(result: CycleFamilies) -> xr.Dataset:
    """The families as an :class:`xarray.Dataset` (netCDF-ready, provenance in the attrs)."""
    pts = _points(result)
    mult = pts["multipliers"]
    special = _special(result)
    data = {
        "family": ("point", pts["family"], {"long_name": "index of the cycle family"}),
        "v_in": ("point", pts["v_in"], {"long_name": "input bias V_in"}),
        "period": ("point", pts["period"], {"long_name": "period", "units": "tau_c"}),
        "v_min": ("point", pts["v_min"], {"long_name": "minimum of V over the cycle"}),
        "v_max": ("point", pts["v_max"], {"long_name": "maximum of V over the cycle"}),
        "span": ("point", pts["v_max"] - pts["v_min"], {"long_name": "V_max - V_min"}),
        "stable": (
            "point",
            pts["stable"],
            {"long_name": "all nontrivial Floquet multipliers inside the unit circle"},
        ),
        "multiplier_real": (("point", "multiplier"), mult.real),
        "multiplier_imag": (
            ("point", "multiplier"),
            mult.imag,
            {"long_name": "Floquet multipliers, the trivial one first"},
        ),
        "special_type": ("special", np.array([s["type"] for s in special], dtype=str)),
        "special_family": ("special", np.array([s["family"] for s in special], dtype=np.int64)),
        "special_v_in": ("special", np.array([s["v_in"] for s in special], dtype=float)),
        "special_period": ("special", np.array([s["period"] for s in special], dtype=float)),
        "hopf_v_in": ("hopf", np.array([h.value for h in result.hopf], dtype=float)),
        "hopf_criticality": ("hopf", np.array([h.criticality for h in result.hopf], dtype=str)),
    }
    base = {k: v for k, v in result.base.as_attrs().items() if k != "v_in"}
    attrs = {
        **base,
        "v_in_bounds": list(result.bounds),
        "family_ends": [f"{a}/{b}" for fam in result.families for a, b in [fam.ends]],
        "method": "orthogonal collocation (Gauss points), pseudo-arclength continuation in v_in",
    }
    return xr.Dataset(data, attrs=provenance_attrs(attrs))
