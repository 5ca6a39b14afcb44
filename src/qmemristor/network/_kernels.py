"""Compiled kernels of the network backends (numba): 2-qubit maps on 2^N states in place.

Layout: a density matrix of N nodes is stored as one flat complex array of ``4^N`` entries,
row-major ``ρ[r, c]`` with node 0 the most significant bit of ``r`` and ``c`` (paper order:
bit value 0 = |e⟩).  The row bit of node ``k`` sits at bit position ``2N − 1 − k`` of the flat
index and its column bit at ``N − 1 − k``.  A batch of state vectors ``(M, 2^N)`` is flat too,
with node ``k`` at bit ``N − 1 − k``.

Measured reason for compiled code rather than ``np.einsum``/``tensordot`` (2 cores, N = 10,
one σy⊗σy gate with both collisions): the fused in-place pass below takes the 16 entries
that a gate on nodes ``(i, j)`` mixes, applies the pending amplitude damping of either node
and ``U X U†`` in registers and writes them back — one read and one write of ρ, no
temporary of ρ's size — where NumPy needs a transposed copy per side (see
``benchmarks/network_vs_qutip.py``).
"""

from __future__ import annotations

import types
from collections.abc import Callable

import numpy as np
from numba import njit, prange

__all__ = [
    "amplitude_damping_density",
    "conjugate_node_density",
    "conjugate_pair_density",
    "damp_node_pauli",
    "gate_pair_vectors",
    "window_pass",
]

_CHUNK = 4096  # groups per parallel chunk (scratch arrays are allocated once per chunk)


@njit(cache=True, inline="always")
def _insert_zero(g: int, p: int) -> int:
    """Insert a 0 bit at position ``p`` of ``g``."""
    low = g & ((1 << p) - 1)
    return ((g >> p) << (p + 1)) | low


@njit(cache=True)
def _base(g: int, q0: int, q1: int, q2: int, q3: int) -> int:
    b = _insert_zero(g, q0)
    b = _insert_zero(b, q1)
    b = _insert_zero(b, q2)
    return _insert_zero(b, q3)


@njit(cache=True)
def _damp_local(x: np.ndarray, node: int, ek: float, e2k: float, s2: float) -> None:
    """Amplitude damping of local qubit ``node`` (0 = first, 1 = second) on a 4×4 block."""
    # the |g> partner of a local index with the node in |e> is index + step
    step = 2 if node == 0 else 1
    for a in range(4):
        if (a & step) != 0:
            continue
        for b in range(4):
            if (b & step) != 0:
                continue
            ee = x[a, b]
            x[a + step, b + step] += s2 * ee
            x[a, b] = e2k * ee
            x[a, b + step] *= ek
            x[a + step, b] *= ek


