"""Networks (new, not from the papers): memristivity and entanglement against the number of
memristors N = 2 … 10, chain vs ring."""

from __future__ import annotations

import numpy as np

from ..memristor.interactions import DEFAULT_DELTA
from . import FigureConfig, register
from ._network import GAMMA0, POINTS_PER_PERIOD, draw, grid_dataset, point

NAME = "network-size"


@register(
    NAME,
    paper="new (networks)",
    summary="N = 2…10 memristors, chain vs ring: pinched loops, form factor, concurrence, "
    "half-vs-half negativity",
)
def make(config: FigureConfig):
    sizes = np.arange(2, 6 if config.quick else 11)
    periods = 2 if config.quick else 6
    topologies = ("chain", "ring")
    rows = {tp: [point(int(n), tp, DEFAULT_DELTA, periods) for n in sizes] for tp in topologies}
    ds = grid_dataset(
        "nodes",
        sizes,
        topologies,
        rows,
        {
            "figure": NAME,
            "interaction": "yy",
            "delta": DEFAULT_DELTA,
            "gamma0": GAMMA0,
            "periods": periods,
            "points_per_period": POINTS_PER_PERIOD,
            "initial_state": "(|e>+|g>)/sqrt(2) on every node",
            "note": "new figure, not from the papers; concurrence: mean over all pairs for "
            "N ≤ 8, over the edges above; negativity: first ⌊N/2⌋ nodes vs the rest, "
            "evaluated every step to N = 7 and once per period above",
        },
    )
    ds["nodes"].attrs.update({"long_name": "number of memristors N"})
    fig = draw(
        ds,
        "nodes",
        "number of memristors N",
        "mean_negativity_half",
        "mean negativity, half vs half",
        f"New (not from the papers): N memristors, σy⊗σy, δ = {DEFAULT_DELTA}, γ0 = {GAMMA0}, "
        f"{periods} periods, chain vs ring",
    )
    return fig, ds
