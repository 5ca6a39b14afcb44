"""The density backend's state: the vector of all Pauli expectations of the network.

A density matrix of ``N`` nodes is, uniquely,

    ρ = 2^{−N} Σ_P r_P P,     r_P = Tr(ρ P) = ⟨P⟩ ∈ [−1, 1],    P = σ_{a_0} ⊗ … ⊗ σ_{a_{N−1}}

with ``σ_0 = 1`` and ``σ_1, σ_2, σ_3 = σx, σy, σz`` of the paper basis (|e⟩, |g⟩).  The real
vector ``r`` (``4^N`` numbers, node 0's digit ``a_0`` the most significant) holds the whole
state: Hermiticity is built in, so it is half the memory of the complex ρ, and every channel
acts on it as a *real* matrix, its Pauli transfer matrix ``R[p, q] = Tr(P_p E(P_q))/2^k``.
The maps of one protocol step (docs of :mod:`qmemristor.network.model`):

* the collision of node ``k`` (amplitude damping, ``e^κ`` on the excited amplitude) acts on
  its digit only: ``σx, σy → e^κ σx, e^κ σy``, ``σz → e^{2κ} σz − (1 − e^{2κ}) 1``;
* an edge gate ``U`` (4×4 on ``kron(i, j)``) acts on the two digits of its nodes through the
  16×16 ``R[p, q] = ¼ Tr(P_p U P_q U†)`` (sparse for every named interaction: a σi⊗σi
  rotation keeps the Paulis that commute with its generator and rotates each other one into
  one partner).

Reading the state costs nothing: ⟨σa⟩ of node ``k`` is one entry of ``r``, the two-node Pauli
correlations ``T_ab = ⟨σa ⊗ σb⟩`` of a pair are 16 entries, and an all-qubit measurement in
local bases is a Walsh–Hadamard transform over ``2^N`` subsets of nodes
(:func:`measurement_probabilities`).  The complex ρ is formed only where a quantity
needs it (the bipartite negativities, :func:`density_from_pauli`).

:class:`PauliStepper` groups the gates of one step into *windows* of at most four nodes,
consecutive in the step's order, and applies each window in one compiled pass
(:func:`qmemristor.network._kernels.window_pass`); each node's collision is fused into the
first gate after the collisions that touches it (they commute with gates on other nodes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..conventions import IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z
from ..memristor.model import InitialState
from ._kernels import damp_node_pauli, window_pass
from .model import MemristorNetwork, StepPlan, _Gates, step_plan

__all__ = [
    "PAULIS",
    "PauliStepper",
    "density_from_pauli",
    "initial_pauli",
    "measurement_probabilities",
    "pair_correlations",
    "pair_density",
    "pair_indices",
    "pauli_memory_bytes",
    "single_bloch",
    "single_density",
    "transfer_matrices",
]

#: ``σ_0 … σ_3`` = 1, σx, σy, σz in the paper basis (|e⟩, |g⟩).
PAULIS = np.stack([IDENTITY, SIGMA_X, SIGMA_Y, SIGMA_Z])
_P2 = np.einsum("aij,bkl->abikjl", PAULIS, PAULIS).reshape(16, 4, 4)  # σa ⊗ σb, p = 4a + b

#: Largest window of :class:`PauliStepper` (nodes per pass; 4^4 = 256 entries per group).
WINDOW_NODES = 4
#: Lanes per chunk at most (2^6 groups side by side: the scratch of a window is ≤ 128 KiB).
_LANE_BITS = 6
#: Transfer-matrix entries below this are exact zeros of the formula, computed as round-off
#: (entries are O(1); the trace formula leaves ~1e-17 where the exact value is 0).
_ZERO = 1e-15


def pauli_memory_bytes(n: int) -> int:
    """Bytes of the Pauli vector of ``n`` nodes (float64): ``8·4^n``."""
    return 8 * 4**n


def place(n: int, k: int) -> int:
    """Place value ``4^(N−1−k)`` of node ``k``'s digit in the Pauli vector."""
    return 4 ** (n - 1 - k)


