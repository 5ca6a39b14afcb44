"""Dataset of a network run: :class:`~qmemristor.network.NetworkResult` → labelled xarray.

Dimensions: ``node`` (0 … N−1), ``t``, ``period`` (complete drive periods), ``pair`` (the
stored pairs, with coordinates ``pair_i``, ``pair_j`` and a label ``"i-j"``), ``partition``
(bipartitions ``A | rest``, label = the nodes of A), ``death``/``birth`` (sudden death and
birth events, padded with NaN per pair).  Attributes: the network (nodes, edges, interaction,
δ, frame, order, γ0 per node), the backend, ``dt``, ``g = δ/Δt``, the initial Bloch vectors,
and provenance (:func:`qmemristor.io.provenance_attrs`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr

from ..io import provenance_attrs
from ..memristor.model import InitialState
from ..network.measures import NetworkResult
from ..network.model import MemristorNetwork

__all__ = ["network_dataset"]


def _padded(rows: list[np.ndarray]) -> np.ndarray:
    width = max((r.size for r in rows), default=0)
    out = np.full((len(rows), width), math.nan)
    for k, r in enumerate(rows):
        out[k, : r.size] = r
    return out


def network_dataset(
    network: MemristorNetwork,
    result: NetworkResult,
    states: Sequence[InitialState],
    *,
    seed: int | None = None,
    extra_attrs: dict[str, Any] | None = None,
) -> xr.Dataset:
    """The labelled result of a network run (any backend), ready for netCDF."""
    nt = ("node", "t")
    pt = ("pair", "t")
    b = result.bloch
    data: dict[str, Any] = {
        "sigma_x": (nt, b[..., 0], {"long_name": "<σx> (paper basis)"}),
        "sigma_y": (nt, b[..., 1], {"long_name": "<σy> (paper basis)"}),
        "sigma_z": (nt, b[..., 2], {"long_name": "<σz> (paper basis, +1 = |e>)"}),
        "dsigma_y_dt": (nt, result.dsigma_y_dt, {"long_name": "d<σy>/dt (generator rule)"}),
        "gamma": (nt, result.gamma, {"long_name": "decay rate Γ(t)"}),
        "V": (nt, result.V, {"long_name": "<V> = -(k/2)<σy>"}),
        "I": (nt, result.I, {"long_name": "<I> = k(d<σy>/dt - ω<σx>)"}),
        "form_factor": (
            ("node", "period"),
            result.form_factor,
            {"long_name": "loop form factor 4πS/P² (V, I normalised over the run)"},
        ),
        "pinch_offset": (
            ("node", "period"),
            result.pinch_offset,
            {"long_name": "max |I| at V = 0 crossings / max |I| in the period"},
        ),
        "pinched": (
            ("node", "period"),
            result.pinched.astype(np.int8),
            {"long_name": "1 if the loop passes through the origin"},
        ),
        "concurrence": (pt, result.concurrence, {"long_name": "Wootters concurrence"}),
        "wootters": (pt, result.wootters, {"long_name": "Wootters quantity λ1-λ2-λ3-λ4"}),
        "mutual_information": (
            pt,
            result.mutual_information,
            {"long_name": "quantum mutual information S(A)+S(B)-S(AB)", "units": "bit"},
        ),
        "negativity": (
            ("partition", "t"),
            result.negativity,
            {"long_name": "negativity (‖ρ^{T_A}‖₁ − 1)/2 (NaN: not evaluated)"},
        ),
        "log_negativity": (
            ("partition", "t"),
            result.log_negativity,
            {"long_name": "logarithmic negativity log2 ‖ρ^{T_A}‖₁", "units": "bit"},
        ),
        "sudden_death_start": (
            ("pair", "death"),
            _padded([e.death_start for e in result.events]),
            {"long_name": "start of each C = 0 interval (NaN padded)"},
        ),
        "sudden_birth": (
            ("pair", "birth"),
            _padded([e.birth for e in result.events]),
            {"long_name": "first time with C > 0 after a C = 0 interval (NaN padded)"},
        ),
    }
    if result.tripartite is not None:
        data["tripartite_negativity"] = (
            "t",
            result.tripartite,
            {"long_name": "geometric mean of the three one-vs-rest negativities"},
        )
    err = result.errors
    if "single" in err:
        for c, name in enumerate(("sigma_x", "sigma_y", "sigma_z")):
            data[f"{name}_err"] = (nt, err["single"][..., c], {"long_name": f"SE of {name}"})
        kk = np.array([m.k for m in network.nodes])[:, None]
        data["V_err"] = (nt, 0.5 * kk * err["single"][..., 1], {"long_name": "SE of V"})
    if "current" in err:
        data["I_err"] = (nt, err["current"], {"long_name": "SE of I"})
    if "wootters" in err:
        data["wootters_err"] = (pt, err["wootters"], {"long_name": "jackknife SE of wootters"})
    if "negativity" in err:
        data["negativity_err"] = (
            ("partition", "t"),
            err["negativity"],
            {"long_name": "jackknife SE of negativity"},
        )
    if "tripartite" in err:
        data["tripartite_negativity_err"] = (
            "t",
            err["tripartite"],
            {"long_name": "jackknife SE of tripartite_negativity"},
        )
    pairs = result.pairs
    coords = {
        "t": ("t", result.t, {"units": "1/omega"}),
        "node": ("node", np.arange(network.n)),
        "period": ("period", np.arange(result.form_factor.shape[1])),
        "pair": ("pair", [f"{i}-{j}" for i, j in pairs]),
        "pair_i": ("pair", np.array([p[0] for p in pairs], dtype=np.int64)),
        "pair_j": ("pair", np.array([p[1] for p in pairs], dtype=np.int64)),
        "partition": ("partition", [",".join(map(str, a)) for a in result.partitions]),
    }
    deltas = [e.coupling.delta for e in network.edges if e.coupling.unitary is None]
    g = deltas[0] / result.dt if deltas and len(set(deltas)) == 1 else math.nan
    attrs = {
        **network.as_attrs(),
        "backend": result.states.backend,
        "dt": result.dt,
        "g": g,
        "initial_bloch": [list(s.bloch) for s in states],
        "basis": "paper order, node 0 left-most, (|e>, |g>) per node, Schrödinger picture",
        **{
            k: v
            for k, v in result.states.info.items()
            if isinstance(v, int | float | str) or v is None
        },
        **(extra_attrs or {}),
    }
    return xr.Dataset(data, coords=coords, attrs=provenance_attrs(attrs, seed=seed))
