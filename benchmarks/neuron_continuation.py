"""Speed of the neuron's continuation: the Hopf curve in (V_in, R_m) at Z_T = 1 (Fig. 5a).

Baseline: :class:`qmemristor.analysis.VectorField` built from ``neuron.make_flat_field``
(batched NumPy vector field and Jacobians, called one point at a time), and the same with
finite differences only (no analytic Jacobians).  Ours: ``neuron.stability.neuron_field``
(scalar plain-Python path).  Same curve, same options (``CURVE_OPTIONS``), l1 at every point;
prints seconds, ratios and the largest difference between the curves.  Run::

    PYTHONPATH=src python benchmarks/neuron_continuation.py
"""

from __future__ import annotations

import time

import numpy as np

from qmemristor.analysis import VectorField, continue_hopf
from qmemristor.neuron import NeuronParams, make_flat_field
from qmemristor.neuron.stability import CURVE_OPTIONS, FD_SCALE, hopf_points, neuron_field

P = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0, z_t=1.0)
BOX = ((0.0, 6.0), (0.0, 10.0))


def curve(vf, h):
    t0 = time.perf_counter()
    c = continue_hopf(vf, h.state, h.params.pvec, 0, 1, bounds=BOX, options=CURVE_OPTIONS)
    return time.perf_counter() - t0, c


def main() -> None:
    h = hopf_points(P, "v_in", BOX[0])[0]
    f, jx, jp = make_flat_field()
    fields = {
        "finite differences only (f from make_flat_field)": VectorField(f, fd_scale=FD_SCALE),
        "make_flat_field, analytic Jacobians (baseline)": VectorField(
            f, jac_x=jx, jac_p=jp, fd_scale=FD_SCALE
        ),
        "neuron_field (scalar path, ours)": neuron_field(),
    }
    results = {k: curve(vf, h) for k, vf in fields.items()}
    base = results["make_flat_field, analytic Jacobians (baseline)"][0]
    ref = results["neuron_field (scalar path, ours)"][1]
    for k, (sec, c) in results.items():
        n = min(len(c.params), len(ref.params))
        diff = np.abs(c.params[:n] - ref.params[:n]).max()
        print(
            f"{k:52s} {sec:6.2f} s  ×{base / sec:5.2f} vs baseline  {len(c.params)} points, "
            f"max |Δ(V_in, R_m)| = {diff:.1e}"
        )


if __name__ == "__main__":
    main()
