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

The equations are stated once, as plain arithmetic given the F_ij values at x_V:
:func:`~.device.conductance_terms` (G), :func:`field_terms` (the four rates), :func:`jacobian_terms`
(∂f/∂y) and :func:`jacobian_param_terms` (∂f/∂p).  numba compiles them, with the one F_ij
evaluator :func:`~qmemristor.neuron.device.fij_point`, into the model's field and Jacobians
(:mod:`._kernels`), and :func:`ode_model` packs those into an
:class:`~qmemristor.models.ODEModel` — the object every solver takes.  The other forms are
views of it:

- :func:`rhs` ``(t, y, p)`` — for SciPy's solvers;
- :func:`vector_field` ``(y, pvec, tables)`` — batched: ``y`` of shape (..., 4) and ``pvec`` of
  shape (..., 7) broadcast against each other (many states and/or parameter points at once);
- :func:`jacobian`, :func:`jacobian_flat`, :func:`jacobian_params` — batched Jacobians;
- :func:`make_flat_field` — ``f(x, pvec)``, ``jac_x``, ``jac_p`` for continuation.

``pvec`` holds the parameters that do not change the device tables, in the order
:data:`PARAM_NAMES` = (v_in, r_m, gamma, alpha, z_t, omega, x0); ``l`` and ``lam`` select the
tables (:func:`~qmemristor.neuron.device.device_tables`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import limits as lim
from .._jit import jitable
from ..errors import ParameterError, check_finite, check_nonnegative, check_positive, check_range
from ..models import ODEModel
from .device import FijTables, conductance_terms, device_tables, evaluate

__all__ = [
    "PARAM_NAMES",
    "STATE_NAMES",
    "NeuronParams",
    "conductance_of_state",
    "conductance_terms",
    "field_terms",
    "jacobian",
    "jacobian_flat",
    "jacobian_param_terms",
    "jacobian_params",
    "jacobian_terms",
    "make_flat_field",
    "ode_model",
    "rhs",
    "vector_field",
]

#: Order of the state vector.
STATE_NAMES = ("X", "Y", "Z", "V")
#: Order of the flat parameter vector ``pvec`` (parameters that keep the F_ij tables).
PARAM_NAMES = ("v_in", "r_m", "gamma", "alpha", "z_t", "omega", "x0")
_SQRT2 = math.sqrt(2.0)
#: Finite-difference length scale of the state for the multilinear forms (B, C of the
#: Lyapunov coefficient): x_V = x0 − l√2 V varies on the scale λ = 0.13 of the sech barrier,
#: i.e. V on λ/(l√2) ≈ 0.18; 0.1 keeps the steps well inside that.
FD_SCALE = 0.1


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


# --------------------------------------------------------------------------------------------
# the equations, stated once (plain arithmetic on floats or arrays; compiled into the kernels)
# --------------------------------------------------------------------------------------------
@jitable
def field_terms(bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, f00, f01, f11):
    """(dX, dY, dZ, dV)/dt of the module docstring, given the F_ij values at x_V."""
    g = conductance_terms(bx, bz, f00, f01, f11)
    dv = v_in - (1.0 + r_m * g) * v
    return (
        omega * by + 2.0 * dv * bz - gamma * bx,
        -omega * bx - gamma * by,
        -2.0 * dv * bx - alpha * gamma * (bz - z_t),
        dv,
    )


@jitable
def _voltage_partials(bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, c,
                      f00, f01, f11, g00, g01, g11):  # fmt: skip
    """G, ∂G/∂x_V, D = V' and ∂D/∂(X, Z, V) (∂G/∂X = F01, ∂G/∂Z = ½(F00 − F11),
    ∂G/∂V = −c ∂G/∂x_V with c = l√2)."""
    g = conductance_terms(bx, bz, f00, f01, f11)
    g_x = conductance_terms(bx, bz, g00, g01, g11)
    d = field_terms(bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, f00, f01, f11)[3]
    d_x = -r_m * v * f01
    d_z = -r_m * v * 0.5 * (f00 - f11)
    d_v = -(1.0 + r_m * g) + r_m * v * c * g_x
    return g, g_x, d, d_x, d_z, d_v


@jitable
def jacobian_terms(bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, c,
                   f00, f01, f11, g00, g01, g11):  # fmt: skip
    """Rows of ∂(dy/dt)/∂y (X, Y, Z, V order), given F_ij and F_ij' at x_V."""
    _g, _gx, d, d_x, d_z, d_v = _voltage_partials(
        bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, c, f00, f01, f11, g00, g01, g11
    )
    return (
        (2.0 * bz * d_x - gamma, omega, 2.0 * d + 2.0 * bz * d_z, 2.0 * bz * d_v),
        (-omega, -gamma, 0.0, 0.0),
        (-2.0 * d - 2.0 * bx * d_x, 0.0, -2.0 * bx * d_z - alpha * gamma, -2.0 * bx * d_v),
        (d_x, 0.0, d_z, d_v),
    )


@jitable
def jacobian_param_terms(bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, c,
                         f00, f01, f11, g00, g01, g11):  # fmt: skip
    """Rows of ∂(dy/dt)/∂p, columns in the order of PARAM_NAMES (∂G/∂x0 = ∂G/∂x_V)."""
    g, g_x, _d, _dx, _dz, _dv = _voltage_partials(
        bx, by, bz, v, v_in, r_m, gamma, alpha, z_t, omega, c, f00, f01, f11, g00, g01, g11
    )
    dd_r = -g * v  # ∂D/∂R_m
    dd_x0 = -r_m * v * g_x  # ∂D/∂x0; ∂D/∂V_in = 1
    return (
        (2.0 * bz, 2.0 * bz * dd_r, -bx, 0.0, 0.0, by, 2.0 * bz * dd_x0),
        (0.0, 0.0, -by, 0.0, 0.0, -bx, 0.0),
        (-2.0 * bx, -2.0 * bx * dd_r, -alpha * (bz - z_t), -gamma * (bz - z_t), alpha * gamma,
         0.0, -2.0 * bx * dd_x0),
        (1.0, dd_r, 0.0, 0.0, 0.0, 0.0, dd_x0),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# the model object and the views every consumer uses
# --------------------------------------------------------------------------------------------
def _validate(point: Mapping[str, float]) -> None:
    NeuronParams(**point)


@lru_cache(maxsize=32)
def _ode_model(tables: FijTables) -> ODEModel:
    from . import _kernels

    return ODEModel(
        name="neuron",
        state_names=STATE_NAMES,
        param_names=PARAM_NAMES,
        field=_kernels.field,
        defaults={n: getattr(_DEFAULTS, n) for n in PARAM_NAMES},
        jac=_kernels.jac,
        jac_p=_kernels.jac_p,
        aux=np.concatenate([[tables.l * _SQRT2], tables.flat]),
        validate=_validate,
        bound=((0, 1, 2), 1.0),
        fd_scale=FD_SCALE,
    )


def ode_model(l: float = 0.5, lam: float = 0.13, *, tables: FijTables | None = None) -> ODEModel:
    """The neuron as an :class:`~qmemristor.models.ODEModel` for the device (l, λ).

    State :data:`STATE_NAMES`, parameters :data:`PARAM_NAMES` (the device parameters l, λ
    select the F_ij tables, carried in ``aux``), analytic ∂f/∂y and ∂f/∂p, the Bloch ball as
    its invariant bound, ``fd_scale`` :data:`FD_SCALE`.
    Cached per tables.
    """
    return _ode_model(device_tables(l, lam) if tables is None else tables)


_DEFAULTS = NeuronParams()


def conductance_of_state(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """G(V; X, Z) for states ``y`` (..., 4) and parameters ``pvec`` (..., 7) (broadcasting)."""
    y = np.asarray(y, dtype=float)
    pvec = np.asarray(pvec, dtype=float)
    _check_shapes(y, pvec)
    F = evaluate(tables, pvec[..., 6] - tables.l * _SQRT2 * y[..., 3])
    return conductance_terms(y[..., 0], y[..., 2], F[..., 0], F[..., 1], F[..., 2])


def _check_shapes(y: NDArray, pvec: NDArray) -> None:
    if y.ndim == 0 or y.shape[-1] != 4:
        raise ValueError(f"the state must have 4 components (X, Y, Z, V); got shape {y.shape}")
    if pvec.ndim == 0 or pvec.shape[-1] != len(PARAM_NAMES):
        raise ValueError(f"pvec must have {len(PARAM_NAMES)} entries {PARAM_NAMES}")


def vector_field(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """dy/dt of docs/theory.md §N2 for a batch: ``y`` (..., 4), ``pvec`` (..., 7) → (..., 4).

    ``y = (X, Y, Z, V)``, ``pvec`` in the order :data:`PARAM_NAMES`; leading dimensions
    broadcast (e.g. ``y`` (n, 4) with ``pvec`` (7,), or both (n, 4) and (n, 7)).  The
    compiled field of :func:`ode_model`, looped over the points.
    """
    y, pvec = np.asarray(y, dtype=float), np.asarray(pvec, dtype=float)
    _check_shapes(y, pvec)
    return ode_model(tables=tables).vector_field(y, pvec)


def rhs(t: float, y: ArrayLike, p: NeuronParams) -> NDArray[np.float64]:
    """dy/dt at time ``t`` (autonomous: ``t`` is unused) for ``solve_ivp(rhs, ..., args=(p,))``.

    ``y`` of shape (4,): one call of the compiled field; any other shape (..., 4) goes
    through :func:`vector_field`.
    """
    y = np.asarray(y, dtype=float)
    if y.shape != (4,):
        return vector_field(y, p.pvec, p.tables)
    return ode_model(tables=p.tables).rhs(t, y, p.pvec)


def jacobian_flat(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """Analytic Jacobian ∂(dy/dt)/∂y, shape (..., 4, 4) (rows and columns in X, Y, Z, V order)."""
    y, pvec = np.asarray(y, dtype=float), np.asarray(pvec, dtype=float)
    _check_shapes(y, pvec)
    return ode_model(tables=tables).jacobian(y, pvec)


def jacobian(y: ArrayLike, p: NeuronParams) -> NDArray[np.float64]:
    """Analytic Jacobian of :func:`rhs` at ``y`` (..., 4) → (..., 4, 4)."""
    return jacobian_flat(y, p.pvec, p.tables)


def jacobian_params(y: ArrayLike, pvec: ArrayLike, tables: FijTables) -> NDArray[np.float64]:
    """Analytic ∂(dy/dt)/∂pvec, shape (..., 4, 7) (columns in the order :data:`PARAM_NAMES`)."""
    y, pvec = np.asarray(y, dtype=float), np.asarray(pvec, dtype=float)
    _check_shapes(y, pvec)
    return ode_model(tables=tables).jacobian_p(y, pvec)


def make_flat_field(
    l: float = 0.5, lam: float = 0.13
) -> tuple[
    Callable[[ArrayLike, ArrayLike], NDArray],
    Callable[[ArrayLike, ArrayLike], NDArray],
    Callable[[ArrayLike, ArrayLike], NDArray],
]:
    """``(f, jac_x, jac_p)`` with ``f(x, pvec)`` the vector field for continuation codes.

    A view of :func:`ode_model`: ``x = (X, Y, Z, V)``, ``pvec`` in the order
    :data:`PARAM_NAMES`; ``jac_x`` → (..., 4, 4), ``jac_p`` → (..., 4, 7).
    """
    model = ode_model(l, lam)
    return model.vector_field, model.jacobian, model.jacobian_p
