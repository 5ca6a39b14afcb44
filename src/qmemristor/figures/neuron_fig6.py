"""Paper N, Fig. 6: heat maps of the span of V over (Γ, Z_T) at α = 1 and over (Γ, α) at Z_T = 1.

V_in = 2, R_m = 6 and the paper's device.  Each point is a neuron sweep point
(:mod:`qmemristor.sweeps.neuron`): integrated from the equilibrium perturbed by
1e-3·(1, 0, 0, 1)/√2 (the convention of ``neuron simulate``) under the **stationary protocol**
(:mod:`qmemristor.neuron.stationary`): window by window until the extremes of V agree over
three windows, the windows and the cap scaling with the point's slowest relaxation time
τ = 1/min(Γ, αΓ, |Re λ|); the span is that of the settled window.  Points that do not settle
within their cap (hard cap 30000; quick: 6000) are hatched and keep their last window's span;
failed integrations are crossed out.  Dashed: the Andronov–Hopf boundary of linear stability
(max Re λ = 0 of the complex pair of the Jacobian at the equilibrium, an independent check of
the self-oscillation region).  Full resolution 100 × 100 per panel; quick 14 × 11.

Differs from the paper on purpose: the paper's protocol (t_end = 1500, second half kept) shows
transients wherever 1/(αΓ) or 1/Γ ≳ 150 — a bright L-shaped band along small Γ and small α in
panel (b) (e.g. Γ = 0.01, α = 0.1: span 0.097 at t_end = 1500, 0.0083 settled);
``benchmarks/fig6_stationary_changes.py`` lists the points that change.  At α = 0, Z does not
relax at all, (0, 0, Z, V*(Z)) is a line of equilibria and no self-oscillation survives.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..io import provenance_attrs
from ..neuron import NeuronParams, equilibria, jacobian
from ..sweeps.batch import FAILED, NOT_SETTLED
from ..sweeps.runner import make_sweep, run_sweep
from . import FigureConfig, register
from ._notes import deviation_note
from ._style import panel_label

V_IN, R_M = 2.0, 6.0
GAMMA = (0.01, 1.0)
#: t_end: the hard cap of the stationary protocol
FULL = {"n": 100, "t_end": 30000.0}
QUICK = {"n_gamma": 14, "n_other": 11, "t_end": 6000.0}
NOTE = "stationary spans (runs until settled; paper: fixed t_end = 1500), hatched: not settled"
#: Which method drew the map (one line on the figure): the full figure by cycle continuation
#: (:mod:`qmemristor.sweeps.neuron_orbits`), the quick form by integration (faster on its
#: coarse grid, where each line's continuation costs more than its few integrations).
METHOD_NOTE = {
    "orbits": "method: orbits — exact spans of the Hopf cycles (continued along Γ); "
    "other points integrated",
    "integrate": "method: integration (stationary protocol)",
}


def _method(quick: bool) -> str:
    return "integrate" if quick else "orbits"


def _grids(quick: bool) -> tuple[int, int, float]:
    if quick:
        return int(QUICK["n_gamma"]), int(QUICK["n_other"]), float(QUICK["t_end"])
    return int(FULL["n"]), int(FULL["n"]), float(FULL["t_end"])


def _hopf_indicator(gamma: np.ndarray, other: str, values: np.ndarray, fixed: dict) -> np.ndarray:
    """Largest real part of a complex eigenvalue pair at the equilibrium, on the (Γ, other) grid.

    Its zero level is the Andronov–Hopf boundary.  Real eigenvalues are left out: at α = 0
    the Z direction is neutral (λ = 0, a line of equilibria), which is no Hopf point.  The
    equilibrium (0, 0, Z_T, V*) (the lowest-V one if there are several) depends on Z_T only
    (not on Γ or α), so V* is found once per column and the 4×4 spectra are batched over Γ.
    NaN where no complex pair exists.
    """
    out = np.empty((gamma.size, values.size))
    for j, val in enumerate(values):
        p = NeuronParams(v_in=V_IN, r_m=R_M, **{**fixed, other: float(val)})
        v_star = equilibria(p)[0].V
        y = np.array([0.0, 0.0, p.z_t, v_star])
        jac = np.stack([jacobian(y, p.replace(gamma=float(g))) for g in gamma])
        ev = np.linalg.eigvals(jac)
        pair = np.abs(ev.imag) > 1e-9 * np.abs(ev).max(axis=1, keepdims=True)
        re = np.where(pair, ev.real, -np.inf).max(axis=1)
        out[:, j] = np.where(np.isfinite(re), re, np.nan)
    return out


def _map(other: str, fixed: dict, quick: bool) -> xr.Dataset:
    n_g, n_o, t_end = _grids(quick)
    hi = 1.0 if other == "z_t" else 2.0
    orbits = _method(quick) == "orbits"
    sweep = make_sweep(
        "neuron-orbits" if orbits else "neuron",
        [f"gamma={GAMMA[0]}:{GAMMA[1]}:{n_g}", f"{other}=0:{hi}:{n_o}"],
        fixed={"v_in": V_IN, "r_m": R_M, **fixed},
        options={"protocol": "stationary", "t_end": t_end},
        chunk=(n_g, max(1, 200 // n_g)) if orbits else None,  # whole Γ lines per chunk
    )
    ds = run_sweep(sweep)
    lead = _hopf_indicator(ds.gamma.values, other, ds[other].values, fixed)
    ds["hopf_indicator"] = (
        ("gamma", other),
        lead,
        {"long_name": "max Re λ of complex eigenvalue pairs at the equilibrium (0: Hopf)"},
    )
    return ds


@register(
    "neuron-fig6",
    paper="Paper N, Fig. 6",
    summary="Span heat maps over (Γ, Z_T) at α = 1 and (Γ, α) at Z_T = 1; V_in = 2, R_m = 6",
)
def make(config: FigureConfig):
    a = _map("z_t", {"alpha": 1.0}, config.quick)
    b = _map("alpha", {"z_t": 1.0}, config.quick)
    names = ("span", "frequency", "regime", "V_mean", "status", "t_reached", "tau",
             "hopf_indicator")  # fmt: skip
    data = {f"{k}_a": a[k] for k in names} | {f"{k}_b": b[k] for k in names}
    _, _, t_end = _grids(config.quick)
    ds = xr.Dataset(
        data,
        attrs=provenance_attrs(
            {
                "figure": "neuron-fig6",
                "paper_figure": "Paper N, Fig. 6",
                "v_in": V_IN,
                "r_m": R_M,
                "panel_a": "span over (gamma, z_t) at alpha = 1",
                "panel_b": "span over (gamma, alpha) at z_t = 1",
                "protocol": "stationary",
                "method": _method(config.quick),
                "t_end": t_end,
                "t_end_meaning": "hard cap of every point's run",
                "window": "the last window of the stationary protocol",
                "initial_state": "smallest-|V| equilibrium + 1e-3 (1, 0, 0, 1)/sqrt(2)",
                "sweep_spec_a": a.attrs["sweep_spec"],
                "sweep_spec_b": b.attrs["sweep_spec"],
            },
            seed=config.seed,
        ),
    )
    return _draw(ds), ds


def _edges(x: np.ndarray) -> np.ndarray:
    mid = 0.5 * (x[1:] + x[:-1])
    return np.concatenate([[x[0] - (mid[0] - x[0])], mid, [x[-1] + (x[-1] - mid[-1])]])


def _draw(ds: xr.Dataset):
    from matplotlib.collections import PatchCollection, QuadMesh
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    fig = Figure(figsize=(11.0, 4.9), layout="constrained")
    axes = fig.subplots(1, 2)
    vmax = float(np.nanmax([np.nanmax(ds.span_a.values), np.nanmax(ds.span_b.values)]))
    panels = (
        ("a", "z_t", r"thermal polarisation $Z_T$", r"$\alpha = 1$"),
        ("b", "alpha", r"$\alpha = \gamma_T/\gamma_\varphi$", r"$Z_T = 1$"),
    )
    mesh: QuadMesh | None = None
    for ax, (tag, other, ylabel, fixed) in zip(axes, panels, strict=True):
        span = ds[f"span_{tag}"]
        g = ds.gamma.values
        o = ds[other].values
        ge, oe = _edges(g), _edges(o)
        mesh = ax.pcolormesh(
            ge, oe, span.values.T, cmap="magma", vmin=0.0, vmax=vmax, shading="flat"
        )
        ax.contour(
            g, o, ds[f"hopf_indicator_{tag}"].values.T, levels=[0.0], colors="#7fd3ff",
            linestyles="--", linewidths=1.4,
        )  # fmt: skip
        status = ds[f"status_{tag}"].values
        gi, oi = np.nonzero(status == NOT_SETTLED)
        if gi.size:
            cells = [Rectangle((ge[i], oe[j]), ge[i + 1] - ge[i], oe[j + 1] - oe[j])
                     for i, j in zip(gi, oi, strict=True)]  # fmt: skip
            ax.add_collection(
                PatchCollection(
                    cells, facecolor="none", edgecolor="#2ee8c0", hatch="xxxx", linewidth=0.0
                )
            )
        gi, oi = np.nonzero(np.isin(status, FAILED))
        if gi.size:
            ax.plot(g[gi], o[oi], "x", color="#2a9d8f", ms=5, mew=1.2)
        ax.set_xlabel(r"dephasing rate $\Gamma$ ($1/\tau_c$)")
        ax.set_ylabel(ylabel)
        ax.set_title(rf"span of $V$: $V_{{\rm in}}$ = {V_IN:g}, $R_m$ = {R_M:g}, {fixed}",
                     fontsize="medium")  # fmt: skip
        panel_label(ax, f"({tag})")
        ax.texts[-1].set_color("white")
        ax.legend(
            handles=[
                Line2D([], [], color="#7fd3ff", ls="--", label="Hopf boundary (linear stability)"),
                Patch(
                    facecolor="none",
                    edgecolor="#2ee8c0",
                    hatch="xxxx",
                    label=f"not settled ({int((status == NOT_SETTLED).sum())})",
                ),
                Line2D(
                    [],
                    [],
                    color="#2a9d8f",
                    marker="x",
                    ls="",
                    label=f"integration failed ({int(np.isin(status, FAILED).sum())})",
                ),
            ],
            loc="lower right",
            fontsize="small",
            framealpha=0.85,
        )
    if mesh is not None:
        fig.colorbar(mesh, ax=axes, label=r"span $V_{\max} - V_{\min}$ (settled window)")
    deviation_note(fig, NOTE)
    method = str(ds.attrs.get("method", "integrate"))
    fig.suptitle(METHOD_NOTE.get(method, method), fontsize="small", color="0.3")
    return fig
