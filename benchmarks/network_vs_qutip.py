"""Speed of the network density backend: against QuTiP ``mesolve``, and its cost against N.

Part 1 — the continuous-coupling network (ring, σy⊗σy, γ0 = 0.02, every node from
(|e⟩+|g⟩)/√2, coupling rate g = δ0/Δt0 with the coupled case's δ0 = 0.02 at 30 steps per
period, interaction frame), observables ⟨σx, σy, σz⟩ of every node at 30 points per period:

* ours: the collisional protocol with the *symmetric* (Strang) gate order at a fine step,
  ``δ = g·Δt`` (second order in Δt; the exact ∫Γ of every collision needs no sub-stepping),
  at the coarsest step that meets 1e-4;
* QuTiP: ``mesolve`` of the same master equation in its best form (interaction picture:
  static Hamiltonian, one time-dependent dissipator Γ(t)·Σ_k D[σ−_k]), default tolerances;
* reference: Richardson extrapolation of ours at two fine steps (the Strang error has only
  even powers of Δt), checked against QuTiP at rtol 1e-9 in --quick.

Both must reach max error ≤ 1e-4 against the reference; times in one process, side by side.

Part 2 — the density backend's cost per step against N = 4 … 12 (ring, yy: N edges, windows
of four nodes), the fitted growth per node (4 is the 4^N law), and the N = 12 run of 20
periods × 30 steps with its peak memory (``ru_maxrss``).

The machine is shared: every time is given as wall and CPU time (``time.process_time``, all
threads of this process), the minimum over repeats, with the load average at the start.

Run from the repository root::

    PYTHONPATH=src python benchmarks/network_vs_qutip.py [--quick] [--skip-n12] [--repeats R]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from qmemristor.memristor import InitialState, MemristorParams, time_grid
from qmemristor.memristor.coupled import Coupling
from qmemristor.network import MemristorNetwork, propagate_density
from qmemristor.network.measures import bloch_components

PLUS = InitialState.from_angles(math.pi / 4, 0.0)
PERIOD = 2 * math.pi
G = 0.02 / (PERIOD / 30)  # the coupled case's δ = 0.02 at 30 steps per period


def ours(n: int, periods: int, k: int) -> np.ndarray:
    """⟨σ⟩ of every node at 30 points per period, symmetric order, k steps per period."""
    dt = PERIOD / k
    net = MemristorNetwork.build(
        n,
        "ring",
        Coupling("yy", G * dt),
        memristor=MemristorParams(gamma0=0.02),
        order="symmetric",
    )
    st = propagate_density(net, PLUS, time_grid(periods, k), pairs=(), stride=0)
    return bloch_components(st.single[:, :: k // 30])


def qutip_run(n: int, periods: int, rtol: float = 1e-6, atol: float = 1e-8) -> np.ndarray:
    import qutip

    sm = np.array([[0, 0], [1, 0]], dtype=complex)

    def op(k, m):
        return qutip.tensor([qutip.Qobj(m) if q == k else qutip.qeye(2) for q in range(n)])

    sy = np.array([[0, -1j], [1j, 0]])
    h = 0
    for i in range(n):
        j = (i + 1) % n
        if n == 2 and i == 1:
            break
        h = h + G * op(i, sy) * op(j, sy)
    diss = sum(qutip.lindblad_dissipator(op(k, sm)) for k in range(n))
    rate = MemristorParams(gamma0=0.02).protocol.rate
    lind = qutip.liouvillian(h) + qutip.QobjEvo([diss, lambda t: float(rate(t))])
    rho0 = qutip.tensor([qutip.Qobj(PLUS.density)] * n)
    t = time_grid(periods, 30)
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    sz = np.diag([1.0, -1.0]).astype(complex)
    e_ops = [op(k, m) for k in range(n) for m in (sx, sy, sz)]
    res = qutip.mesolve(
        lind, rho0, t, e_ops=e_ops, options={"rtol": rtol, "atol": atol, "nsteps": 10**7}
    )
    e = np.array([np.real(x) for x in res.expect]).reshape(n, 3, -1)
    # interaction picture → Schrödinger: ρ_eg picks up e^{−iωt}
    reg = 0.5 * (e[:, 0] - 1j * e[:, 1]) * np.exp(-1j * t)
    return np.stack([2 * reg.real, -2 * reg.imag, e[:, 2]], axis=-1)


def timed(fn: Callable[..., Any], *args: Any, repeats: int = 1) -> tuple[Any, float, float]:
    """``(result, wall, cpu)``: the minimum wall and CPU seconds over ``repeats`` calls."""
    walls, cpus = [], []
    out = None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return out, min(walls), min(cpus)


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def part1(n: int, periods: int, k_ref: int, repeats: int, check_qutip_tight: bool) -> None:
    print(f"== continuous-coupling ring, N = {n}, {periods} periods, yy, g = {G:.4f} ({load()})")
    ref_a = ours(n, periods, k_ref)
    ref_b = ours(n, periods, 2 * k_ref)
    ref = (4 * ref_b - ref_a) / 3
    print(
        f"reference: Richardson of Strang at {k_ref} and {2 * k_ref} steps/period; "
        f"their difference {np.abs(ref_b - ref_a).max():.2e}"
    )
    ours(n, 1, 30)  # compile and warm
    k = 30
    while True:
        mine, w_ours, c_ours = timed(ours, n, periods, k, repeats=repeats)
        err_ours = np.abs(mine - ref).max()
        if err_ours <= 1e-4 or k >= k_ref:
            break
        k *= 2
    qt, w_qt, c_qt = timed(qutip_run, n, periods, repeats=max(1, repeats // 2))
    err_qt = np.abs(qt - ref).max()
    print(
        f"ours  (Strang, {k} steps/period): wall {w_ours:8.2f} s, CPU {c_ours:8.2f} s, "
        f"max error {err_ours:.1e}"
    )
    print(
        f"QuTiP mesolve (default tolerances): wall {w_qt:8.2f} s, CPU {c_qt:8.2f} s, "
        f"max error {err_qt:.1e}"
    )
    ok = "yes" if max(err_ours, err_qt) <= 1e-4 else "NO"
    print(
        f"ratio QuTiP / ours: wall {w_qt / w_ours:.1f}x, CPU {c_qt / c_ours:.1f}x  "
        f"(target ≥ 20x; both ≤ 1e-4: {ok})"
    )
    if check_qutip_tight:
        tight = qutip_run(n, periods, 1e-9, 1e-11)
        print(f"reference vs QuTiP at rtol 1e-9: {np.abs(tight - ref).max():.1e}")


def _run_steps(n: int, steps: int) -> None:
    net = MemristorNetwork.build(n, "ring", Coupling("yy", 0.02))
    t = np.arange(steps + 1) * (PERIOD / 30)
    propagate_density(net, PLUS, t, pairs=(), stride=0)


def part2(sizes: list[int], steps: int, repeats: int, n12: bool) -> None:
    print(
        f"== density backend: seconds per step (ring, yy; runs of {steps} and {2 * steps} "
        f"steps, per step = their difference / {steps}: set-up cancels) ({load()})"
    )
    per_wall, per_cpu = [], []
    for n in sizes:
        _run_steps(n, 1)  # compile, warm
        _, w1, c1 = timed(_run_steps, n, steps, repeats=repeats)
        _, w2, c2 = timed(_run_steps, n, 2 * steps, repeats=repeats)
        w, c = max(w2 - w1, 1e-9) / steps, max(c2 - c1, 1e-9) / steps
        per_wall.append(w)
        per_cpu.append(c)
        print(f"N = {n:2d}: wall {w * 1e3:10.3f} ms, CPU {c * 1e3:10.3f} ms per step")
    big = [i for i, n in enumerate(sizes) if n >= 8]
    if len(big) >= 2:
        x = np.array(sizes)[big]
        for name, per in (("CPU", per_cpu), ("wall", per_wall)):
            slope = np.polyfit(x, np.log(np.array(per)[big]), 1)[0]
            print(
                f"fitted growth per node (N ≥ 8, {name}): ×{math.exp(slope):.2f}  (4^N law: ×4; "
                "the ring's N edges add a factor (N+1)/N on top)"
            )
    if n12:
        net = MemristorNetwork.build(12, "ring", Coupling("yy", 0.02))
        t = time_grid(20, 30)
        print(f"N = 12, 20 periods × 30 steps ({load()})")
        _, w, c = timed(propagate_density, net, PLUS, t, repeats=1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(
            f"N = 12, 20 periods × 30 steps: wall {w:.1f} s, CPU {c:.1f} s (all threads), "
            f"peak memory {peak:.2f} GiB (target < 120 s on 2 cores) ({load()})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 4, 4 periods; sizes to 9")
    ap.add_argument("--skip-n12", action="store_true", help="skip the N = 12 full run")
    ap.add_argument("--repeats", type=int, default=3, help="repeats (minimum is reported)")
    a = ap.parse_args()
    if a.quick:
        part1(4, 4, 480, a.repeats, check_qutip_tight=True)
        part2([4, 6, 8, 9], 10, a.repeats, n12=False)
    else:
        part1(8, 20, 480, a.repeats, check_qutip_tight=False)
        part2([4, 6, 8, 9, 10, 11, 12], 4, a.repeats, n12=not a.skip_n12)


if __name__ == "__main__":
    main()
