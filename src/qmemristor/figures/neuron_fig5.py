"""Paper N, Fig. 5: regions of self-oscillation in (V_in, R_m) and the span vs Z_T.

(a) For Z_T ∈ {0.2, 0.4, 0.6, 0.8, 1} (Γ = 0.1, α = 1): the Hopf curve in the (V_in, R_m)
plane, traced by two-parameter continuation of the Hopf system from the Hopf points found
along V_in at R_m = 5 (:func:`qmemristor.neuron.stability.hopf_curves`); inside it the
equilibrium of the lower sheet is an unstable focus and — every point of every curve being
supercritical (l1 < 0, checked along the curves) — a stable limit cycle exists: the shaded
self-oscillation region.  Dashed: the fold curves (continuation of the fold system through
the cusp, marked); between them three equilibria exist, and where the two regions overlap the
cycle coexists with the stable upper equilibrium (Fig. 4).
(b) Span of the stationary V(t) vs Z_T at R_m = 5, V_in = 1.73 (Z_T swept up, each run
continuing from the previous state and lasting until it settles: the stationary protocol of
:func:`qmemristor.neuron.dynamics.sweep`), with the Hopf point in Z_T from one-parameter
continuation; below it the equilibrium is stable.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import xarray as xr
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path

from ..io import provenance_attrs
from ..neuron import NeuronParams, equilibria
from ..neuron.dynamics import sweep_runs
from ..neuron.orbit_maps import cycle_branch
from ..neuron.stability import CURVE_OPTIONS, fold_curves, hopf_curves, hopf_points
from ..results.neuron import sweep_dataset
from . import FigureConfig, register
from ._cycles import cycle_variables, draw_cycle_branch
from ._style import EXACT, panel_label

BASE = NeuronParams(r_m=5.0, gamma=0.1, alpha=1.0)
Z_TS = (0.2, 0.4, 0.6, 0.8, 1.0)
BOX = ((0.0, 6.0), (0.0, 10.0))  # (V_in, R_m)
FIG5B = {"r_m": 5.0, "v_in": 1.73}
COLORS = ("#f4a261", "#e76f51", "#2a9d8f", "#264653", "#1f3b73")


def _perimeter_position(pt, box) -> float:
    """Position of a point on the box boundary, counter-clockwise from the lower-left corner."""
    (x0, x1), (y0, y1) = box
    x, y = pt
    d = [abs(y - y0), abs(x - x1), abs(y - y1), abs(x - x0)]
    edge = int(np.argmin(d))
    if edge == 0:
        return (x - x0) / (x1 - x0)
    if edge == 1:
        return 1 + (y - y0) / (y1 - y0)
    if edge == 2:
        return 2 + (x1 - x) / (x1 - x0)
    return 3 + (y1 - y) / (y1 - y0)


def _corners_between(s_from: float, s_to: float, box, sense: int):
    """Box corners met walking along the boundary from ``s_from`` to ``s_to`` (sense ±1)."""
    (x0, x1), (y0, y1) = box
    corners = {1.0: (x1, y0), 2.0: (x1, y1), 3.0: (x0, y1), 0.0: (x0, y0)}
    span = (s_to - s_from) % 4 if sense > 0 else (s_from - s_to) % 4
    out = []
    for c, xy in corners.items():
        dist = (c - s_from) % 4 if sense > 0 else (s_from - c) % 4
        if 0 < dist < span:
            out.append((dist, xy))
    return [xy for _, xy in sorted(out)]


def region_polygon(curve_xy: np.ndarray, box, inside) -> np.ndarray | None:
    """Close a curve that ends on the box boundary into the region containing ``inside``.

    Both ways of walking along the boundary from the curve's end back to its start are tried;
    the polygon that contains the point ``inside`` is returned (None if neither does, e.g.
    when the curve does not end on the boundary at both ends).
    """
    a, b = curve_xy[0], curve_xy[-1]
    sa, sb = _perimeter_position(a, box), _perimeter_position(b, box)
    for sense in (1, -1):
        corners = np.array(_corners_between(sb, sa, box, sense)).reshape(-1, 2)
        poly = np.vstack([curve_xy, corners, a[None, :]])
        if Path(poly).contains_point(inside):
            return poly
    return None


def _unstable_point(p: NeuronParams, hopf_v_in) -> tuple[float, float] | None:
    """A point of (V_in, R_m) between the first two Hopf points at R_m = p.r_m, checked unstable."""
    if len(hopf_v_in) < 2:
        return None
    mid = 0.5 * (hopf_v_in[0] + hopf_v_in[1])
    eqs = equilibria(p.replace(v_in=mid))
    return (mid, p.r_m) if any(not e.stable for e in eqs) else None


@register(
    "neuron-fig5",
    paper="Paper N, Fig. 5",
    summary="Self-oscillation regions in (V_in, R_m) for five Z_T (continuation); span vs Z_T",
)
def make(config: FigureConfig):
    opts = CURVE_OPTIONS if not config.quick else replace(CURVE_OPTIONS, step=0.05, step_max=0.6)
    regions = []
    for zt in Z_TS:
        p = BASE.replace(z_t=zt)
        hcs = hopf_curves(p, ("v_in", "r_m"), BOX, options=opts)
        fcs = fold_curves(p, ("v_in", "r_m"), BOX, options=opts)
        hv = [h.value for h in hopf_points(p, "v_in", BOX[0])]
        regions.append((zt, hcs, fcs, _unstable_point(p, hv)))
    data = {}
    for zt, hcs, fcs, _ in regions:
        for kind, curves in (("hopf", hcs), ("fold", fcs)):
            for i, c in enumerate(curves):
                dim = f"{kind}_zt{zt:g}_{i}"
                data[f"{dim}_v_in"] = (dim, c.params[:, 0])
                data[f"{dim}_r_m"] = (dim, c.params[:, 1])
                data[f"{dim}_V"] = (dim, c.x[:, 3])
                if kind == "hopf":
                    data[f"{dim}_omega"] = (dim, c.omega)
                    data[f"{dim}_l1"] = (dim, c.l1)

    # (b) span vs Z_T
    n_z, t_cap = (6, 3000.0) if config.quick else (41, 30000.0)
    zs = np.linspace(0.0, 1.0, n_z)
    pb = BASE.replace(**FIG5B)
    sw = sweep_dataset(sweep_runs(pb, "z_t", zs, t_cap, directions=("up",), method="odeint"))
    (h_zt,) = hopf_points(pb, "z_t", (0.0, 1.0))
    all_l1 = np.concatenate([c.l1 for _, hcs, _, _ in regions for c in hcs])
    cusps = [(zt, *cp.p[:2]) for zt, _, fcs, _ in regions for c in fcs for cp in c.points("CP")]
    ds = xr.Dataset(
        {
            **data,
            "span": ("z_t", sw.span.sel(direction="up").values),
            "regime": ("z_t", sw.regime.sel(direction="up").values),
            "frequency": ("z_t", sw.frequency.sel(direction="up").values),
            "V_mean": ("z_t", sw.V_mean.sel(direction="up").values),
            "t_end": ("z_t", sw.t_end.sel(direction="up").values),
            "status": ("z_t", sw.status.sel(direction="up").values),
        },
        coords={"z_t": zs},
        attrs=provenance_attrs(
            {
                "figure": "neuron-fig5",
                "paper_figure": "Paper N, Fig. 5",
                **{k: v for k, v in BASE.as_attrs().items() if k not in ("z_t", "v_in")},
                "z_t_values_a": list(Z_TS),
                "box_v_in": list(BOX[0]),
                "box_r_m": list(BOX[1]),
                "max_l1_on_hopf_curves": float(np.nanmax(all_l1)),
                "cusps_zt_v_in_r_m": [x for c in cusps for x in c],
                "fig5b_r_m": FIG5B["r_m"],
                "fig5b_v_in": FIG5B["v_in"],
                "hopf_z_t": h_zt.value,
                "hopf_z_t_lyapunov": h_zt.lyapunov,
                "method_b": "odeint",
                "protocol_b": "stationary",
            }
        ),
    )
    ds = ds.assign(cycle_variables(cycle_branch(pb, "z_t", (0.0, 1.0))))
    return _draw(ds, regions, h_zt), ds


def _tint(color: str, white: float = 0.78) -> tuple[float, float, float]:
    r, g, b = to_rgb(color)
    return (r + (1 - r) * white, g + (1 - g) * white, b + (1 - b) * white)


def _draw(ds: xr.Dataset, regions, h_zt):
    fig = Figure(figsize=(12.0, 4.8), layout="constrained")
    ax, bx = fig.subplots(1, 2, width_ratios=[1.25, 1.0])
    handles = []
    # regions are nested (smaller Z_T inside): fill the largest first with opaque tints, so
    # each band shows the smallest Z_T at which that point self-oscillates
    for (_, hcs, _, inside), col in sorted(
        zip(regions, COLORS, strict=True), key=lambda rc: -rc[0][0]
    ):
        for c in hcs:
            poly = region_polygon(c.params, BOX, inside) if inside is not None else None
            if poly is not None:
                ax.fill(poly[:, 0], poly[:, 1], color=_tint(col), lw=0, zorder=0)
    for (zt, hcs, fcs, _), col in zip(regions, COLORS, strict=True):
        for c in hcs:
            ax.plot(c.params[:, 0], c.params[:, 1], color=col, lw=1.8)
        for c in fcs:
            ax.plot(c.params[:, 0], c.params[:, 1], color=col, lw=1.0, ls="--")
            for cp in c.points("CP"):
                ax.plot(cp.p[0], cp.p[1], "^", color=col, ms=6, mec="k", mew=0.5)
        handles.append(Line2D([], [], color=col, lw=1.8, label=rf"$Z_T$ = {zt:g}"))
    handles += [
        Line2D([], [], color="0.3", lw=1.0, ls="--", label="folds"),
        Line2D([], [], color="0.3", ls="", marker="^", label="cusp"),
        Line2D([], [], color="k", ls="", marker="x", label="Fig. 5b point"),
    ]
    ax.plot(ds.attrs["fig5b_v_in"], ds.attrs["fig5b_r_m"], "x", color="k", ms=8, mew=1.6)
    ax.axhline(ds.attrs["fig5b_r_m"], color="0.6", lw=0.6, ls=":")
    ax.set_xlim(*BOX[0])
    ax.set_ylim(*BOX[1])
    ax.set_xlabel(r"input $V_{\rm in}$")
    ax.set_ylabel(r"load resistance $R_m$ (units of $R_{\rm ext}$)")
    ax.set_title(
        "shaded: self-oscillation region (inside the supercritical Hopf curve)\n"
        rf"max $l_1$ on all curves = {ds.attrs['max_l1_on_hopf_curves']:.3g} < 0",
        fontsize="small",
    )
    ax.legend(handles=handles, loc="upper right", fontsize="x-small", ncols=2)
    panel_label(ax, "(a)")

    z = ds.z_t.values
    osc = ds.regime.values == "oscillation"
    bx.plot(z, ds.span.values, "-", color=EXACT, lw=1.0)
    bx.plot(z[osc], ds.span.values[osc], "o", color=EXACT, ms=4, label="oscillation")
    bx.plot(z[~osc], ds.span.values[~osc], "o", mfc="white", mec=EXACT, ms=4, label="steady")
    draw_cycle_branch(bx, ds, ("span",))
    bx.axvline(h_zt.value, color="k", lw=0.8, ls=":", label=rf"Hopf, $Z_T$ = {h_zt.value:.4f}")
    bx.set_xlabel(r"thermal polarisation $Z_T$")
    bx.set_ylabel(r"span $V_{\max} - V_{\min}$ (stationary)")
    bx.set_xlim(0, 1)
    bx.set_ylim(bottom=0)
    bx.set_title(
        rf"$R_m$ = {ds.attrs['fig5b_r_m']:g}, $V_{{\rm in}}$ = {ds.attrs['fig5b_v_in']:g}, "
        r"$\Gamma$ = 0.1, $\alpha$ = 1",
        fontsize="small",
    )
    bx.legend(loc="lower right", fontsize="x-small")
    panel_label(bx, "(b)")
    fig.suptitle(
        r"Where the neuron self-oscillates ($\Gamma$ = 0.1, $\alpha$ = 1, $l$ = 0.5, "
        r"$x_0$ = 0.8, $\lambda$ = 0.13)",
        fontsize="medium",
    )
    return fig
