"""New (not from the paper): two neurons coupled through a resistor — Arnold tongue and traces.

Both neurons are the Fig. 4 neuron at V_in = 1.73 (R_m = 5, Γ = 0.1, α = 1, Z_T = 1, Ω_1 = 7),
neuron 2 detuned through its qubit frequency Ω_2 = 7 + Δ, their output nodes joined by g_c
(docs/theory.md, "Two coupled neurons").  (a) The locking state over (Δ, g_c) from the batched
sweep engine (:mod:`qmemristor.sweeps.locking`: transient 600, window 200), with the edges of
the 1:1 tongue from continuation (folds of cycles on the branch of locked cycles through the
in-phase cycle, :func:`qmemristor.neuron.coupled_orbits.in_phase_branch`) and the weak-coupling
(Adler) width ±K(g_c), K = −ln(μ_rel)/T from the in-phase cycle's relative-phase multiplier.
(b) V_1, V_2 of a locked pair and of a slipping pair over the last periods; (c) their phase
difference φ_2 − φ_1 over the measuring window.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import xarray as xr
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from ..analysis.synchrony import LOCKING_STATES, phase_difference, upward_crossings
from ..io import provenance_attrs
from ..neuron import NeuronParams
from ..neuron.coupled import CoupledParams
from ..neuron.coupled_orbits import (
    COUPLED_CONTINUATION,
    in_phase_branch,
    in_phase_orbit,
    relative_phase_multiplier,
    single_orbit,
)
from ..results.coupled_neurons import lpc_values
from ..sweeps import LocalExecutor, make_sweep, run_sweep
from ..sweeps.locking import LOCKING_DEFAULTS, locking_model, pair_traces
from . import FigureConfig, register
from ._style import EXACT, NUMERIC, panel_label

NAME = "neuron-coupled"
BASE = NeuronParams(**LOCKING_DEFAULTS)
#: (Δ, g_c) of the two example pairs: locked inside the tongue, slipping outside it.
LOCKED, SLIPPING = (0.02, 2.0), (0.02, 0.5)
_COLORS = {-1: "0.3", 0: "#1f3b73", 1: "#7b3294", 2: "#5e9ed6", 3: "#f2e6c9", 4: "#d1495b"}


@register(
    NAME,
    paper="new (not from the paper)",
    summary="two neurons coupled through a resistor: Arnold tongue of 1:1 locking over "
    "(detuning, g_c) with its edges from cycle continuation and Adler's weak-coupling "
    "width, and locked / slipping traces",
)
def make(config: FigureConfig):
    gs_branch: tuple[float, ...]
    if config.quick:
        nd, ng, dmax, gmax, gs_branch = 9, 4, 0.04, 3.0, (1.0,)
        opts = {"transient": 300.0, "window": 100.0}
    else:
        nd, ng, dmax, gmax, gs_branch = 25, 17, 0.06, 4.0, (0.25, 0.5, 1.0, 1.5, 2.0, 2.5)
        opts = {"transient": 600.0, "window": 200.0}
    model = locking_model()
    spec = make_sweep(
        model,
        [f"omega_2={BASE.omega - dmax!r}:{BASE.omega + dmax!r}:{nd}", f"g_c=0:{gmax!r}:{ng}"],
        options=opts,
    )
    tongue = run_sweep(spec, model=model, executor=LocalExecutor(kind="threads"))
    single = single_orbit(BASE)
    rows = []
    for g in gs_branch:
        p = CoupledParams(BASE, BASE, g)
        orbit = in_phase_orbit(p, single)
        mu_rel = relative_phase_multiplier(orbit, single)
        k = -math.log(mu_rel) / orbit.period
        fam = in_phase_branch(p, "omega_2", (BASE.omega - 0.2, BASE.omega + 0.2), single=single,
                              options=replace(COUPLED_CONTINUATION, max_steps=60))  # fmt: skip
        edges = [v - BASE.omega for v in lpc_values(fam)]
        lo = min(edges) if edges else math.nan
        hi = max(edges) if edges else math.nan
        rows.append((g, k, lo, hi, mu_rel))
    pairs = [CoupledParams.detuned(BASE, g, delta_omega=d) for d, g in (LOCKED, SLIPPING)]
    t, v1, v2, status = pair_traces(np.stack([p.pvec for p in pairs]), opts)
    rr = np.array(rows)
    ds = xr.Dataset(
        {
            "state": (("g_c", "detuning"), tongue.state.transpose("g_c", "omega_2").values,
                      tongue.state.attrs),
            "ratio": (("g_c", "detuning"), tongue.ratio.transpose("g_c", "omega_2").values),
            "phase": (("g_c", "detuning"), tongue.phase.transpose("g_c", "omega_2").values),
            "status": (("g_c", "detuning"), tongue.status.transpose("g_c", "omega_2").values),
            "adler_width": ("g_c_branch", rr[:, 1],
                            {"long_name": "K = -ln(mu_rel)/T of the in-phase cycle"}),
            "lpc_low": ("g_c_branch", rr[:, 2], {"long_name": "lower tongue edge (LPC)"}),
            "lpc_high": ("g_c_branch", rr[:, 3], {"long_name": "upper tongue edge (LPC)"}),
            "mu_rel": ("g_c_branch", rr[:, 4]),
            "V_1": (("example", "t"), v1),
            "V_2": (("example", "t"), v2),
            "example_status": ("example", status),
        },
        coords={
            "g_c": tongue.g_c.values,
            "detuning": ("detuning", tongue.omega_2.values - BASE.omega,
                         {"long_name": "Omega_2 - Omega_1"}),
            "g_c_branch": rr[:, 0],
            "example": ["locked", "slipping"],
            "example_detuning": ("example", [LOCKED[0], SLIPPING[0]]),
            "example_g_c": ("example", [LOCKED[1], SLIPPING[1]]),
            "t": t,
        },
        attrs=provenance_attrs(
            {"figure": NAME, "paper_figure": "new (not from the paper)",
             **{f"neuron_{k}": v for k, v in BASE.as_attrs().items()},
             **{f"option_{k}": v for k, v in opts.items()}}
        ),
    )  # fmt: skip
    return _draw(ds), ds


def _draw(ds: xr.Dataset) -> Figure:
    fig = Figure(figsize=(14.0, 4.6), layout="constrained")
    gs = fig.add_gridspec(1, 3, width_ratios=[1.2, 1.0, 1.0])
    ax = fig.add_subplot(gs[0, 0])
    codes = sorted(_COLORS)
    cmap = ListedColormap([_COLORS[c] for c in codes])
    norm = BoundaryNorm(np.arange(codes[0] - 0.5, codes[-1] + 1.0), cmap.N)
    det, gc = ds.detuning.values, ds.g_c.values
    ax.pcolormesh(det, gc, ds.state.values, cmap=cmap, norm=norm, shading="nearest")
    gb = ds.g_c_branch.values
    (edge,) = ax.plot(ds.lpc_low, gb, "o-", color="k", ms=4, lw=1.2, label="tongue edge (LPC)")
    ax.plot(ds.lpc_high, gb, "o-", color="k", ms=4, lw=1.2)
    (adler,) = ax.plot(ds.adler_width, gb, "x--", color=NUMERIC, lw=1.2, ms=6,
                       label=r"Adler $\pm K(g_c)$")  # fmt: skip
    ax.plot(-ds.adler_width, gb, "x--", color=NUMERIC, lw=1.2, ms=6)
    for lab, (d, g) in zip(("L", "S"), zip(ds.example_detuning.values, ds.example_g_c.values,
                                           strict=True), strict=True):  # fmt: skip
        ax.plot(d, g, "*", color="w", mec="k", ms=11)
        ax.annotate(lab, (d, g), xytext=(5, 4), textcoords="offset points", fontsize="small")
    handles = [
        ax.scatter([], [], marker="s", color=_COLORS[c], label=LOCKING_STATES[c])
        for c in (0, 2, 1, 3, 4)
        if np.any(ds.state.values == c)
    ]
    ax.legend(handles=[*handles, edge, adler], fontsize="x-small", loc="lower left",
              framealpha=0.9)  # fmt: skip
    ax.set_xlabel(r"detuning $\Omega_2 - \Omega_1$")
    ax.set_ylabel(r"coupling $g_c = R_{\rm ext}/R_c$")
    ax.set_title("locking state (integration) and the 1:1 tongue", fontsize="small")
    panel_label(ax, "(a)")

    ax = fig.add_subplot(gs[0, 1])
    t = ds.t.values
    last = t >= t[-1] - 4.0
    for i, (name, off) in enumerate((("locked", 0.0), ("slipping", -0.12))):
        ax.plot(t[last], ds.V_1.values[i, last] + off, color=EXACT, lw=1.2,
                label=r"$V_1$" if i == 0 else None)  # fmt: skip
        ax.plot(t[last], ds.V_2.values[i, last] + off, color=NUMERIC, lw=1.2, ls="--",
                label=r"$V_2$" if i == 0 else None)  # fmt: skip
        ax.text(t[last][-1], float(ds.V_1.values[i, last].max()) + off + 0.004,
                f"{'L' if i == 0 else 'S'}: {name}", fontsize="small", ha="right")  # fmt: skip
    ax.set_xlabel(r"time in the window ($\tau_c$)")
    ax.set_ylabel(r"$V$ (slipping pair shifted by −0.12)")
    ax.legend(fontsize="x-small", loc="lower right")
    ax.set_title("last periods of the window", fontsize="small")
    panel_label(ax, "(b)")

    ax = fig.add_subplot(gs[0, 2])
    for i, color in ((0, EXACT), (1, NUMERIC)):
        c1 = upward_crossings(t, ds.V_1.values[i])
        c2 = upward_crossings(t, ds.V_2.values[i])
        tt, dphi = phase_difference(c1, c2)
        ax.plot(tt, np.unwrap(dphi), color=color, lw=1.2,
                label=f"{'L' if i == 0 else 'S'}: Δ = {float(ds.example_detuning[i]):g}, "
                f"g_c = {float(ds.example_g_c[i]):g}")  # fmt: skip
    ax.set_xlabel(r"time in the window ($\tau_c$)")
    ax.set_ylabel(r"$\varphi_2 - \varphi_1$ (rad, unwrapped)")
    ax.legend(fontsize="x-small")
    ax.set_title("phase difference (event phase of V)", fontsize="small")
    panel_label(ax, "(c)")
    fig.supxlabel("new (not from the paper): two Paper N neurons joined by a resistor",
                  fontsize="small", style="italic", color="0.3")  # fmt: skip
    return fig
