"""What a sweep can run: models that turn parameter points into scalar results.

A :class:`SweepModel` names its parameters (with defaults), the scalar results it produces per
point (:class:`Output`; ``status`` is always one of them), and an ``evaluate`` function that
takes a *batch* of points — ``{parameter: array (n,)}`` plus the numerical options — and returns
``{output: array (n,)}``.  A point that fails gets a non-zero ``status`` (with its meaning in
``status_meanings``) and fill values elsewhere; evaluate must not raise for one bad point.

Built in: ``"neuron"`` (:mod:`qmemristor.sweeps.neuron`, Paper N: span, frequency, regime,
V_mean) and ``"coupled"`` (:mod:`qmemristor.sweeps.coupled`, Paper M: maximum concurrence and
mean form factor of two coupled memristors).  Other models plug in with
:func:`register_model`; :func:`pointwise` turns a function of one point into a batch
``evaluate`` that records exceptions as failed points::

    def one(gamma, delta, **options):          # one simulation -> scalars
        return {"max_concurrence": ..., "mean_form_factor": ...}

    register_model(SweepModel(
        name="coupled", defaults={"gamma": 0.02, "delta": 0.1},
        outputs=(Output("max_concurrence"), Output("mean_form_factor"), STATUS_OUTPUT),
        evaluate=pointwise(one, ("max_concurrence", "mean_form_factor")),
    ))

The model object travels with every chunk to the executor (pickled; Dask uses cloudpickle), so
a model defined in a script works on a local Dask cluster too; a remote cluster needs the
functions importable on its workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError

__all__ = [
    "POINT_FAILED",
    "STATUS_OUTPUT",
    "Output",
    "SweepModel",
    "get_model",
    "pointwise",
    "register_model",
    "registered_models",
]

#: Status of a point whose per-point function raised (:func:`pointwise`).
POINT_FAILED = 1

EvaluateFn = Callable[[Mapping[str, NDArray], Mapping[str, Any]], Mapping[str, NDArray]]


@dataclass(frozen=True)
class Output:
    """One scalar result per point.

    Attributes
    ----------
    name : str
        Variable name in the dataset.
    dtype : str
        NumPy dtype string (``"f8"``, ``"i1"``, ...).
    fill : float or int
        Value of points not computed yet (and of failed points for floats: NaN).
    attrs : dict
        Variable attributes (``long_name``, ``units``, CF ``flag_values``/``flag_meanings``).
    """

    name: str
    dtype: str = "f8"
    fill: float | int = math.nan
    attrs: Mapping[str, Any] = field(default_factory=dict)


#: The ``status`` output every model has: 0 = ok, other codes = failure reasons.
STATUS_OUTPUT = Output(
    "status",
    "i1",
    -1,
    {"long_name": "status of the point (0: ok; see flag_meanings)"},
)


@dataclass(frozen=True)
class SweepModel:
    """A model a sweep can run.

    Attributes
    ----------
    name : str
        Registry name (``qmemristor.sweeps.run(..., model=name)``).
    defaults : mapping
        Every parameter (a possible axis or fixed value) and its default value.
    outputs : tuple of Output
        Scalar results per point; must include ``status``.
    evaluate : callable
        ``evaluate(params, options) -> {output: array (n,)}`` for a batch of ``n`` points;
        ``params`` maps every parameter to an array (n,).  Deterministic: the same batch gives
        bit-identical results on the same machine.
    check_point : callable, optional
        ``check_point(params: dict[str, float])`` raises :class:`ParameterError` for an invalid
        parameter set (used on the corners and values of every axis before anything runs).
    check_options : callable, optional
        ``check_options(options: dict) -> dict``: validated options with defaults filled in.
    prepare : callable, optional
        ``prepare(fixed: dict)``: one-off set-up in the process that evaluates (e.g. compiling
        a kernel, building tables) before the chunks run.
    status_meanings : mapping
        Status code → reason.
    parameter_attrs : mapping
        Coordinate attributes per parameter (``long_name``, ``units``).
    releases_gil : bool
        ``evaluate`` spends its time in code that releases the GIL (a ``nogil`` compiled
        kernel): the local executor then runs chunks on threads, which start instantly;
        otherwise, for sweeps of many chunks, on worker processes.
    """

    name: str
    defaults: Mapping[str, float]
    outputs: tuple[Output, ...]
    evaluate: EvaluateFn
    check_point: Callable[[dict[str, float]], Any] | None = None
    check_options: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    prepare: Callable[[dict[str, float]], None] | None = None
    status_meanings: Mapping[int, str] = field(default_factory=lambda: {0: "ok"})
    parameter_attrs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    releases_gil: bool = False

    def __post_init__(self) -> None:
        names = [o.name for o in self.outputs]
        if "status" not in names:
            raise ValueError(f"model {self.name!r}: outputs must include 'status'")
        if len(set(names)) != len(names):
            raise ValueError(f"model {self.name!r}: duplicate output names {names}")
        clash = set(names) & set(self.defaults)
        if clash:
            raise ValueError(f"model {self.name!r}: {sorted(clash)} are parameters and outputs")

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    def output(self, name: str) -> Output:
        return next(o for o in self.outputs if o.name == name)


_REGISTRY: dict[str, SweepModel | Callable[[], SweepModel]] = {}


def register_model(model: SweepModel | Callable[[], SweepModel], name: str | None = None) -> None:
    """Register a model (or a zero-argument factory, called on first use) under its name."""
    key = name if name is not None else model.name  # type: ignore[union-attr]
    _REGISTRY[key] = model


def _builtin() -> None:
    if "neuron" not in _REGISTRY:
        from .neuron import neuron_model

        _REGISTRY["neuron"] = neuron_model
    if "neuron-orbits" not in _REGISTRY:
        from .neuron_orbits import orbits_model

        _REGISTRY["neuron-orbits"] = orbits_model
    if "coupled" not in _REGISTRY:
        from .coupled import coupled_model

        _REGISTRY["coupled"] = coupled_model
    if "network" not in _REGISTRY:
        from .network import network_model

        _REGISTRY["network"] = network_model


def registered_models() -> tuple[str, ...]:
    _builtin()
    return tuple(sorted(_REGISTRY))


def get_model(name: str | SweepModel) -> SweepModel:
    """The registered model ``name`` (a :class:`SweepModel` is returned unchanged)."""
    if isinstance(name, SweepModel):
        return name
    _builtin()
    if name not in _REGISTRY:
        raise ParameterError(f"unknown sweep model {name!r}; choose one of: {registered_models()}")
    entry = _REGISTRY[name]
    if not isinstance(entry, SweepModel):
        entry = entry()
        _REGISTRY[name] = entry
    return entry


def pointwise(
    fn: Callable[..., Mapping[str, float]],
    outputs: tuple[str, ...],
    *,
    catch: tuple[type[BaseException], ...] = (ArithmeticError, ValueError, RuntimeError),
) -> EvaluateFn:
    """Batch ``evaluate`` from a function of one point: ``fn(**params, **options) -> {out: x}``.

    A point whose call raises one of ``catch`` gets status :data:`POINT_FAILED` and NaN
    outputs; the batch goes on.  Points run one after the other in the calling process (the
    executor parallelises over chunks).
    """

    def evaluate(params: Mapping[str, NDArray], options: Mapping[str, Any]) -> dict[str, NDArray]:
        n = len(next(iter(params.values()))) if params else 0
        res = {k: np.full(n, np.nan) for k in outputs}
        status = np.zeros(n, dtype=np.int8)
        for i in range(n):
            point = {k: float(v[i]) for k, v in params.items()}
            try:
                values = fn(**point, **options)
            except catch:
                status[i] = POINT_FAILED
                continue
            for k in outputs:
                res[k][i] = values[k]
        res["status"] = status
        return res

    evaluate.__name__ = getattr(fn, "__name__", "evaluate")
    evaluate.__qualname__ = evaluate.__name__
    return evaluate
