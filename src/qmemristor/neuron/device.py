"""Paper N, §N1: the device functions F_ij(x), their x-derivatives, conductance G and current I.

The quantum shuttle is a harmonic-oscillator qubit of width ``l`` (lengths in units of the
half-gap L) whose tunnelling to the electrodes is ``sech((ξ + x)/λ)``::

    ψ0(ξ) = exp(−ξ²/(2 l²)) / (π^{1/4} sqrt(l)),     ψ1(ξ) = (sqrt(2) ξ / l) ψ0(ξ)
    F_ij(x) = ∫ ψi(ξ) ψj(ξ) sech((ξ + x)/λ) dξ,          ij ∈ {00, 01, 11}
    x_V = x0 − l sqrt(2) V
    G(V; X, Z) = ½ [(1 + Z) F00(x_V) + 2 X F01(x_V) + (1 − Z) F11(x_V)],     I = G V

Parities: F00 and F11 are even in x, F01 is odd; with ``g = ψ0²`` the three weights are
``g``, ``sqrt(2) s g`` and ``2 s² g`` (``s = ξ/l``), so ``F01 = (l/√2) F00'`` and
``F11 = F00 + (l²/2) F00''`` (tested identities).

How they are computed
---------------------
*Reference values* (:func:`fij_trapezoid`): the trapezoidal rule in ξ with step
``h = min(λ/8, l/2.5)`` on a window around the maximum of the integrand outside which it is below
``e^{−60}`` of its peak.  The integrand is analytic in the strip ``|Im ξ| < πλ/2`` (poles of
sech) and Gaussian in ξ, so the rule converges geometrically: the aliasing error is below
``e^{−50}`` relative to ``∫|integrand|`` (Poisson summation; both regimes λ ≲ l and λ ≳ l
are covered by the choice of h).  Measured against adaptive Gauss–Kronrod quadrature: 1e-15
relative, also deep in the tails.  Derivatives use ``F^{(m)}(x) = (−1)^m ∫ w^{(m)}(ξ) sech(...)``
(derivatives of the Gaussian-polynomial weights) when ``λ ≤ l`` and
``F^{(m)}(x) = ∫ w(ξ) ∂^m_x sech((ξ + x)/λ) dξ`` otherwise — whichever has less cancellation.

*Fast values* (:func:`evaluate`, :func:`fij_point`): tables built once per (l, λ) and cached
(:func:`device_tables`).

- ``0 ≤ |x| ≤ x_tail``: piecewise Chebyshev interpolants (degree 12, first-kind nodes) of
  F_ij, F_ij' and F_ij'' on panels chosen by adaptive bisection until the last three Chebyshev
  coefficients are below ``1e-14 × max|f|`` on the panel (or the round-off floor of the
  quadrature), and the positive functions vary by at most a factor 100 across a panel — so the
  interpolants are *relatively* accurate, also where F is tiny.
- ``|x| > x_tail``: the closed-form tail.  For x > 0, ``sech u = 2 Σ_k (−1)^k e^{−(2k+1)u}`` and
  the Gaussian moment-generating integrals give::

      F_ij^{(m)}(x) ≈ Σ_{k=0}^{K} 2 (−1)^k (−a_k)^m P_ij(a_k) exp(a_k² l²/4 − a_k x),
      a_k = (2k+1)/λ,   P00 = 1,   P01 = −a l/√2,   P11 = 1 + a² l²/2

  (x < 0 by parity).  Its error is below ``2|term_{K+1}| + O(poly · e^{−x²/l²})``; ``x_tail``
  and K are the smallest for which this bound is below 1e-16 of the leading term.

Both pieces are pure functions of the table arrays: ``FijTables.kernel_args`` hands them to
:func:`fij_point`, a scalar kernel written in plain loops that compiles unchanged under
``numba.njit`` for compiled loops (sweeps).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._jit import jitable
from ..errors import check_finite, check_positive

__all__ = [
    "FUNCTIONS",
    "PARITY",
    "FijTables",
    "build_tables",
    "conductance",
    "conductance_terms",
    "current",
    "device_tables",
    "evaluate",
    "evaluate_orders",
    "fij",
    "fij_point",
    "fij_tail",
    "fij_trapezoid",
    "x_of_v",
]

#: Order of the last axis of every F array: F00, F01, F11.
FUNCTIONS = ("F00", "F01", "F11")
#: Parity exponent p of each function: F_ij(−x) = (−1)^p F_ij(x); the m-th derivative has p + m.
PARITY = np.array([0, 1, 0])

_SQRT2 = math.sqrt(2.0)
_EPS = float(np.finfo(float).eps)
#: Window of the trapezoidal rule: the integrand is below e^{−60} of its peak outside it.
_WINDOW_LOG = 60.0
#: Chebyshev degree of each panel.  Measured: degree 16 evaluates ~1.8× slower (cost ∝ degree,
#: a gather per coefficient); degree 10 needs ~4× more panels (and quadrature) to build.
_DEGREE = 12
_RTOL = 1e-14
_MAX_RATIO = 100.0
#: Relative accuracy is required only down to this fraction of max|f| (absolute below it).
_ATOL_REL = 1e-30
_TAIL_TOL = 1e-16
_MAX_TAIL_TERMS = 12
_CHUNK = 2_000_000  # integrand points evaluated at once by fij_trapezoid (memory bound)


# --------------------------------------------------------------------------------------------
# reference quadrature
# --------------------------------------------------------------------------------------------
def _weights(s: NDArray, l: float, order: int) -> NDArray:
    """``w_ij^{(order)}(ξ)`` for ij = 00, 01, 11 at ``s = ξ/l``, shape ``(3,) + s.shape``.

    ``w00 = g, w01 = √2 s g, w11 = 2 s² g`` with ``g = exp(−s²)/(√π l)`` = ψ0².
    """
    g = np.exp(-s * s) / (math.sqrt(math.pi) * l)
    if order == 0:
        return np.stack([g, _SQRT2 * s * g, 2.0 * s * s * g])
    if order == 1:
        return np.stack(
            [-(2.0 / l) * s * g, (_SQRT2 / l) * (1 - 2 * s * s) * g, (4.0 / l) * (s - s**3) * g]
        )
    s2 = s * s
    return np.stack(
        [
            (4 * s2 - 2) / l**2 * g,
            _SQRT2 / l**2 * (4 * s2 * s - 6 * s) * g,
            4.0 / l**2 * (1 - 5 * s2 + 2 * s2 * s2) * g,
        ]
    )


def _sech_derivative(u: NDArray, lam: float, order: int) -> NDArray:
    """``∂^order_x sech((ξ + x)/λ)`` at ``u = (ξ + x)/λ`` (overflow-free)."""
    e = np.exp(-np.abs(u))
    s = 2.0 * e / (1.0 + e * e)
    if order == 0:
        return s
    t = np.tanh(u)
    if order == 1:
        return -s * t / lam
    return s * (t * t - s * s) / lam**2


def _log_integrand(xi: NDArray, x: NDArray, l: float, lam: float) -> NDArray:
    """``−ξ²/l² − log cosh((ξ + x)/λ)``: the log of the F00 integrand up to a constant."""
    u = np.abs((xi + x) / lam)
    return -((xi / l) ** 2) - (u + np.log1p(np.exp(-2.0 * u)) - math.log(2.0))


def _window(x: NDArray, l: float, lam: float) -> tuple[NDArray, NDArray]:
    """Left end and length of the window of the trapezoidal rule for each x.

    The log-integrand is strongly concave (curvature ≤ −2/l²), so it has one maximum ξ*, found
    by bisection on its derivative, and falls by ≥ d²/l² at distance d: the window ends where it
    has fallen by ``_WINDOW_LOG`` (found by bisection in [0, l·sqrt(_WINDOW_LOG)]).
    """
    half = l * l / (2.0 * lam)
    lo = np.full_like(x, -half)
    hi = np.full_like(x, half)
    for _ in range(64):  # derivative −2ξ/l² − tanh((ξ+x)/λ)/λ decreases; its root lies in ±half
        mid = 0.5 * (lo + hi)
        up = -2.0 * mid / (l * l) - np.tanh((mid + x) / lam) / lam > 0
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    peak = 0.5 * (lo + hi)
    target = _log_integrand(peak, x, l, lam) - _WINDOW_LOG
    ends = []
    for sign in (-1.0, 1.0):
        a = np.zeros_like(x)
        b = np.full_like(x, l * math.sqrt(_WINDOW_LOG))
        for _ in range(48):
            mid = 0.5 * (a + b)
            above = _log_integrand(peak + sign * mid, x, l, lam) > target
            a = np.where(above, mid, a)
            b = np.where(above, b, mid)
        ends.append(b)
    return peak - ends[0], ends[0] + ends[1]


def _step(l: float, lam: float) -> float:
    return min(lam / 8.0, l / 2.5)


def fij_trapezoid(
    x: ArrayLike, l: float = 0.5, lam: float = 0.13, *, with_abs: bool = False
) -> NDArray[np.float64] | tuple[NDArray[np.float64], NDArray[np.float64]]:
    """F_ij and their first two x-derivatives by the (geometrically convergent) trapezoidal rule.

    The slow reference behind the tables (see the module docstring for the error analysis).

    Parameters
    ----------
    x : array_like
        Positions (units of the half-gap L), any shape.
    l, lam : float
        Oscillator width l > 0 and tunnelling length λ > 0.
    with_abs : bool
        Also return ``h Σ |integrand|``, the scale of the round-off error of each value.

    Returns
    -------
    ndarray, shape (3,) + x.shape + (3,)
        ``out[m, ..., f]`` = m-th derivative of F00, F01, F11 (f = 0, 1, 2).
    """
    l = check_positive("l", l)
    lam = check_positive("lam", lam)
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1)
    if not np.all(np.isfinite(flat)):
        raise ValueError("fij_trapezoid needs finite x")
    form = "weights" if lam <= l else "sech"
    h = _step(l, lam)
    vals = np.empty((3, flat.size, 3))
    sums = np.empty_like(vals)
    start, length = _window(flat, l, lam) if flat.size else (flat, flat)
    npts = np.ceil(length / h).astype(np.int64) + 1 if flat.size else flat.astype(np.int64)
    i = 0
    while i < flat.size:
        # a chunk of nodes sharing one grid length ≤ _CHUNK points in all
        j = i + 1
        m_max = int(npts[i])
        while j < flat.size and max(m_max, int(npts[j])) * (j + 1 - i) <= _CHUNK:
            m_max = max(m_max, int(npts[j]))
            j += 1
        xs = flat[i:j, None]
        xi = start[i:j, None] + h * np.arange(m_max)[None, :]
        s = xi / l
        u = (xi + xs) / lam
        for m in range(3):
            if form == "weights":
                w = _weights(s, l, m) * (-1.0) ** m
                sech = _sech_derivative(u, lam, 0)
            else:
                w = _weights(s, l, 0)
                sech = _sech_derivative(u, lam, m)
            prod = w * sech[None]
            vals[m, i:j] = h * prod.sum(-1).T
            sums[m, i:j] = h * np.abs(prod).sum(-1).T
        i = j
    shape = (3, *x.shape, 3)
    if with_abs:
        return vals.reshape(shape), sums.reshape(shape)
    return vals.reshape(shape)


# --------------------------------------------------------------------------------------------
# closed-form tail
# --------------------------------------------------------------------------------------------
def _tail_poly(a: NDArray, l: float) -> NDArray:
    """``P_ij(a)`` for x > 0: shape (3,) + a.shape."""
    return np.stack([np.ones_like(a), -a * l / _SQRT2, 1.0 + 0.5 * (a * l) ** 2])


def _tail_log_error(x: NDArray, n_terms: int, l: float, lam: float) -> NDArray:
    """log of (bound on the tail formula's error with ``n_terms`` terms) / |leading term|.

    Maximum over the 9 functions (3 F_ij × derivative orders 0–2).  Error sources: the first
    omitted term of the alternating series (×2), and the Gaussian pieces from ξ < −x (each
    ≤ ½ e^{−x²/l²} times a generous polynomial factor Q), valid once x ≥ a_K l²/2.
    """
    a = (2.0 * np.arange(n_terms + 1) + 1.0) / lam
    poly = np.abs(_tail_poly(a, l))  # (3, K+2)
    x = np.asarray(x, dtype=float)[..., None]
    expo = a * a * l * l / 4.0 - a * x  # (..., K+2)
    worst = np.full(x.shape[:-1], -np.inf)
    ak = a[n_terms - 1]
    q = (
        10.0
        * (1 + (x[..., 0] / l) ** 2 + (ak * l) ** 2) ** 2
        * (1 + ak + 1 / l) ** 4
        * (2 * n_terms + 4)
        / (math.sqrt(math.pi) * l)
    )
    gauss = np.log(q) - (x[..., 0] / l) ** 2
    for m in range(3):
        for f in range(3):
            lead = math.log(2.0 * a[0] ** m * poly[f, 0]) + expo[..., 0]
            nxt = math.log(4.0 * a[-1] ** m * poly[f, -1]) + expo[..., -1]
            worst = np.maximum(worst, np.logaddexp(nxt, gauss) - lead)
    worst = np.where(x[..., 0] >= ak * l * l / 2.0, worst, np.inf)
    return worst


def _tail_cutoff(l: float, lam: float) -> tuple[float, int]:
    """Smallest ``x_tail`` (and its number of terms) where the tail formula is exact to 1e-16."""
    scale = max(l, lam, l * l / (2.0 * lam))
    xs = np.geomspace(1e-3 * scale, 1e3 * scale, 6001)
    best = (math.inf, 1)
    for n in range(1, _MAX_TAIL_TERMS + 1):
        ok = np.nonzero(_tail_log_error(xs, n, l, lam) <= math.log(_TAIL_TOL))[0]
        if ok.size and xs[ok[0]] < best[0]:
            best = (float(xs[ok[0]]), n)
    if not math.isfinite(best[0]):  # pragma: no cover - the bound always holds far enough out
        raise RuntimeError(f"no tail cut-off found for l={l}, lam={lam}")
    return best


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class FijTables:
    """Everything needed to evaluate F_ij and their first two derivatives for one (l, λ).

    Attributes
    ----------
    l, lam : float
        Device parameters the tables were built for.
    degree : int
        Chebyshev degree n of every panel.
    breaks : ndarray, shape (P + 1,)
        Panel edges on [0, x_tail] (increasing; tables hold x ≥ 0, negative x by parity).
    coefs : ndarray, shape (3, n + 1, P, 3)
        ``coefs[m, k, p, f]``: coefficient of T_k(t) of the m-th derivative of function f on
        panel p, with ``t = (2x − breaks[p] − breaks[p+1]) / (breaks[p+1] − breaks[p])``.
    x_tail : float
        Beyond ``|x| > x_tail`` the closed-form tail is used.
    tail_a, tail_b : ndarray, shape (K,)
        ``a_k = (2k+1)/λ`` and ``b_k = a_k² l²/4``.
    tail_c : ndarray, shape (3, K)
        ``2 (−1)^k P_f(a_k)``: for x > x_tail,
        ``F_f^{(m)}(x) = Σ_k tail_c[f, k] (−a_k)^m exp(b_k − a_k x)``.
    form : str
        Which exact form gave the derivative values ("weights" or "sech").
    """

    l: float
    lam: float
    degree: int
    breaks: NDArray[np.float64]
    coefs: NDArray[np.float64]
    x_tail: float
    tail_a: NDArray[np.float64]
    tail_b: NDArray[np.float64]
    tail_c: NDArray[np.float64]
    form: str

    @property
    def n_panels(self) -> int:
        return int(self.breaks.size - 1)

    @cached_property
    def flat(self) -> NDArray[np.float64]:
        """All tables in one float array (not to be modified): the ``tab`` of :func:`fij_point`."""
        return _flatten(self)


def _cheb_nodes(n: int) -> tuple[NDArray, NDArray]:
    """First-kind Chebyshev points on [−1, 1] and the values → coefficients matrix."""
    theta = np.pi * (np.arange(n + 1) + 0.5) / (n + 1)
    mat = np.cos(np.outer(np.arange(n + 1), theta)) * (2.0 / (n + 1))
    mat[0] *= 0.5
    return np.cos(theta), mat


def build_tables(l: float = 0.5, lam: float = 0.13, *, degree: int = _DEGREE) -> FijTables:
    """Build the interpolation tables for (l, λ) (uncached; use :func:`device_tables`).

    Panels on [0, x_tail] are bisected until every one of the 9 functions passes the
    acceptance test described in the module docstring.  Takes ~0.4 s for the defaults
    (80 panels); 1–3 s when l/λ ≳ 20 (long Gaussian tails up to x_tail ≈ l²/(2λ)).
    """
    l = check_positive("l", l)
    lam = check_positive("lam", lam)
    x_tail, n_terms = _tail_cutoff(l, lam)
    tnodes, to_coef = _cheb_nodes(degree)
    scale = max(l, lam)
    first = min(x_tail, 40.0 * scale)
    # the largest |value| of each of the 9 functions: relative accuracy is required down to
    # _ATOL_REL of it (deeper values are held to that absolute level)
    probe = fij_trapezoid(np.linspace(0.0, first, 257), l, lam)
    atol = _ATOL_REL * np.abs(probe).max(axis=1)  # (3 orders, 3 functions)
    n0 = max(1, math.ceil(first / scale))
    edges = np.linspace(0.0, first, n0 + 1)
    todo = list(itertools.pairwise(edges))
    if x_tail > first:
        todo.append((first, x_tail))
    done: list[tuple[float, float, NDArray]] = []
    min_width = 1e-10 * scale
    while todo:  # one bisection level at a time, all its panels in one quadrature call
        ab = np.array(todo)
        xs = 0.5 * (ab[:, :1] + ab[:, 1:]) + 0.5 * (ab[:, 1:] - ab[:, :1]) * tnodes
        vals, sums = fij_trapezoid(xs, l, lam, with_abs=True)  # (3, panels, n+1, 3)
        coefs = np.einsum("kj,mpjf->mpkf", to_coef, vals)
        vmax = np.abs(vals).max(axis=2)  # (3, panels, 3)
        floor = np.maximum(_RTOL * vmax, 64.0 * _EPS * sums.max(axis=2))
        floor = np.maximum(floor, atol[:, None, :])
        ok = np.all(np.abs(coefs[:, :, -3:, :]).max(axis=2) <= floor, axis=(0, 2))
        pos = vals[0][..., [0, 2]]  # (panels, n+1, 2): the positive functions F00, F11
        big = pos.max(axis=1)
        ratio = big / np.maximum(pos.min(axis=1), 1e-300)
        ok &= np.all((ratio <= _MAX_RATIO) | (big < atol[0, [0, 2]]), axis=1)
        ok |= (ab[:, 1] - ab[:, 0]) < min_width
        todo = []
        for i, (a, b) in enumerate(ab):
            if ok[i]:
                done.append((float(a), float(b), coefs[:, i]))
            else:
                mid = 0.5 * (a + b)
                todo += [(a, mid), (mid, b)]
    done.sort(key=lambda d: d[0])
    breaks = np.array([d[0] for d in done] + [done[-1][1]])
    coefs = np.ascontiguousarray(np.stack([d[2] for d in done], axis=2))  # (3, n+1, P, 3)
    tail_a: NDArray[np.float64] = (2.0 * np.arange(n_terms, dtype=np.float64) + 1.0) / lam
    tail_b: NDArray[np.float64] = tail_a**2 * l * l / 4.0
    tail_c = 2.0 * (-1.0) ** np.arange(n_terms) * _tail_poly(tail_a, l)
    arrays = (breaks, coefs, tail_a, tail_b, tail_c)
    for arr in arrays:
        arr.setflags(write=False)
    return FijTables(
        l=l,
        lam=lam,
        degree=degree,
        breaks=breaks,
        coefs=coefs,
        x_tail=float(x_tail),
        tail_a=tail_a,
        tail_b=tail_b,
        tail_c=tail_c,
        form="weights" if lam <= l else "sech",
    )


@lru_cache(maxsize=32)
def _cached_tables(l: float, lam: float) -> FijTables:
    return build_tables(l, lam)


def device_tables(l: float = 0.5, lam: float = 0.13) -> FijTables:
    """The tables for (l, λ), built on first use and cached (32 most recent pairs)."""
    return _cached_tables(check_positive("l", l), check_positive("lam", lam))


# --------------------------------------------------------------------------------------------
# evaluation: one scalar definition (fij_point) on the flat tables, compiled loops over it
# --------------------------------------------------------------------------------------------
#: Layout of :attr:`FijTables.flat`: a header of ``_HEADER`` floats
#: ``(P, n + 1, K, B, x_tail, 1/w, 0, 0)`` — panels, coefficients per panel, tail terms, buckets
#: of the panel look-up, the tail cut-off, the inverse bucket width — then ``breaks`` (P + 1),
#: the bucket table ``lut`` (B, panel indices as floats), the Chebyshev coefficients
#: ``cf[m, panel, f, k]`` (3·P·3·(n + 1), panel-major: the three functions of one panel are
#: adjacent, so the Clenshaw recurrences run interleaved), ``tail_a``, ``tail_b`` (K each) and
#: ``tail_c[f, k]`` (3·K).
_HEADER = 8
#: Buckets of the panel look-up: ``lut[b]`` = panel of ``b·w``; the kernel walks from that guess
#: to the right panel, so the result does not depend on the count, only the speed does
#: (measured: 77 ns per order-0 call instead of 160 ns with a binary search when x jumps).
_BUCKETS = 1024


def _flatten(tables: FijTables) -> NDArray[np.float64]:
    breaks = np.asarray(tables.breaks, dtype=float)
    n_p, n_k, n_t = breaks.size - 1, tables.coefs.shape[1], tables.tail_a.size
    width = (breaks[-1] - breaks[0]) / _BUCKETS
    edges = breaks[0] + width * np.arange(_BUCKETS + 1)
    lut = np.clip(np.searchsorted(breaks, edges, side="right") - 1, 0, n_p - 1)
    head = [n_p, n_k, n_t, lut.size, tables.x_tail, 1.0 / width, 0.0, 0.0]
    cf = np.transpose(tables.coefs, (0, 2, 3, 1))  # (m, k, p, f) -> (m, p, f, k)
    parts = [head, breaks, lut, cf.reshape(-1), tables.tail_a, tables.tail_b, tables.tail_c]
    # writable: numba compiles read-only arrays as another type (do not modify it)
    return np.concatenate([np.asarray(a, dtype=float).reshape(-1) for a in parts])


@jitable
def fij_point(tab, base, x, order):  # pragma: no cover - also runs compiled
    """The order-th x-derivative of (F00, F01, F11) at one ``x``, as a tuple of floats.

    The one evaluator of the tables: ``tab[base:]`` is :attr:`FijTables.flat`; ``order`` is 0,
    1 or 2.  Inside ``|x| ≤ x_tail``: the panel ``searchsorted(breaks, |x|, "right") − 1``
    (clipped; found from the bucket table), then the three Clenshaw recurrences interleaved.
    Beyond: the closed-form tail ``Σ_k tail_c[f, k] (−a_k)^m exp(b_k − a_k |x|)``.  Parity:
    F01 is odd, F00 and F11 even; each derivative flips it.  NaN in gives NaN out, ±inf gives
    0.  Plain Python on floats (slow; for tests) and compiled by numba inside every kernel
    (:func:`evaluate_orders`, the neuron's vector field).
    """
    n_p = int(tab[base])
    n_k = int(tab[base + 1])
    n_t = int(tab[base + 2])
    n_b = int(tab[base + 3])
    x_tail = tab[base + 4]
    o_br = base + 8
    o_lut = o_br + n_p + 1
    o_cf = o_lut + n_b
    o_ta = o_cf + 9 * n_p * n_k
    o_tb = o_ta + n_t
    o_tc = o_tb + n_t
    ax = abs(x)
    if ax <= x_tail:
        j = int(tab[o_lut + min(int(ax * tab[base + 5]), n_b - 1)])
        while j < n_p - 1 and tab[o_br + j + 1] <= ax:
            j += 1
        while j > 0 and tab[o_br + j] > ax:
            j -= 1
        left = tab[o_br + j]
        right = tab[o_br + j + 1]
        t = (2.0 * ax - left - right) / (right - left)
        t2 = 2.0 * t
        o = o_cf + ((order * n_p + j) * 3) * n_k
        a1 = a2 = b1 = b2 = c1 = c2 = 0.0
        for k in range(n_k - 1, 0, -1):
            a1, a2 = tab[o + k] + t2 * a1 - a2, a1
            b1, b2 = tab[o + n_k + k] + t2 * b1 - b2, b1
            c1, c2 = tab[o + 2 * n_k + k] + t2 * c1 - c2, c1
        r0 = tab[o] + t * a1 - a2
        r1 = tab[o + n_k] + t * b1 - b2
        r2 = tab[o + 2 * n_k] + t * c1 - c2
    else:
        r0 = r1 = r2 = 0.0
        for k in range(n_t):
            a = tab[o_ta + k]
            e = math.exp(tab[o_tb + k] - a * ax)
            for _ in range(order):
                e *= -a
            r0 += tab[o_tc + k] * e
            r1 += tab[o_tc + n_t + k] * e
            r2 += tab[o_tc + 2 * n_t + k] * e
    if x < 0:
        if order % 2 == 1:
            r0 = -r0
            r2 = -r2
        else:
            r1 = -r1
    return r0, r1, r2


def evaluate_orders(
    tables: FijTables, x: ArrayLike, orders: tuple[int, ...] = (0, 1)
) -> NDArray[np.float64]:
    """F_ij derivatives of several orders at once.

    The compiled loop of :func:`fij_point` over the points (one code path for every caller:
    the vector field's kernels call the same function).

    Returns
    -------
    ndarray, shape (len(orders),) + x.shape + (3,)
        ``out[i, ..., f]`` = ``orders[i]``-th x-derivative of F00, F01, F11 (f = 0, 1, 2).
    """
    x = np.asarray(x, dtype=float)
    for m in orders:
        if m not in (0, 1, 2):
            raise ValueError(f"order must be 0, 1 or 2 (got {m})")
    from ._kernels import fij_many

    flat = np.array(x, dtype=float, order="C").reshape(-1)  # writable: one compiled type
    out = np.empty((len(orders), flat.size, 3))
    fij_many(tables.flat, flat, np.array(orders, dtype=np.int64), out)
    return out.reshape((len(orders), *x.shape, 3))


def fij_tail(tables: FijTables, x: ArrayLike, order: int = 0) -> NDArray[np.float64]:
    """The closed-form tail (valid for |x| ≥ ``tables.x_tail``), shape ``x.shape + (3,)``.

    Vectorised NumPy (a check on the tables: tests compare both sides of the cut-off).
    """
    x = np.asarray(x, dtype=float)
    ax = np.abs(x)[..., None]
    terms = np.exp(tables.tail_b - tables.tail_a * ax) * (-tables.tail_a) ** order  # (..., K)
    out = terms @ tables.tail_c.T
    neg = x < 0
    if np.any(neg):
        out[neg] *= (-1.0) ** (PARITY + order)
    return out


def evaluate(tables: FijTables, x: ArrayLike, order: int = 0) -> NDArray[np.float64]:
    """F00, F01, F11 (or their ``order``-th x-derivative, order ≤ 2) at ``x``: shape x.shape+(3,).

    NaN in gives NaN out, ±inf gives 0.
    """
    if order not in (0, 1, 2):
        raise ValueError(f"order must be 0, 1 or 2 (got {order})")
    return evaluate_orders(tables, x, (order,))[0]


def fij(x: ArrayLike, l: float = 0.5, lam: float = 0.13, order: int = 0) -> NDArray[np.float64]:
    """F00, F01, F11 (or a derivative) at ``x`` for (l, λ), with cached tables."""
    return evaluate(device_tables(l, lam), x, order)


# --------------------------------------------------------------------------------------------
# conductance and current
# --------------------------------------------------------------------------------------------
def x_of_v(v: ArrayLike, x0: float = 0.8, l: float = 0.5) -> NDArray[np.float64]:
    """Shuttle offset ``x_V = x0 − l √2 V`` (units of the half-gap; V dimensionless)."""
    return x0 - l * _SQRT2 * np.asarray(v, dtype=float)


@jitable
def conductance_terms(bx, bz, f00, f01, f11):
    """G = ½ [(1 + Z) F00 + 2 X F01 + (1 − Z) F11] from the F_ij values at x_V.

    Linear in F: the same expression with the derivatives F_ij^{(m)} gives ∂^m G/∂x_V^m.
    """
    return 0.5 * ((1.0 + bz) * f00 + 2.0 * bx * f01 + (1.0 - bz) * f11)


def conductance(
    v: ArrayLike,
    bloch_x: ArrayLike = 0.0,
    bloch_z: ArrayLike = 1.0,
    *,
    x0: float = 0.8,
    l: float = 0.5,
    lam: float = 0.13,
) -> NDArray[np.float64]:
    """``G(V; X, Z) = ½[(1 + Z) F00(x_V) + 2 X F01(x_V) + (1 − Z) F11(x_V)]`` (broadcasting).

    ``X``, ``Z`` are the Bloch components of the device qubit (Z = +1: ground state ψ0 of
    the shuttle, so G = F00).  G is in units of 1/R_ext.
    """
    x0 = check_finite("x0", x0)
    F = fij(x_of_v(v, x0, l), l, lam)
    bx = np.asarray(bloch_x, dtype=float)
    bz = np.asarray(bloch_z, dtype=float)
    return conductance_terms(bx, bz, F[..., 0], F[..., 1], F[..., 2])


def current(
    v: ArrayLike,
    bloch_x: ArrayLike = 0.0,
    bloch_z: ArrayLike = 1.0,
    *,
    x0: float = 0.8,
    l: float = 0.5,
    lam: float = 0.13,
) -> NDArray[np.float64]:
    """``I = G(V; X, Z) V`` through the device (units of V/R_ext)."""
    return conductance(v, bloch_x, bloch_z, x0=x0, l=l, lam=lam) * np.asarray(v, dtype=float)
