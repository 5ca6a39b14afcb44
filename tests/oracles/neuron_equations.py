"""Paper N's vector field and Jacobians re-derived for the tests (independent of the package).

The package states the equations once (``neuron.model.field_terms``, ``jacobian_terms``,
``jacobian_param_terms``, ``neuron.device.conductance_terms``) and compiles them.  This file
writes them again from the equations of docs/theory.md §N2, in NumPy, with F_ij from the
independent table reader of ``tests/oracles/fij_tables.py``::

    x_V = x0 − l√2 V,   G = ½[(1 + Z) F00 + 2 X F01 + (1 − Z) F11](x_V),   D = V_in − (1 + R_m G) V
    X' = Ω Y + 2 D Z − Γ X,   Y' = −Ω X − Γ Y,   Z' = −2 D X − αΓ (Z − Z_T),   V' = D

``field(y, pvec, tables)`` for one point; its Jacobians are checked by finite differences in
the tests, so only the field needs this second reading.
"""

from __future__ import annotations

import math

import numpy as np

from tests.oracles.fij_tables import table_values


def field(y, pvec, tables) -> np.ndarray:
    """dy/dt at one state (4,) for pvec = (v_in, r_m, gamma, alpha, z_t, omega, x0)."""
    bx, by, bz, v = (float(a) for a in y)
    v_in, r_m, gamma, alpha, z_t, omega, x0 = (float(a) for a in pvec)
    f00, f01, f11 = table_values(tables, np.array([x0 - tables.l * math.sqrt(2.0) * v]))[0]
    g = 0.5 * ((1 + bz) * f00 + 2 * bx * f01 + (1 - bz) * f11)
    d = v_in - (1 + r_m * g) * v
    return np.array(
        [omega * by + 2 * d * bz - gamma * bx, -omega * bx - gamma * by,
         -2 * d * bx - alpha * gamma * (bz - z_t), d]
    )  # fmt: skip
