"""Networks of N memristors as a sweep model: memristivity and entanglement per parameter point.

Each point is one run of the network's collisional protocol
(:func:`qmemristor.network.simulate_network`, exact ``density`` backend by default) on
``periods`` drive periods with ``points_per_period`` steps, every node starting in
``cos a|e⟩ + sin a e^{ib}|g⟩``.  Outputs (:func:`qmemristor.network.measures.summary`):

- ``pinched_fraction`` — fraction of (node, period) loops that pass through the origin;
- ``mean_form_factor`` — form factor 4πS/P² averaged over every node and period;
- ``mean_concurrence``, ``max_concurrence`` — pairwise Wootters concurrence averaged over
  pairs and time, and its maximum;
- ``mean_negativity_half`` — negativity of the first ⌊N/2⌋ nodes vs the rest, averaged over
  the points where it is evaluated (NaN above N = 10);
- ``mean_tripartite`` — tripartite negativity averaged over time (three nodes; NaN otherwise);
- ``status`` — 0, or 1 if the run raised.

Parameters (axes or fixed): ``delta`` (coupling angle per step of every edge), ``gamma0``
(γ0 of every node), ``nodes`` (N, an integer), ``topology`` (an integer code: 0 chain,
1 ring, 2 star, 3 all — an axis ``topology=0:1:2`` compares chain and ring), ``a``, ``b``.
Defaults: three nodes in a chain, γ0 = 0.02, δ = 0.02, a = π/4, b = 0.  Options:
``interaction`` (``"yy"``), ``frame``, ``order``, ``periods`` (10), ``points_per_period``
(30), ``backend`` (``density`` or ``trajectories``), ``trajectories`` (200), ``seed``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import ParameterError
from .models import STATUS_OUTPUT, Output, SweepModel, pointwise

__all__ = ["TOPOLOGY_CODES", "network_model", "network_point"]

#: Integer codes of the ``topology`` parameter.
TOPOLOGY_CODES = ("chain", "ring", "star", "all")

_OUTPUTS = (
    "pinched_fraction",
    "mean_form_factor",
    "mean_concurrence",
    "max_concurrence",
    "mean_negativity_half",
    "mean_tripartite",
)
_DEFAULTS = {
    "delta": 0.02,  # = qmemristor.memristor.coupled.DEFAULT_DELTA
    "gamma0": 0.02,
    "nodes": 3.0,
    "topology": 0.0,
    "a": math.pi / 4,
    "b": 0.0,
}
_OPTIONS: dict[str, Any] = {
    "interaction": "yy",
    "frame": "interaction",  # = qmemristor.network.DEFAULT_FRAME
    "order": "forward",
    "periods": 10,
    "points_per_period": 30,
    "backend": "density",
    "trajectories": 200,
    "seed": 0,
}


def _int_param(name: str, value: float, lo: int, hi: int) -> int:
    if not math.isfinite(value) or value != int(value) or not lo <= value <= hi:
        raise ParameterError(f"{name} must be an integer in [{lo}, {hi}] (got {value:g})")
    return int(value)


def network_point(
    delta: float,
    gamma0: float,
    nodes: float,
    topology: float,
    a: float,
    b: float,
    *,
    interaction: str = "yy",
    frame: str = "interaction",
    order: str = "forward",
    periods: int = 10,
    points_per_period: int = 30,
    backend: str = "density",
    trajectories: int = 200,
    seed: int = 0,
) -> dict[str, float]:
    """One network run → the scalar outputs of the module docstring."""
    from ..memristor import InitialState, MemristorParams, time_grid
    from ..memristor.coupled import Coupling
    from ..network import MemristorNetwork, simulate_network
    from ..network.measures import summary

    n = _int_param("nodes", nodes, 1, 14)
    topo = TOPOLOGY_CODES[_int_param("topology", topology, 0, len(TOPOLOGY_CODES) - 1)]
    net = MemristorNetwork.build(
        n,
        topo,
        Coupling(interaction, delta),
        memristor=MemristorParams(gamma0=gamma0),
        frame=frame,
        order=order,
    )
    state = InitialState.from_angles(a, b)
    t = time_grid(periods, points_per_period)
    kw: dict[str, Any] = {"trajectories": trajectories, "seed": seed}
    res = simulate_network(
        net, state, t, backend=backend, **(kw if backend == "trajectories" else {})
    )
    s = summary(res)
    return {k: float(s.get(k, math.nan)) for k in _OUTPUTS}


def _check_point(params: dict[str, float]) -> None:
    from ..memristor import InitialState, MemristorParams
    from ..memristor.coupled import Coupling

    MemristorParams(gamma0=params["gamma0"])
    Coupling("yy", params["delta"])
    InitialState.from_angles(params["a"], params["b"])
    _int_param("nodes", params["nodes"], 1, 14)
    _int_param("topology", params["topology"], 0, len(TOPOLOGY_CODES) - 1)


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    from ..memristor.coupled import FRAMES, INTERACTIONS
    from ..network.model import ORDERS

    for k in options:
        if k not in _OPTIONS:
            raise ParameterError(
                f"unknown network sweep option {k!r}; valid: {', '.join(_OPTIONS)}"
            )
    opts = {**_OPTIONS, **options}
    choices = {
        "interaction": tuple(INTERACTIONS),
        "frame": FRAMES,
        "order": ORDERS,
        "backend": ("density", "trajectories"),
    }
    for k, allowed in choices.items():
        if opts[k] not in allowed:
            raise ParameterError(f"unknown {k} {opts[k]!r}; choose one of: {', '.join(allowed)}")
    for k, lo in (("periods", 1), ("points_per_period", 4), ("trajectories", 2), ("seed", 0)):
        v = opts[k]
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < lo:
            raise ParameterError(f"{k} must be an integer ≥ {lo} (got {v!r})")
        opts[k] = int(v)
    return opts


def network_model() -> SweepModel:
    """The ``"network"`` sweep model (registered under that name)."""
    return SweepModel(
        name="network",
        defaults=dict(_DEFAULTS),
        outputs=(
            Output("pinched_fraction", attrs={"long_name": "fraction of pinched loops"}),
            Output(
                "mean_form_factor", attrs={"long_name": "form factor, mean over nodes, periods"}
            ),
            Output("mean_concurrence", attrs={"long_name": "pairwise concurrence, mean"}),
            Output("max_concurrence", attrs={"long_name": "pairwise concurrence, max"}),
            Output(
                "mean_negativity_half",
                attrs={"long_name": "negativity of the first ⌊N/2⌋ nodes vs the rest, mean"},
            ),
            Output("mean_tripartite", attrs={"long_name": "tripartite negativity, mean (N = 3)"}),
            STATUS_OUTPUT,
        ),
        evaluate=pointwise(network_point, _OUTPUTS),
        check_point=_check_point,
        check_options=_check_options,
        status_meanings={0: "ok", 1: "the run raised an error"},
        parameter_attrs={
            "delta": {"long_name": "coupling angle δ per step", "units": "rad"},
            "gamma0": {"long_name": "decay strength γ0 of every node"},
            "nodes": {"long_name": "number of memristors N"},
            "topology": {"long_name": "graph: 0 chain, 1 ring, 2 star, 3 all"},
            "a": {"long_name": "initial-state angle a"},
            "b": {"long_name": "initial-state phase b", "units": "rad"},
        },
    )
