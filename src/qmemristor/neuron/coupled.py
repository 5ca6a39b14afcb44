"""Two memristive quantum neurons whose output nodes are joined by a resistor.

Each neuron is the circuit of Paper N (docs/theory.md, "Two coupled neurons" for the
derivation): a source V_in behind R_ext charges the capacitor C_ext across which the quantum
device sits.  A resistor R_c between the two capacitor nodes carries the current
``(V_2 − V_1)/R_c`` into node 1 and its opposite into node 2 (Kirchhoff's current law).  In
the paper's scaling (time in ``τ_c = R_ext C_ext``, conductances in ``1/R_ext``, the same
R_ext and C_ext in both circuits) that is one extra term in each V equation::

    V_k' = V_in,k + g_c (V_j − V_k) − (1 + R_m,k G_k) V_k,     g_c = R_ext / R_c ≥ 0,

and the device equations of each neuron are unchanged, with ``V_k'`` (coupling included)
driving its Bloch vector.  So the coupled neuron k is the single neuron with the effective
input ``V_in,k + g_c (V_j − V_k)`` — which is how the coupled field is built: from the single
neuron's one definition (:func:`~.model.field_terms`, :func:`~.model.jacobian_terms`,
:func:`~.model.jacobian_param_terms`) evaluated at that input (:func:`coupled_input`), with no
equation of the neuron written again.

State ``(X_1, Y_1, Z_1, V_1, X_2, Y_2, Z_2, V_2)``; parameters :data:`COUPLED_PARAM_NAMES`:
each neuron's :data:`~.model.PARAM_NAMES` with the suffix ``_1`` or ``_2`` (each neuron has its
own V_in, R_m, Γ, α, Z_T, Ω, x0), then ``g_c``.  Both devices share the F_ij tables (l, λ).
Invariants: each Bloch vector stays in its ball (the model's bound is the weaker
``|r_1|² + |r_2|² ≤ 2``, the one ball the batched integrator checks); the exchange of the two
neurons maps solutions to solutions when their parameters are equal, so the in-phase set
``y_1 = y_2`` is invariant (the coupling current vanishes on it).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import limits as lim
from .._jit import jitable
from ..errors import ParameterError, check_finite, check_nonnegative
from ..models import ODEModel
from .device import FijTables, device_tables
from .model import PARAM_NAMES, STATE_NAMES, NeuronParams
from .model import ode_model as single_model

__all__ = [
    "COUPLED_PARAM_NAMES",
    "COUPLED_STATE_NAMES",
    "CoupledParams",
    "coupled_input",
    "coupled_model",
    "in_phase_state",
    "initial_pair",
]

#: Order of the coupled state: neuron 1's (X, Y, Z, V), then neuron 2's.
COUPLED_STATE_NAMES = tuple(f"{s}_{k}" for k in (1, 2) for s in STATE_NAMES)
#: Order of the coupled parameter vector: neuron 1's parameters, neuron 2's, then g_c.
COUPLED_PARAM_NAMES = (*(f"{n}_{k}" for k in (1, 2) for n in PARAM_NAMES), "g_c")
#: Index of g_c in the parameter vector, and of V_1, V_2 in the state.
G_C = len(COUPLED_PARAM_NAMES) - 1
V_1, V_2 = COUPLED_STATE_NAMES.index("V_1"), COUPLED_STATE_NAMES.index("V_2")


@jitable
def coupled_input(v_in: float, g_c: float, v_self: float, v_other: float) -> float:
    """The input a neuron of the pair sees: ``V_in + g_c (V_other − V_self)`` (its own source
    plus the current through the coupling resistor, both in units of ``1/R_ext``)."""
    return v_in + g_c * (v_other - v_self)


#: The default neuron of each side (NeuronParams is frozen: one shared instance is safe).
_DEFAULT = NeuronParams()


@dataclass(frozen=True)
class CoupledParams:
    """Two neurons (each with its own parameters) and the conductance of their link.

    Parameters
    ----------
    first, second : NeuronParams
        The two neurons (docs/theory.md §N1–N2).  Both must have the same device lengths
        ``l`` and ``lam`` (one set of F_ij tables); any other parameter may differ (detuning
        through ``v_in`` or ``omega``).
    g_c : float
        Coupling conductance ``g_c = R_ext/R_c`` ≥ 0 (0: two independent neurons), at most
        the neuron's rate bound 1e8.
    """

    first: NeuronParams = _DEFAULT
    second: NeuronParams = _DEFAULT
    g_c: float = 0.0

    def __post_init__(self) -> None:
        for name in ("first", "second"):
            if not isinstance(getattr(self, name), NeuronParams):
                raise ParameterError(f"{name} must be NeuronParams")
        g_c = check_nonnegative("g_c", check_finite("g_c", self.g_c))
        if g_c > lim.NEURON_RATE_MAX:
            raise ParameterError(f"g_c must be ≤ {lim.NEURON_RATE_MAX:g} (got {g_c:g})")
        object.__setattr__(self, "g_c", float(g_c) + 0.0)
        if (self.first.l, self.first.lam) != (self.second.l, self.second.lam):
            raise ParameterError(
                "both neurons must have the same device lengths l and lam (got "
                f"({self.first.l:g}, {self.first.lam:g}) and ({self.second.l:g}, "
                f"{self.second.lam:g}))"
            )

    @classmethod
    def detuned(
        cls,
        base: NeuronParams,
        g_c: float,
        *,
        delta_omega: float = 0.0,
        delta_v_in: float = 0.0,
    ) -> CoupledParams:
        """Neuron 1 = ``base``; neuron 2 = ``base`` with Ω + ``delta_omega`` and V_in +
        ``delta_v_in``; coupled by ``g_c``."""
        second = base.replace(
            omega=base.omega + check_finite("delta_omega", delta_omega),
            v_in=base.v_in + check_finite("delta_v_in", delta_v_in),
        )
        return cls(base, second, g_c)

    @cached_property
    def tables(self) -> FijTables:
        return device_tables(self.first.l, self.first.lam)

    @cached_property
    def pvec(self) -> NDArray[np.float64]:
        """The parameter vector in the order :data:`COUPLED_PARAM_NAMES` (read-only)."""
        vec = np.concatenate([self.first.pvec, self.second.pvec, [self.g_c]])
        vec.setflags(write=False)
        return vec

    @property
    def symmetric(self) -> bool:
        """The two neurons have identical parameters (exchange symmetry)."""
        return self.first == self.second

    def replace(self, **changes: object) -> CoupledParams:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_point(
        cls, point: Mapping[str, float], *, l: float = 0.5, lam: float = 0.13
    ) -> CoupledParams:
        """From ``{name: value}`` over :data:`COUPLED_PARAM_NAMES` (all of them)."""
        missing = [n for n in COUPLED_PARAM_NAMES if n not in point]
        if missing:
            raise ParameterError(f"missing coupled-neuron parameters {missing}")
        neurons = [
            NeuronParams(**{n: float(point[f"{n}_{k}"]) for n in PARAM_NAMES}, l=l, lam=lam)
            for k in (1, 2)
        ]
        return cls(neurons[0], neurons[1], float(point["g_c"]))

    @classmethod
    def from_pvec(cls, pvec: ArrayLike, *, l: float = 0.5, lam: float = 0.13) -> CoupledParams:
        """Inverse of :attr:`pvec`."""
        vals = np.asarray(pvec, dtype=float).reshape(-1)
        if vals.size != len(COUPLED_PARAM_NAMES):
            raise ParameterError(f"pvec must have {len(COUPLED_PARAM_NAMES)} entries")
        return cls.from_point(dict(zip(COUPLED_PARAM_NAMES, vals, strict=True)), l=l, lam=lam)

    def as_attrs(self) -> dict[str, float]:
        """Flat parameters for dataset attributes (``name_1``, ``name_2``, ``g_c``, l, lam)."""
        out: dict[str, float] = {}
        for k, p in ((1, self.first), (2, self.second)):
            out.update({f"{n}_{k}": float(getattr(p, n)) for n in PARAM_NAMES})
        out.update(g_c=self.g_c, l=self.first.l, lam=self.first.lam)
        return out


def _validate(point: Mapping[str, float]) -> None:
    CoupledParams.from_point(point)


@lru_cache(maxsize=16)
def _coupled_model(tables: FijTables) -> ODEModel:
    from . import _coupled_kernels as k

    single = single_model(tables=tables)
    defaults = CoupledParams()
    return ODEModel(
        name="coupled-neurons",
        state_names=COUPLED_STATE_NAMES,
        param_names=COUPLED_PARAM_NAMES,
        field=k.field,
        defaults=dict(zip(COUPLED_PARAM_NAMES, defaults.pvec.tolist(), strict=True)),
        jac=k.jac,
        jac_p=k.jac_p,
        aux=single.aux,
        validate=_validate,
        bound=((0, 1, 2, 4, 5, 6), math.sqrt(2.0)),
        fd_scale=single.fd_scale,
    )


def coupled_model(
    l: float = 0.5, lam: float = 0.13, *, tables: FijTables | None = None
) -> ODEModel:
    """The coupled pair as an :class:`~qmemristor.models.ODEModel` (cached per device tables).

    State :data:`COUPLED_STATE_NAMES`, parameters :data:`COUPLED_PARAM_NAMES` (defaults: two
    copies of :class:`~.model.NeuronParams` ``()`` and ``g_c = 0``), analytic ∂f/∂y and ∂f/∂p
    built from the single neuron's, the single neuron's ``aux`` (l√2 and the F_ij tables).
    """
    return _coupled_model(device_tables(l, lam) if tables is None else tables)


def in_phase_state(y: ArrayLike) -> NDArray[np.float64]:
    """The coupled state with both neurons in the single-neuron state ``y`` (..., 4)."""
    y = np.asarray(y, dtype=float)
    return np.concatenate([y, y], axis=-1)


def initial_pair(
    p: CoupledParams, *, amplitude: float = 0.1, offset: float = 0.5 * math.pi
) -> NDArray[np.float64]:
    """A start for the pair: each neuron at its smallest-|V| equilibrium with its Bloch vector
    tilted by ``amplitude`` towards the equator, at the precession phases 0 (neuron 1) and
    ``offset`` (neuron 2): ``(X, Y) = a (cos θ, −sin θ)`` (the free precession ``X' = Ω Y``,
    ``Y' = −Ω X`` advances θ at the rate Ω), ``Z = min(Z_T, √(1 − a²))``.
    """
    from .equilibria import equilibria

    a = check_nonnegative("amplitude", amplitude)
    if a >= 1.0:
        raise ParameterError(f"amplitude must be in [0, 1) (got {a:g})")
    theta = (0.0, check_finite("offset", offset))
    parts = []
    for q, th in zip((p.first, p.second), theta, strict=True):
        eq = min(equilibria(q), key=lambda e: abs(e.V))
        z = min(q.z_t, math.sqrt(1.0 - a * a))
        parts.append([a * math.cos(th), -a * math.sin(th), z, eq.V])
    return np.array(parts, dtype=float).reshape(8)