def _conjugate_pair_density(
    rho: np.ndarray,
    n: int,
    i: int,
    j: int,
    u: np.ndarray,
    damp: np.ndarray,
) -> None:
    """In place: amplitude damping of nodes ``i``/``j`` (if asked), then ``ρ → U ρ U†``.

    Parameters
    ----------
    rho : complex128, shape (4**n,)
    n, i, j : int
        Number of nodes and the two nodes (``i ≠ j``); ``U`` acts on ``kron(i, j)``.
    u : complex128, shape (4, 4)
        Gate in the local paper order ``(e_i e_j, e_i g_j, g_i e_j, g_i g_j)``.
    damp : float64, shape (2, 4)
        Per endpoint ``(flag, e^κ, e^{2κ}, 1 − e^{2κ})``; flag 1 applies the damping first.
    """
    pri = 2 * n - 1 - i
    prj = 2 * n - 1 - j
    pci = n - 1 - i
    pcj = n - 1 - j
    q = np.sort(np.array([pri, prj, pci, pcj]))
    q0, q1, q2, q3 = q[0], q[1], q[2], q[3]
    ori, orj, oci, ocj = 1 << pri, 1 << prj, 1 << pci, 1 << pcj
    groups = (1 << (2 * n)) >> 4
    nchunk = (groups + _CHUNK - 1) // _CHUNK
    uc = np.conj(u)
    off = np.empty(4, dtype=np.int64)
    offc = np.empty(4, dtype=np.int64)
    for a in range(4):
        off[a] = (a >> 1) * ori + (a & 1) * orj
        offc[a] = (a >> 1) * oci + (a & 1) * ocj
    # the non-zeros of each row of U (sparse path when every row has at most two)
    cols = np.zeros((4, 2), dtype=np.int64)
    vals = np.zeros((4, 2), dtype=np.complex128)
    sparse = True
    for a in range(4):
        m = 0
        for c in range(4):
            if u[a, c] != 0:
                if m == 2:
                    sparse = False
                    break
                cols[a, m] = c
                vals[a, m] = u[a, c]
                m += 1
    valc = np.conj(vals)
    damp_i = damp[0, 0] != 0.0
    damp_j = damp[1, 0] != 0.0
    for ch in prange(nchunk):
        x = np.empty((4, 4), dtype=np.complex128)
        y = np.empty((4, 4), dtype=np.complex128)
        stop = min(groups, (ch + 1) * _CHUNK)
        for g in range(ch * _CHUNK, stop):
            base = _base(g, q0, q1, q2, q3)
            for a in range(4):
                for b in range(4):
                    x[a, b] = rho[base + off[a] + offc[b]]
            if damp_i:
                _damp_local(x, 0, damp[0, 1], damp[0, 2], damp[0, 3])
            if damp_j:
                _damp_local(x, 1, damp[1, 1], damp[1, 2], damp[1, 3])
            if sparse:  # at most two non-zeros per row of U (every named interaction)
                for a in range(4):  # y = U x
                    c0, c1 = cols[a, 0], cols[a, 1]
                    v0, v1 = vals[a, 0], vals[a, 1]
                    for b in range(4):
                        y[a, b] = v0 * x[c0, b] + v1 * x[c1, b]
                for a in range(4):  # ρ = y U†,  (y U†)[a, b] = Σ_c y[a, c] conj(U[b, c])
                    for b in range(4):
                        rho[base + off[a] + offc[b]] = (
                            y[a, cols[b, 0]] * valc[b, 0] + y[a, cols[b, 1]] * valc[b, 1]
                        )
                continue
            for a in range(4):
                for b in range(4):
                    y[a, b] = (
                        u[a, 0] * x[0, b]
                        + u[a, 1] * x[1, b]
                        + u[a, 2] * x[2, b]
                        + u[a, 3] * x[3, b]
                    )
            for a in range(4):
                for b in range(4):
                    rho[base + off[a] + offc[b]] = (
                        y[a, 0] * uc[b, 0]
                        + y[a, 1] * uc[b, 1]
                        + y[a, 2] * uc[b, 2]
                        + y[a, 3] * uc[b, 3]
                    )


def _amplitude_damping_density(
    rho: np.ndarray, n: int, k: int, ek: float, e2k: float, s2: float
) -> None:
    """In place: amplitude damping of node ``k`` alone (nodes with no edge)."""
    pr = 2 * n - 1 - k
    pc = n - 1 - k
    lo, hi = min(pr, pc), max(pr, pc)
    orr, occ = 1 << pr, 1 << pc
    groups = (1 << (2 * n)) >> 2
    for g in prange(groups):
        base = _insert_zero(_insert_zero(g, lo), hi)
        ee = rho[base]
        rho[base + orr + occ] += s2 * ee
        rho[base] = e2k * ee
        rho[base + occ] *= ek
        rho[base + orr] *= ek


def _conjugate_node_density(rho: np.ndarray, n: int, k: int, u: np.ndarray) -> None:
    """In place: ``ρ → U ρ U†`` with a one-node unitary ``U`` (2×2, paper order) on node ``k``."""
    pr = 2 * n - 1 - k
    pc = n - 1 - k
    lo, hi = min(pr, pc), max(pr, pc)
    orr, occ = 1 << pr, 1 << pc
    groups = (1 << (2 * n)) >> 2
    u00, u01, u10, u11 = u[0, 0], u[0, 1], u[1, 0], u[1, 1]
    for g in prange(groups):
        base = _insert_zero(_insert_zero(g, lo), hi)
        x00 = rho[base]
        x01 = rho[base + occ]
        x10 = rho[base + orr]
        x11 = rho[base + orr + occ]
        y00 = u00 * x00 + u01 * x10  # y = U x
        y01 = u00 * x01 + u01 * x11
        y10 = u10 * x00 + u11 * x10
        y11 = u10 * x01 + u11 * x11
        c00, c01, c10, c11 = np.conj(u00), np.conj(u01), np.conj(u10), np.conj(u11)
        rho[base] = y00 * c00 + y01 * c01  # (y U†)[a, b] = Σ_c y[a, c] conj(U[b, c])
        rho[base + occ] = y00 * c10 + y01 * c11
        rho[base + orr] = y10 * c00 + y11 * c01
        rho[base + orr + occ] = y10 * c10 + y11 * c11