def initial_pauli(states: Sequence[InitialState]) -> NDArray[np.float64]:
    """``r`` of the product state ``ρ1 ⊗ … ⊗ ρN``: the Kronecker product of ``(1, x, y, z)``."""
    out = np.ones(1)
    for s in states:
        out = np.kron(out, np.array([1.0, s.x, s.y, s.z]))
    return out


def single_bloch(r: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``(⟨σx⟩, ⟨σy⟩, ⟨σz⟩)`` of every node, shape ``(N, 3)``."""
    idx = np.array([[a * place(n, k) for a in (1, 2, 3)] for k in range(n)])
    return r[idx]


def pair_indices(n: int, pairs: Sequence[tuple[int, int]]) -> NDArray[np.intp]:
    """Entries of ``r`` holding ``T_ab = ⟨σa ⊗ σb⟩`` of each pair, shape ``(n_pairs, 4, 4)``."""
    a = np.arange(4)
    out = np.empty((len(pairs), 4, 4), dtype=np.intp)
    for m, (i, j) in enumerate(pairs):
        out[m] = a[:, None] * place(n, i) + a[None, :] * place(n, j)
    return out


def pair_correlations(
    r: NDArray[np.float64], n: int, pairs: Sequence[tuple[int, int]]
) -> NDArray[np.float64]:
    """``T_ab`` of every pair (``T_00 = 1``), shape ``(n_pairs, 4, 4)``."""
    return r[pair_indices(n, pairs)]


def single_density(bloch: ArrayLike) -> NDArray[np.complex128]:
    """``(1 + xσx + yσy + zσz)/2`` of Bloch vectors ``(..., 3)`` → ``(..., 2, 2)``."""
    b = np.asarray(bloch, dtype=float)
    return 0.5 * (IDENTITY + np.einsum("...a,aij->...ij", b, PAULIS[1:]))


def pair_density(t: ArrayLike) -> NDArray[np.complex128]:
    """``¼ Σ_ab T_ab σa ⊗ σb`` (order ``kron(i, j)``) of correlations ``(..., 4, 4)``."""
    tt = np.asarray(t, dtype=float).reshape(*np.shape(t)[:-2], 16)
    return 0.25 * np.einsum("...p,pij->...ij", tt, _P2)


def density_from_pauli(r: NDArray[np.float64], n: int) -> NDArray[np.complex128]:
    """The complex ``2^N × 2^N`` density matrix of a Pauli vector (node 0 left-most).

    Each digit is expanded into its 2×2 block ``σ_a/2`` (one tensor contraction per node),
    then the row and column indices are brought together.
    """
    x = r.astype(complex).reshape((4,) * n)
    half = PAULIS / 2
    for _ in range(n):  # digit of the next node → (row, col), appended at the end
        x = np.tensordot(x, half, axes=([0], [0]))
    # axes now (row_0, col_0, row_1, col_1, ...)
    x = x.transpose([*range(0, 2 * n, 2), *range(1, 2 * n, 2)])
    return x.reshape(2**n, 2**n)


def transfer_matrices(u: ArrayLike) -> NDArray[np.float64]:
    """Pauli transfer matrices ``R[p, q] = ¼ Tr(P_p U P_q U†)`` of 4×4 unitaries ``(..., 4, 4)``.

    ``p = 4a + b`` is ``σa ⊗ σb`` (first node's digit ``a``).  Real for a unitary (up to
    round-off, dropped).
    """
    u = np.asarray(u, dtype=complex)
    ud = np.conj(np.swapaxes(u, -1, -2))
    lead = u.shape[:-2]
    a = np.matmul(_P2, u[..., None, :, :]).reshape(*lead, 16, 16)  # (P_p U)[a, b] → [p, ab]
    b = np.matmul(_P2, ud[..., None, :, :])  # (P_q U†)[b, a]
    b = np.swapaxes(b, -1, -2).reshape(*lead, 16, 16)  # → [q, ab]
    r = a @ np.swapaxes(b, -1, -2)  # Σ_ab (P_p U)[a, b] (P_q U†)[b, a]
    return np.real(r) / 4


def measurement_probabilities(
    r: NDArray[np.float64], n: int, axes: ArrayLike
) -> NDArray[np.float64]:
    """Exact distribution of measuring every node along a unit axis ``axes[k]`` (paper σ's).

    Outcome ``s``: bit ``k`` of ``s`` (node 0 the *least* significant bit) is 1 when node
    ``k`` reads −1.  With ``n_k·σ`` the measured observable of node ``k``::

        p(s) = 2^{−N} Σ_A (−1)^{|s ∩ A|} ⟨⊗_{k∈A} n_k·σ⟩

    over the subsets ``A`` of nodes: each digit of ``r`` is contracted with ``(1 | n_k)``
    (only the digits an axis uses are read: ``3^N`` entries at most), then a Walsh–Hadamard
    transform over the ``2^N`` subsets.  Shape ``(2^N,)``.
    """
    ax = np.asarray(axes, dtype=float).reshape(n, 3)
    digits = [np.array([0, *(1 + np.flatnonzero(a != 0))]) for a in ax]
    f = r.reshape((4,) * n)[np.ix_(*digits)] if n else r.copy()
    for k in range(n):
        w = np.zeros((2, digits[k].size))
        w[0, 0] = 1.0
        w[1, 1:] = ax[k][digits[k][1:] - 1]
        f = np.tensordot(f, w, axes=([0], [1]))  # node k's axis → (1 | n·σ), appended
    # axes are now nodes 0 … N−1 in order; node 0 must be the least significant bit
    f = np.transpose(f, list(range(n))[::-1]).reshape(-1) if n else f.reshape(-1)
    h = 1
    while h < f.size:  # fast Walsh–Hadamard transform (unnormalised)
        g = f.reshape(-1, 2, h)
        f = np.stack([g[:, 0] + g[:, 1], g[:, 0] - g[:, 1]], axis=1).reshape(-1)
        h *= 2
    return f / 2**n


# --------------------------------------------------------------------------------------------
# stepping
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """One pass: the nodes, the kernel's layout arrays and the gates (plan positions)."""

    nodes: tuple[int, ...]
    gates: tuple[int, ...]  # positions in the step's gate sequence
    off: NDArray[np.int64]
    stride: int
    nv: int
    cpos: NDArray[np.int64]
    sub: NDArray[np.int64]


def _layout(n: int, nodes: tuple[int, ...], pairs: list[tuple[int, int]]) -> dict:
    """Kernel layout of a window of ``nodes`` with gates on ``pairs`` (module docstring)."""
    m = len(nodes)
    nl = 4**m
    local = np.arange(nl)
    digits = [(local // 4 ** (m - 1 - t)) % 4 for t in range(m)]
    off = sum(d * place(n, k) for d, k in zip(digits, nodes, strict=True))
    pos = {k: t for t, k in enumerate(nodes)}
    sub = np.empty((len(pairs), nl // 16, 16), dtype=np.int64)
    for g, (i, j) in enumerate(pairs):
        si, sj = 4 ** (m - 1 - pos[i]), 4 ** (m - 1 - pos[j])
        base = local[(digits[pos[i]] == 0) & (digits[pos[j]] == 0)]
        ab = np.arange(16)
        sub[g] = base[:, None] + (ab // 4)[None, :] * si + (ab % 4)[None, :] * sj
    # free bits of the flat index: the two bits of every node outside the window
    free = sorted(
        b for k in range(n) if k not in pos for b in (2 * (n - 1 - k), 2 * (n - 1 - k) + 1)
    )
    lanes = 0
    if free:
        f0 = free[0]
        while lanes < min(_LANE_BITS, len(free)) and free[lanes] == f0 + lanes:
            lanes += 1
    stride = 1 << free[0] if free else 1
    cpos = np.array([1 << b for b in free[lanes:]], dtype=np.int64)
    return {
        "off": np.ascontiguousarray(off, dtype=np.int64),
        "stride": int(stride),
        "nv": 1 << lanes,
        "cpos": cpos,
        "sub": sub,
    }


def _sparse_rows(rt: NDArray[np.float64]) -> tuple[NDArray, NDArray, NDArray]:
    """Transfer matrices ``(G, 16, 16)`` as sparse rows: ``ptr (G, 17)``, ``src``, ``coef``."""
    g = rt.shape[0]
    mask = np.abs(rt) > _ZERO
    mask[:, :, 0] |= ~mask.any(axis=2)  # an all-zero row keeps one (zero) term
    counts = mask.sum(axis=2)
    ptr = np.zeros((g, 17), dtype=np.int64)
    ptr[:, 1:] = np.cumsum(counts, axis=1)
    width = int(ptr[:, -1].max()) if g else 1
    src = np.zeros((g, width), dtype=np.int64)
    coef = np.zeros((g, width))
    for k in range(g):
        o, s = np.nonzero(mask[k])
        src[k, : o.size] = s
        coef[k, : o.size] = rt[k, o, s]
    return ptr, src, coef


class PauliStepper:
    """Steps of a network on its Pauli vector (module docstring), windows built once per run.

    ``step(r, t0, t1, factors)`` applies :func:`~qmemristor.network.model.step_plan` of the
    step ``t0 → t1`` with the collisions ``factors`` (N, 3): ``(e^κ, e^{2κ}, 1 − e^{2κ})``.
    """

    def __init__(self, network: MemristorNetwork, max_nodes: int = WINDOW_NODES) -> None:
        self.network = network
        self.n = network.n
        self.gates = _Gates(network)
        plan = step_plan(network, 0.0, 1.0, self.gates)
        seq = [*plan.before, *plan.after]
        n_before = len(plan.before)
        # each node's collision goes with its first gate after the collisions
        self.damp_at: list[tuple[bool, bool]] = []
        pending = set(range(self.n))
        for pos, g in enumerate(seq):
            if pos < n_before:
                self.damp_at.append((False, False))
                continue
            flags = (g.i in pending, g.j in pending)
            pending -= {g.i, g.j}
            self.damp_at.append(flags)
        self.alone = sorted(pending)  # nodes with no gate: damped on their own
        self.windows: list[_Window] = []
        cur: list[int] = []
        nodes: set[int] = set()
        for pos, g in enumerate(seq):
            if cur and len(nodes | {g.i, g.j}) > max_nodes:
                self._close(cur, nodes, seq)
                cur, nodes = [], set()
            cur.append(pos)
            nodes |= {g.i, g.j}
        if cur:
            self._close(cur, nodes, seq)
        self._static = network.frame == "interaction"
        self._cache: list[tuple[NDArray, NDArray, NDArray]] | None = None

    def _close(self, cur: list[int], nodes: set[int], seq: list) -> None:
        tup = tuple(sorted(nodes))
        lay = _layout(self.n, tup, [(seq[p].i, seq[p].j) for p in cur])
        self.windows.append(_Window(tup, tuple(cur), **lay))

    def _transfer(self, plan: StepPlan) -> list[tuple[NDArray, NDArray, NDArray]]:
        if self._static and self._cache is not None:
            return self._cache
        seq = [*plan.before, *plan.after]
        rt = transfer_matrices(np.stack([g.u for g in seq])) if seq else np.zeros((0, 16, 16))
        out = [_sparse_rows(rt[list(w.gates)]) for w in self.windows]
        if self._static:
            self._cache = out
        return out

    def step(
        self, r: NDArray[np.float64], t0: float, t1: float, factors: NDArray[np.float64]
    ) -> None:
        """Advance ``r`` by the step ``t0 → t1`` in place."""
        plan = step_plan(self.network, t0, t1, self.gates)
        seq = [*plan.before, *plan.after]
        for w, (ptr, src, coef) in zip(self.windows, self._transfer(plan), strict=True):
            damp = np.zeros((len(w.gates), 2, 4))
            for q, pos in enumerate(w.gates):
                g = seq[pos]
                for side, (flag, k) in enumerate(zip(self.damp_at[pos], (g.i, g.j), strict=True)):
                    if flag:
                        damp[q, side, 0] = 1.0
                        damp[q, side, 1:] = factors[k]
            window_pass(r, w.off, w.stride, w.nv, w.cpos, w.sub, damp, ptr, src, coef)
        for k in self.alone:
            damp_node_pauli(r, place(self.n, k), *factors[k])
