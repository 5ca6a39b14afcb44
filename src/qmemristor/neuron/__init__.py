"""Paper N: the artificial memristive quantum neuron.

- :mod:`.device` — F_ij(x) and derivatives (cached tables + closed-form tails), G and I;
- :mod:`.model` — :class:`NeuronParams`, the vector field (scalar, batched, flat) and Jacobians;
- :mod:`.equilibria` — all equilibria and their stability, folds, cusps, quasi-static ramps.
"""

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
    stability,
)
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

__all__ = [
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
    "stability",
    "vector_field",
    "x_of_v",
]
