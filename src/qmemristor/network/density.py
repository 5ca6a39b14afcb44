"""The ``density`` backend: the exact state of the network, step by step.

:func:`propagate_density` keeps the whole state as its real vector of Pauli expectations
(:mod:`qmemristor.network.pauli`: ``4^N`` numbers, 8·4^N bytes — 128 MiB at N = 12), updated
**in place** by compiled passes: the gates of a step are grouped into windows of up to four
nodes, each window one pass over the vector, with each node's collision (amplitude damping,
exact ∫Γ) fused into the first gate after the collisions that touches it (collisions commute
with gates on other nodes, so this is the step of :mod:`qmemristor.network.model` exactly).
No 4^N × 4^N superoperator is ever built.  Reduced states are read at every time point as
entries of the vector (⟨σa⟩ of a node, ``⟨σa ⊗ σb⟩`` of a pair); the bipartite negativities
need the eigenvalues of a 2^N × 2^N partial transpose, so the complex ρ is formed only on a
stride (:func:`~qmemristor.network.states.negativity_stride`).  All negativities are those of
the interaction-picture state: ``U0`` is a product of local unitaries, which leave every
negativity unchanged.

The step-by-step entry points (:func:`step_density`, :func:`apply_plan`, :func:`rotate_node`)
work on the complex density matrix itself, stored as one flat array of ``4^N`` numbers
(``ρ[r, c]`` row-major, node 0 the most significant bit, :mod:`qmemristor.network._kernels`):
one fused in-place pass per gate.  They are a second, independent implementation of the same
step (the tests compare the two).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..analysis.entanglement import negativity, tripartite_negativity
from ..errors import ParameterError
from ..memristor.model import InitialState
from ._kernels import amplitude_damping_density, conjugate_node_density, conjugate_pair_density
from .model import MemristorNetwork, StepPlan, _Gates, collision_kappas, step_plan
from .pauli import (
    PauliStepper,
    density_from_pauli,
    initial_pauli,
    pair_density,
    pair_indices,
    pauli_memory_bytes,
    place,
    single_density,
)
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
    "MAX_DENSITY_NODES",
    "apply_plan",
    "damping_factors",
    "density_memory_bytes",
    "initial_density",
    "propagate_density",
    "reduced_from_flat",
    "rotate_node",
    "step_density",
]

#: Largest network of the density backend on a 24 GiB machine (N = 14: 2 GiB of state).
MAX_DENSITY_NODES = 14

#: Largest network whose final complex ρ is returned in ``info["rho_final"]`` (16 MiB).
FULL_STATE_NODES = 10


def density_memory_bytes(n: int) -> int:
    """Bytes of the density backend's state of ``n`` nodes: the real Pauli vector, ``8·4^n``.

    (N = 12: 128 MiB; a complex ρ would be twice that.)
    """
    return pauli_memory_bytes(n)


def initial_density(states: Sequence[InitialState]) -> NDArray[np.complex128]:
    """``ρ1 ⊗ … ⊗ ρN`` as a flat array (node 0 left-most)."""
    out = np.ones((1, 1), dtype=complex)
    for s in states:
        out = np.kron(out, s.density)
    return out.reshape(-1)


def reduced_from_flat(
    rho: NDArray[np.complex128], n: int, nodes: Sequence[int]
) -> NDArray[np.complex128]:
    """Reduced state of one node ``(k,)`` or a pair ``(i, j)`` (order kept) of a flat ρ.

    A contraction over a ``(2,)*2N``-shaped view (no copy of ρ).
    """
    t = rho.reshape((2,) * (2 * n))
    if len(nodes) == 1:
        (k,) = nodes
        v = t.reshape(2**k, 2, 2 ** (n - k - 1), 2**k, 2, 2 ** (n - k - 1))
        return np.einsum("aibajb->ij", v)
    i, j = nodes
    lo, hi = min(i, j), max(i, j)
    shape = (2**lo, 2, 2 ** (hi - lo - 1), 2, 2 ** (n - hi - 1))
    v = t.reshape(*shape, *shape)
    r = np.einsum("apbqcarbsc->pqrs", v)
    if i > j:
        r = r.transpose(1, 0, 3, 2)
    return r.reshape(4, 4)


def damping_factors(kappa: ArrayLike) -> NDArray[np.float64]:
    """``(e^κ, e^{2κ}, 1 − e^{2κ})`` of collision exponents ``κ ≤ 0``, shape ``(*κ.shape, 3)``.

    ``κ = −∞`` (Γ → ∞) gives ``(0, 0, 1)``: the reset channel ``ρ_k → |g⟩⟨g|``.
    """
    kap = np.asarray(kappa, dtype=float)
    return np.stack([np.exp(kap), np.exp(2 * kap), -np.expm1(2 * kap)], axis=-1)


def apply_plan(
    rho: NDArray[np.complex128], n: int, plan: StepPlan, factors: NDArray[np.float64]
) -> None:
    """One step on the flat ρ, in place: ``plan``'s gates with every node's collision.

    ``factors`` (N, 3) are the step's :func:`damping_factors`.  Each node's collision is fused
    into the first gate after the collisions that touches it (they commute with gates on other
    nodes); nodes with no such gate are damped on their own.
    """
    no_damp = np.zeros((2, 4))
    for g in plan.before:
        conjugate_pair_density(rho, n, g.i, g.j, g.u, no_damp)
    pending = np.ones(n, dtype=bool)
    for g in plan.after:
        damp = np.zeros((2, 4))
        for col, k in enumerate((g.i, g.j)):
            if pending[k]:
                damp[col, 0] = 1.0
                damp[col, 1:] = factors[k]
                pending[k] = False
        conjugate_pair_density(rho, n, g.i, g.j, np.ascontiguousarray(g.u), damp)
    for kk in np.flatnonzero(pending):
        amplitude_damping_density(rho, n, int(kk), *factors[kk])


def step_density(
    rho: NDArray[np.complex128],
    network: MemristorNetwork,
    t0: float,
    t1: float,
    kappa: ArrayLike,
    gates: _Gates | None = None,
) -> None:
    """Advance the flat ρ by one protocol step ``t0 → t1`` in place, with given collisions.

    The entry point for rates that the nodes' decay protocols do not describe, e.g. a rate held
    constant over each step (``κ_k = −Γ_k (t1 − t0)/2``) and set from outside between steps.
    The gates are those of :func:`~qmemristor.network.model.step_plan` (order and frame of
    ``network``); ``kappa`` (N,) are the nodes' collision exponents ``κ_k ≤ 0`` of this step
    (``−∞``: reset to |g⟩).  ``gates`` caches the edge gates over many calls.
    """
    kap = np.asarray(kappa, dtype=float)
    if kap.shape != (network.n,) or np.any(np.isnan(kap)) or np.any(kap > 0):
        raise ParameterError(f"kappa must be {network.n} numbers ≤ 0 (−∞ allowed)")
    plan = step_plan(network, float(t0), float(t1), gates)
    apply_plan(rho, network.n, plan, damping_factors(kap))


def rotate_node(rho: NDArray[np.complex128], n: int, k: int, u: NDArray[np.complex128]) -> None:
    """``ρ → U ρ U†`` in place for a one-node unitary ``U`` (2×2, paper order) on node ``k``.

    ``U`` acts on the state as stored (the interaction picture of the protocol): a gate meant
    for the Schrödinger-picture state at time ``t`` is ``U0(t)† U U0(t)`` here.
    """
    conjugate_node_density(rho, n, k, np.ascontiguousarray(u, dtype=complex))


def _check_size(n: int) -> None:
    if n > MAX_DENSITY_NODES:
        gib = density_memory_bytes(n) / 2**30
        raise ParameterError(
            f"the density backend needs {gib:.4g} GiB per state for {n} nodes "
            f"(at most {MAX_DENSITY_NODES} nodes); use --backend trajectories"
        )


def propagate_density(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    *,
    pairs: Sequence[tuple[int, int]] | None = None,
    partitions: Sequence[Sequence[int]] | None = None,
    stride: int | None = None,
    points_per_period: int | None = None,
    progress: ProgressFn | None = None,
) -> NetworkStates:
    """Run the collisional protocol exactly and return the reduced states on the grid ``t``.

    Parameters
    ----------
    network : MemristorNetwork
    states : InitialState or sequence of InitialState
        Initial state of every node (one for all, or one per node); pure or mixed.
    t : array_like, shape (n_t,)
        Uniform grid from 0; one step per interval (the coupling rate is ``δ/Δt``).
    pairs : sequence of (int, int), optional
        Pairs whose two-node states are kept (default: all pairs for N ≤ 8, else the edges;
        the edges are always kept: ⟨I⟩ needs them).
    partitions : sequence of node sets, optional
        Bipartitions ``A | rest`` of the negativity (default: the first ⌊N/2⌋ nodes).
    stride : int, optional
        Steps between negativity evaluations (0 = never; default
        :func:`~qmemristor.network.states.negativity_stride`).
    points_per_period : int, optional
        Steps per drive period (for the default stride); default: from ``t`` and node 0's ω.
    progress : callable, optional
        ``progress(done, total)`` after every step.
    """
    n = network.n
    _check_size(n)
    sts = check_states(network, states)
    t, dt = check_grid(t)
    steps = t.size - 1
    pair_list = merge_pairs(network, pairs)
    parts = check_partitions(network, partitions)
    ppp = points_per_period or max(round(network.nodes[0].period / dt), 1)
    mask = stride_mask(steps, negativity_stride(n, steps, stride, ppp))
    factors = damping_factors(collision_kappas(network, t))
    stepper = PauliStepper(network)

    r = initial_pauli(sts)
    sidx = np.array([[a * place(n, k) for a in (1, 2, 3)] for k in range(n)])
    pidx = pair_indices(n, pair_list)
    bloch = np.empty((n, t.size, 3))
    corr = np.empty((len(pair_list), t.size, 4, 4))
    neg = nan_array(len(parts), t.size)
    tri = nan_array(t.size) if n == 3 else None

    def record(s: int) -> None:
        bloch[:, s] = r[sidx]
        corr[:, s] = r[pidx]
        if mask[s]:
            full = density_from_pauli(r, n)
            for m, a in enumerate(parts):
                neg[m, s] = negativity(full, a)
            if tri is not None:
                tri[s] = tripartite_negativity(full)

    record(0)
    for s in range(steps):
        stepper.step(r, float(t[s]), float(t[s + 1]), factors[:, s])
        record(s + 1)
        if progress is not None:
            progress(s + 1, steps)

    single = to_schrodinger(single_density(bloch), single_phases(network, t))
    pst = pair_density(corr)
    for m, (i, j) in enumerate(pair_list):
        pst[m] = to_schrodinger(pst[m], pair_phases(network, i, j, t))
    info: dict[str, object] = {"memory_bytes": density_memory_bytes(n), "pauli_final": r}
    if n <= FULL_STATE_NODES:
        info["rho_final"] = density_from_pauli(r, n)
    return NetworkStates(
        t=t,
        dt=dt,
        single=single,
        pairs=pair_list,
        pair_states=pst,
        partitions=parts,
        negativity=neg,
        tripartite=tri,
        backend="density",
        info=info,
    )
