"""Speed of the network density backend: against QuTiP ``mesolve``, and its cost against N.

Part 1 — the continuous-coupling network (ring, σy⊗σy, γ0 = 0.02, every node from
(|e⟩+|g⟩)/√2, coupling rate g = δ0/Δt0 with the coupled case's δ0 = 0.02 at 30 steps per
period, interaction frame), observables ⟨σx, σy, σz⟩ of every node at 30 points per period:

* ours: the collisional protocol with the *symmetric* (Strang) gate order at a fine step,
  ``δ = g·Δt`` (second order in Δt, one in-place pass per half gate; the exact ∫Γ of every
  collision needs no sub-stepping) — the cheapest way we found to 1e-4: the error halves
  4× per halving of Δt (30 steps per period already meet 1e-4 here);
* QuTiP: ``mesolve`` of the same master equation in its best form (interaction picture:
  static Hamiltonian, one time-dependent dissipator Γ(t)·Σ_k D[σ−_k]), default tolerances;
* reference: Richardson extrapolation of ours at two fine steps (the Strang error has only
  even powers of Δt), also checked against QuTiP at rtol 1e-9 in --quick.

Both must reach max error ≤ 1e-4 against the reference; times in one process, side by side.

Part 2 — the density backend's cost per step against N = 4 … 12 (ring, yy; every edge one
fused pass): fitted growth base (4 is the 4^N law) and the N = 12, 20 periods × 30 steps run
with its peak memory (``ru_maxrss``).

Run from the repository root::

    PYTHONPATH=src python benchmarks/network_vs_qutip.py [--quick] [--skip-n12]
"""

from __future__ import annotations

import argparse
import math
import resource
import time
from functools import partial

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


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def part1(n: int, periods: int, k_ours: int, k_ref: int, check_qutip_tight: bool) -> None:
    print(f"== continuous-coupling ring, N = {n}, {periods} periods, yy, g = {G:.4f}")
    ref_a, ta = timed(ours, n, periods, k_ref)
    ref_b, tb = timed(ours, n, periods, 2 * k_ref)
    ref = (4 * ref_b - ref_a) / 3
    print(
        f"reference: Richardson of Strang at {k_ref} and {2 * k_ref} steps/period "
        f"({ta + tb:.1f} s); their difference {np.abs(ref_b - ref_a).max():.2e}"
    )
    mine, t_ours = timed(ours, n, periods, k_ours)
    err_ours = np.abs(mine - ref).max()
    qt, t_qt = timed(qutip_run, n, periods)
    err_qt = np.abs(qt - ref).max()
    print(f"ours  (Strang, {k_ours} steps/period): {t_ours:8.2f} s, max error {err_ours:.1e}")
    print(f"QuTiP mesolve (default tolerances)  : {t_qt:8.2f} s, max error {err_qt:.1e}")
    print(
        f"ratio QuTiP / ours = {t_qt / t_ours:.1f}x  (target ≥ 20x, both ≤ 1e-4: "
        f"{'yes' if max(err_ours, err_qt) <= 1e-4 else 'NO'})"
    )
    if check_qutip_tight:
        tight, _ = timed(qutip_run, n, periods, 1e-9, 1e-11)
        print(f"reference vs QuTiP at rtol 1e-9: {np.abs(tight - ref).max():.1e}")


def part2(sizes: list[int], steps: int, n12: bool) -> None:
    print(f"== density backend: seconds per step (ring, yy, {steps} steps after a warm-up)")
    per = []
    for n in sizes:
        net = MemristorNetwork.build(n, "ring", Coupling("yy", 0.02))
        propagate_density(net, PLUS, time_grid(1, 4)[:3], pairs=(), stride=0)  # compile, warm
        t = np.arange(steps + 1) * (PERIOD / 30)
        _, sec = timed(partial(propagate_density, net, PLUS, t, pairs=(), stride=0))
        per.append(sec / steps)
        print(f"N = {n:2d}: {per[-1] * 1e3:10.3f} ms per step")
    big = [i for i, n in enumerate(sizes) if n >= 8]
    if len(big) >= 2:
        x = np.array(sizes)[big]
        slope = np.polyfit(x, np.log(np.array(per)[big]), 1)[0]
        print(
            f"fitted growth per node (N ≥ 8): ×{math.exp(slope):.2f}  (4^N law: ×4; the "
            "ring's N edges add a factor N on top)"
        )
    if n12:
        net = MemristorNetwork.build(12, "ring", Coupling("yy", 0.02))
        t = time_grid(20, 30)
        _, sec = timed(partial(propagate_density, net, PLUS, t, pairs=(), stride=0))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(
            f"N = 12, 20 periods × 30 steps: {sec:.1f} s, peak memory {peak:.2f} GiB "
            "(target < 120 s)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="N = 4, 4 periods; sizes to 9")
    ap.add_argument("--skip-n12", action="store_true", help="skip the N = 12 full run")
    a = ap.parse_args()
    if a.quick:
        part1(4, 4, 30, 480, check_qutip_tight=True)
        part2([4, 6, 8, 9], 5, n12=False)
    else:
        part1(8, 20, 30, 480, check_qutip_tight=False)
        part2([4, 6, 8, 9, 10, 11, 12], 3, n12=not a.skip_n12)


if __name__ == "__main__":
    main()
