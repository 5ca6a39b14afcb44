"""Accuracy of the F_ij tables (SPEC §N1) against adaptive quadrature, for several (l, λ).

For each device and derivative order m = 0, 1, 2 prints, over |x| ≤ 10 (201 points) plus points
just inside/outside the closed-form tail and at 1.5 and 3 × x_tail:

- max |F_tables − F_quad| / max |F_quad|   (absolute, scaled),
- max relative error of the positive functions F00, F11 (m = 0) where F > 1e-25 max F.

The oracle is ``tests/oracles/fij_quad.py`` (scipy.integrate.quad, epsrel 2e-14).  Run from the
repository root (takes ~1 min)::

    PYTHONPATH=src:. python benchmarks/device_accuracy.py
"""

from __future__ import annotations

import numpy as np
from tests.oracles.fij_quad import fij_quad

from qmemristor.neuron.device import device_tables, evaluate

DEVICES = [(0.5, 0.13), (1.0, 0.01), (0.05, 1.0), (0.2, 0.2), (2.0, 0.5)]


def main() -> None:
    print(f"{'l':>5} {'λ':>5} {'x_tail':>8} {'panels':>6}  order  abs/max     rel(F00,F11)")
    for l, lam in DEVICES:
        t = device_tables(l, lam)
        extra = t.x_tail * np.array([0.999, 1.001, 1.5, 3.0])
        xs = np.concatenate([np.linspace(-10, 10, 201), extra, -extra])
        form = "sech" if lam >= l or (l, lam) == (0.5, 0.13) else "weights"
        for order in range(3):
            ours = evaluate(t, xs, order)
            ref = np.array([fij_quad(float(x), l, lam, order, form) for x in xs])
            scale = np.abs(ref).max(axis=0)
            err_abs = (np.abs(ours - ref) / scale).max()
            rel = ""
            if order == 0:
                pos = ref[:, [0, 2]]
                keep = pos > 1e-25 * scale[[0, 2]]
                rel = f"{(np.abs(ours[:, [0, 2]] - pos)[keep] / pos[keep]).max():.1e}"
            print(
                f"{l:5g} {lam:5g} {t.x_tail:8.3f} {t.n_panels:6d}  {order:5d}  {err_abs:.1e}"
                f"     {rel}"
            )


if __name__ == "__main__":
    main()
