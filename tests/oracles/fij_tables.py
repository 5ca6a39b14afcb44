"""An independent NumPy evaluation of the F_ij tables (vectorised Clenshaw + closed-form tail).

The package evaluates its tables with one scalar kernel (``neuron.device.fij_point``, compiled
in a loop by ``evaluate``).  This is a second, vectorised reading of the same arrays
(``FijTables.breaks``, ``coefs``, ``tail_*``) written for the tests: binary panel search,
Clenshaw per function, the tail by a matrix product.  Same arithmetic up to summation order
and NumPy's own ``exp``, so the two agree to a few ulps; it checks the flat layout, the
bucket search and the parity rules of the kernel.
"""

from __future__ import annotations

import numpy as np

PARITY = np.array([0, 1, 0])


def table_values(tables, x, order: int = 0) -> np.ndarray:
    """F00, F01, F11 (or the order-th derivative) at ``x`` from the tables, x.shape + (3,)."""
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1)
    ax = np.abs(flat)
    out = np.empty((flat.size, 3))
    inner = ax <= tables.x_tail
    xi = ax[inner]
    br = tables.breaks
    idx = np.clip(np.searchsorted(br, xi, side="right") - 1, 0, br.size - 2)
    left, right = br[idx], br[idx + 1]
    t = ((2.0 * xi - left - right) / (right - left))[:, None]
    ck = tables.coefs[order]  # (n+1, P, 3)
    b1 = ck[-1][idx]
    b2 = np.zeros_like(b1)
    for k in range(ck.shape[0] - 2, 0, -1):
        b1, b2 = ck[k][idx] + 2.0 * t * b1 - b2, b1
    out[inner] = ck[0][idx] + t * b1 - b2
    ao = ax[~inner][:, None]
    terms = np.exp(tables.tail_b - tables.tail_a * ao) * (-tables.tail_a) ** order
    out[~inner] = terms @ tables.tail_c.T
    neg = flat < 0
    out[neg] *= (-1.0) ** (PARITY + order)
    return out.reshape((*x.shape, 3))
