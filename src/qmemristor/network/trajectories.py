"""The ``trajectories`` backend: a quantum-jump unravelling of the collisional network protocol.

Each collision of node ``k`` with its fresh ancilla is followed by a measurement of the
ancilla, whose outcome is sampled: with the Kraus operators of the step (paper basis)
``E0 = diag(e^κ, 1)`` and ``E1 = √(1 − e^{2κ}) |g⟩⟨e|``, a trajectory ``ψ`` jumps
(``ψ → E1ψ/‖E1ψ‖``) with probability ``p = (1 − e^{2κ}) ⟨ψ|n_k|ψ⟩`` and otherwise evolves
with ``E0ψ/‖E0ψ‖``.  The edge gates are unitary and act on ``ψ`` as they are, in the order of
:func:`~qmemristor.network.model.step_plan`.  The average of ``|ψ⟩⟨ψ|`` over the outcomes is
exactly the density matrix of :mod:`qmemristor.network.density`; mixed initial states are
sampled per node from their eigen-decomposition.

``M`` trajectories are one array ``(M, 2^N)`` updated in place (16·M·2^N bytes: N = 20 with
M = 64 is 1 GiB).  Estimates at every time point: the reduced states averaged over the
trajectories (contractions of ``ψ ψ*`` over the traced nodes, never the full ``ρ``); the
standard error of every linear estimate (⟨σ⟩, ⟨I⟩) is the sample standard deviation over
trajectories divided by ``√M``; nonlinear ones (concurrence, negativity) get a delete-one
jackknife over ``B`` batches of trajectories.  Seeded with a NumPy ``Generator``: the same
seed gives the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..analysis.entanglement import negativity, tripartite_negativity, wootters_quantity
from ..errors import ParameterError
from ..memristor.model import InitialState
from ._kernels import gate_pair_vectors
from .measures import bloch_components, interaction_torque
from .model import MemristorNetwork, _Gates, collision_kappas, step_plan
from .states import (
    NetworkStates,
    ProgressFn,
    check_grid,
    check_partitions,
    check_states,
    merge_pairs,
    nan_array,
    negativity_stride,
    pair_phases,
    single_phases,
    stride_mask,
    to_schrodinger,
)

__all__ = [
    "MAX_TRAJECTORY_BYTES",
    "MAX_TRAJECTORY_NODES",
    "propagate_trajectories",
    "trajectory_memory_bytes",
]

#: Largest network of the trajectory backend (a 2^N state vector per trajectory).
MAX_TRAJECTORY_NODES = 24

#: Refuse runs whose trajectories need more than this many bytes (12 GiB: half the machine).
MAX_TRAJECTORY_BYTES = 12 * 2**30

#: Largest N at which the averaged full state is formed for the bipartite negativities.
_FULL_STATE_NODES = 10


def trajectory_memory_bytes(n: int, m: int) -> int:
    """Bytes of ``m`` state vectors of ``n`` nodes plus one work copy (complex128)."""
    return 2 * 16 * m * 2**n


def _sample_initial(
    states: Sequence[InitialState], m: int, rng: np.random.Generator
) -> NDArray[np.complex128]:
    """``(M, 2^N)`` product states, each node's pure component drawn from its eigenbasis."""
    psi = np.ones((m, 1), dtype=complex)
    for s in states:
        w, v = np.linalg.eigh(s.density)
        w = np.clip(w, 0.0, None)
        pick = rng.choice(2, size=m, p=w / w.sum())
        vec = v[:, pick].T  # (M, 2)
        psi = (psi[:, :, None] * vec[:, None, :]).reshape(m, -1)
    return np.ascontiguousarray(psi)


def _collide(
    psi: NDArray[np.complex128],
    n: int,
    k: int,
    ek: float,
    s2: float,
    u: NDArray[np.float64],
) -> None:
    """Sampled collision of node ``k`` on every trajectory (in place); ``u`` uniform (M,)."""
    m = psi.shape[0]
    v = psi.reshape(m, 2**k, 2, 2 ** (n - k - 1))
    pe = np.einsum("mij,mij->m", v[:, :, 0, :], v[:, :, 0, :].conj()).real
    p1 = np.clip(s2 * pe, 0.0, 1.0)
    jump = u < p1
    if np.any(jump):
        scale = math.sqrt(s2) / np.sqrt(p1[jump])
        v[jump, :, 1, :] = v[jump, :, 0, :] * scale[:, None, None]
        v[jump, :, 0, :] = 0.0
    stay = ~jump
    norm = 1.0 / np.sqrt(1.0 - p1[stay])
    v[stay, :, 0, :] *= (ek * norm)[:, None, None]
    v[stay, :, 1, :] *= norm[:, None, None]


