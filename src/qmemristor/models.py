"""An ODE model, defined once: names, defaults, one compiled vector field and its Jacobians.

A model is what a solver takes as an argument (the solver, its tolerances and the output
times are separate: :func:`qmemristor.solvers.solve_ode`, :func:`qmemristor.solvers.
integrate_batch`, the sweeps of :func:`qmemristor.sweeps.ode_sweep_model`), in the spirit of
diffrax's ``ODETerm`` / ``diffeqsolve`` and qiskit-dynamics' models / solvers split.  It lives
here, below every physics module and every solver, because both sides import it: the
neuron (:mod:`qmemristor.neuron.model`) *defines* one, the solvers and sweeps *take* one.

The vector field is one numba-compilable function of scalars and 1-D float arrays::

    def field(t, y, p, aux, out):      # out[:] = dy/dt
        out[0] = y[1]
        out[1] = p[0] * (1.0 - y[0] * y[0]) * y[1] - y[0]

``t`` the time (float), ``y`` the state (n,), ``p`` the parameters (m,) in the order of
``ODEModel.param_names``, ``aux`` model data as one float array (tables, constants; empty
if none), ``out`` (n,) written in place.  Optional Jacobians have the same arguments and
write ``out`` of shape (n, n) (``jac``: ∂f/∂y) or (n, m) (``jac_p``: ∂f/∂p).  They are
compiled once with a fixed signature (:mod:`qmemristor._odekernels`) and cached by numba when
the function is defined in a file.  Everything else is generated from them: the SciPy form
``rhs(t, y, p)``, batched forms over many states and parameter points (a compiled loop),
the :class:`~qmemristor.analysis.VectorField` of the continuation codes, and the batched
Dormand–Prince integrator of the sweeps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import ParameterError, check_finite

__all__ = ["ODEModel"]

Validate = Callable[[Mapping[str, float]], None]


def _arr(a: ArrayLike) -> NDArray[np.float64]:
    """``a`` as the one array type the compiled functions take: writable, C-contiguous float
    (``a`` itself when it is one already, else a copy)."""
    if (
        type(a) is np.ndarray
        and a.dtype == np.float64
        and a.flags.c_contiguous
        and a.flags.writeable
    ):
        return a
    return np.array(a, dtype=float, order="C")


def _names(kind: str, names: Iterable[str]) -> tuple[str, ...]:
    out: tuple[str, ...] = tuple(names)
    if not out or not all(isinstance(n, str) and n.isidentifier() for n in out):
        raise ParameterError(f"{kind} must be a non-empty sequence of identifiers (got {names!r})")
    if len(set(out)) != len(out):
        raise ParameterError(f"{kind} must be distinct (got {out})")
    return out


@dataclass(frozen=True, eq=False)
class ODEModel:
    """``dy/dt = field(t, y, p)``: a model a solver takes (module docstring: the conventions).

    Parameters
    ----------
    name : str
        Short name (for records and messages).
    state_names : sequence of str
        Names of the state components, in the order of ``y``.
    param_names : sequence of str
        Names of the parameters, in the order of ``p``.
    field : callable
        ``field(t, y, p, aux, out)``, numba-compilable (a plain function or an ``njit`` one).
    defaults : mapping, optional
        Default value of every parameter (all of ``param_names``, or none).
    jac, jac_p : callable, optional
        ``jac(t, y, p, aux, out)`` with ``out`` (n, n) = ∂f/∂y, and ``jac_p`` with ``out``
        (n, m) = ∂f/∂p.  Without them the derivatives are fourth-order central differences.
    aux : array_like, optional
        Model data handed to the compiled functions (1-D floats; default empty).
    validate : callable, optional
        ``validate({name: value})`` raises :class:`~qmemristor.errors.ParameterError` for a
        parameter set outside the model's domain (used by :meth:`params` and sweeps).
    bound : (sequence of int, float), optional
        An invariant ball: ``‖y[components]‖ ≤ radius`` holds for the exact flow, so the
        batched integrator flags a point that leaves it (the neuron's Bloch ball).
    fd_scale : float
        Length over which the field changes appreciably (finite-difference steps; default 1).
    """

    name: str
    state_names: tuple[str, ...]
    param_names: tuple[str, ...]
    field: Callable[..., Any]
    defaults: Mapping[str, float] = dc_field(default_factory=dict)
    jac: Callable[..., Any] | None = None
    jac_p: Callable[..., Any] | None = None
    aux: NDArray[np.float64] = dc_field(default_factory=lambda: np.empty(0))
    validate: Validate | None = None
    bound: tuple[tuple[int, ...], float] | None = None
    fd_scale: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "state_names", _names("state_names", self.state_names))
        object.__setattr__(self, "param_names", _names("param_names", self.param_names))
        for name in ("field", "jac", "jac_p", "validate"):
            value = getattr(self, name)
            if (value is not None or name == "field") and not callable(value):
                raise ParameterError(f"{name} must be callable")
        if self.defaults:
            missing = set(self.param_names) ^ set(self.defaults)
            if missing:
                raise ParameterError(
                    f"defaults must give every parameter {self.param_names} (mismatch: "
                    f"{sorted(missing)})"
                )
            defaults = {k: check_finite(k, float(self.defaults[k])) for k in self.param_names}
            object.__setattr__(self, "defaults", defaults)
        # a private C-contiguous copy, writable: numba compiles read-only arrays as another type
        object.__setattr__(self, "aux", np.array(self.aux, dtype=float, order="C").reshape(-1))
        if self.bound is not None:
            comps, radius = self.bound
            comps = tuple(int(c) for c in comps)
            if not comps or not all(0 <= c < self.n_states for c in comps):
                raise ParameterError(f"bound components must index the state (got {comps})")
            if not (math.isfinite(radius) and radius > 0):
                raise ParameterError(f"bound radius must be > 0 (got {radius!r})")
            object.__setattr__(self, "bound", (comps, float(radius)))
        if not (math.isfinite(self.fd_scale) and self.fd_scale > 0):
            raise ParameterError(f"fd_scale must be > 0 (got {self.fd_scale!r})")

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the compiled functions (recompiled, or loaded from numba's cache,
        where the model is used: a sweep's model travels to Dask workers)."""
        state = dict(self.__dict__)
        state.pop("compiled", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # ------------------------------------------------------------------ names and parameters
    @property
    def n_states(self) -> int:
        return len(self.state_names)

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    def state_index(self, name: str | int) -> int:
        """Index of a state component given by name (or index), with the valid names."""
        if isinstance(name, int | np.integer) and 0 <= int(name) < self.n_states:
            return int(name)
        if name in self.state_names:
            return self.state_names.index(str(name))
        raise ParameterError(
            f"unknown state component {name!r} of {self.name}; choose one of: "
            f"{', '.join(self.state_names)}"
        )

    def params(self, **values: float) -> NDArray[np.float64]:
        """The parameter vector ``p`` from keyword values (defaults for the others), validated."""
        unknown = set(values) - set(self.param_names)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {sorted(unknown)} of {self.name}; valid: "
                f"{', '.join(self.param_names)}"
            )
        merged = {**self.defaults, **values}
        missing = [n for n in self.param_names if n not in merged]
        if missing:
            raise ParameterError(f"{self.name} needs values for {missing} (no defaults)")
        point = {n: check_finite(n, float(merged[n])) for n in self.param_names}
        if self.validate is not None:
            self.validate(point)
        return np.array([point[n] for n in self.param_names])

    # ------------------------------------------------------------------ compiled functions
    @cached_property
    def compiled(self) -> tuple[Any, Any, Any]:
        """``(field, jac, jac_p)`` compiled with the fixed signatures (``None`` if absent)."""
        from ._odekernels import compile_field, compile_jac

        return (
            compile_field(self.field),
            None if self.jac is None else compile_jac(self.jac),
            None if self.jac_p is None else compile_jac(self.jac_p),
        )

    def _rows(
        self, y: ArrayLike, p: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[int, ...]]:
        y = np.asarray(y, dtype=float)
        p = np.asarray(p, dtype=float)
        if y.ndim == 0 or y.shape[-1] != self.n_states:
            raise ParameterError(
                f"the state of {self.name} must have {self.n_states} components "
                f"{self.state_names}; got shape {y.shape}"
            )
        if p.ndim == 0 or p.shape[-1] != self.n_params:
            raise ParameterError(
                f"the parameters of {self.name} must have {self.n_params} entries "
                f"{self.param_names}; got shape {p.shape}"
            )
        lead = np.broadcast_shapes(y.shape[:-1], p.shape[:-1])
        ys = _arr(np.broadcast_to(y, (*lead, self.n_states))).reshape(-1, self.n_states)
        ps = _arr(np.broadcast_to(p, (*lead, self.n_params))).reshape(-1, self.n_params)
        return ys, ps, lead

    def vector_field(self, y: ArrayLike, p: ArrayLike, t: float = 0.0) -> NDArray[np.float64]:
        """dy/dt for a batch: ``y`` (..., n) and ``p`` (..., m) broadcast → (..., n)."""
        from ._odekernels import field_rows

        ys, ps, lead = self._rows(y, p)
        out = np.empty_like(ys)
        field_rows(self.compiled[0], float(t), ys, ps, self.aux, out)
        return out.reshape((*lead, self.n_states))

    def jacobian(self, y: ArrayLike, p: ArrayLike, t: float = 0.0) -> NDArray[np.float64]:
        """∂f/∂y for a batch → (..., n, n) (analytic if given, else finite differences)."""
        ys, ps, lead = self._rows(y, p)
        if self.compiled[1] is None:
            out = self._fd(ys, ps, t, wrt_state=True)
        else:
            from ._odekernels import jac_rows

            out = np.empty((ys.shape[0], self.n_states, self.n_states))
            jac_rows(self.compiled[1], float(t), ys, ps, self.aux, out)
        return out.reshape((*lead, self.n_states, self.n_states))

    def jacobian_p(self, y: ArrayLike, p: ArrayLike, t: float = 0.0) -> NDArray[np.float64]:
        """∂f/∂p for a batch → (..., n, m) (analytic if given, else finite differences)."""
        ys, ps, lead = self._rows(y, p)
        if self.compiled[2] is None:
            out = self._fd(ys, ps, t, wrt_state=False)
        else:
            from ._odekernels import jac_rows

            out = np.empty((ys.shape[0], self.n_states, self.n_params))
            jac_rows(self.compiled[2], float(t), ys, ps, self.aux, out)
        return out.reshape((*lead, self.n_states, self.n_params))

    def _fd(self, ys: NDArray, ps: NDArray, t: float, *, wrt_state: bool) -> NDArray:
        """Fourth-order central differences of the compiled field (steps ~ ε^{1/5})."""
        base = ys if wrt_state else ps
        cols = []
        for j in range(base.shape[1]):
            h = 1e-3 * (self.fd_scale if wrt_state else 1.0) * np.maximum(1.0, np.abs(base[:, j]))
            vals = []
            for s in (-2.0, -1.0, 1.0, 2.0):
                shifted = base.copy()
                shifted[:, j] += s * h
                vals.append(
                    self.vector_field(shifted, ps, t)
                    if wrt_state
                    else self.vector_field(ys, shifted, t)
                )
            cols.append((vals[0] - 8 * vals[1] + 8 * vals[2] - vals[3]) / (12 * h[:, None]))
        return np.stack(cols, axis=-1)

    # ------------------------------------------------------------------ views for consumers
    def rhs(self, t: float, y: ArrayLike, p: ArrayLike) -> NDArray[np.float64]:
        """dy/dt at one state (n,) and parameter vector (m,): the compiled field, called once."""
        y = _arr(y)
        out = np.empty(self.n_states)
        self.compiled[0](float(t), y, _arr(p), self.aux, out)
        return out

    def scipy_functions(
        self, p: ArrayLike
    ) -> tuple[Callable[[float, NDArray], NDArray], Callable[[float, NDArray], NDArray]]:
        """``(f(t, y), jac(t, y))`` at the parameters ``p`` for :func:`~qmemristor.solvers.
        solve_ode` (``jac`` analytic if the model has one, else finite differences).

        Each call is one call of the compiled function (≈3.5 µs from Python; handing the
        function to a compiled helper instead costs ≈190 µs a call, measured).
        """
        pv = np.array(p, dtype=float, order="C")
        if pv.shape != (self.n_params,):
            raise ParameterError(f"p must have {self.n_params} entries {self.param_names}")
        fn, jac, _ = self.compiled
        aux = self.aux
        n = self.n_states

        def f(t: float, y: NDArray) -> NDArray:
            out = np.empty(n)
            fn(float(t), _arr(y), pv, aux, out)
            return out

        def j(t: float, y: NDArray) -> NDArray:
            if jac is None:
                return self.jacobian(y, pv, t)
            out = np.empty((n, n))
            jac(float(t), _arr(y), pv, aux, out)
            return out

        return f, j

    def as_vector_field(self, t: float = 0.0) -> Any:
        """The :class:`~qmemristor.analysis.VectorField` ``f(x, p)`` of the continuation codes
        (autonomous: evaluated at time ``t``), with the model's Jacobians."""
        from .analysis.vectorfield import VectorField

        fn, jac, jac_p = self.compiled
        aux, n, m = self.aux, self.n_states, self.n_params

        def single(x: NDArray, p: NDArray) -> bool:
            return np.shape(x) == (n,) and np.shape(p) == (m,)

        def f(x: NDArray, p: NDArray) -> NDArray:
            if single(x, p):
                out = np.empty(n)
                fn(t, _arr(x), _arr(p), aux, out)
                return out
            return self.vector_field(x, p, t)

        def jx(x: NDArray, p: NDArray) -> NDArray:
            if jac is not None and single(x, p):
                out = np.empty((n, n))
                jac(t, _arr(x), _arr(p), aux, out)
                return out
            return self.jacobian(x, p, t)

        def jp(x: NDArray, p: NDArray) -> NDArray:
            if jac_p is not None and single(x, p):
                out = np.empty((n, m))
                jac_p(t, _arr(x), _arr(p), aux, out)
                return out
            return self.jacobian_p(x, p, t)

        return VectorField(
            f,
            jac_x=jx if jac is not None else None,
            jac_p=jp if jac_p is not None else None,
            fd_scale=self.fd_scale,
        )
