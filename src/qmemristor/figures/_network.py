"""Shared runs of the network figures: one density run per point, summarised to scalars."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr

from ..io import provenance_attrs

GAMMA0 = 0.02
POINTS_PER_PERIOD = 30
OUTPUTS = (
    "pinched_fraction",
    "mean_form_factor",
    "mean_concurrence",
    "mean_negativity_half",
    "mean_tripartite",
)


def point(n: int, topology: str, delta: float, periods: int) -> dict[str, float]:
    """One exact run of ``n`` nodes (all from (|e⟩+|g⟩)/√2, γ0 = 0.02, σy⊗σy) → scalars."""
    from ..memristor import InitialState, MemristorParams, time_grid
    from ..memristor.interactions import Coupling
    from ..network import DEFAULT_FRAME, MemristorNetwork, simulate_network
    from ..network.measures import summary

    net = MemristorNetwork.build(
        n,
        topology,
        Coupling("yy", delta),
        memristor=MemristorParams(gamma0=GAMMA0),
        frame=DEFAULT_FRAME,
    )
    state = InitialState.from_angles(math.pi / 4, 0.0)
    res = simulate_network(net, state, time_grid(periods, POINTS_PER_PERIOD))
    s = summary(res)
    return {k: float(s.get(k, math.nan)) for k in OUTPUTS}


def grid_dataset(
    axis: str,
    values: np.ndarray,
    topologies: tuple[str, ...],
    rows: dict[str, list[dict]],
    attrs: dict[str, Any],
) -> xr.Dataset:
    data = {
        k: (("topology", axis), np.array([[r[k] for r in rows[tp]] for tp in topologies]))
        for k in OUTPUTS
    }
    coords = {"topology": list(topologies), axis: values}
    return xr.Dataset(data, coords=coords, attrs=provenance_attrs(attrs))


def draw(
    ds: xr.Dataset, axis: str, xlabel: str, entangle_key: str, entangle_label: str, title: str
):
    from ._style import new_figure, panel_label

    fig, axes = new_figure(2, 2, width=4.0, height=2.9)
    panels = (
        ("pinched_fraction", "fraction of pinched loops"),
        ("mean_form_factor", "mean form factor"),
        ("mean_concurrence", "mean pairwise concurrence"),
        (entangle_key, entangle_label),
    )
    styles = {"chain": ("o-", "#1f3b73"), "ring": ("s--", "#d1495b")}
    for ax, (key, label), tag in zip(axes.flat, panels, "abcd", strict=True):
        for tp in ds.topology.values:
            marker, colour = styles.get(str(tp), ("^-", "k"))
            ax.plot(
                ds[axis],
                ds[key].sel(topology=tp),
                marker,
                color=colour,
                ms=3.5,
                label=str(tp) if str(tp) != "ring" or axis != "delta" else "triangle",
            )
        ax.set_xlabel(xlabel)
        ax.set_ylabel(label)
        panel_label(ax, f"({tag})")
    axes.flat[0].legend(frameon=False, loc="center right")
    fig.suptitle(title, fontsize=9)
    return fig
