"""Paper M: the two-level quantum memristor (exact solution, Lindblad solver, observables)."""

from .exact import Trajectory, amplitude_damping_kraus, exact_density, exact_solution
from .lindblad import solve_lindblad
from .model import (
    CallableDecay,
    ConstantDecay,
    DecayProtocol,
    InitialState,
    MemristorParams,
    PaperDrive,
    hamiltonian,
    kappa,
    lindblad_rhs,
    lindblad_superoperators,
    time_grid,
)
from .observables import current, derivative_on_grid, voltage
from .simulate import simulate, trajectory_dataset

__all__ = [
    "CallableDecay",
    "ConstantDecay",
    "DecayProtocol",
    "InitialState",
    "MemristorParams",
    "PaperDrive",
    "Trajectory",
    "amplitude_damping_kraus",
    "current",
    "derivative_on_grid",
    "exact_density",
    "exact_solution",
    "hamiltonian",
    "kappa",
    "lindblad_rhs",
    "lindblad_superoperators",
    "simulate",
    "solve_lindblad",
    "time_grid",
    "trajectory_dataset",
    "voltage",
]
