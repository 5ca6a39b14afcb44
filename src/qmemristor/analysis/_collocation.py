"""Orthogonal collocation of periodic orbits: the discretisation and its linear algebra.

A periodic orbit of ``dx/dt = f(x, p)`` with period ``T`` is, in the rescaled time
``τ = t/T ∈ [0, 1]``, a solution of the boundary-value problem

    x'(τ) = T f(x(τ), p),     x(0) = x(1),

plus a phase condition that fixes the time origin.  Orthogonal collocation (de Boor & Swartz
1973; Doedel's AUTO) approximates ``x`` on a mesh ``0 = τ_0 < … < τ_N = 1`` by a continuous,
piecewise polynomial of degree ``m``, stored as its values at the ``m + 1`` equally spaced nodes
``τ_j + (l/m) h_j`` of each interval (the last node of an interval is the first of the next;
periodicity identifies node ``N m`` with node 0, so there are ``N m`` node values ``U``), and
demands the ODE at the ``m`` Gauss–Legendre points of each interval.  The error is
``O(h^{2m})`` at the mesh points (superconvergence) and ``O(h^{m+1})`` in between.

Phase condition (AUTO's integral condition): ``∫_0^1 ⟨x(τ), x̂'(τ)⟩ dτ = 0`` with ``x̂`` a
reference orbit (the previous point of a continuation), evaluated by the same Gauss rule — it
is exact for the piecewise polynomials (degree ``2m − 1``).

Unknowns.  ``y = (s U, T, μ)`` (``μ`` the free parameter, absent at fixed parameters) with
``s = 1/sqrt(N m)``: the Euclidean norm of ``s U`` approximates the L2 norm
``(∫|x|² dτ)^{1/2}`` of the profile, so pseudo-arclength steps measure orbits as AUTO does,
whatever the mesh size.

Linear algebra.  The Jacobian (:class:`CollocationJacobian`) has one dense block per interval
(``m n`` rows × ``(m+1) n`` node columns), a few dense *border* columns (``T``, ``μ``) and a few
dense rows (phase, pseudo-arclength, ...).  It is never formed as one matrix: ``factorize``
eliminates the interior and end nodes of each interval for all intervals at once (one batched
``m n × m n`` inverse, *condensation of parameters*, as in AUTO), leaving a cyclic block system
in the ``N`` mesh-point values and the border unknowns, of size ``N n + (borders)``, solved by LU
with partial pivoting.  Measured on the neuron (n = 4, N = 40, m = 4): ~0.5 ms per
factorisation against 5–25 ms for SuperLU on the full 642 × 642 sparse matrix — the full matrix
has dense rows and columns whose fill-in defeats sparse orderings.

The same elimination gives the transfer matrix of each interval for the linearised problem
``v' = T ∂f/∂x v``; their product is the monodromy matrix (Floquet multipliers) of the
discretised variational equation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import factorial

import numpy as np
import scipy.linalg as sla
from numpy.typing import NDArray

#: Reduced systems up to this size use dense LU; larger ones SuperLU.  Dense LAPACK LU of the
#: neuron's 162 × 162 reduced system takes 0.16 ms single-threaded but 0.3–18 ms with threaded
#: OpenBLAS on a shared 2-core machine (thread hand-offs under load); SuperLU's ~1 ms does not
#: depend on the load, so it is used from this small size on.
_SPARSE_ABOVE = 24


# ============================================================================ tables
@dataclass(frozen=True)
class Tables:
    """Gauss points and Lagrange-basis tables for degree ``m`` on ``[0, 1]``.

    ``z``, ``w``: Gauss–Legendre points and weights; ``coef[i, l]``: monomial coefficient of
    ``z^i`` in the Lagrange basis polynomial of node ``l/m``; ``val[k, l] = L_l(z_k)``,
    ``der[k, l] = L_l'(z_k)``.
    """

    m: int
    z: NDArray
    w: NDArray
    coef: NDArray
    val: NDArray
    der: NDArray

    def basis(self, z: NDArray, order: int = 0) -> NDArray:
        """``d^order L_l/dz^order`` at the local times ``z`` (any shape) → shape (..., m+1)."""
        z = np.asarray(z, dtype=float)
        powers = np.arange(self.m + 1)
        coef = self.coef
        for _ in range(order):
            coef = coef[1:] * np.arange(1, coef.shape[0])[:, None]
        zp = z[..., None] ** powers[: coef.shape[0]]
        return zp @ coef


@lru_cache(maxsize=16)
def tables(m: int) -> Tables:
    """The :class:`Tables` of degree ``m`` (cached)."""
    z, w = np.polynomial.legendre.leggauss(m)
    z, w = (z + 1) / 2, w / 2
    nodes = np.linspace(0.0, 1.0, m + 1)
    coef = np.linalg.inv(np.vander(nodes, m + 1, increasing=True))  # L_l(z) = Σ_i coef[i, l] z^i
    t = Tables(m=m, z=z, w=w, coef=coef, val=np.empty(0), der=np.empty(0))
    val, der = t.basis(z), t.basis(z, 1)
    for a in (z, w, coef, val, der):
        a.flags.writeable = False
    return Tables(m=m, z=z, w=w, coef=coef, val=val, der=der)


# ============================================================================ batched field
class BatchedField:
    """``f``, ``∂f/∂x``, ``∂f/∂p_k`` at many states at once: ``X`` (K, n) → (K, n), (K, n, n),
    (K, n).

    With ``vectorized`` the callables of ``vf`` are called once with the whole batch (they
    must accept states of shape (K, n) and return (K, n), (K, n, n), (K, n, m)); otherwise
    once per state.  A missing ``jac_x``/``jac_p`` is replaced by second-order central
    differences (step ``ε^{1/3} · fd_scale · max(1, |x_j|)``, relative error ≈ 1e-10: it only
    steers Newton's method and perturbs the Floquet multipliers at that level).
    """

    def __init__(self, vf, vectorized: bool) -> None:
        self.vf = vf
        self.vectorized = vectorized
        self._last: tuple[NDArray, NDArray, NDArray] | None = None

    def f(self, x: NDArray, p: NDArray) -> NDArray:
        """``f`` at the states ``x`` (K, n); the last call is remembered (Newton evaluates the
        residual and then the Jacobian at the same point)."""
        last = self._last
        if last is not None and np.array_equal(last[0], x) and np.array_equal(last[1], p):
            return last[2]
        if self.vectorized:
            out = np.asarray(self.vf.f(x, p), dtype=float).reshape(x.shape)
        else:
            out = np.array([self.vf.rhs(xi, p) for xi in x]).reshape(x.shape)
        self._last = (x.copy(), np.array(p, dtype=float), out)
        return out

    def jx(self, x: NDArray, p: NDArray) -> NDArray:
        k, n = x.shape
        if self.vf.jac_x is not None:
            if self.vectorized:
                return np.asarray(self.vf.jac_x(x, p), dtype=float).reshape(k, n, n)
            return np.array([np.asarray(self.vf.jac_x(xi, p), dtype=float) for xi in x])
        out = np.empty((k, n, n))
        for j in range(n):
            h = _EPS3 * self.vf.fd_scale * np.maximum(1.0, np.abs(x[:, j]))
            xp, xm = x.copy(), x.copy()
            xp[:, j] += h
            xm[:, j] -= h
            out[:, :, j] = (self.f(xp, p) - self.f(xm, p)) / (2 * h[:, None])
        return out

    def jp(self, x: NDArray, p: NDArray, k: int) -> NDArray:
        if self.vf.jac_p is not None:
            if self.vectorized:
                return np.asarray(self.vf.jac_p(x, p), dtype=float).reshape(*x.shape, -1)[..., k]
            return np.array([np.asarray(self.vf.jac_p(xi, p), dtype=float)[:, k] for xi in x])
        h = _EPS3 * max(1.0, abs(float(p[k])))
        pp, pm = p.copy(), p.copy()
        pp[k] += h
        pm[k] -= h
        return (self.f(x, pp) - self.f(x, pm)) / (2 * h)


_EPS3 = float(np.finfo(float).eps) ** (1 / 3)


# ============================================================================ the discretisation
@dataclass(frozen=True)
class Discretisation:
    """Mesh ``tau`` (N+1,) with ``tau[0] = 0``, ``tau[-1] = 1``, and the degree ``m``."""

    tau: NDArray
    m: int

    @property
    def N(self) -> int:
        return self.tau.size - 1

    @property
    def h(self) -> NDArray:
        return np.diff(self.tau)

    @property
    def n_nodes(self) -> int:
        return self.N * self.m

    @property
    def scale(self) -> float:
        """``s = 1/sqrt(N m)`` of the unknowns ``y = (s U, ...)``."""
        return 1.0 / np.sqrt(self.n_nodes)

    @property
    def node_times(self) -> NDArray:
        """Times of the ``N m`` nodes (the node at τ = 1 is node 0)."""
        frac = np.arange(self.m) / self.m
        return (self.tau[:-1, None] + frac[None, :] * self.h[:, None]).ravel()

    def interval_nodes(self, U: NDArray) -> NDArray:
        """Node values per interval, shape (N, m+1, n) (the end node repeats the next start)."""
        return U[_interval_index(self.N, self.m)]

    def local_coefficients(self, U: NDArray) -> NDArray:
        """Monomial coefficients of the polynomial on each interval in its local time
        ``z = (τ − τ_j)/h_j``: shape (N, m+1, n)."""
        return np.einsum("il,jln->jin", tables(self.m).coef, self.interval_nodes(U))

    def evaluate(self, U: NDArray, t: NDArray, order: int = 0) -> NDArray:
        """``d^order x/dτ^order`` at the times ``t`` (taken modulo 1), shape (len(t), n)."""
        t = np.mod(np.asarray(t, dtype=float), 1.0)
        j = np.clip(np.searchsorted(self.tau, t, side="right") - 1, 0, self.N - 1)
        h = self.h[j]
        z = (t - self.tau[j]) / h
        b = tables(self.m).basis(z, order)  # (K, m+1)
        return np.einsum("kl,kln->kn", b, self.interval_nodes(U)[j]) / h[:, None] ** order


@lru_cache(maxsize=32)
def _interval_index(N: int, m: int) -> NDArray:
    idx = (np.arange(N)[:, None] * m + np.arange(m + 1)[None, :]) % (N * m)
    idx.flags.writeable = False
    return idx


def uniform(N: int, m: int) -> Discretisation:
    return Discretisation(np.linspace(0.0, 1.0, N + 1), m)


# ============================================================================ residual, Jacobian
def collocation_residual(
    d: Discretisation, field: BatchedField, U: NDArray, T: float, p: NDArray
) -> tuple[NDArray, NDArray]:
    """``x'(τ_jk) − T f(x(τ_jk))`` at the Gauss points, shape (N, m, n); and ``f`` there."""
    tb = tables(d.m)
    xb = d.interval_nodes(U)
    xc = np.einsum("kl,jln->jkn", tb.val, xb)
    dx = np.einsum("kl,jln->jkn", tb.der, xb) / d.h[:, None, None]
    fc = field.f(xc.reshape(-1, U.shape[1]), p).reshape(xc.shape)
    return dx - T * fc, fc


def collocation_blocks(
    d: Discretisation,
    field: BatchedField,
    U: NDArray,
    T: float,
    p: NDArray,
    free: int | None,
    border: bool = True,
) -> tuple[NDArray, NDArray]:
    """Jacobian blocks: ``∂R_j/∂(nodes of interval j)`` (N, m n, (m+1) n) and the border
    columns ``∂R/∂T`` (and ``∂R/∂p_free`` if ``free`` is not None), shape (N, m n, 1 or 2);
    without ``border`` the second array has no columns."""
    tb, n, N, m = tables(d.m), U.shape[1], d.N, d.m
    xb = d.interval_nodes(U)
    xc = np.einsum("kl,jln->jkn", tb.val, xb).reshape(-1, n)
    jx = field.jx(xc, p).reshape(N, m, n, n)
    eye = np.eye(n)
    blocks = np.einsum("kl,ic->kilc", tb.der, eye)[None] / d.h[:, None, None, None, None]
    blocks = blocks - T * np.einsum("jkic,kl->jkilc", jx, tb.val)
    blocks = blocks.reshape(N, m * n, (m + 1) * n)
    if not border:
        return blocks, np.zeros((N, m * n, 0))
    cols = [-field.f(xc, p).reshape(N, m * n)]
    if free is not None:
        cols.append(-T * field.jp(xc, p, free).reshape(N, m * n))
    return blocks, np.stack(cols, axis=-1)


def phase_gradient(d: Discretisation, U_ref: NDArray) -> NDArray:
    """``g`` (N m, n) with ``Σ g·U = ∫_0^1 ⟨x(τ), x̂'(τ)⟩ dτ`` (Gauss rule, exact here)."""
    tb, N, m = tables(d.m), d.N, d.m
    xb = d.interval_nodes(U_ref)
    dref = np.einsum("kl,jln->jkn", tb.der, xb) / d.h[:, None, None]
    g = np.einsum("k,kl,jkn->jln", tb.w, tb.val, dref) * d.h[:, None, None]
    out = g[:, :m].copy()
    out[:, 0] += np.roll(g[:, m], 1, axis=0)  # end node of interval j is node 0 of j+1
    return out.reshape(N * m, -1)


# ============================================================================ structured Jacobian
class CollocationJacobian:
    """Jacobian of the collocation system in the unknowns ``y = (s U, borders)``.

    ``blocks`` (N, m n, (m+1) n) and ``border`` (N, m n, nb) are already in ``y`` units (node
    columns divided by ``s``); ``rows`` (r, N m n + nb) are dense extra rows (phase condition,
    pseudo-arclength, ...).  Implements the structured-Jacobian protocol of
    :mod:`._numerics` (``shape``, ``append_row``, ``factorize``).
    """

    def __init__(
        self, blocks: NDArray, border: NDArray, rows: NDArray, condensed: dict | None = None
    ) -> None:
        self.blocks, self.border, self.rows = blocks, border, np.atleast_2d(rows)
        N, mn, w = blocks.shape
        self.N, self.n, self.mn = N, w - mn, mn
        self.nb = border.shape[2]
        self._condensed = {} if condensed is None else condensed  # shared with bordered copies

    def condensed(self) -> tuple[NDArray, NDArray, NDArray]:
        """``(K⁻¹, K⁻¹A, K⁻¹E)`` per interval (K: interior and end columns, A: start columns,
        E: border columns), computed once and shared by :meth:`append_row` copies."""
        c = self._condensed
        if not c:
            kinv = np.linalg.inv(self.blocks[:, :, self.n :])
            c["kinv"] = kinv
            c["sa"] = kinv @ self.blocks[:, :, : self.n]
            c["se"] = kinv @ self.border
        return c["kinv"], c["sa"], c["se"]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.N * self.mn + self.rows.shape[0], self.N * self.mn + self.nb)

    def append_row(self, row: NDArray) -> CollocationJacobian:
        rows = np.vstack([self.rows, row])
        return CollocationJacobian(self.blocks, self.border, rows, self._condensed)

    def toarray(self) -> NDArray:
        """The dense matrix (for tests and debugging)."""
        N, mn, n = self.N, self.mn, self.n
        a = np.zeros(self.shape)
        nodes = N * mn
        idx = _interval_index(N, mn // n)
        for j in range(N):
            cols = (idx[j][:, None] * n + np.arange(n)[None, :]).ravel()
            rows = np.arange(j * mn, (j + 1) * mn)
            np.add.at(a, (rows[:, None], cols[None, :]), self.blocks[j])
            a[j * mn : (j + 1) * mn, nodes:] = self.border[j]
        a[nodes:] = self.rows
        return a

    def transfer_matrices(self) -> NDArray:
        """``M_j`` (N, n, n): ``v(τ_{j+1}) = M_j v(τ_j)`` for the homogeneous linearised
        collocation equations (the discrete variational equation) on each interval."""
        return -self.condensed()[1][:, -self.n :, :]

    def factorize(self) -> Callable[[NDArray], NDArray]:
        """Condensation of parameters (module docstring); returns ``solve(b)``.

        Raises ``numpy.linalg.LinAlgError`` if a block or the reduced system is singular.
        """
        N, mn, n, nb = self.N, self.mn, self.n, self.nb
        r = self.rows.shape[0]
        if r != nb:
            raise np.linalg.LinAlgError(f"not square: {r} extra rows for {nb} border columns")
        m = mn // n
        kinv, sa, se = self.condensed()  # (N, mn, mn), (N, mn, n), (N, mn, nb)
        nin = (m - 1) * n
        rows_nodes = self.rows[:, : N * mn].reshape(r, N, mn)
        ci = rows_nodes[:, :, n:]  # coefficients of the interior nodes, (r, N, nin)
        c0 = rows_nodes[:, :, :n] - np.einsum("rjp,jpn->rjn", ci, sa[:, :nin])
        cb = self.rows[:, N * mn :] - np.einsum("rjp,jpb->rb", ci, se[:, :nin])
        size = N * n + nb
        ri, cj = _reduced_pattern(N, n, nb)
        # block row j: w_{j+1} + SA_end[j] w_j + SE_end[j] b = SR_end[j]; then the extra rows
        eye = np.broadcast_to(np.eye(n), (N, n, n))
        extra = np.concatenate([c0.reshape(r, N * n), cb], axis=1)
        v = np.concatenate([sa[:, -n:].ravel(), eye.ravel(), se[:, -n:].ravel(), extra.ravel()])
        solve_reduced = _reduced_solver(ri, cj, v, size)
        sa_in, se_in = sa[:, :nin], se[:, :nin]

        def solve(b: NDArray) -> NDArray:
            b = np.asarray(b, dtype=float)
            rc = b[: N * mn].reshape(N, mn)
            sr = np.einsum("jab,jb->ja", kinv, rc)
            rhs = np.concatenate(
                [sr[:, -n:].ravel(), b[N * mn :] - np.einsum("rjp,jp->r", ci, sr[:, :nin])]
            )
            u = solve_reduced(rhs)
            w0, bb = u[: N * n].reshape(N, n), u[N * n :]
            inner = sr[:, :nin] - np.einsum("jpn,jn->jp", sa_in, w0) - se_in @ bb
            nodes = np.concatenate([w0[:, None, :], inner.reshape(N, m - 1, n)], axis=1)
            return np.concatenate([nodes.ravel(), bb])

        return solve


@lru_cache(maxsize=32)
def _reduced_pattern(N: int, n: int, nb: int) -> tuple[NDArray, NDArray]:
    """Row and column indices of the reduced system's entries, in the order of the values
    assembled in :meth:`CollocationJacobian.factorize`."""
    blk = np.arange(N)
    rr = (blk[:, None, None] * n + np.arange(n)[None, :, None]).repeat(n, axis=2)
    cc_self = (blk[:, None, None] * n + np.arange(n)[None, None, :]).repeat(n, axis=1)
    cc_next = np.broadcast_to(((blk[:, None, None] + 1) % N) * n + np.arange(n), rr.shape)
    size = N * n + nb
    ri = np.concatenate(
        [
            rr.ravel(),
            rr.ravel(),
            np.repeat(np.arange(N * n), nb),
            np.repeat(N * n + np.arange(nb), size),
        ]
    )
    cj = np.concatenate(
        [
            cc_self.ravel(),
            cc_next.ravel(),
            np.tile(N * n + np.arange(nb), N * n),
            np.tile(np.arange(size), nb),
        ]
    )
    for a in (ri, cj):
        a.flags.writeable = False
    return ri, cj


def _reduced_solver(ri: NDArray, cj: NDArray, v: NDArray, size: int):
    if size <= _SPARSE_ABOVE:
        a = np.zeros((size, size))
        np.add.at(a, (ri, cj), v)
        lu, piv = sla.lu_factor(a, check_finite=False)
        if not np.all(np.isfinite(lu)) or np.min(np.abs(np.diag(lu))) == 0.0:
            raise np.linalg.LinAlgError("singular collocation system")
        return lambda b: sla.lu_solve((lu, piv), b, check_finite=False)
    import scipy.sparse as sp
    import scipy.sparse.linalg as spl

    a = sp.csc_matrix((v, (ri, cj)), shape=(size, size))
    try:
        lu = spl.splu(a)
    except RuntimeError as exc:  # "Factor is exactly singular"
        raise np.linalg.LinAlgError(str(exc)) from exc
    return lu.solve


def monodromy(transfer: NDArray) -> NDArray:
    """``M_{N−1} ⋯ M_1 M_0`` by pairwise products (log2 N batched matmuls)."""
    mats = transfer
    while mats.shape[0] > 1:
        if mats.shape[0] % 2:
            head = mats[1:-1:2] @ mats[:-1:2]
            mats = np.concatenate([head, mats[-1:]])
        else:
            mats = mats[1::2] @ mats[0::2]
    return mats[0]


# ============================================================================ mesh adaptation
def adapted_mesh(d: Discretisation, U: NDArray, N_new: int | None = None) -> Discretisation:
    """A mesh that equidistributes the local error estimate ``h^{m+1} |x^{(m+1)}|``.

    As AUTO: the ``m``-th derivative of the piecewise polynomial is constant on each interval;
    its jumps between neighbours, divided by the mean width, estimate ``|x^{(m+1)}|`` at the
    mesh points; the new mesh puts equal shares of ``∫ |x^{(m+1)}|^{1/(m+1)} dτ`` in every
    interval.  A floor of 2 % of the mean density keeps smooth stretches from being starved.
    """
    N, m = d.N, d.m
    N_new = N if N_new is None else N_new
    h = d.h
    dm = factorial(m) * d.local_coefficients(U)[:, m, :] / h[:, None] ** m  # (N, n)
    jump = np.abs(dm - np.roll(dm, 1, axis=0)) / ((h + np.roll(h, 1)) / 2)[:, None]
    e = np.max(jump, axis=1)  # at mesh point j (between intervals j−1 and j)
    dens = ((e + np.roll(e, -1)) / 2) ** (1.0 / (m + 1))  # on interval j
    dens = dens + 0.02 * max(float(np.mean(dens)), 1e-300)
    cum = np.concatenate([[0.0], np.cumsum(dens * h)])
    target = np.linspace(0.0, cum[-1], N_new + 1)
    tau = np.interp(target, cum, d.tau)
    tau[0], tau[-1] = 0.0, 1.0
    return Discretisation(tau, m)


def interpolate(d_old: Discretisation, U: NDArray, d_new: Discretisation) -> NDArray:
    """Node values on ``d_new`` of the piecewise polynomial ``U`` on ``d_old``."""
    return d_old.evaluate(U, d_new.node_times)