def _gate_pair_vectors(psi: np.ndarray, pi: int, pj: int, u: np.ndarray) -> None:
    """In place: ``ψ → U ψ`` on the bits ``pi``, ``pj`` of a flat batch of state vectors.

    ``U`` is in the local order ``(bit_pi, bit_pj)`` = ``(0 0, 0 1, 1 0, 1 1)``.
    """
    lo, hi = min(pi, pj), max(pi, pj)
    oi, oj = 1 << pi, 1 << pj
    groups = psi.size >> 2
    for g in prange(groups):
        base = _insert_zero(_insert_zero(g, lo), hi)
        i0 = base
        i1 = base + oj
        i2 = base + oi
        i3 = base + oi + oj
        a0, a1, a2, a3 = psi[i0], psi[i1], psi[i2], psi[i3]
        psi[i0] = u[0, 0] * a0 + u[0, 1] * a1 + u[0, 2] * a2 + u[0, 3] * a3
        psi[i1] = u[1, 0] * a0 + u[1, 1] * a1 + u[1, 2] * a2 + u[1, 3] * a3
        psi[i2] = u[2, 0] * a0 + u[2, 1] * a1 + u[2, 2] * a2 + u[2, 3] * a3
        psi[i3] = u[3, 0] * a0 + u[3, 1] * a1 + u[3, 2] * a2 + u[3, 3] * a3


# Each kernel is compiled twice: threaded for large arrays, serial for small ones, where
# starting the worker threads costs more than the pass (measured at N = 6: 8 ms threaded on
# a loaded machine against ~0.1 ms serial).
_PARALLEL_FROM = 1 << 16  # entries


def _twin(fn: Callable[..., None], suffix: str) -> Callable[..., None]:
    """A copy of ``fn`` under another qualified name, so that its compiled form has its own
    cache file.  numba names cache files by the Python function, not by the compile options:
    the threaded and the serial dispatchers of one function share a file, and whichever was
    compiled first is loaded for both (measured: after a small network ran first, N = 12 ran
    serial, 131 s wall = CPU; with its own cache, threaded: half the wall time)."""
    twin = types.FunctionType(
        fn.__code__, fn.__globals__, fn.__name__ + suffix, fn.__defaults__, fn.__closure__
    )
    twin.__qualname__ = fn.__qualname__ + suffix
    twin.__doc__ = fn.__doc__
    return twin


_cpd_par = njit(parallel=True, cache=True)(_twin(_conjugate_pair_density, "_threaded"))
_cpd_ser = njit(cache=True)(_conjugate_pair_density)
_ad_par = njit(parallel=True, cache=True)(_twin(_amplitude_damping_density, "_threaded"))
_ad_ser = njit(cache=True)(_amplitude_damping_density)
_cnd_par = njit(parallel=True, cache=True)(_twin(_conjugate_node_density, "_threaded"))
_cnd_ser = njit(cache=True)(_conjugate_node_density)
_gv_par = njit(parallel=True, cache=True)(_twin(_gate_pair_vectors, "_threaded"))
_gv_ser = njit(cache=True)(_gate_pair_vectors)


def conjugate_pair_density(
    rho: np.ndarray, n: int, i: int, j: int, u: np.ndarray, damp: np.ndarray
) -> None:
    """See :func:`_conjugate_pair_density` (threaded above 2^16 entries)."""
    (_cpd_par if rho.size >= _PARALLEL_FROM else _cpd_ser)(rho, n, i, j, u, damp)


def amplitude_damping_density(
    rho: np.ndarray, n: int, k: int, ek: float, e2k: float, s2: float
) -> None:
    """See :func:`_amplitude_damping_density` (threaded above 2^16 entries)."""
    (_ad_par if rho.size >= _PARALLEL_FROM else _ad_ser)(rho, n, k, ek, e2k, s2)


