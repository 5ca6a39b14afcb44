"""A smooth vector field ``dx/dt = f(x, p)`` with its derivatives, analytic or finite-difference.

The contract every continuation / bifurcation routine in :mod:`qmemristor.analysis` relies on:

* ``f(x, p) -> dx/dt``: ``x`` a float array of shape ``(n,)`` (the state), ``p`` a 1-D float
  array of shape ``(m,)`` (all parameters; a continuation parameter is an *index* into ``p``).
  Returns shape ``(n,)``.  ``f`` must be smooth (C³ near the points analysed), must not modify
  its arguments, and may raise ``ValueError`` / ``ArithmeticError`` outside its domain (a
  continuation then stops with a reason instead of crashing).
* ``jac_x(x, p) -> (n, n)``, optional: ``∂f_i/∂x_j``.  Strongly recommended: with it the
  multilinear forms are first/second differences of an exact Jacobian (≈1e-13 / 1e-11
  relative) instead of second/third differences of ``f`` (≈1e-10 / 1e-9).
* ``jac_p(x, p) -> (n, m)``, optional: ``∂f_i/∂p_k``.
* ``bilinear(x, p, u, v) -> B(u, v)``, optional: ``B_i(u, v) = Σ_jk ∂²f_i/∂x_j∂x_k u_j v_k``.
* ``trilinear(x, p, u, v, w) -> C(u, v, w)``, optional: the third derivatives contracted likewise.

  ``bilinear`` and ``trilinear`` are called with **real** vectors only; complex arguments are
  split into real and imaginary parts here (the forms are multilinear).

Missing derivatives come from fourth-order central finite differences with the steps of
:mod:`._numerics` (``h = ε^{1/(4+k)} · fd_scale · max(1, ‖x‖∞)`` for a ``k``-th derivative), where
``fd_scale`` is the length over which ``f`` changes appreciably (default 1; set it smaller for a
field with sharp features, e.g. the width of a ``sech`` barrier).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_positive
from ._numerics import BASE_STEP, stencil_derivative

__all__ = ["VectorField", "as_vector_field"]

Field = Callable[[NDArray, NDArray], ArrayLike]


@dataclass(frozen=True)
class VectorField:
    """``dx/dt = f(x, p)`` plus optional analytic derivatives (see the module docstring).

    Parameters
    ----------
    f : callable ``(x, p) -> (n,)``
    jac_x : callable ``(x, p) -> (n, n)``, optional
    jac_p : callable ``(x, p) -> (n, m)``, optional
    bilinear : callable ``(x, p, u, v) -> (n,)``, optional (real ``u``, ``v``)
    trilinear : callable ``(x, p, u, v, w) -> (n,)``, optional (real ``u``, ``v``, ``w``)
    fd_scale : float
        Characteristic length of ``x`` for finite-difference steps (> 0, default 1).
    """

    f: Field
    jac_x: Callable[[NDArray, NDArray], ArrayLike] | None = None
    jac_p: Callable[[NDArray, NDArray], ArrayLike] | None = None
    bilinear: Callable[..., ArrayLike] | None = None
    trilinear: Callable[..., ArrayLike] | None = None
    fd_scale: float = 1.0

    def __post_init__(self) -> None:
        if not callable(self.f):
            raise ParameterError("f must be callable as f(x, p)")
        for name in ("jac_x", "jac_p", "bilinear", "trilinear"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise ParameterError(f"{name} must be callable or None")
        check_positive("fd_scale", self.fd_scale)

    # ------------------------------------------------------------------ values and Jacobians
    def rhs(self, x: NDArray, p: NDArray) -> NDArray:
        """``f(x, p)`` as a float array of the shape of ``x``."""
        out = np.asarray(self.f(x, p), dtype=float)
        if out.shape != np.shape(x):
            raise ParameterError(f"f(x, p) has shape {out.shape}, expected {np.shape(x)}")
        return out

    def jacobian(self, x: NDArray, p: NDArray) -> NDArray:
        """``∂f/∂x``, shape (n, n): analytic if given, else fourth-order central differences."""
        if self.jac_x is not None:
            return np.asarray(self.jac_x(x, p), dtype=float).reshape(x.size, x.size)
        h = self._step(x, 1)

        def column(j: int) -> NDArray:
            return stencil_derivative(lambda s: self.rhs(_shift(x, j, s), p), 1, h)

        return np.column_stack([column(j) for j in range(x.size)])

    def jacobian_p(self, x: NDArray, p: NDArray, k: int) -> NDArray:
        """``∂f/∂p_k``, shape (n,)."""
        if self.jac_p is not None:
            return np.asarray(self.jac_p(x, p), dtype=float).reshape(x.size, p.size)[:, k]
        h = BASE_STEP[1] * max(1.0, abs(float(p[k])))
        return stencil_derivative(lambda s: self.rhs(x, _shift(p, k, s)), 1, h)

    # ------------------------------------------------------------------ multilinear forms
    def B(self, x: NDArray, p: NDArray, u: ArrayLike, v: ArrayLike) -> NDArray:
        """Bilinear form ``B(u, v) = D²f(x)[u, v]`` for real or complex ``u``, ``v``, shape (n,)."""
        return _complexify(self._b_real, (u, v))(x, p)

    def C(self, x: NDArray, p: NDArray, u: ArrayLike, v: ArrayLike, w: ArrayLike) -> NDArray:
        """Trilinear form ``C(u, v, w) = D³f(x)[u, v, w]`` (real or complex arguments), (n,)."""
        return _complexify(self._c_real, (u, v, w))(x, p)

    def _b_real(self, x: NDArray, p: NDArray, u: NDArray, v: NDArray) -> NDArray:
        if self.bilinear is not None:
            return np.asarray(self.bilinear(x, p, u, v), dtype=float)
        if self.jac_x is not None:  # B(u, v) = (d/ds J(x + s u)) v
            return self._dj(x, p, u, 1) @ v
        if np.array_equal(u, v):
            return self._df(x, p, u, 2)
        return (self._df(x, p, u + v, 2) - self._df(x, p, u - v, 2)) / 4

    def _c_real(self, x: NDArray, p: NDArray, u: NDArray, v: NDArray, w: NDArray) -> NDArray:
        if self.trilinear is not None:
            return np.asarray(self.trilinear(x, p, u, v, w), dtype=float)
        if self.jac_x is not None:  # C(u, v, w) = (d²/ds² J along u, v polarised) w
            if np.array_equal(u, v):
                return self._dj(x, p, u, 2) @ w
            return (self._dj(x, p, u + v, 2) - self._dj(x, p, u - v, 2)) @ w / 4

        # Polarisation of the cubic c(z) = C(z, z, z) = d³/ds³ f(x + s z):
        # C(u, v, w) = [c(u+v+w) − c(u+v−w) − c(u−v+w) + c(u−v−w)] / 24,
        # C(u, u, w) = [c(u+w) − c(u−w) − 2 c(w)] / 6.
        def cube(z: NDArray) -> NDArray:
            return self._df(x, p, z, 3)

        if np.array_equal(u, v):
            if np.array_equal(u, w):
                return cube(u)
            return (cube(u + w) - cube(u - w) - 2 * cube(w)) / 6
        return (cube(u + v + w) - cube(u + v - w) - cube(u - v + w) + cube(u - v - w)) / 24

    def _step(self, x: NDArray, order: int) -> float:
        return BASE_STEP[order] * self.fd_scale * max(1.0, float(np.max(np.abs(x))))

    def _df(self, x: NDArray, p: NDArray, z: NDArray, order: int) -> NDArray:
        """``d^order/ds^order f(x + s z)`` at 0 (``z`` real, rescaled to unit length inside)."""
        nz = float(np.linalg.norm(z))
        if nz == 0.0:
            return np.zeros(x.size)
        e = z / nz
        return nz**order * stencil_derivative(
            lambda s: self.rhs(x + s * e, p), order, self._step(x, order)
        )

    def _dj(self, x: NDArray, p: NDArray, z: NDArray, order: int) -> NDArray:
        """``d^order/ds^order J(x + s z)`` at 0, shape (n, n)."""
        nz = float(np.linalg.norm(z))
        if nz == 0.0:
            return np.zeros((x.size, x.size))
        e = z / nz
        return nz**order * stencil_derivative(
            lambda s: self.jacobian(x + s * e, p), order, self._step(x, order)
        )


def _shift(a: NDArray, j: int, s: float) -> NDArray:
    out = np.array(a, dtype=float)
    out[j] += s
    return out


def _complexify(real_form: Callable[..., NDArray], args: tuple[ArrayLike, ...]):
    """Extend a real symmetric multilinear form to complex arguments by multilinearity.

    Each argument ``a = a_r + i a_i`` contributes its real and imaginary parts; a product term
    with ``k`` imaginary parts carries the factor ``i^k``.  Zero parts are skipped.
    """
    parts = []
    for a in args:
        a = np.asarray(a)
        re = np.real(a).astype(float)
        im = np.imag(a).astype(float) if np.iscomplexobj(a) else np.zeros_like(re)
        parts.append([(1.0 + 0j, re)] + ([(1j, im)] if np.any(im) else []))

    def evaluate(x: NDArray, p: NDArray) -> NDArray:
        total: NDArray | None = None
        for combo in product(*parts):
            factor = np.prod([c for c, _ in combo])
            term = factor * real_form(x, p, *(vec for _, vec in combo))
            total = term if total is None else total + term
        assert total is not None
        if all(len(part) == 1 for part in parts):
            return np.real(total)
        return total

    return evaluate


def as_vector_field(field: VectorField | Field) -> VectorField:
    """Wrap a bare ``f(x, p)`` callable as a :class:`VectorField` (no analytic derivatives)."""
    if isinstance(field, VectorField):
        return field
    if callable(field):
        return VectorField(field)
    raise ParameterError(f"expected a VectorField or a callable f(x, p), got {type(field)!r}")
