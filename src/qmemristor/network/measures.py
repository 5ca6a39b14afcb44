"""Measures of a network run, per node and per pair, from its reduced states (any backend).

Per node ``k`` (Schrödinger picture, paper basis; Paper M's variables with ``k = √(mħω/2)``)::

    ⟨V_k⟩ = −(k/2)⟨σy_k⟩
    d⟨σy_k⟩/dt = ω_k⟨σx_k⟩ − (Γ_k/2)⟨σy_k⟩ + Σ_{e ∋ k} Tr(ρ_e · i[H_e(t), σy_k])
    ⟨I_k⟩ = k(d⟨σy_k⟩/dt − ω_k⟨σx_k⟩) = Γ_k⟨V_k⟩ + k Σ_{e ∋ k} Tr(ρ_e · i[H_e(t), σy_k])

(the generator of the continuous-time limit evaluated at the state, as for two coupled
memristors; ``H_e`` of :mod:`qmemristor.network.model`), the loop form factor and pinch offset
per drive period (:mod:`qmemristor.analysis.hysteresis`, V and I normalised over the run).
Per pair: Wootters concurrence and quantity, quantum mutual information (bits), sudden death
and birth.  Whole state: the negativities the backend computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..analysis.entanglement import (
    EntanglementEvents,
    mutual_information,
    pair_events,
    wootters_quantity,
)
from ..analysis.hysteresis import loop_form_factors, loop_pinch_offsets
from ..conventions import IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..memristor.coupled import PINCH_TOL
from .model import MemristorNetwork
from .states import NetworkStates

__all__ = [
    "NetworkResult",
    "bloch_components",
    "edge_hamiltonian",
    "interaction_torque",
    "network_measures",
]


def edge_hamiltonian(
    network: MemristorNetwork, m: int, t: NDArray[np.float64], dt: float
) -> NDArray[np.complex128]:
    """``H_e(t)`` of edge ``m`` (Schrödinger picture, local order), shape ``(n_t, 4, 4)``."""
    e = network.edges[m]
    rate = e.coupling.step_hamiltonian / dt
    if network.frame == "lab":
        return np.broadcast_to(rate, (t.size, 4, 4)).copy()
    wi, wj = network.nodes[e.i].omega, network.nodes[e.j].omega
    en = np.array([wi + wj, wi, wj, 0.0])
    phase = np.exp(-1j * np.multiply.outer(t, en[:, None] - en[None, :]))
    return rate * phase


def bloch_components(single: NDArray[np.complex128]) -> NDArray[np.float64]:
    """⟨σx⟩, ⟨σy⟩, ⟨σz⟩ of one-node states ``(..., 2, 2)`` → ``(..., 3)``."""
    return np.stack(
        [np.real(np.einsum("ij,...ji->...", s, single)) for s in (SIGMA_X, SIGMA_Y, SIGMA_Z)],
        axis=-1,
    )


def interaction_torque(
    network: MemristorNetwork,
    t: NDArray[np.float64],
    dt: float,
    pair_of_edge: list[tuple[int, bool]],
    pair_states: NDArray[np.complex128],
) -> NDArray[np.float64]:
    """``Σ_{e ∋ k} Tr(ρ_e · i[H_e(t), σy_k])`` for every node, shape ``(..., N, n_t)``.

    ``pair_states`` has shape ``(..., n_pairs, n_t, 4, 4)``; ``pair_of_edge[m]`` gives the
    stored pair of edge ``m`` and whether it is stored as ``(j, i)``.
    """
    lead = pair_states.shape[:-4]
    out = np.zeros((*lead, network.n, t.size))
    sy = [np.kron(SIGMA_Y, IDENTITY), np.kron(IDENTITY, SIGMA_Y)]
    for m, e in enumerate(network.edges):
        h = edge_hamiltonian(network, m, t, dt)
        idx, swapped = pair_of_edge[m]
        rho = pair_states[..., idx, :, :, :]
        if swapped:
            rho = rho.reshape(*rho.shape[:-2], 2, 2, 2, 2).swapaxes(-4, -3).swapaxes(-2, -1)
            rho = rho.reshape(*rho.shape[:-4], 4, 4)
        for pos, k in enumerate((e.i, e.j)):
            comm = 1j * (h @ sy[pos] - sy[pos] @ h)  # i[H_e, σy_k]
            out[..., k, :] += np.real(np.einsum("tij,...tji->...t", comm, rho))
    return out


@dataclass(frozen=True)
class NetworkResult:
    """Every measure of a network run (arrays; :mod:`qmemristor.results.network` labels them).

    Attributes
    ----------
    t : ndarray (n_t,)
    dt : float
    bloch : ndarray (N, n_t, 3)
        ⟨σx⟩, ⟨σy⟩, ⟨σz⟩ per node.
    dsigma_y_dt, gamma, V, I : ndarray (N, n_t)
    form_factor, pinch_offset : ndarray (N, n_periods)
    pinched : ndarray of bool (N, n_periods)
    pairs : tuple of (int, int)
    concurrence, wootters, mutual_information : ndarray (n_pairs, n_t)
    events : list of EntanglementEvents (one per pair)
    partitions : tuple of tuple of int
    negativity, log_negativity : ndarray (n_partitions, n_t)
    tripartite : ndarray (n_t,) or None
    errors : dict of standard errors (trajectories; same shapes as their measure)
    states : NetworkStates
    """

    t: NDArray[np.float64]
    dt: float
    bloch: NDArray[np.float64]
    dsigma_y_dt: NDArray[np.float64]
    gamma: NDArray[np.float64]
    V: NDArray[np.float64]
    I: NDArray[np.float64]  # noqa: E741 - the paper's current
    form_factor: NDArray[np.float64]
    pinch_offset: NDArray[np.float64]
    pinched: NDArray[np.bool_]
    pairs: tuple[tuple[int, int], ...]
    concurrence: NDArray[np.float64]
    wootters: NDArray[np.float64]
    mutual_information: NDArray[np.float64]
    events: list[EntanglementEvents]
    partitions: tuple[tuple[int, ...], ...]
    negativity: NDArray[np.float64]
    log_negativity: NDArray[np.float64]
    tripartite: NDArray[np.float64] | None
    states: NetworkStates
    errors: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    @property
    def negativity_half(self) -> NDArray[np.float64]:
        """Negativity of the first ⌊N/2⌋ nodes vs the rest (NaN where not computed)."""
        return self.negativity[0] if len(self.negativity) else np.full(self.t.size, math.nan)


def _loops(t: NDArray, v: NDArray, i: NDArray, period: float) -> tuple[NDArray, NDArray]:
    return loop_form_factors(t, v, i, period), loop_pinch_offsets(t, v, i, period)


def network_measures(
    network: MemristorNetwork,
    states: NetworkStates,
    *,
    entanglement_tol: float = 1e-10,
    min_points: int = 2,
    pinch_tol: float = PINCH_TOL,
) -> NetworkResult:
    """All measures of a run from its :class:`NetworkStates` (module docstring)."""
    t, dt = states.t, states.dt
    bloch = bloch_components(states.single)
    pair_of_edge = [states.pair_index(e.i, e.j) for e in network.edges]
    torque = interaction_torque(network, t, dt, pair_of_edge, states.pair_states)
    gamma = np.stack([m.protocol.rate(t) for m in network.nodes])
    omega = np.array([m.omega for m in network.nodes])[:, None]
    kk = np.array([m.k for m in network.nodes])[:, None]
    dsy = omega * bloch[..., 0] - 0.5 * gamma * bloch[..., 1] + torque
    v = -0.5 * kk * bloch[..., 1]
    cur = kk * (dsy - omega * bloch[..., 0])
    loops = [_loops(t, v[k], cur[k], m.period) for k, m in enumerate(network.nodes)]
    n_per = min((len(f) for f, _ in loops), default=0)
    ff = np.array([f[:n_per] for f, _ in loops]).reshape(network.n, n_per)
    po = np.array([p[:n_per] for _, p in loops]).reshape(network.n, n_per)
    w = wootters_quantity(states.pair_states)
    neg = states.negativity
    with np.errstate(invalid="ignore", divide="ignore"):
        logneg = np.log2(2 * neg + 1)
    return NetworkResult(
        t=t,
        dt=dt,
        bloch=bloch,
        dsigma_y_dt=dsy,
        gamma=gamma,
        V=v,
        I=cur,
        form_factor=ff,
        pinch_offset=po,
        pinched=np.isfinite(po) & (po <= pinch_tol),
        pairs=states.pairs,
        concurrence=np.maximum(w, 0.0),
        wootters=w,
        mutual_information=mutual_information(states.pair_states),
        events=pair_events(t, w, tol=entanglement_tol, min_points=min_points),
        partitions=states.partitions,
        negativity=neg,
        log_negativity=logneg,
        tripartite=states.tripartite,
        states=states,
        errors=dict(states.errors),
    )


def summary(result: NetworkResult) -> dict[str, Any]:
    """Scalars of a run: fraction of pinched periods, mean form factor, mean concurrence, ..."""
    pinched = result.pinched
    out: dict[str, Any] = {
        "pinched_fraction": float(np.mean(pinched)) if pinched.size else math.nan,
        "mean_form_factor": float(np.nanmean(result.form_factor))
        if np.isfinite(result.form_factor).any()
        else math.nan,
        "mean_concurrence": float(np.mean(result.concurrence)) if result.pairs else 0.0,
        "max_concurrence": float(np.max(result.concurrence)) if result.pairs else 0.0,
    }
    neg = result.negativity_half
    out["mean_negativity_half"] = float(np.nanmean(neg)) if np.isfinite(neg).any() else math.nan
    if result.tripartite is not None and np.isfinite(result.tripartite).any():
        out["mean_tripartite"] = float(np.nanmean(result.tripartite))
        out["max_tripartite"] = float(np.nanmax(result.tripartite))
    return out
