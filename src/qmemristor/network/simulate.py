"""One entry point for every network backend: ``simulate_network(network, states, t, ...)``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..memristor.model import InitialState
from .measures import NetworkResult, network_measures
from .model import MemristorNetwork
from .states import ProgressFn

__all__ = ["BACKENDS", "simulate_network"]

#: Backends of phase A (the circuit backends come with the execution options).
BACKENDS = ("density", "trajectories", "lindblad")


def simulate_network(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    *,
    backend: str = "density",
    trajectories: int = 200,
    seed: int | None = None,
    pairs: Sequence[tuple[int, int]] | None = None,
    partitions: Sequence[Sequence[int]] | None = None,
    stride: int | None = None,
    progress: ProgressFn | None = None,
    **kwargs: Any,
) -> NetworkResult:
    """Run a network on ``backend`` and compute every measure (:class:`NetworkResult`).

    ``density``: exact (:func:`~qmemristor.network.density.propagate_density`);
    ``trajectories``: ``trajectories`` seeded quantum-jump runs with standard errors
    (:func:`~qmemristor.network.trajectories.propagate_trajectories`); ``lindblad``: the
    continuous-time limit ``g = δ/Δt`` (N ≤ 5, :mod:`~qmemristor.network.lindblad`).
    """
    common: dict[str, Any] = {"pairs": pairs, "partitions": partitions, "stride": stride}
    if backend == "density":
        from .density import propagate_density

        st = propagate_density(network, states, t, progress=progress, **common, **kwargs)
    elif backend == "trajectories":
        from .trajectories import propagate_trajectories

        st = propagate_trajectories(
            network,
            states,
            t,
            trajectories=trajectories,
            seed=seed,
            progress=progress,
            **common,
            **kwargs,
        )
    elif backend == "lindblad":
        from .lindblad import solve_network_lindblad

        st = solve_network_lindblad(network, states, t, **common, **kwargs)
    else:
        raise ParameterError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    return network_measures(network, st)
