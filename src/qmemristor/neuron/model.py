"""Paper N, §N2: parameters and vector field of the memristive quantum neuron.

State ``y = (X, Y, Z, V)``: the Bloch vector of the device qubit and the voltage across the
device.  Dimensionless units: lengths in the half-gap L, time in ``τ_c = R_ext C_ext``, V in the
units that make ``x_V = x0 − l √2 V``, conductances in ``1/R_ext``::

    G  = ½ [(1 + Z) F00(x_V) + 2 X F01(x_V) + (1 − Z) F11(x_V)]
    V' = V_in − (1 + R_m G) V
    X' =  Ω Y + 2 V' Z − Γ X
    Y' = −Ω X − Γ Y
    Z' = −2 V' X − α Γ (Z − Z_T)

The Bloch ball is invariant for α ∈ [0, 2], Z_T ∈ [0, 1], Γ ≥ 0:
``½ d|r|²/dt = −Γ (X² + Y²) − α Γ Z (Z − Z_T)``, which is ≤ 0 on |r| = 1 exactly when
``1 + (α − 1) Z² − α Z_T Z ≥ 0`` for all Z ∈ [−1, 1] — true for α ≤ 2; for α > 2 and Z_T = 1
it fails at ``Z = α / (2(α − 1))`` (tested both ways).

Three forms of the same vector field:

- :func:`rhs` ``(t, y, p)`` — for ``scipy.integrate.solve_ivp(..., args=(p,))``;
- :func:`vector_field` ``(y, pvec, tables)`` — batched: ``y`` of shape (..., 4) and ``pvec`` of
  shape (..., 7) broadcast against each other (many states and/or parameter points at once);
- :func:`make_flat_field` — closures ``f(x, pvec)``, ``jac_x``, ``jac_p`` for continuation.

``pvec`` holds the parameters that do not change the device tables, in the order
:data:`PARAM_NAMES` = (v_in, r_m, gamma, alpha, z_t, omega, x0); ``l`` and ``lam`` select the
tables (:func:`~qmemristor.neuron.device.device_tables`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import limits as lim
from ..errors import ParameterError, check_finite, check_nonnegative, check_positive, check_range
from .device import FijTables, _scalar_orders, device_tables, evaluate, evaluate_orders

__all__ = [
    "PARAM_NAMES",
    "STATE_NAMES",
    "NeuronParams",
    "conductance_of_state",
    "jacobian",
    "jacobian_flat",
    "jacobian_params",
    "make_flat_field",
    "rhs",
    "vector_field",
]

#: Order of the state vector.
STATE_NAMES = ("X", "Y", "Z", "V")
#: Order of the flat parameter vector ``pvec`` (parameters that keep the F_ij tables).
PARAM_NAMES = ("v_in", "r_m", "gamma", "alpha", "z_t", "omega", "x0")
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class NeuronParams:
    """Parameters of the memristive quantum neuron (Paper N, docs/theory.md §N1–N2).

    Defaults: the device of the paper (l = 0.5, x0 = 0.8, λ = 0.13, α = 1, Ω = 7) and the
    operating point of its Fig. 3 (R_m = 5, V_in = 0.23, Γ = 0.1, Z_T = 1).

    Representable ranges (:mod:`qmemristor.limits` gives the reasons): |V_in|, R_m, Γ, |Ω| ≤ 1e8;
    l, λ ∈ [1e-3, 1e3] with l/λ ≤ 1e3; |x0| ≤ 1e3.

    Parameters
    ----------
    v_in : float
        Input bias voltage V_in (finite; negative inputs are allowed).
    r_m : float
        Load resistance R_m ≥ 0 (units of R_ext).
    gamma : float
        Dephasing rate Γ ≥ 0 (units of 1/τ_c).
    alpha : float
        α = γ_T/γ_φ ∈ [0, 2] (the Bloch ball is not invariant for α > 2).
    z_t : float
        Thermal polarisation Z_T = tanh(ħΩ_p/2k_BT) ∈ [0, 1] (1: zero temperature).
    omega : float
        Qubit frequency Ω (units of 1/τ_c), finite.
    l : float
        Width of the oscillator states, l > 0 (units of the half-gap L).
    x0 : float
        Offset of the shuttle at V = 0 (units of L), finite.
    lam : float
        Tunnelling length λ > 0 (units of L).
    """

    v_in: float = 0.23
    r_m: float = 5.0
    gamma: float = 0.1
    alpha: float = 1.0
    z_t: float = 1.0
    omega: float = 7.0
    l: float = 0.5
    x0: float = 0.8
    lam: float = 0.13

    def __post_init__(self) -> None:
        rate, lo, hi = lim.NEURON_RATE_MAX, lim.NEURON_LENGTH_MIN, lim.NEURON_LENGTH_MAX
        checked = {
            "v_in": _bounded("v_in", check_finite("v_in", self.v_in), rate),
            "r_m": _bounded("r_m", check_nonnegative("r_m", self.r_m), rate),
            "gamma": _bounded("gamma", check_nonnegative("gamma", self.gamma), rate),
            "alpha": check_range("alpha", self.alpha, 0.0, 2.0),
            "z_t": check_range("z_t", self.z_t, 0.0, 1.0),
            "omega": _bounded("omega", check_finite("omega", self.omega), rate),
            "l": check_range("l", check_positive("l", self.l), lo, hi),
            "x0": _bounded("x0", check_finite("x0", self.x0), lim.NEURON_X0_MAX),
            "lam": check_range("lam", check_positive("lam", self.lam), lo, hi),
        }
        if checked["l"] > lim.NEURON_LENGTH_RATIO_MAX * checked["lam"]:
            raise ParameterError(
                f"l/lam must be ≤ {lim.NEURON_LENGTH_RATIO_MAX:g} (got l = {checked['l']:g}, "
                f"lam = {checked['lam']:g}): the device tables cost grows like l/λ"
            )
        for name, value in checked.items():
            object.__setattr__(self, name, value + 0.0)  # + 0.0: −0.0 becomes 0.0

    @cached_property
    def tables(self) -> FijTables:
        """The cached F_ij tables for (l, λ)."""
        return device_tables(self.l, self.lam)

    @cached_property
    def pvec(self) -> NDArray[np.float64]:
        """The flat parameter vector in the order :data:`PARAM_NAMES` (read-only)."""
        vec = np.array([getattr(self, n) for n in PARAM_NAMES])
        vec.setflags(write=False)
        return vec

    def replace(self, **changes: float) -> NeuronParams:
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_pvec(cls, pvec: ArrayLike, *, l: float = 0.5, lam: float = 0.13) -> NeuronParams:
        """Inverse of :attr:`pvec` (with the device parameters l, λ)."""
        vals = np.asarray(pvec, dtype=float).reshape(-1)
        if vals.size != len(PARAM_NAMES):
            raise ValueError(f"pvec must have {len(PARAM_NAMES)} entries {PARAM_NAMES}")
        return cls(**{n: float(v) for n, v in zip(PARAM_NAMES, vals, strict=True)}, l=l, lam=lam)

    def as_attrs(self) -> dict[str, float]:
        """Parameters for dataset attributes."""
        return dataclasses.asdict(self)


def _bounded(name: str, value: float, bound: float) -> float:
    """``value`` if ``|value| ≤ bound`` (:mod:`qmemristor.limits` says why), else an error."""
    if abs(value) > bound:
        raise ParameterError(
            f"|{name}| must be ≤ {bound:g} (got {value:g}): beyond, the neuron's O(1) rates "
            "are lost in the round-off of this one"
            if bound == lim.NEURON_RATE_MAX
            else f"|{name}| must be ≤ {bound:g} (got {value:g})"
        )
    return value


def _split(y: NDArray, pvec: NDArray):
    y = np.asarray(y, dtype=float)
    pvec = np.asarray(pvec, dtype=float)
    if y.shape[-1] != 4:
        raise ValueError(f"the state must have 4 components (X, Y, Z, V); got shape {y.shape}")
    if pvec.shape[-1] != len(PARAM_NAMES):
        raise ValueError(f"pvec must have {len(PARAM_NAMES)} entries {PARAM_NAMES}")
    return np.moveaxis(y, -1, 0), np.moveaxis(pvec, -1, 0)


def conductance_of_state(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """G(V; X, Z) for states ``y`` (..., 4) and parameters ``pvec`` (..., 7) (broadcasting)."""
    (bx, _by, bz, v), p = _split(y, pvec)
    xv = p[6] - tables.l * _SQRT2 * v
    F = evaluate(tables, xv)
    return 0.5 * ((1 + bz) * F[..., 0] + 2 * bx * F[..., 1] + (1 - bz) * F[..., 2])


def vector_field(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """dy/dt of docs/theory.md §N2 for a batch: ``y`` (..., 4), ``pvec`` (..., 7) → (..., 4).

    ``y = (X, Y, Z, V)``, ``pvec`` in the order :data:`PARAM_NAMES`; leading dimensions
    broadcast (e.g. ``y`` (n, 4) with ``pvec`` (7,), or both (n, 4) and (n, 7)).
    """
    (bx, by, bz, v), (v_in, r_m, gamma, alpha, z_t, omega, x0) = _split(y, pvec)
    F = evaluate(tables, x0 - tables.l * _SQRT2 * v)
    g = 0.5 * ((1 + bz) * F[..., 0] + 2 * bx * F[..., 1] + (1 - bz) * F[..., 2])
    dv = v_in - (1 + r_m * g) * v
    dx = omega * by + 2 * dv * bz - gamma * bx
    dy = -omega * bx - gamma * by
    dz = -2 * dv * bx - alpha * gamma * (bz - z_t)
    return np.stack(np.broadcast_arrays(dx, dy, dz, dv), axis=-1)


def rhs(t: float, y: ArrayLike, p: NeuronParams) -> NDArray[np.float64]:
    """dy/dt at time ``t`` (autonomous: ``t`` is unused) for ``solve_ivp(rhs, ..., args=(p,))``.

    ``y`` of shape (4,) takes a plain-Python path (~15 µs a call, for ODE solvers); any other
    shape (..., 4) goes through :func:`vector_field`.
    """
    y = np.asarray(y, dtype=float)
    if y.shape != (4,):
        return vector_field(y, p.pvec, p.tables)
    bx, by, bz, v = y.tolist()
    f00, f01, f11 = _scalar_orders(p.tables, p.x0 - p.l * _SQRT2 * v, (0,))[0]
    g = 0.5 * ((1 + bz) * f00 + 2 * bx * f01 + (1 - bz) * f11)
    dv = p.v_in - (1 + p.r_m * g) * v
    return np.array(
        [
            p.omega * by + 2 * dv * bz - p.gamma * bx,
            -p.omega * bx - p.gamma * by,
            -2 * dv * bx - p.alpha * p.gamma * (bz - p.z_t),
            dv,
        ]
    )


def _partials(y: ArrayLike, pvec: ArrayLike, tables: FijTables):
    """Common pieces of the Jacobians: state, parameters, D = V', and its partial derivatives."""
    (bx, by, bz, v), p = _split(y, pvec)
    v_in, r_m, x0 = p[0], p[1], p[6]
    c = tables.l * _SQRT2
    F, Fx = evaluate_orders(tables, x0 - c * v, (0, 1))
    f00, f01, f11 = F[..., 0], F[..., 1], F[..., 2]
    g = 0.5 * ((1 + bz) * f00 + 2 * bx * f01 + (1 - bz) * f11)
    g_x = 0.5 * ((1 + bz) * Fx[..., 0] + 2 * bx * Fx[..., 1] + (1 - bz) * Fx[..., 2])
    d = v_in - (1 + r_m * g) * v
    d_x = -r_m * v * f01  # ∂D/∂X
    d_z = -r_m * v * 0.5 * (f00 - f11)  # ∂D/∂Z
    d_v = -(1 + r_m * g) + r_m * v * c * g_x  # ∂D/∂V  (∂G/∂V = −c G_x)
    return (bx, by, bz, v), p, g, g_x, d, d_x, d_z, d_v


