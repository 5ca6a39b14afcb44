"""Fixed-step RK4 over the neuron's one compiled vector field, with piecewise-constant V_in.

Separate module so that numba loads only when a neuron reservoir runs.  The vector field is
:func:`qmemristor.neuron._kernels.field` (inlined by numba), the same compiled field the
sweeps and :mod:`qmemristor.neuron.dynamics` use; nothing of the neuron's equations is
written here.  Why a fixed-step RK4 in numba: a reservoir run integrates thousands of holds,
each with its own V_in.  Measured (CPU time, one hold of length 1 read 4 times): one
``solve_ivp`` (DOP853, rtol 1e-8) per hold 1.6 ms, this loop 70 µs (×23); for 3 200 samples ×
8 nodes that is ≈ 42 s against ≈ 1.8 s.  Accuracy
against SciPy's DOP853 at rtol 1e-10: :mod:`qmemristor.reservoir.reservoirs`.
"""

from __future__ import annotations

import numba
import numpy as np

from ..neuron._kernels import field


@numba.njit(cache=True, nogil=True)
def run_nodes(y0, v_in, pvec, c, tab, n_virtual, substeps, dt):  # pragma: no cover - compiled
    """States at the virtual nodes of every hold, shape ``(n, n_virtual, nodes, 4)``.

    ``y0`` (nodes, 4) initial states; ``v_in`` (n, nodes) the input of each hold and node;
    ``pvec`` the neuron's parameter vector (its ``v_in`` entry is ignored); each hold is
    ``n_virtual × substeps`` RK4 steps of length ``dt`` and the state is stored after every
    ``substeps`` steps.
    """
    n, nodes = v_in.shape
    out = np.empty((n, n_virtual, nodes, 4))
    r_m, gamma, ag, z_t, omega, x0 = pvec[1], pvec[2], pvec[3] * pvec[2], pvec[4], pvec[5], pvec[6]
    h2 = 0.5 * dt
    h6 = dt / 6.0
    for i in range(nodes):
        a, b, z, v = y0[i, 0], y0[i, 1], y0[i, 2], y0[i, 3]
        for k in range(n):
            u = v_in[k, i]
            for j in range(n_virtual):
                for _ in range(substeps):
                    a1, b1, z1, v1 = field(a, b, z, v, u, r_m, gamma, ag, z_t, omega, x0, c, tab)
                    a2, b2, z2, v2 = field(
                        a + h2 * a1, b + h2 * b1, z + h2 * z1, v + h2 * v1,
                        u, r_m, gamma, ag, z_t, omega, x0, c, tab,
                    )  # fmt: skip
                    a3, b3, z3, v3 = field(
                        a + h2 * a2, b + h2 * b2, z + h2 * z2, v + h2 * v2,
                        u, r_m, gamma, ag, z_t, omega, x0, c, tab,
                    )  # fmt: skip
                    a4, b4, z4, v4 = field(
                        a + dt * a3, b + dt * b3, z + dt * z3, v + dt * v3,
                        u, r_m, gamma, ag, z_t, omega, x0, c, tab,
                    )  # fmt: skip
                    a += h6 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
                    b += h6 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
                    z += h6 * (z1 + 2.0 * z2 + 2.0 * z3 + z4)
                    v += h6 * (v1 + 2.0 * v2 + 2.0 * v3 + v4)
                out[k, j, i, 0] = a
                out[k, j, i, 1] = b
                out[k, j, i, 2] = z
                out[k, j, i, 3] = v
    return out
