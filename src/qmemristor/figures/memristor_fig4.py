"""Paper M, Fig. 4: the memristor on digital circuits (points, error bars) against exact lines.

γ0 = 0.4, a = π/4, b = π/5, 30 points per period and 5000 shots per circuit as in the paper.
Two drive periods are drawn: with γ0 = 0.4 the coherence decays as e^{−γ0 t/2} on average, so
at t = 4π it is down to 8 % of its start and ⟨V⟩ to within a few standard errors of zero;
further periods would show shot noise only.  The figure uses the ``sampled`` backend (exact
outcome probabilities of every circuit of the paper's layout, then seeded binomial shots — the
statistics of running the circuits); :func:`digital_vs_exact` takes any backend.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..digital import simulate_circuit
from ..digital.estimate import memristor_estimates
from ..io import provenance_attrs
from ..memristor import InitialState, MemristorParams, exact_solution, simulate, time_grid
from . import FigureConfig, register
from ._style import DIGITAL, EXACT, NUMERIC, panel_label

GAMMA0 = 0.4
A, B = math.pi / 4, math.pi / 5
POINTS_PER_PERIOD = 30
SHOTS = 5000
PERIODS = 2


def digital_vs_exact(
    *,
    backend: Any = "sampled",
    layout: str = "paper",
    periods: int = PERIODS,
    points_per_period: int = POINTS_PER_PERIOD,
    shots: int = SHOTS,
    seed: int | None = 20220824,
) -> xr.Dataset:
    """The data of Fig. 4 from any backend: digital estimates on ``t``, exact lines on ``t_fine``.

    Variables on ``t``: the circuit dataset of :func:`qmemristor.digital.simulate_circuit`
    plus ``I_exact_fd`` (the same finite-difference estimator on the exact ⟨σ⟩, to separate
    its discretisation bias from shot noise) and ``z_sigma_x``, ``z_sigma_y`` (deviation from
    exact in standard errors).  On ``t_fine``: ``V_exact``, ``I_exact`` (closed form).
    """
    params = MemristorParams(gamma0=GAMMA0)
    state = InitialState.from_angles(A, B)
    t = time_grid(periods, points_per_period)
    ds = simulate_circuit(params, state, t, backend=backend, layout=layout, shots=shots, seed=seed)
    ex = exact_solution(params, state, t)
    same = memristor_estimates(
        t, ex.sigma_x, 0 * t, ex.sigma_y, 0 * t, k=params.k, omega=params.omega
    )
    ds["I_exact_fd"] = ("t", same["I"], {"long_name": "finite-difference <I> of the exact <σ>"})
    for name in ("sigma_x", "sigma_y"):
        err = ds[f"{name}_err"].values
        dev = ds[name].values - getattr(ex, name)
        z = np.divide(dev, err, out=np.zeros_like(dev), where=err > 0)
        ds[f"z_{name}"] = ("t", z, {"long_name": f"({name} − exact) / standard error"})
    fine = simulate(params, state, time_grid(periods, 400))
    ds = ds.assign_coords(t_fine=("t_fine", fine.t.values, {"units": "1/omega"}))
    ds["V_exact"] = ("t_fine", fine.V.values, {"long_name": "exact <V>"})
    ds["I_exact"] = ("t_fine", fine.I.values, {"long_name": "exact <I> (closed-form derivative)"})
    z = np.concatenate([ds.z_sigma_x.values, ds.z_sigma_y.values])
    ds.attrs.update(
        {
            "figure": "memristor-fig4",
            "paper_figure": "Paper M, Fig. 4",
            "a": A,
            "b": B,
            "periods": periods,
            "points_per_period": points_per_period,
            "fraction_within_1_sigma": float(np.mean(np.abs(z) <= 1)),
            "fraction_within_2_sigma": float(np.mean(np.abs(z) <= 2)),
            "chi2_per_point": float(np.mean(z**2)),
        }
    )
    return ds


def plot(ds: xr.Dataset) -> Figure:
    """Panels (a) ⟨V⟩(t), (b) ⟨I⟩(t), (c) the I–V loop: digital points, exact lines."""
    fig = Figure(figsize=(11.0, 6.0), layout="constrained")
    axd = fig.subplot_mosaic([["V", "IV"], ["I", "IV"]], width_ratios=[1.35, 1.0])
    pts = {"fmt": "o", "ms": 3.2, "color": DIGITAL, "mec": "k", "mew": 0.4, "ecolor": "0.35"}
    pts |= {"elinewidth": 0.6, "capsize": 1.2}
    label = f"digital ({ds.attrs['backend']}, {ds.attrs['shots']} shots)"
    t, tf = ds.t.values, ds.t_fine.values
    ax = axd["V"]
    ax.plot(tf, ds.V_exact, color=EXACT, lw=1.2, label="exact")
    ax.errorbar(t, ds.V, yerr=ds.V_err, label=label, **pts)
    ax.set_ylabel(r"$\langle V\rangle$ ($\hbar = m = \omega = 1$)")
    ax.legend(loc="upper right", fontsize="small")
    panel_label(ax, "(a)")
    ax = axd["I"]
    ax.plot(tf, ds.I_exact, color=EXACT, lw=1.2, label="exact")
    ax.plot(
        t, ds.I_exact_fd, color=NUMERIC, lw=0.8, ls="--", label="exact ⟨σ⟩, same finite difference"
    )
    ax.errorbar(t, ds.I, yerr=ds.I_err, label="digital", **pts)
    ax.set_xlabel(r"$t$ ($1/\omega$)")
    ax.set_ylabel(r"$\langle I\rangle$")
    ax.legend(loc="upper right", fontsize="small")
    panel_label(ax, "(b)")
    for a in (axd["V"], axd["I"]):
        a.axhline(0, color="0.85", lw=0.6, zorder=0)
        a.set_xlim(0, tf[-1])
    ax = axd["IV"]
    ax.plot(ds.V_exact, ds.I_exact, color=EXACT, lw=1.2, label="exact")
    ax.errorbar(ds.V, ds.I, xerr=ds.V_err, yerr=ds.I_err, label="digital", **pts)
    ax.axhline(0, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0, color="0.85", lw=0.6, zorder=0)
    ax.set_xlabel(r"$\langle V\rangle$")
    ax.set_ylabel(r"$\langle I\rangle$")
    ax.set_title(
        rf"$\gamma_0 = {GAMMA0}$, $a = \pi/4$, $b = \pi/5$, "
        rf"{ds.attrs['points_per_period']} points/period",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize="small", bbox_to_anchor=(0.0, 0.93))
    panel_label(ax, "(c)")
    return fig


@register(
    "memristor-fig4",
    paper="Paper M, Fig. 4",
    summary="Digital (sampled circuits, 5000 shots, error bars) vs exact ⟨V⟩, ⟨I⟩ and I–V loop",
)
def make(config: FigureConfig):
    ds = digital_vs_exact(
        periods=1 if config.quick else PERIODS,
        points_per_period=20 if config.quick else POINTS_PER_PERIOD,
        seed=config.seed,
    )
    ds.attrs = provenance_attrs(
        {k: v for k, v in ds.attrs.items() if k not in ("parameters_json", "qmemristor_version")},
        seed=config.seed,
    )
    return plot(ds), ds
