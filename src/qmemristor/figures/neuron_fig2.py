"""Paper N, Fig. 2: equilibria, folds and the cusp; hysteresis under a quasi-static V_in ramp.

(a) the surface of equilibria V*(R_m, V_in), drawn through its parametrisation
V_in = φ(V; R_m) = V (1 + R_m G_eq(V)) so the folded (three-valued) sheet is exact, with the
fold curves and their projection — the cusp-shaped region of bistability — on the floor, and
the up/down ramp at R_m = 8 drawn on it; beside it (the same panel a of the paper, in two
axes) V* along that ramp with the jumps at the folds; (b) the device
characteristic I(V) = G V at equilibrium (X = 0, Z = Z_T) with the load lines
I = (V_in − V)/R_m at the two fold inputs for R_m = 8, tangent to it at the folds; (c) the two
hysteresis regions (V_in > 0 and V_in < 0) at R_m = 10 for x0 = 0, 0.1, −0.1.
Z_T = 1, Γ = 1, α = 1 throughout (Γ, α matter only for stability).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..io import provenance_attrs
from ..neuron import (
    NeuronParams,
    equilibrium_input,
    fold_points,
    jacobian,
    primary_cusp,
    psi_derivatives,
    quasi_static_ramp,
    ramp_values,
)
from . import FigureConfig, register
from ._style import EXACT, NUMERIC, panel_label, split_runs

BASE = NeuronParams(z_t=1.0, gamma=1.0, alpha=1.0)
R_RAMP = 8.0
R_FIG2C = 10.0
X0S = (0.0, 0.1, -0.1)
ELEV, AZIM = 20, -60
X0_COLORS = {0.0: EXACT, 0.1: NUMERIC, -0.1: "#2a9d8f"}


def _stable(v: np.ndarray, p: NeuronParams) -> np.ndarray:
    """4-D linear stability of the equilibria (0, 0, Z_T, V) for an array of V (batched)."""
    y = np.zeros((*np.shape(v), 4))
    y[..., 2] = p.z_t
    y[..., 3] = v
    return np.all(np.linalg.eigvals(jacobian(y, p)).real < 0, axis=-1)


def _surface(quick: bool):
    r_vals = np.linspace(0.0, 12.0, 25 if quick else 61)
    v_vals = np.linspace(0.0, 5.0, 41 if quick else 161)
    vin = np.empty((r_vals.size, v_vals.size))
    stable = np.empty_like(vin, dtype=bool)
    for i, r in enumerate(r_vals):
        p = BASE.replace(r_m=float(r))
        vin[i] = equilibrium_input(v_vals, p)
        stable[i] = _stable(v_vals, p)
    cusp = primary_cusp(BASE, +1)
    r_fold = np.linspace(cusp.r_m, 12.0, 12 if quick else 40)[1:]
    lower, upper = [], []
    for r in r_fold:
        fs = [f for f in fold_points(BASE.replace(r_m=float(r))) if f.V > 0]
        lower.append((fs[0].V, fs[0].v_in))
        upper.append((fs[-1].V, fs[-1].v_in))
    return r_vals, v_vals, vin, stable, cusp, r_fold, np.array(lower), np.array(upper)


def _curve(p: NeuronParams, v: np.ndarray):
    return equilibrium_input(v, p), _stable(v, p)


@register(
    "neuron-fig2",
    paper="Paper N, Fig. 2",
    summary="Equilibrium surface, folds and cusp; V_in ramp hysteresis; I–V with load lines; x0",
)
def make(config: FigureConfig):
    quick = config.quick
    r_vals, v_vals, vin, stable, cusp, r_fold, lower, upper = _surface(quick)

    p_ramp = BASE.replace(r_m=R_RAMP)
    ramp = quasi_static_ramp(p_ramp, ramp_values(0.0, 7.0, 71 if quick else 351))
    v_line = np.linspace(0.0, 7.0, 300 if quick else 1400)
    vin_line, stable_line = _curve(p_ramp, v_line)
    folds8 = fold_points(p_ramp)

    # (b) I(V) = G V at equilibrium, load lines at the fold inputs
    v_iv = np.linspace(0.0, 6.0, 300 if quick else 1200)
    i_iv = psi_derivatives(v_iv, p_ramp, (0,))[0]

    # (c) R_m = 10 for three offsets x0
    v_c = np.linspace(-3.0, 3.0, 300 if quick else 1500)
    curves_c, folds_c = [], []
    for x0 in X0S:
        p = BASE.replace(r_m=R_FIG2C, x0=x0)
        curves_c.append(_curve(p, v_c))
        folds_c.append([(f.V, f.v_in) for f in fold_points(p)])

    ds = xr.Dataset(
        {
            "surface_v_in": (("r_m", "V"), vin, {"long_name": "V_in = φ(V; R_m)"}),
            "surface_stable": (("r_m", "V"), stable),
            "fold_r_m": ("fold_branch_point", r_fold),
            "fold_lower_V": ("fold_branch_point", lower[:, 0]),
            "fold_lower_v_in": ("fold_branch_point", lower[:, 1]),
            "fold_upper_V": ("fold_branch_point", upper[:, 0]),
            "fold_upper_v_in": ("fold_branch_point", upper[:, 1]),
            "ramp_v_in": ("step", ramp.v_in.values),
            "ramp_V": ("step", ramp.V.values),
            "ramp_jump": ("step", ramp.jump.values),
            "ramp_stable": ("step", ramp.stable.values),
            "curve8_v_in": ("V_curve", vin_line, {"long_name": "φ(V) at R_m = 8"}),
            "curve8_stable": ("V_curve", stable_line),
            "folds8_V": ("fold8", [f.V for f in folds8]),
            "folds8_v_in": ("fold8", [f.v_in for f in folds8]),
            "iv_I": ("V_iv", i_iv, {"long_name": "I = G_eq(V) V (X = 0, Z = Z_T)"}),
            "fig2c_v_in": (("x0", "V_c"), np.array([c[0] for c in curves_c])),
            "fig2c_stable": (("x0", "V_c"), np.array([c[1] for c in curves_c])),
        },
        coords={
            "r_m": r_vals,
            "V": v_vals,
            "V_curve": v_line,
            "V_iv": v_iv,
            "V_c": v_c,
            "x0": np.array(X0S),
        },
        attrs=provenance_attrs(
            {
                "figure": "neuron-fig2",
                "paper_figure": "Paper N, Fig. 2",
                **BASE.as_attrs(),
                "r_m_ramp": R_RAMP,
                "r_m_fig2c": R_FIG2C,
                "cusp_r_m": cusp.r_m,
                "cusp_V": cusp.V,
                "cusp_v_in": cusp.v_in,
                "ramp_rule": "1-D flow dV/dt = f(V) from the previous equilibrium",
            }
        ),
    )
    return _draw(ds, folds8, folds_c, cusp), ds


def _draw(ds: xr.Dataset, folds8, folds_c, cusp):
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(11.0, 8.6), layout="constrained")
    gs = fig.add_gridspec(2, 2)

    # (a1) equilibrium surface
    ax = fig.add_subplot(gs[0, 0], projection="3d", computed_zorder=False)
    vin = ds.surface_v_in.values
    vv, rr = np.meshgrid(ds.V.values, ds.r_m.values)
    shown = np.where(vin <= 7.0, vin, np.nan)
    colors = np.where(
        ds.surface_stable.values[..., None], [0.55, 0.7, 0.9, 0.85], [0.9, 0.45, 0.4, 0.85]
    )
    ax.plot_surface(
        shown,
        rr,
        vv,
        facecolors=colors,
        rstride=1,
        cstride=1,
        linewidth=0,
        antialiased=False,
        shade=False,
        zorder=1,
    )
    for lab in ("lower", "upper"):
        fv = ds[f"fold_{lab}_v_in"].values
        ax.plot(fv, ds.fold_r_m.values, ds[f"fold_{lab}_V"].values, color="k", lw=1.4, zorder=5)
        ax.plot(fv, ds.fold_r_m.values, np.zeros_like(fv), color="k", lw=1.0, ls="--", zorder=0)
    ax.scatter([cusp.v_in], [cusp.r_m], [cusp.V], color="k", s=18, zorder=6)
    ax.set_box_aspect(None, zoom=1.12)
    ax.set_xlabel(r"$V_{\rm in}$")
    ax.set_ylabel(r"$R_m$")
    ax.set_zlabel(r"$V^*$")
    ax.set_xlim(0, 7)
    ax.view_init(elev=ELEV, azim=AZIM)
    ramp_r = np.full(ds.step.size, R_RAMP)
    ax.plot(ds.ramp_v_in.values, ramp_r, ds.ramp_V.values, color="#2a9d8f", lw=2.0, zorder=7)
    ax.text2D(0.02, 0.95, "(a)", transform=ax.transAxes, fontweight="bold")
    ax.set_title(
        f"equilibria; folds (black), cusp at $R_m$ = {cusp.r_m:.3f}\n"
        "blue: stable, red: unstable; dashed: bistable region; teal: the ramp at $R_m$ = 8",
        fontsize="small",
    )

    # (a2) ramp at R_m = 8
    ax = fig.add_subplot(gs[0, 1])
    for x, y, st in split_runs(ds.curve8_v_in.values, ds.V_curve.values, ds.curve8_stable.values):
        ax.plot(x, y, color="0.55", lw=1.0, ls="-" if st else ":")
    n = ds.step.size
    up = slice(0, (n + 1) // 2)
    down = slice((n - 1) // 2, n)
    ax.plot(
        ds.ramp_v_in[up], ds.ramp_V[up], "-", color=NUMERIC, lw=3.2, alpha=0.55, label=r"ramp up"
    )
    ax.plot(ds.ramp_v_in[down], ds.ramp_V[down], "-", color=EXACT, lw=1.2, label=r"ramp down")
    jumps = np.nonzero(ds.ramp_jump.values)[0]
    for i in jumps:
        col = NUMERIC if i < n // 2 else EXACT
        ax.annotate(
            "",
            xy=(float(ds.ramp_v_in[i]), float(ds.ramp_V[i])),
            xytext=(float(ds.ramp_v_in[i - 1]), float(ds.ramp_V[i - 1])),
            arrowprops={"arrowstyle": "->", "color": col, "lw": 1.2},
        )
    for f in folds8:
        ax.plot(f.v_in, f.V, "o", mfc="none", mec="k", ms=6)
    ax.set_xlabel(r"input $V_{\rm in}$")
    ax.set_ylabel(r"equilibrium voltage $V^*$")
    ax.set_title(r"quasi-static ramp, $R_m$ = 8 (folds: circles)", fontsize="small")
    ax.legend(
        handles=[
            *ax.get_legend_handles_labels()[0],
            Line2D([], [], color="0.55", label="stable branch"),
            Line2D([], [], color="0.55", ls=":", label="unstable branch"),
        ],
        loc="upper left",
        fontsize="small",
        bbox_to_anchor=(0.0, 0.92),
    )
    panel_label(ax, "(a)")

    # (b) I–V and load lines
    ax = fig.add_subplot(gs[1, 0])
    v_iv = ds.V_iv.values
    ax.plot(v_iv, ds.iv_I.values, color=EXACT, lw=1.6, label=r"$I = G(V)\,V$")
    for f, col in zip(folds8, ("#d1495b", "#2a9d8f"), strict=False):
        ax.plot(
            v_iv,
            (f.v_in - v_iv) / R_RAMP,
            color=col,
            lw=1.0,
            ls="--",
            label=rf"load line $V_{{\rm in}}$ = {f.v_in:.4f}",
        )
        i_f = float(psi_derivatives(np.array(f.V), BASE.replace(r_m=R_RAMP), (0,))[0])
        ax.plot(f.V, i_f, "o", color=col, ms=5)
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 0.8)
    ax.set_xlabel(r"$V$")
    ax.set_ylabel(r"$I$ (units of $V/R_{\rm ext}$)")
    ax.set_title(r"device I–V at equilibrium and load lines, $R_m$ = 8", fontsize="small")
    ax.legend(loc="upper right", fontsize="small")
    panel_label(ax, "(b)")

    # (c) two hysteresis regions at R_m = 10 for x0 = 0, ±0.1
    ax = fig.add_subplot(gs[1, 1])
    for k, x0 in enumerate(ds.x0.values):
        col = X0_COLORS[float(x0)]
        for x, y, st in split_runs(
            ds.fig2c_v_in.values[k], ds.V_c.values, ds.fig2c_stable.values[k]
        ):
            ax.plot(x, y, color=col, lw=1.4, ls="-" if st else ":")
        fv = np.array(folds_c[k])
        ax.plot(fv[:, 1], fv[:, 0], "o", mfc="none", mec=col, ms=5)
        ax.plot([], [], color=col, label=rf"$x_0$ = {x0:g}")
    ax.axhline(0, color="0.85", lw=0.5, zorder=0)
    ax.axvline(0, color="0.85", lw=0.5, zorder=0)
    ax.set_xlim(-3, 3)
    ax.set_xlabel(r"input $V_{\rm in}$")
    ax.set_ylabel(r"equilibrium voltage $V^*$")
    ax.set_title(
        r"$R_m$ = 10: hysteresis for $V_{\rm in}$ > 0 and < 0 (dotted: unstable)", fontsize="small"
    )
    ax.legend(loc="lower right", fontsize="small")
    panel_label(ax, "(c)")
    fig.suptitle(
        r"Memristive quantum neuron: equilibria and hysteresis ($Z_T$ = 1, "
        r"$\Gamma$ = 1, $\alpha$ = 1, $l$ = 0.5, $x_0$ = 0.8, $\lambda$ = 0.13)",
        fontsize="medium",
    )
    return fig