def _reduced(psi: NDArray[np.complex128], n: int, nodes: tuple[int, ...]) -> NDArray:
    """Per-trajectory reduced states of one node or a pair (order kept): ``(M, d, d)``."""
    m = psi.shape[0]
    t = psi.reshape(m, *(2,) * n)
    keep = list(nodes)
    rest = [a for a in range(n) if a not in keep]
    x = np.transpose(t, [0, *(1 + a for a in keep), *(1 + a for a in rest)])
    x = x.reshape(m, 2 ** len(keep), -1)
    return x @ np.conj(np.swapaxes(x, -1, -2))


def _batch_ids(m: int, batches: int) -> NDArray[np.intp]:
    return np.arange(m) * batches // m


def propagate_trajectories(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    *,
    trajectories: int = 200,
    seed: int | None = None,
    batches: int = 10,
    pairs: Sequence[tuple[int, int]] | None = None,
    partitions: Sequence[Sequence[int]] | None = None,
    stride: int | None = None,
    points_per_period: int | None = None,
    progress: ProgressFn | None = None,
) -> NetworkStates:
    """Average ``trajectories`` seeded quantum-jump runs; reduced states with standard errors.

    Parameters are those of :func:`~qmemristor.network.density.propagate_density`, plus
    ``trajectories`` (M ≥ 2), ``seed`` (``numpy.random.default_rng``) and ``batches`` (B of
    the jackknife, ``2 ≤ B ≤ M``).  The negativities (whole averaged state, a 2^N × 2^N
    matrix) are evaluated only for ``N ≤ 10``.  ``errors`` holds ``single`` (N, n_t, 3: the
    standard errors of ⟨σx, σy, σz⟩), ``current`` (N, n_t; of ⟨I⟩), ``wootters`` (n_pairs,
    n_t), ``negativity`` (n_partitions, n_t) and ``tripartite`` (n_t,).
    """
    n = network.n
    m = trajectories
    if isinstance(m, bool) or int(m) != m or m < 2:
        raise ParameterError(f"trajectories must be an integer ≥ 2 (got {m!r})")
    m = int(m)
    if n > MAX_TRAJECTORY_NODES:
        raise ParameterError(
            f"the trajectory backend supports at most {MAX_TRAJECTORY_NODES} nodes (got {n})"
        )
    need = trajectory_memory_bytes(n, m)
    if need > MAX_TRAJECTORY_BYTES:
        raise ParameterError(
            f"{m} trajectories of {n} nodes need {need / 2**30:.3g} GiB (at most "
            f"{MAX_TRAJECTORY_BYTES / 2**30:.0f} GiB); use fewer trajectories"
        )
    if isinstance(batches, bool) or int(batches) != batches or not 2 <= batches <= m:
        raise ParameterError(f"batches must be an integer in [2, trajectories] (got {batches!r})")
    if seed is not None and (isinstance(seed, bool) or int(seed) != seed or seed < 0):
        raise ParameterError(f"seed must be a non-negative integer (got {seed!r})")
    sts = check_states(network, states)
    t, dt = check_grid(t)
    steps = t.size - 1
    pair_list = merge_pairs(network, pairs)
    parts = check_partitions(network, partitions)
    ppp = points_per_period or max(round(network.nodes[0].period / dt), 1)
    stride_n = negativity_stride(n, steps, stride, ppp) if n <= _FULL_STATE_NODES else 0
    mask = stride_mask(steps, stride_n)
    kap = collision_kappas(network, t)
    ek, s2 = np.exp(kap), -np.expm1(2 * kap)
    gates = _Gates(network)
    rng = np.random.default_rng(seed)
    bid = _batch_ids(m, int(batches))
    nb = int(batches)
    counts = np.bincount(bid, minlength=nb).astype(float)

    psi = _sample_initial(sts, m, rng)
    nt = t.size
    single = np.empty((n, nt, 2, 2), dtype=complex)
    bloch_se = np.empty((n, nt, 3))
    pst = np.empty((len(pair_list), nt, 4, 4), dtype=complex)
    pair_batches = np.empty((nb, len(pair_list), nt, 4, 4), dtype=complex)
    cur_se = np.empty((n, nt))
    neg = nan_array(len(parts), nt)
    neg_se = nan_array(len(parts), nt)
    tri = nan_array(nt) if n == 3 else None
    tri_se = nan_array(nt) if n == 3 else None
    pair_of_edge = []
    for e in network.edges:
        idx = next(q for q, p in enumerate(pair_list) if set(p) == {e.i, e.j})
        pair_of_edge.append((idx, pair_list[idx] != (e.i, e.j)))
    sph = single_phases(network, t)
    pph = [pair_phases(network, i, j, t) for i, j in pair_list]
    kk = np.array([mm.k for mm in network.nodes])

    def record(s: int) -> None:
        per_single = np.stack([_reduced(psi, n, (k,)) for k in range(n)], axis=1)  # (M, N, 2, 2)
        per_single = to_schrodinger(per_single, sph[:, s])
        single[:, s] = per_single.mean(axis=0)
        b = bloch_components(per_single)  # (M, N, 3)
        bloch_se[:, s] = b.std(axis=0, ddof=1) / math.sqrt(m)
        per_pair = np.stack(
            [to_schrodinger(_reduced(psi, n, p), pph[q][s]) for q, p in enumerate(pair_list)],
            axis=1,
        )  # (M, P, 4, 4)
        pst[:, s] = per_pair.mean(axis=0)
        for q in range(nb):
            pair_batches[q, :, s] = per_pair[bid == q].mean(axis=0)
        # ⟨I_k⟩ per trajectory: Γ_k V_k + k·torque_k, linear in the state
        torque = interaction_torque(network, t[s : s + 1], dt, pair_of_edge, per_pair[:, :, None])[
            ..., 0
        ]  # (M, N)
        gam = np.array([mm.protocol.rate(t[s]) for mm in network.nodes], dtype=float)
        v = -0.5 * kk * b[..., 1]
        cur = gam * v + kk * torque
        cur_se[:, s] = cur.std(axis=0, ddof=1) / math.sqrt(m)

    def record_full(s: int) -> None:
        full = psi.T @ psi.conj() / m  # Σ ψ ψ† / M (interaction picture)
        part = (
            np.stack([psi[bid == q].T @ psi[bid == q].conj() for q in range(nb)])
            / counts[:, None, None]
        )
        loo = (full[None] * m - part * counts[:, None, None]) / (m - counts)[:, None, None]
        for a_idx, a in enumerate(parts):
            neg[a_idx, s] = negativity(full, a)
            neg_se[a_idx, s] = _jackknife(negativity(loo, a))
        if tri is not None and tri_se is not None:
            tri[s] = tripartite_negativity(full)
            tri_se[s] = _jackknife(tripartite_negativity(loo))

    record(0)
    if mask[0]:
        record_full(0)
    for s in range(steps):
        plan = step_plan(network, float(t[s]), float(t[s + 1]), gates)
        flat = psi.reshape(-1)
        for g in plan.before:
            gate_pair_vectors(flat, n - 1 - g.i, n - 1 - g.j, np.ascontiguousarray(g.u))
        u = rng.random((n, m))
        for k in range(n):
            _collide(psi, n, k, float(ek[k, s]), float(s2[k, s]), u[k])
        for g in plan.after:
            gate_pair_vectors(flat, n - 1 - g.i, n - 1 - g.j, np.ascontiguousarray(g.u))
        record(s + 1)
        if mask[s + 1]:
            record_full(s + 1)
        if progress is not None:
            progress(s + 1, steps)

    # jackknife of the Wootters quantity of every pair from the leave-one-batch-out means
    loo_pairs = (pst[None] * m - pair_batches * counts[:, None, None, None, None]) / (m - counts)[
        :, None, None, None, None
    ]
    w_se = _jackknife(wootters_quantity(loo_pairs))
    errors = {
        "single": bloch_se,
        "current": cur_se,
        "wootters": w_se,
        "negativity": neg_se,
    }
    if tri_se is not None:
        errors["tripartite"] = tri_se
    return NetworkStates(
        t=t,
        dt=dt,
        single=single,
        pairs=pair_list,
        pair_states=pst,
        partitions=parts,
        negativity=neg,
        tripartite=tri,
        backend="trajectories",
        errors=errors,
        info={
            "trajectories": m,
            "seed": seed,
            "batches": nb,
            "memory_bytes": trajectory_memory_bytes(n, m),
        },
    )


def _jackknife(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Delete-one-group jackknife standard error over axis 0 (``B`` leave-one-out values)."""
    b = values.shape[0]
    mean = values.mean(axis=0)
    return np.sqrt((b - 1) / b * np.sum((values - mean) ** 2, axis=0))
