"""Reduced states of a network run and the small helpers every backend shares.

Every backend returns a :class:`NetworkStates`: the one-node and two-node reduced density
matrices on the time grid (Schrödinger picture, paper order), the negativities it could
compute from the whole state, and — for the trajectory backend — standard errors.  The
measures (⟨V⟩, ⟨I⟩, loops, concurrence, ...) are computed from these by
:func:`qmemristor.network.measures.network_measures`, whatever the backend.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from ..memristor.coupled import check_uniform_grid
from ..memristor.model import InitialState
from .model import MemristorNetwork

__all__ = [
    "NetworkStates",
    "ProgressFn",
    "check_states",
    "default_pairs",
    "half_partition",
    "pair_phases",
    "single_phases",
    "to_schrodinger",
]

#: ``progress(done, total)`` called after every step (the CLI draws a bar; physics never prints).
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class NetworkStates:
    """Reduced states of a network on a time grid (Schrödinger picture, paper order).

    Attributes
    ----------
    t : ndarray, shape (n_t,)
    dt : float
        Protocol step (the coupling rate is ``δ/Δt``).
    single : ndarray, shape (N, n_t, 2, 2)
        One-node states.
    pairs : tuple of (int, int)
        The pairs of ``pair_states`` (every edge is among them).
    pair_states : ndarray, shape (n_pairs, n_t, 4, 4)
        Two-node states in the order ``kron(i, j)``.
    partitions : tuple of tuple of int
        Node sets ``A`` of the bipartitions ``A | rest`` in ``negativity``.
    negativity : ndarray, shape (n_partitions, n_t)
        Negativity ``(‖ρ^{T_A}‖₁ − 1)/2`` of the whole state; NaN where not computed.
    tripartite : ndarray, shape (n_t,) or None
        For three nodes, the geometric mean of the three one-vs-rest negativities.
    errors : dict
        Standard errors (trajectories): ``single`` (N, n_t, 3) of ⟨σx, σy, σz⟩, ``current``
        (N, n_t), and jackknife errors of the nonlinear measures.
    backend : str
    info : dict
    """

    t: NDArray[np.float64]
    dt: float
    single: NDArray[np.complex128]
    pairs: tuple[tuple[int, int], ...]
    pair_states: NDArray[np.complex128]
    partitions: tuple[tuple[int, ...], ...]
    negativity: NDArray[np.float64]
    tripartite: NDArray[np.float64] | None
    backend: str
    errors: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def pair_index(self, i: int, j: int) -> tuple[int, bool]:
        """Index of the pair ``{i, j}`` in ``pairs`` and whether it is stored as ``(j, i)``."""
        for m, p in enumerate(self.pairs):
            if p == (i, j):
                return m, False
            if p == (j, i):
                return m, True
        raise KeyError((i, j))


def check_states(network: MemristorNetwork, states: InitialState | Sequence[InitialState]):
    """One :class:`InitialState` per node (a single one is used for every node)."""
    if isinstance(states, InitialState):
        return (states,) * network.n
    out = tuple(states)
    if len(out) != network.n or not all(isinstance(s, InitialState) for s in out):
        raise ParameterError(f"give one InitialState per node ({network.n}), got {len(out)}")
    return out


def check_grid(t: ArrayLike) -> tuple[NDArray[np.float64], float]:
    t = np.asarray(t, dtype=float)
    return t, check_uniform_grid(t)


def default_pairs(network: MemristorNetwork, limit: int = 8) -> tuple[tuple[int, int], ...]:
    """Every pair ``i < j`` for ``N ≤ limit``, else the edges (as given); edges always included."""
    edges = list(network.pairs)
    if network.n > limit:
        return tuple(edges)
    have = {frozenset(p) for p in edges}
    rest = [
        (i, j)
        for i in range(network.n)
        for j in range(i + 1, network.n)
        if frozenset((i, j)) not in have
    ]
    return tuple(sorted(edges + rest, key=lambda p: (min(p), max(p))))


def merge_pairs(
    network: MemristorNetwork, pairs: Sequence[tuple[int, int]] | None
) -> tuple[tuple[int, int], ...]:
    """The requested pairs (default :func:`default_pairs`) plus every edge, checked."""
    if pairs is None:
        return default_pairs(network)
    out: list[tuple[int, int]] = []
    seen: set[frozenset[int]] = set()
    for p in [*pairs, *network.pairs]:
        i, j = int(p[0]), int(p[1])
        if not (0 <= i < network.n and 0 <= j < network.n) or i == j:
            raise ParameterError(f"pair {i}-{j} is not two distinct nodes of 0…{network.n - 1}")
        if frozenset((i, j)) not in seen:
            seen.add(frozenset((i, j)))
            out.append((i, j))
    return tuple(out)


def half_partition(n: int) -> tuple[int, ...]:
    """The first ``⌊N/2⌋`` nodes (the ``negativity_half`` bipartition)."""
    return tuple(range(max(n // 2, 1)))


def check_partitions(
    network: MemristorNetwork, partitions: Sequence[Sequence[int]] | None
) -> tuple[tuple[int, ...], ...]:
    if partitions is None:
        return (half_partition(network.n),) if network.n >= 2 else ()
    out = []
    for a in partitions:
        s = tuple(sorted({int(k) for k in a}))
        if not s or len(s) >= network.n or s[0] < 0 or s[-1] >= network.n:
            raise ParameterError(
                f"a bipartition needs a non-empty proper subset of 0…{network.n - 1} (got {a})"
            )
        out.append(s)
    return tuple(out)


def negativity_stride(n: int, steps: int, stride: int | None, per_period: int) -> int:
    """Steps between negativity evaluations: every step for ``N ≤ 7``, once a period to 10.

    The one-vs-rest negativity needs the eigenvalues of the 2^N × 2^N partial transpose
    (about 0.3 s at N = 10 on this machine); above N = 10 it is skipped (0) unless asked.
    """
    if stride is not None:
        if isinstance(stride, bool) or int(stride) != stride or stride < 0:
            raise ParameterError(f"negativity stride must be an integer ≥ 0 (got {stride!r})")
        return int(stride)
    if n <= 7:
        return 1
    if n <= 10:
        return max(per_period, 1)
    return 0


def single_phases(network: MemristorNetwork, t: NDArray[np.float64]) -> NDArray[np.complex128]:
    """``diag(e^{−iω_k t}, 1)`` of every node, shape ``(N, n_t, 2)`` (free evolution U0)."""
    w = np.array([m.omega for m in network.nodes])
    out = np.ones((network.n, t.size, 2), dtype=complex)
    out[:, :, 0] = np.exp(-1j * np.multiply.outer(w, t))
    return out


def pair_phases(
    network: MemristorNetwork, i: int, j: int, t: NDArray[np.float64]
) -> NDArray[np.complex128]:
    """Diagonal of ``U0(t)`` on the pair ``kron(i, j)``, shape ``(n_t, 4)``."""
    wi, wj = network.nodes[i].omega, network.nodes[j].omega
    e = np.array([wi + wj, wi, wj, 0.0])
    return np.exp(-1j * np.multiply.outer(t, e))


def to_schrodinger(rho: NDArray[np.complex128], phases: NDArray[np.complex128]) -> NDArray:
    """``U0 ρ U0†`` for diagonal ``U0`` (``phases`` broadcast over the leading axes)."""
    return phases[..., :, None] * rho * phases.conj()[..., None, :]


def stride_mask(steps: int, stride: int) -> NDArray[np.bool_]:
    """Time indices ``0 … steps`` at which the strided measures are evaluated."""
    mask = np.zeros(steps + 1, dtype=bool)
    if stride > 0:
        mask[::stride] = True
        mask[-1] = True
    return mask


def nan_array(*shape: int) -> NDArray[np.float64]:
    return np.full(shape, math.nan)
