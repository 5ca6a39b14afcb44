"""Paper N, Fig. 4: span of the self-oscillation vs V_in, and coexistence (R_m = 5).

R_m = 5, Γ = 0.1, α = 1, Z_T = 1.  The equilibria along V_in from continuation
(:func:`qmemristor.neuron.stability.equilibrium_diagram`: an S-shaped branch with folds at
V_in ≈ 2.798 and 3.952 and two supercritical Hopf points on the lower sheet, V_in ≈ 0.2254 and
3.3086), and long simulations with V_in swept up and then down, each run continuing from the
previous final state (:func:`qmemristor.neuron.dynamics.sweep` with its kick, under the
stationary protocol: each run lasts until the extremes of V agree over three windows, the
windows growing with the relaxation time near the Hopf points; LSODA, rtol 1e-8).

(a) span V_max − V_min of the stationary V(t) for both sweeps, with the Hopf points; the
interval where the two sweeps disagree (a limit cycle on the lower sheet coexists with the
stable upper equilibrium, between the lower fold and the upper Hopf point) is shaded;
(b) V vs V_in: equilibria (solid stable, dotted unstable), the stationary V of both sweeps and
the oscillation band V_min…V_max, with a zoom on the lower sheet (inset).  These are the
paper's two panels; its text gives the largest span as 0.699, the data give 0.0699 (a slip of
the paper by a factor 10), which the figure says in its note.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..io import provenance_attrs
from ..neuron import NeuronParams
from ..neuron.dynamics import coexistence_intervals, sweep_runs
from ..neuron.orbit_maps import cycle_branch
from ..neuron.stability import equilibrium_diagram
from ..results.neuron import sweep_dataset
from . import FigureConfig, register
from ._cycles import CYCLE_COLOUR, cycle_variables, draw_cycle_branch
from ._notes import deviation_note
from ._style import EXACT, NUMERIC, panel_label, split_runs

PARAMS = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0, z_t=1.0)
V_IN_MAX = 4.5
UP, DOWN = NUMERIC, EXACT


@register(
    "neuron-fig4",
    paper="Paper N, Fig. 4",
    summary="Span vs V_in and up/down sweeps at R_m = 5: Hopf points, coexistence",
)
def make(config: FigureConfig):
    diagram = equilibrium_diagram(PARAMS, "v_in", (0.0, V_IN_MAX + 0.5))
    step, t_cap = (0.15, 3000.0) if config.quick else (0.05, 30000.0)
    values = np.round(np.arange(0.0, V_IN_MAX + step / 2, step), 10)
    sw = sweep_dataset(sweep_runs(PARAMS, "v_in", values, t_cap, method="odeint"))
    (branch,) = diagram.branches
    ds = sw.rename({n: f"sweep_{n}" for n in sw.data_vars})
    ds = ds.assign(
        branch_v_in=("point", branch.mu),
        branch_V=("point", branch.x[:, 3]),
        branch_stable=("point", branch.stable),
        hopf_v_in=("hopf", [h.value for h in diagram.hopf]),
        hopf_V=("hopf", [h.V for h in diagram.hopf]),
        hopf_omega=("hopf", [h.omega for h in diagram.hopf]),
        hopf_lyapunov=("hopf", [h.lyapunov for h in diagram.hopf]),
        fold_v_in=("fold", [f.value for f in diagram.folds]),
        fold_V=("fold", [f.V for f in diagram.folds]),
    )
    ds = ds.assign(cycle_variables(cycle_branch(PARAMS, "v_in", (0.0, V_IN_MAX + 0.5))))
    coexist = coexistence_intervals(sw)
    ds.attrs = provenance_attrs(
        {
            "figure": "neuron-fig4",
            "paper_figure": "Paper N, Fig. 4",
            **{k: v for k, v in PARAMS.as_attrs().items() if k != "v_in"},
            **{
                k: v
                for k, v in sw.attrs.items()
                if k.startswith(("protocol", "t_end", "kick", "method"))
            },
            "coexistence": [x for iv in coexist for x in iv],
            "not_settled": int((sw.status.values != "ok").sum()),
            "span_max": float(np.nanmax(sw.span.values)),
            "v_in_at_span_max": float(values[np.nanargmax(np.nanmax(sw.span.values, axis=0))]),
        }
    )
    return _draw(ds, coexist), ds


def _coexistence_band(ds: xr.Dataset):
    """(lower fold, upper Hopf) when the upper Hopf point lies beyond the lower fold: there the
    lower-sheet cycle coexists with the stable upper equilibrium."""
    if ds.fold.size < 2 or ds.hopf.size < 1:
        return None
    lo, hi = float(ds.fold_v_in.min()), float(ds.hopf_v_in.max())
    return (lo, hi) if hi > lo else None


def _draw(ds: xr.Dataset, coexist):
    fig = Figure(figsize=(12.0, 4.8), layout="constrained")
    axes = fig.subplots(1, 2)
    vin = ds.v_in.values
    hopf = list(zip(ds.hopf_v_in.values, ds.hopf_V.values, strict=True))
    folds = list(zip(ds.fold_v_in.values, ds.fold_V.values, strict=True))

    ax = axes[0]
    for d, col, mk, ms in (("up", UP, "o", 4.5), ("down", DOWN, "s", 3.0)):
        sp = ds.sweep_span.sel(direction=d).values
        ax.plot(vin, sp, "-", color=col, lw=0.8, alpha=0.7)
        ax.plot(vin, sp, mk, color=col, ms=ms, mfc="none" if d == "up" else col, label=f"sweep {d}")
    draw_cycle_branch(ax, ds, ("span",))
    band = _coexistence_band(ds)
    if band is not None:
        for a in axes:
            a.axvspan(*band, color="#edae49", alpha=0.25, lw=0, zorder=0)
        ax.plot(
            [], [], "s", color="#edae49", alpha=0.5, ms=8, label="lower fold < $V_{\\rm in}$ < Hopf"
        )
    for k, (v, _) in enumerate(hopf):
        ax.axvline(v, color="k", lw=0.8, ls=":", label="Hopf points" if k == 0 else None)
    ax.set_xlabel(r"input $V_{\rm in}$")
    ax.set_ylabel(r"span $V_{\max} - V_{\min}$ (stationary)")
    ax.set_xlim(0, vin[-1])
    ax.set_ylim(bottom=0)
    ax.set_title(
        rf"max span {ds.attrs['span_max']:.4f} at "
        rf"$V_{{\rm in}}$ ≈ {ds.attrs['v_in_at_span_max']:.2f}",
        fontsize="small",
    )
    ax.legend(loc="upper right", fontsize="x-small")
    panel_label(ax, "(a)")

    ax = axes[1]
    ins = ax.inset_axes([0.08, 0.5, 0.5, 0.43])
    ins.set_zorder(5)  # above the parent's shading
    if band is not None:
        ins.axvspan(*band, color="#edae49", alpha=0.25, lw=0, zorder=0)
    for a, zoom in ((ax, False), (ins, True)):
        for x, y, st in split_runs(
            ds.branch_v_in.values, ds.branch_V.values, ds.branch_stable.values
        ):
            a.plot(x, y, color="0.45", lw=1.1, ls="-" if st else ":")
        for d, col, mk, ms in (("up", UP, "o", 4.5), ("down", DOWN, "s", 2.6)):
            sel = ds.sel(direction=d)
            osc = sel.sweep_regime.values == "oscillation"
            lo = np.where(osc, sel.sweep_V_min, np.nan)
            hi = np.where(osc, sel.sweep_V_max, np.nan)
            a.fill_between(vin, lo, hi, color=col, alpha=0.35 if d == "up" else 0.6, lw=0)
            a.plot(vin, sel.sweep_V_mean, mk, color=col, ms=ms * (0.7 if zoom else 1.0),
                   mfc="none" if d == "up" else col)  # fmt: skip
        draw_cycle_branch(a, ds, ("V_min", "V_max"), label=False)
        for v, V in hopf:
            a.plot(v, V, "*", color="k", ms=9, zorder=5)
        for v, V in folds:
            a.plot(v, V, "D", mfc="white", mec="k", ms=5, zorder=5)
        a.set_xlim(0, vin[-1])
    ax.set_xlabel(r"input $V_{\rm in}$")
    ax.set_ylabel(r"voltage $V$")
    ax.set_ylim(0, vin[-1] + 0.2)
    lower = ds.branch_V.values[ds.branch_V.values < 1.6]
    ins.set_ylim(0, float(lower.max()) * 1.12 if lower.size else 1.5)
    ins.tick_params(labelsize="x-small")
    ins.set_title(r"lower sheet: band $V_{\min}$…$V_{\max}$", fontsize="x-small")
    ax.set_title(
        "equilibria, stationary V of both sweeps (markers: mean) and oscillation band",
        fontsize="small",
    )
    ax.legend(
        handles=[
            Line2D([], [], color="0.45", label="stable equilibria"),
            Line2D([], [], color="0.45", ls=":", label="unstable equilibria"),
            Line2D([], [], ls="", marker="o", mfc="none", color=UP, label="sweep up"),
            Line2D([], [], ls="", marker="s", color=DOWN, ms=3, label="sweep down"),
            Line2D([], [], ls="", marker="*", color="k", ms=9, label="Hopf (supercritical)"),
            Line2D([], [], ls="", marker="D", mfc="white", mec="k", ms=5, label="fold"),
            Line2D([], [], color=CYCLE_COLOUR, label="continued cycle: V_min, V_max"),
        ],
        loc="center right",
        fontsize="x-small",
    )
    panel_label(ax, "(b)")
    fig.suptitle(
        r"Self-oscillations vs input: $R_m$ = 5, $\Gamma$ = 0.1, $\alpha$ = 1, $Z_T$ = 1 "
        r"(up then down, each run continuing from the previous state)",
        fontsize="medium",
    )
    deviation_note(
        fig, f"the paper's text gives the largest span as 0.699; computed "
        f"{ds.attrs['span_max']:.4f} (a slip of the paper by 10×)"
    )  # fmt: skip
    return fig
