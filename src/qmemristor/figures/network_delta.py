"""Networks (new, not from the papers): memristivity and entanglement of three memristors
against the coupling δ, in a chain and in a triangle."""

from __future__ import annotations

import numpy as np

from . import FigureConfig, register
from ._network import GAMMA0, POINTS_PER_PERIOD, draw, grid_dataset, point

NAME = "network-delta"


@register(
    NAME,
    paper="new (networks)",
    summary="three memristors, chain vs triangle: pinched loops, form factor, concurrence, "
    "tripartite negativity against δ",
)
def make(config: FigureConfig):
    deltas = np.linspace(0.0, 0.2, 6 if config.quick else 21)
    periods = 4 if config.quick else 20
    topologies = ("chain", "ring")
    rows = {tp: [point(3, tp, float(d), periods) for d in deltas] for tp in topologies}
    ds = grid_dataset(
        "delta",
        deltas,
        topologies,
        rows,
        {
            "figure": NAME,
            "nodes": 3,
            "interaction": "yy",
            "gamma0": GAMMA0,
            "periods": periods,
            "points_per_period": POINTS_PER_PERIOD,
            "initial_state": "(|e>+|g>)/sqrt(2) on every node",
            "note": "new figure, not from the papers; ring of 3 = triangle",
        },
    )
    ds["delta"].attrs.update({"long_name": "coupling angle δ per step", "units": "rad"})
    fig = draw(
        ds,
        "delta",
        "coupling δ per step (rad)",
        "mean_tripartite",
        "mean tripartite negativity",
        f"New (not from the papers): 3 memristors, σy⊗σy, γ0 = {GAMMA0}, {periods} periods, "
        "chain vs triangle",
    )
    return fig, ds
