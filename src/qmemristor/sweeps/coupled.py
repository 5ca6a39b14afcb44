"""Two coupled memristors (Paper M, §M3) as a sweep model: maximum concurrence, mean form factor.

Each point is one run of the digital collisional protocol with the interaction gate after every
step (:func:`qmemristor.digital.simulate.simulate_coupled`, exact ``density`` backend), or of its
continuous-time limit (``method="lindblad"``:
:func:`qmemristor.memristor.coupled.simulate_coupled_reference`), on ``periods`` drive periods
with ``points_per_period`` steps each.  Outputs:

- ``max_concurrence`` — the largest Wootters concurrence of the two-memristor state over the run;
- ``mean_form_factor`` — form factor F = 4πS/P² (docs/theory.md §M3 convention) averaged over every
  period of both memristors;
- ``status`` — 0, or 1 if the run raised (the point is NaN, the sweep goes on).

Parameters (axes or fixed): ``gamma0`` (γ0 of both memristors' drive Γ(t) = γ0(1 − sin(cos ωt))),
``delta`` (coupling angle per step), ``a``, ``b`` (both start in cos a|e⟩ + sin a e^{ib}|g⟩).
Defaults: the paper's Figs. 7–12 (γ0 = 0.02, δ = 0.02, a = π/4, b = 0).  Options:
``interaction`` (one of :data:`~qmemristor.memristor.coupled.INTERACTIONS`, default ``"yy"``),
``frame``, ``periods`` (20), ``points_per_period`` (30), ``method``.

Built with :func:`~qmemristor.sweeps.models.pointwise`: it is the worked example of the
extension point (any function of one point returning scalars becomes a sweep model).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import ParameterError
from .models import STATUS_OUTPUT, Output, SweepModel, pointwise

__all__ = ["coupled_model", "coupled_point"]

_DEFAULTS = {"gamma0": 0.02, "delta": 0.02, "a": math.pi / 4, "b": 0.0}
_OPTIONS = {
    "interaction": "yy",
    "frame": "interaction",
    "periods": 20,
    "points_per_period": 30,
    "method": "density",
}


def coupled_point(
    gamma0: float,
    delta: float,
    a: float,
    b: float,
    *,
    interaction: str = "yy",
    frame: str = "interaction",
    periods: int = 20,
    points_per_period: int = 30,
    method: str = "density",
) -> dict[str, float]:
    """One coupled run → ``{"max_concurrence": …, "mean_form_factor": …}`` (module docstring)."""
    from ..memristor import InitialState, MemristorParams, time_grid
    from ..memristor.coupled import CoupledMemristors, Coupling, simulate_coupled_reference

    state = InitialState.from_angles(a, b)
    m = MemristorParams(gamma0=gamma0)
    system = CoupledMemristors(m, m, Coupling(interaction, delta), frame)
    t = time_grid(periods, points_per_period)
    if method == "density":
        from ..digital.simulate import simulate_coupled

        ds = simulate_coupled(system, state, state, t, backend="density")
    else:
        ds = simulate_coupled_reference(system, state, state, t)
    return {
        "max_concurrence": float(np.max(ds.concurrence.values)),
        "mean_form_factor": float(np.mean(ds.form_factor.values)),
    }


def _check_point(params: dict[str, float]) -> None:
    from ..memristor import InitialState, MemristorParams
    from ..memristor.coupled import Coupling

    MemristorParams(gamma0=params["gamma0"])
    Coupling("yy", params["delta"])
    InitialState.from_angles(params["a"], params["b"])


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    from ..memristor.coupled import FRAMES, INTERACTIONS

    for k in options:
        if k not in _OPTIONS:
            valid = ", ".join(_OPTIONS)
            raise ParameterError(f"unknown coupled sweep option {k!r}; valid: {valid}")
    opts = {**_OPTIONS, **options}
    if opts["interaction"] not in INTERACTIONS:
        raise ParameterError(
            f"unknown interaction {opts['interaction']!r}; choose one of: {', '.join(INTERACTIONS)}"
        )
    if opts["frame"] not in FRAMES:
        raise ParameterError(f"unknown frame {opts['frame']!r}; choose one of: {', '.join(FRAMES)}")
    if opts["method"] not in ("density", "lindblad"):
        raise ParameterError(f"method must be 'density' or 'lindblad' (got {opts['method']!r})")
    for k in ("periods", "points_per_period"):
        v = opts[k]
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ParameterError(f"{k} must be a positive integer (got {v!r})")
        opts[k] = int(v)
    return opts


def coupled_model() -> SweepModel:
    """The ``"coupled"`` sweep model (registered under that name)."""
    return SweepModel(
        name="coupled",
        defaults=dict(_DEFAULTS),
        outputs=(
            Output("max_concurrence", attrs={"long_name": "max concurrence over the run"}),
            Output(
                "mean_form_factor",
                attrs={"long_name": "form factor 4πS/P² averaged over periods and memristors"},
            ),
            STATUS_OUTPUT,
        ),
        evaluate=pointwise(coupled_point, ("max_concurrence", "mean_form_factor")),
        check_point=_check_point,
        check_options=_check_options,
        status_meanings={0: "ok", 1: "the run raised an error"},
        parameter_attrs={
            "gamma0": {"long_name": "decay strength γ0 of both memristors"},
            "delta": {"long_name": "coupling angle δ per step", "units": "rad"},
            "a": {"long_name": "initial-state angle a"},
            "b": {"long_name": "initial-state phase b", "units": "rad"},
        },
    )
