"""Paper M: the two-level quantum memristor (exact solution, Lindblad solver, observables).

One memristor: the model (:mod:`.model`), the closed form (:mod:`.exact`), the master equation
(:mod:`.lindblad`), ⟨V⟩ and ⟨I⟩ (:mod:`.observables`) and a checked run with its memristive
variables (:mod:`.run`).  Two coupled memristors: the gates (:mod:`.interactions`), the system
and its presets (:mod:`.coupled`), the continuous-time reference (:mod:`.coupled_lindblad`)
and the measures (:mod:`.coupled_measures`).

The functions that return labelled datasets — :func:`simulate`, :func:`trajectory_dataset`,
:func:`coupled_dataset`, :func:`simulate_coupled_reference` — are defined in the results layer
(:mod:`qmemristor.results.memristor`) and reachable here, imported when first used.
"""

from typing import TYPE_CHECKING, Any

from .coupled import (
    DEFAULT_DELTA,
    FRAMES,
    INTERACTIONS,
    LIBRARY_PRESET,
    PAPER_PRESET,
    PRESETS,
    CoupledMemristors,
    CoupledPreset,
    Coupling,
    get_preset,
    partial_trace,
    product_density,
)
from .coupled_lindblad import (
    coupled_rhs,
    coupled_trajectories,
    solve_coupled_lindblad,
    solve_coupled_reference,
)
from .coupled_measures import CoupledMeasures, CoupledSolution, coupled_measures
from .exact import Trajectory, amplitude_damping_kraus, exact_density, exact_solution
from .interactions import interaction_generator
from .lindblad import solve_lindblad
from .model import (
    CallableDecay,
    ConstantDecay,
    DecayProtocol,
    InitialState,
    MemristorParams,
    PaperDrive,
    cumulative_integral,
    hamiltonian,
    kappa,
    lindblad_rhs,
    lindblad_superoperators,
    time_grid,
)
from .observables import current, derivative_on_grid, voltage
from .run import MemristorRun, memristor_run, run_memristor

if TYPE_CHECKING:  # pragma: no cover - what the lazy names below resolve to
    from ..results.memristor import (
        coupled_dataset,
        simulate,
        simulate_coupled_reference,
        trajectory_dataset,
    )

#: Names defined in :mod:`qmemristor.results.memristor` (datasets), imported on first use.
_RESULTS = ("coupled_dataset", "simulate", "simulate_coupled_reference", "trajectory_dataset")


def __getattr__(name: str) -> Any:
    if name in _RESULTS:
        from ..results import memristor as _results

        return getattr(_results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_DELTA",
    "FRAMES",
    "INTERACTIONS",
    "LIBRARY_PRESET",
    "PAPER_PRESET",
    "PRESETS",
    "CallableDecay",
    "ConstantDecay",
    "CoupledMeasures",
    "CoupledMemristors",
    "CoupledPreset",
    "CoupledSolution",
    "Coupling",
    "DecayProtocol",
    "InitialState",
    "MemristorParams",
    "MemristorRun",
    "PaperDrive",
    "Trajectory",
    "amplitude_damping_kraus",
    "coupled_dataset",
    "coupled_measures",
    "coupled_rhs",
    "coupled_trajectories",
    "cumulative_integral",
    "current",
    "derivative_on_grid",
    "exact_density",
    "exact_solution",
    "get_preset",
    "hamiltonian",
    "interaction_generator",
    "kappa",
    "lindblad_rhs",
    "lindblad_superoperators",
    "memristor_run",
    "partial_trace",
    "product_density",
    "run_memristor",
    "simulate",
    "simulate_coupled_reference",
    "solve_coupled_lindblad",
    "solve_coupled_reference",
    "solve_lindblad",
    "time_grid",
    "trajectory_dataset",
    "voltage",
]