def conjugate_node_density(rho: np.ndarray, n: int, k: int, u: np.ndarray) -> None:
    """See :func:`_conjugate_node_density` (threaded above 2^16 entries)."""
    (_cnd_par if rho.size >= _PARALLEL_FROM else _cnd_ser)(rho, n, k, u)


def gate_pair_vectors(psi: np.ndarray, pi: int, pj: int, u: np.ndarray) -> None:
    """See :func:`_gate_pair_vectors` (threaded above 2^16 entries)."""
    (_gv_par if psi.size >= _PARALLEL_FROM else _gv_ser)(psi, pi, pj, u)


# --------------------------------------------------------------------------------------------
# the Pauli-vector representation (the density backend's state, :mod:`.pauli`)
# --------------------------------------------------------------------------------------------
#
# The state is the real vector r of all Pauli expectations, r[P] = Tr(ρ P), node 0's digit the
# most significant (digit 0, 1, 2, 3 = 1, σx, σy, σz).  A two-node channel is a real 16×16
# matrix (its Pauli transfer matrix) on the two digits of its nodes.  ``_window_pass`` applies
# all gates of a *window* (a few nodes) in one pass over r: chunk by chunk it copies the
# window's entries of a run of V neighbouring groups into a scratch ``X`` (L×V, in L2), applies
# each gate to the 16-entry blocks of ``X`` through an L1 tile (damping of either node first,
# then the sparse transfer matrix), and writes ``X`` back.
#
# Measured reason (2 cores, N = 12 ring, one step, CPU time on a loaded machine): the complex
# fused pass above takes 1.2 s per step (12 passes over 256 MiB, scalar arithmetic); this
# real representation with windows of 4 nodes takes the time printed by
# ``benchmarks/network_vs_qutip.py`` (half the memory, real arithmetic that vectorises, a third
# of the passes).


@njit(cache=True, inline="always")
def _spread(c: int, pos: np.ndarray) -> int:
    """Sum of ``pos[t]`` over the set bits ``t`` of ``c`` (the chunk's base offset)."""
    o = 0
    for t in range(pos.size):
        if (c >> t) & 1:
            o += pos[t]
    return o


@njit(cache=True, inline="always")
def _damp_digit(x: np.ndarray, first: bool, ek: float, e2k: float, s2: float, nv: int) -> None:
    """Amplitude damping of one node on a 16-entry block tile (rows ``4a + b``, ``nv`` lanes).

    ``σx, σy → e^κ σx, e^κ σy``; ``σz → e^{2κ} σz − (1 − e^{2κ}) 1`` (decay towards |g⟩, whose
    σz is −1); the first node's digit is ``a``, the second's ``b``.
    """
    for q in range(4):
        if first:
            ix, iy, iz, i0 = 4 + q, 8 + q, 12 + q, q
        else:
            ix, iy, iz, i0 = 4 * q + 1, 4 * q + 2, 4 * q + 3, 4 * q
        for v in range(nv):
            x[ix, v] *= ek
            x[iy, v] *= ek
            x[iz, v] = e2k * x[iz, v] - s2 * x[i0, v]


@njit(cache=True, inline="always")
def _transfer(
    x: np.ndarray, y: np.ndarray, ptr: np.ndarray, src: np.ndarray, coef: np.ndarray, nv: int
) -> None:
    """``y[o] = Σ_t coef[t] x[src[t]]`` over the sparse rows ``ptr[o] … ptr[o + 1]``."""
    for o in range(16):
        p0 = ptr[o]
        p1 = ptr[o + 1]
        k = p1 - p0
        if k == 1:
            s0, c0 = src[p0], coef[p0]
            for v in range(nv):
                y[o, v] = c0 * x[s0, v]
        elif k == 2:
            s0, c0, s1, c1 = src[p0], coef[p0], src[p0 + 1], coef[p0 + 1]
            for v in range(nv):
                y[o, v] = c0 * x[s0, v] + c1 * x[s1, v]
        else:
            for v in range(nv):
                y[o, v] = 0.0
            for t in range(p0, p1):
                s0, c0 = src[t], coef[t]
                for v in range(nv):
                    y[o, v] += c0 * x[s0, v]


