"""Paper M, Fig. 4: the memristor on digital circuits (points, error bars) against exact lines.

As the paper draws it: (a) ⟨V⟩ and ⟨I⟩ against t, (b) the I–V loop, normalised by
V0 = |⟨V⟩(0)| and I0 = |⟨I⟩(0)| (of the exact solution), with the paper's markers on the
loop (green start, red end, black origin).

γ0 = 0.4, a = π/4, b = π/5, 30 points per period and 5000 shots per circuit as in the paper.
Two drive periods are drawn: with γ0 = 0.4 the coherence decays as e^{−γ0 t/2} on average, so
at t = 4π it is down to 8 % of its start and ⟨V⟩ to within a few standard errors of zero;
further periods would show shot noise only.  The figure uses the ``sampled`` backend (exact
outcome probabilities of every circuit of the paper's layout, then seeded binomial shots — the
statistics of running the circuits); :func:`digital_vs_exact` takes any execution.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..digital.estimate import memristor_estimates
from ..io import provenance_attrs
from ..memristor import InitialState, MemristorParams, exact_solution, time_grid
from ..options import Execution
from ..results.digital import simulate_circuit
from ..results.memristor import simulate
from . import FigureConfig, register
from ._style import DIGITAL, EXACT, NUMERIC, deviation_note, loop_markers, panel_label

GAMMA0 = 0.4
A, B = math.pi / 4, math.pi / 5
POINTS_PER_PERIOD = 30
SHOTS = 5000
PERIODS = 2


#: How Fig. 4's circuits run: exact outcome probabilities of the paper layout, then seeded
#: 5000-shot draws (the figure's seed replaces this one).
EXECUTION = Execution(backend="sampled", layout="paper", shots=SHOTS, seed=20220824)


def digital_vs_exact(
    execution: Execution = EXECUTION,
    *,
    periods: int = PERIODS,
    points_per_period: int = POINTS_PER_PERIOD,
) -> xr.Dataset:
    """The data of Fig. 4 from any execution: digital estimates on ``t``, exact lines on
    ``t_fine``.

    Variables on ``t``: the circuit dataset of :func:`qmemristor.digital.simulate_circuit`
    plus ``I_exact_fd`` (the same finite-difference estimator on the exact ⟨σ⟩, to separate
    its discretisation bias from shot noise) and ``z_sigma_x``, ``z_sigma_y`` (deviation from
    exact in standard errors).  On ``t_fine``: ``V_exact``, ``I_exact`` (closed form).
    """
    params = MemristorParams(gamma0=GAMMA0)
    state = InitialState.from_angles(A, B)
    t = time_grid(periods, points_per_period)
    ds = simulate_circuit(params, state, t, execution)
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


def normalise(ds: xr.Dataset) -> xr.Dataset:
    """Add the paper's normalisation: ``V0 = |⟨V⟩(0)|``, ``I0 = |⟨I⟩(0)|`` of the exact solution
    (the same for the digital points, so both are on one scale), and ``*_norm`` variables."""
    v0 = abs(float(ds.V_exact.isel(t_fine=0)))
    i0 = abs(float(ds.I_exact.isel(t_fine=0)))
    ds = ds.assign(V0=v0, I0=i0)
    for name, scale in (("V", v0), ("I", i0)):
        for var in (name, f"{name}_err", f"{name}_exact"):
            ds[f"{var}_norm"] = ds[var] / scale
    ds["I_exact_fd_norm"] = ds.I_exact_fd / i0
    ds.attrs["normalisation"] = "V/V0, I/I0 with V0 = |<V>(0)|, I0 = |<I>(0)| (exact solution)"
    return ds


def plot(ds: xr.Dataset) -> Figure:
    """As the paper: (a) ⟨V⟩/V0 and ⟨I⟩/I0 against t, (b) the I–V loop with the paper's markers;
    digital points with error bars, exact lines (``ds`` from :func:`normalise`)."""
    fig = Figure(figsize=(12.0, 4.9), layout="constrained")
    axes = fig.subplots(1, 2, width_ratios=[1.55, 1.0])
    pts = {"ms": 3.2, "mec": "k", "mew": 0.4, "ecolor": "0.35", "elinewidth": 0.6}
    pts |= {"capsize": 1.2, "ls": ""}
    t, tf = ds.t.values, ds.t_fine.values
    ax = axes[0]
    ax.plot(tf, ds.V_exact_norm, color=EXACT, lw=1.2, label=r"$\langle V\rangle/V_0$, exact")
    ax.plot(tf, ds.I_exact_norm, color=NUMERIC, lw=1.2, label=r"$\langle I\rangle/I_0$, exact")
    ax.plot(
        t,
        ds.I_exact_fd_norm,
        color=NUMERIC,
        lw=0.7,
        ls="--",
        label="added: exact ⟨σ⟩, same finite difference",
    )
    kind = f"digital ({ds.attrs['backend']}, {ds.attrs['shots']} shots)"
    ax.errorbar(t, ds.V_norm, yerr=ds.V_err_norm, fmt="o", color=DIGITAL, label=f"V, {kind}", **pts)
    ax.errorbar(
        t, ds.I_norm, yerr=ds.I_err_norm, fmt="s", color="#8fc0a9", label="I, digital", **pts
    )
    ax.axhline(0, color="0.85", lw=0.6, zorder=0)
    ax.set_xlim(0, tf[-1])
    ax.set_xlabel(r"$t$ ($1/\omega$)")
    ax.set_ylabel(r"$\langle V\rangle/V_0$, $\langle I\rangle/I_0$")
    ax.legend(loc="lower right", fontsize="small", ncols=2)
    panel_label(ax, "(a)")
    ax = axes[1]
    ax.plot(ds.V_exact_norm, ds.I_exact_norm, color=EXACT, lw=1.2, label="exact")
    ax.errorbar(
        ds.V_norm,
        ds.I_norm,
        xerr=ds.V_err_norm,
        yerr=ds.I_err_norm,
        fmt="o",
        color=DIGITAL,
        label="digital",
        **pts,
    )
    loop_markers(ax, ds.V_exact_norm.values, ds.I_exact_norm.values, labels=True)
    ax.axhline(0, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0, color="0.85", lw=0.6, zorder=0)
    ax.set_xlabel(r"$\langle V\rangle/V_0$")
    ax.set_ylabel(r"$\langle I\rangle/I_0$")
    ax.set_title(
        rf"$\gamma_0 = {GAMMA0}$, $a = \pi/4$, $b = \pi/5$, "
        rf"{ds.attrs['points_per_period']} points/period",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize="small", ncols=2)
    panel_label(ax, "(b)")
    note = (
        "Differs from the paper: shot statistics from exact circuit probabilities (seeded "
        "5000-shot draws), not a device; dashed line added."
    )
    deviation_note(fig, note)
    return fig


@register(
    "memristor-fig4",
    paper="Paper M, Fig. 4",
    summary="Digital (sampled circuits, 5000 shots, error bars) vs exact ⟨V⟩, ⟨I⟩ and I–V loop",
)
def make(config: FigureConfig):
    ds = digital_vs_exact(
        EXECUTION.replace(seed=config.seed),
        periods=1 if config.quick else PERIODS,
        points_per_period=20 if config.quick else POINTS_PER_PERIOD,
    )
    ds = normalise(ds)
    fig = plot(ds)
    ds.attrs = provenance_attrs(
        {k: v for k, v in ds.attrs.items() if k not in ("parameters_json", "qmemristor_version")},
        seed=config.seed,
    )
    return fig, ds
