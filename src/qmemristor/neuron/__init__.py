"""Paper N: the artificial memristive quantum neuron.

- :mod:`.device` — F_ij(x) and derivatives (cached tables + closed-form tails), G and I;
- :mod:`.model` — :class:`NeuronParams`, the vector field (scalar, batched, flat) and Jacobians;
- :mod:`.equilibria` — all equilibria and their stability, folds, cusps, quasi-static ramps;
- :mod:`.stability` — branches of equilibria in any parameter, Hopf points with their first
  Lyapunov coefficient, Hopf and fold curves in a parameter plane (continuation);
- :mod:`.dynamics` — long-time simulation: regime, span, spectrum, up/down sweeps;
- :mod:`.stationary` — when a run is stationary: the window rule, its time scale and caps.

``qmemristor.neuron.stability`` is the module; the eigenvalue check of one equilibrium,
``equilibria.stability``, is re-exported as :func:`equilibrium_stability` (a package attribute
named ``stability`` would be replaced by the submodule as soon as that is imported).
The names of :mod:`.stability` and :mod:`.dynamics` are imported on first use (they pull in
the continuation code and SciPy's integrators, which most CLI calls do not need).
"""

from .._lazy import lazy_exports
from .device import (
    FijTables,
    build_tables,
    conductance,
    current,
    device_tables,
    evaluate,
    evaluate_orders,
    fij,
    fij_point,
    fij_trapezoid,
    x_of_v,
)
from .equilibria import (
    Cusp,
    Equilibrium,
    Fold,
    cusps,
    equilibria,
    equilibrium_input,
    equilibrium_residual,
    fold_points,
    primary_cusp,
    psi_derivatives,
    quasi_static_ramp,
    ramp_values,
)
from .equilibria import stability as equilibrium_stability
from .model import (
    PARAM_NAMES,
    STATE_NAMES,
    NeuronParams,
    conductance_of_state,
    jacobian,
    jacobian_flat,
    jacobian_params,
    make_flat_field,
    rhs,
    vector_field,
)

_LAZY = {
    "EquilibriumDiagram": "stability",
    "FoldPoint": "stability",
    "HopfPoint": "stability",
    "equilibrium_diagram": "stability",
    "fold_curves": "stability",
    "hopf_curves": "stability",
    "hopf_points": "stability",
    "neuron_field": "stability",
    "Simulation": "dynamics",
    "StationarySummary": "dynamics",
    "coexistence_intervals": "dynamics",
    "initial_state": "dynamics",
    "simulate": "dynamics",
    "summarize": "dynamics",
    "sweep": "dynamics",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    *sorted(_LAZY),
    "PARAM_NAMES",
    "STATE_NAMES",
    "Cusp",
    "Equilibrium",
    "FijTables",
    "Fold",
    "NeuronParams",
    "build_tables",
    "conductance",
    "conductance_of_state",
    "current",
    "cusps",
    "device_tables",
    "equilibria",
    "equilibrium_input",
    "equilibrium_residual",
    "equilibrium_stability",
    "evaluate",
    "evaluate_orders",
    "fij",
    "fij_point",
    "fij_trapezoid",
    "fold_points",
    "jacobian",
    "jacobian_flat",
    "jacobian_params",
    "make_flat_field",
    "primary_cusp",
    "psi_derivatives",
    "quasi_static_ramp",
    "ramp_values",
    "rhs",
    "vector_field",
    "x_of_v",
]