def _window_pass(
    r: np.ndarray,
    off: np.ndarray,
    stride: int,
    nv: int,
    cpos: np.ndarray,
    sub: np.ndarray,
    damp: np.ndarray,
    ptr: np.ndarray,
    src: np.ndarray,
    coef: np.ndarray,
) -> None:
    """In place on the Pauli vector ``r``: the gates of one window, chunk by chunk.

    Parameters
    ----------
    r : float64, shape (4**n,)
    off : int64, shape (L,)
        Offsets in ``r`` of the window's ``L = 4^m`` local entries.
    stride, nv : int
        The lanes of a chunk are ``nv`` groups ``stride`` apart.
    cpos : int64
        Offsets of the chunk index's bits (``r.size = L · nv · 2^len(cpos)``).
    sub : int64, shape (G, L // 16, 16)
        Per gate, the local rows of each 16-entry block (row ``4a + b``: digit ``a`` of the
        gate's first node, ``b`` of its second).
    damp : float64, shape (G, 2, 4)
        Per gate and endpoint ``(flag, e^κ, e^{2κ}, 1 − e^{2κ})``: damp that node first.
    ptr, src, coef : shapes (G, 17), (G, T), (G, T)
        Each gate's transfer matrix as sparse rows.
    """
    nl = off.size
    ngates = sub.shape[0]
    nsub = sub.shape[1]
    nch = r.size // (nl * nv)
    for c in prange(nch):
        base = _spread(c, cpos)
        xw = np.empty((nl, nv))
        x = np.empty((16, nv))
        y = np.empty((16, nv))
        for li in range(nl):
            o = base + off[li]
            for v in range(nv):
                xw[li, v] = r[o + v * stride]
        for g in range(ngates):
            for s in range(nsub):
                for k in range(16):
                    row = sub[g, s, k]
                    for v in range(nv):
                        x[k, v] = xw[row, v]
                if damp[g, 0, 0] != 0.0:
                    _damp_digit(x, True, damp[g, 0, 1], damp[g, 0, 2], damp[g, 0, 3], nv)
                if damp[g, 1, 0] != 0.0:
                    _damp_digit(x, False, damp[g, 1, 1], damp[g, 1, 2], damp[g, 1, 3], nv)
                _transfer(x, y, ptr[g], src[g], coef[g], nv)
                for k in range(16):
                    row = sub[g, s, k]
                    for v in range(nv):
                        xw[row, v] = y[k, v]
        for li in range(nl):
            o = base + off[li]
            for v in range(nv):
                r[o + v * stride] = xw[li, v]


def _damp_node_pauli(r: np.ndarray, step: int, ek: float, e2k: float, s2: float) -> None:
    """In place: amplitude damping of the node whose digit has place value ``step``."""
    lo = step
    groups = r.size >> 2
    for g in prange(groups):
        b = ((g // lo) * 4 * lo) + (g % lo)
        r[b + step] *= ek
        r[b + 2 * step] *= ek
        r[b + 3 * step] = e2k * r[b + 3 * step] - s2 * r[b]


_wp_par = njit(parallel=True, cache=True)(_twin(_window_pass, "_threaded"))
_wp_ser = njit(cache=True)(_window_pass)
_dnp_par = njit(parallel=True, cache=True)(_twin(_damp_node_pauli, "_threaded"))
_dnp_ser = njit(cache=True)(_damp_node_pauli)


def window_pass(
    r: np.ndarray,
    off: np.ndarray,
    stride: int,
    nv: int,
    cpos: np.ndarray,
    sub: np.ndarray,
    damp: np.ndarray,
    ptr: np.ndarray,
    src: np.ndarray,
    coef: np.ndarray,
) -> None:
    """See :func:`_window_pass` (threaded above 2^16 entries)."""
    fn = _wp_par if r.size >= _PARALLEL_FROM else _wp_ser
    fn(r, off, stride, nv, cpos, sub, damp, ptr, src, coef)


def damp_node_pauli(r: np.ndarray, step: int, ek: float, e2k: float, s2: float) -> None:
    """See :func:`_damp_node_pauli` (threaded above 2^16 entries)."""
    (_dnp_par if r.size >= _PARALLEL_FROM else _dnp_ser)(r, step, ek, e2k, s2)