def jacobian_flat(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """Analytic Jacobian ∂(dy/dt)/∂y, shape (..., 4, 4) (rows and columns in X, Y, Z, V order)."""
    (bx, _by, bz, _v), p, _g, _gx, d, d_x, d_z, d_v = _partials(y, pvec, tables)
    _v_in, _r_m, gamma, alpha, _z_t, omega, _x0 = p
    zero = np.zeros_like(d)
    one = np.ones_like(d)
    rows = [
        [2 * bz * d_x - gamma, omega * one, 2 * d + 2 * bz * d_z, 2 * bz * d_v],
        [-omega * one, -gamma * one, zero, zero],
        [-2 * d - 2 * bx * d_x, zero, -2 * bx * d_z - alpha * gamma, -2 * bx * d_v],
        [d_x, zero, d_z, d_v],
    ]
    return np.stack([np.stack(np.broadcast_arrays(*r), axis=-1) for r in rows], axis=-2)


def jacobian(y: ArrayLike, p: NeuronParams) -> NDArray[np.float64]:
    """Analytic Jacobian of :func:`rhs` at ``y`` (..., 4) → (..., 4, 4).

    ``y`` of shape (4,) takes a plain-Python path (for implicit ODE solvers and stability).
    """
    y = np.asarray(y, dtype=float)
    if y.shape != (4,):
        return jacobian_flat(y, p.pvec, p.tables)
    bx, _by, bz, v = y.tolist()
    c = p.l * _SQRT2
    (f00, f01, f11), (g00, g01, g11) = _scalar_orders(p.tables, p.x0 - c * v, (0, 1))
    g = 0.5 * ((1 + bz) * f00 + 2 * bx * f01 + (1 - bz) * f11)
    g_x = 0.5 * ((1 + bz) * g00 + 2 * bx * g01 + (1 - bz) * g11)
    d = p.v_in - (1 + p.r_m * g) * v
    d_x = -p.r_m * v * f01
    d_z = -p.r_m * v * 0.5 * (f00 - f11)
    d_v = -(1 + p.r_m * g) + p.r_m * v * c * g_x
    return np.array(
        [
            [2 * bz * d_x - p.gamma, p.omega, 2 * d + 2 * bz * d_z, 2 * bz * d_v],
            [-p.omega, -p.gamma, 0.0, 0.0],
            [-2 * d - 2 * bx * d_x, 0.0, -2 * bx * d_z - p.alpha * p.gamma, -2 * bx * d_v],
            [d_x, 0.0, d_z, d_v],
        ]
    )


def jacobian_params(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """Analytic ∂(dy/dt)/∂pvec, shape (..., 4, 7) (columns in the order :data:`PARAM_NAMES`)."""
    (bx, by, bz, v), p, g, g_x, _d, _dx, _dz, _dv = _partials(y, pvec, tables)
    _v_in, r_m, gamma, alpha, z_t, _omega, _x0 = p
    zero = np.zeros(np.broadcast_shapes(bx.shape, r_m.shape))
    # ∂D/∂p for p = v_in, r_m, gamma, alpha, z_t, omega, x0  (∂G/∂x0 = G_x)
    dd = [1.0 + zero, -g * v, zero, zero, zero, zero, -r_m * v * g_x]
    own_x = [zero, zero, -bx, zero, zero, by, zero]
    own_y = [zero, zero, -by, zero, zero, -bx, zero]
    own_z = [zero, zero, -alpha * (bz - z_t), -gamma * (bz - z_t), alpha * gamma, zero, zero]
    rows = [
        [own_x[k] + 2 * bz * dd[k] for k in range(7)],
        own_y,
        [own_z[k] - 2 * bx * dd[k] for k in range(7)],
        dd,
    ]
    return np.stack([np.stack(np.broadcast_arrays(*r), axis=-1) for r in rows], axis=-2)


def make_flat_field(
    l: float = 0.5, lam: float = 0.13
) -> tuple[
    Callable[[ArrayLike, ArrayLike], NDArray],
    Callable[[ArrayLike, ArrayLike], NDArray],
    Callable[[ArrayLike, ArrayLike], NDArray],
]:
    """``(f, jac_x, jac_p)`` with ``f(x, pvec)`` the vector field for continuation codes.

    ``x = (X, Y, Z, V)``, ``pvec`` in the order :data:`PARAM_NAMES`; ``jac_x`` → (..., 4, 4),
    ``jac_p`` → (..., 4, 7).  The device (l, λ) is fixed by the closure.
    """
    tables = device_tables(l, lam)

    def f(x: ArrayLike, pvec: ArrayLike) -> NDArray:
        return vector_field(x, pvec, tables)

    def jac_x(x: ArrayLike, pvec: ArrayLike) -> NDArray:
        return jacobian_flat(x, pvec, tables)

    def jac_p(x: ArrayLike, pvec: ArrayLike) -> NDArray:
        return jacobian_params(x, pvec, tables)

    return f, jac_x, jac_p
