"""Speed of one long neuron trajectory (SPEC §N4): integrators and the compiled vector field.

Baseline: ``scipy.integrate.solve_ivp`` DOP853 on the plain-Python ``neuron.rhs`` (what one
would write first).  Compared: the same with the numba-compiled field (the default of
``neuron.dynamics.simulate``), LSODA through ``odeint`` (step loop in Fortran), and the
implicit Radau/BDF with the analytic Jacobian.  All at rtol 1e-8, atol 1e-10, R_m = 5,
V_in = 1.73 (on the limit cycle), output every 0.01, t_end = 400.  Also prints the span of V on
the second half for each method (they must agree).  Run from the repository root::

    PYTHONPATH=src python benchmarks/neuron_simulate.py
"""

from __future__ import annotations

import time

import numpy as np

from qmemristor.neuron import NeuronParams
from qmemristor.neuron.dynamics import initial_state, integrate_trajectory

P = NeuronParams(r_m=5.0, v_in=1.73, gamma=0.1, alpha=1.0, z_t=1.0)
T_END = 400.0


def run(method: str, compiled: bool, t_end: float = T_END) -> tuple[float, float]:
    t = np.arange(0.0, t_end + 1e-9, 0.01)
    best, y = np.inf, None
    for _ in range(2):
        t0 = time.perf_counter()
        y = integrate_trajectory(P, initial_state(P), t, method=method, compiled=compiled)
        best = min(best, time.perf_counter() - t0)
    return best, float(np.ptp(y[t.size // 2 :, 3]))


def main() -> None:
    integrate_trajectory(P, initial_state(P), np.linspace(0, 1, 11))  # compile numba once
    base, span0 = run("DOP853", compiled=False)
    print(f"t_end = {T_END:g}, dt = 0.01, rtol 1e-8, atol 1e-10 (best of 2)")
    print(f"{'solve_ivp DOP853, Python rhs (baseline)':44s} {base:7.2f} s   span {span0:.10f}")
    for label, method, compiled, t_end in (
        ("solve_ivp DOP853, numba rhs (default)", "DOP853", True, T_END),
        ("odeint LSODA, numba rhs", "odeint", True, T_END),
        ("solve_ivp LSODA, numba rhs", "LSODA", True, T_END),
        ("solve_ivp BDF + analytic Jacobian", "BDF", True, T_END / 4),
        ("solve_ivp Radau + analytic Jacobian", "Radau", True, T_END / 10),
    ):
        sec, sp = run(method, compiled, t_end)
        scale = T_END / t_end
        note = "" if t_end == T_END else f" (ran t_end = {t_end:g}, scaled ×{scale:g})"
        span_txt = f"span {sp:.10f}" if t_end == T_END else " " * 17
        print(
            f"{label:44s} {sec * scale:7.2f} s   {span_txt}   ×{base / (sec * scale):5.2f} vs "
            f"baseline{note}"
        )


if __name__ == "__main__":
    main()
