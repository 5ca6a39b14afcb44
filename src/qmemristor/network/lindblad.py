"""Continuous-time reference of a network: the Lindblad equation of its ``Δt → 0`` limit.

With every edge's coupling rate ``g = δ/Δt`` held fixed (``H_A,e/Δt``), the collisional
protocol converges to (Schrödinger picture, ħ = 1 in the generator)::

    dρ/dt = −i[H0 + Σ_e H_e(t), ρ] + Σ_k Γ_k(t) (σ−_k ρ σ+_k − ½{n_k, ρ})
    H0 = Σ_k ω_k n_k,   H_e(t) = U0(t) (H_A,e/Δt) U0(t)†  (interaction frame),  H_A,e/Δt  (lab)

integrated here with SciPy's ``solve_ivp`` (DOP853) on the ``4^N`` entries of ρ, with dense
2^N × 2^N operators built from Kronecker products — independent of the gates, the
collisions and the kernels of the digital backends (only Γ_k(t), ω_k and ``H_A,e`` are
shared).  Sized for convergence checks: ``N ≤ 5`` (1024 complex unknowns).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

from ..analysis.entanglement import negativity, partial_trace, tripartite_negativity
from ..conventions import IDENTITY, SIGMA_MINUS
from ..errors import ParameterError
from ..memristor.model import InitialState
from .model import MemristorNetwork
from .states import (
    NetworkStates,
    check_grid,
    check_partitions,
    check_states,
    merge_pairs,
)

__all__ = ["MAX_LINDBLAD_NODES", "network_lindblad_rhs", "solve_network_lindblad"]

#: Largest network of the continuous-time reference.
MAX_LINDBLAD_NODES = 5


def _embed(ops: dict[int, NDArray], n: int) -> NDArray[np.complex128]:
    return reduce(np.kron, [ops.get(k, IDENTITY) for k in range(n)])


def _embed_pair(op4: NDArray, i: int, j: int, n: int) -> NDArray[np.complex128]:
    """A two-node operator (order ``kron(i, j)``) on the whole register."""
    big = np.zeros((2**n, 2**n), dtype=complex)
    basis = np.eye(2, dtype=complex)
    for a in range(2):
        for b in range(2):
            for c in range(2):
                for d in range(2):
                    w = op4[2 * a + b, 2 * c + d]
                    if w != 0:
                        big += w * _embed(
                            {i: np.outer(basis[a], basis[c]), j: np.outer(basis[b], basis[d])}, n
                        )
    return big


class _NetworkGenerator:
    """``L_t(ρ)`` with operators built once: ``H(t) = H0 + H_c ∘ phase(t)``."""

    def __init__(self, network: MemristorNetwork, dt: float) -> None:
        n = network.n
        self.n = n
        w = np.array([m.omega for m in network.nodes])
        bits = (np.arange(2**n)[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1
        self.energy = ((1 - bits) * w).sum(axis=1)  # bit 0 = |e⟩
        hc = np.zeros((2**n, 2**n), dtype=complex)
        for e in network.edges:
            hc += _embed_pair(e.coupling.step_hamiltonian / dt, e.i, e.j, n)
        self.hc = hc
        self.lab = network.frame == "lab"
        self.lowering = [_embed({k: SIGMA_MINUS}, n) for k in range(n)]
        self.number = [lo.conj().T @ lo for lo in self.lowering]
        self.rates = [m.protocol.rate for m in network.nodes]

    def hamiltonian(self, t: float) -> NDArray[np.complex128]:
        e = self.energy
        if self.lab:
            hint = self.hc
        else:
            hint = self.hc * np.exp(-1j * np.subtract.outer(e, e) * t)
        return np.diag(e).astype(complex) + hint

    def __call__(self, t: float, rho: NDArray[np.complex128]) -> NDArray[np.complex128]:
        h = self.hamiltonian(t)
        out = -1j * (h @ rho - rho @ h)
        for rate, lo, nk in zip(self.rates, self.lowering, self.number, strict=True):
            g = float(rate(t))
            if g != 0.0:
                out += g * (lo @ rho @ lo.conj().T - 0.5 * (nk @ rho + rho @ nk))
        return out


def network_lindblad_rhs(
    network: MemristorNetwork, t: float, rho: ArrayLike, *, dt: float
) -> NDArray[np.complex128]:
    """``dρ/dt`` of the network's continuous-time limit at ``t`` (``rho``: 2^N × 2^N)."""
    return _NetworkGenerator(network, dt)(t, np.asarray(rho, dtype=complex))


def solve_network_lindblad(
    network: MemristorNetwork,
    states: InitialState | Sequence[InitialState],
    t: ArrayLike,
    *,
    dt: float | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
    pairs: Sequence[tuple[int, int]] | None = None,
    partitions: Sequence[Sequence[int]] | None = None,
    stride: int | None = None,
    full: bool = False,
) -> NetworkStates:
    """Integrate the continuous-time limit on the grid ``t``; reduced states as the backends.

    ``dt`` is the protocol step fixing ``g = δ/Δt`` (default: the step of ``t``, which must
    then be uniform).  Negativities are computed at every point (``stride`` is accepted for
    a uniform signature and ignored).  ``full=True`` also stores the whole states in
    ``info["rho"]`` (shape ``(n_t, 2^N, 2^N)``).
    """
    n = network.n
    if n > MAX_LINDBLAD_NODES:
        raise ParameterError(
            f"the Lindblad reference is for at most {MAX_LINDBLAD_NODES} nodes (got {n})"
        )
    sts = check_states(network, states)
    if dt is None:
        t, step = check_grid(t)
    else:
        t = np.asarray(t, dtype=float)
        step = float(dt)
        if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0) or not step > 0:
            raise ParameterError("t must be increasing (≥ 2 points) and dt > 0")
    pair_list = merge_pairs(network, pairs)
    parts = check_partitions(network, partitions)
    gen = _NetworkGenerator(network, step)
    d = 2**n
    rho0 = reduce(np.kron, [s.density for s in sts])

    def rhs(s: float, y: NDArray) -> NDArray:
        return gen(s, y.reshape(d, d)).reshape(-1)

    sol = solve_ivp(
        rhs, (t[0], t[-1]), rho0.reshape(-1), method="DOP853", t_eval=t, rtol=rtol, atol=atol
    )
    if not sol.success:  # pragma: no cover - SciPy failure is reported, not hidden
        raise RuntimeError(f"network Lindblad integration failed: {sol.message}")
    rho = sol.y.T.reshape(-1, d, d)
    single = np.stack([partial_trace(rho, [k]) for k in range(n)])
    pst = (
        np.stack([_pair(rho, i, j) for i, j in pair_list])
        if pair_list
        else np.empty((0, t.size, 4, 4), dtype=complex)
    )
    neg = np.stack([negativity(rho, a) for a in parts]) if parts else np.empty((0, t.size))
    tri = tripartite_negativity(rho) if n == 3 else None
    info = {"rtol": rtol, "atol": atol}
    if full:
        info["rho"] = rho
    return NetworkStates(
        t=t,
        dt=step,
        single=single,
        pairs=pair_list,
        pair_states=pst,
        partitions=parts,
        negativity=neg,
        tripartite=tri,
        backend="lindblad",
        info=info,
    )


def _pair(rho: NDArray, i: int, j: int) -> NDArray[np.complex128]:
    r = partial_trace(rho, [i, j])  # order min, max
    if i > j:
        r = r.reshape(-1, 2, 2, 2, 2).transpose(0, 2, 1, 4, 3).reshape(-1, 4, 4)
    return r
