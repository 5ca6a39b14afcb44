"""Shared data and panels of Paper M's coupled-memristor figures (Figs. 7–12).

Set-up of the paper (docs/theory.md §M4): γ0 = 0.02 for both memristors, both start in
(|e⟩ + |g⟩)/√2, 20 drive periods; 30 steps per period (one collision pair and one gate per
step).  The paper does not print δ; every figure uses :data:`DELTA` (per interaction in
:data:`DELTAS`) and says so in its metadata.  The data come from the exact ``density``
backend of the digital protocol (⟨I⟩ from the generator of its continuous-time limit), in the
interaction frame of docs/theory.md §M3; Figs. 8 and 10 add the lab-frame pinch offsets to compare.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm

from ..digital import simulate_coupled
from ..io import provenance_attrs
from ..memristor import (
    DEFAULT_DELTA,
    CoupledMemristors,
    Coupling,
    InitialState,
    MemristorParams,
    time_grid,
)
from ._style import EXACT, NUMERIC, panel_label

GAMMA0 = 0.02
PERIODS = 20
QUICK_PERIODS = 16  # still covers the paper's two windows, periods 1–7 and 8–15
#: Steps per period.  The quick figures keep it: g = δ/Δt, so fewer steps would change the
#: physics, and the exact backend costs ~20 ms per period anyway.
POINTS_PER_PERIOD = 30
STATE = InitialState.from_angles(math.pi / 4, 0.0)  # (|e⟩ + |g⟩)/√2
#: Coupling angle per step used by every figure (rad).
DELTAS = dict.fromkeys(("xx", "yy", "zz", "crx", "cry", "crz", "pswap", "xy"), DEFAULT_DELTA)
WINDOWS = ((1, 7), (8, 15))  # periods drawn in the two I–V panels (1-based, inclusive)
MEMRISTOR_COLOURS = {1: EXACT, 2: NUMERIC}


def run(interaction: str, quick: bool, *, frame: str = "interaction") -> xr.Dataset:
    """The coupled run behind a figure (exact ``density`` backend, paper layout)."""
    periods = QUICK_PERIODS if quick else PERIODS
    k = POINTS_PER_PERIOD
    system = CoupledMemristors(
        m1=MemristorParams(gamma0=GAMMA0),
        m2=MemristorParams(gamma0=GAMMA0),
        coupling=Coupling(interaction, DELTAS[interaction]),
        frame=frame,
    )
    return simulate_coupled(system, STATE, STATE, time_grid(periods, k))


def summary(ds: xr.Dataset) -> dict[str, Any]:
    """Per-run facts for the figure's attributes: pinched periods, deaths, births, F range."""
    out: dict[str, Any] = {}
    period = 2 * math.pi
    for k in (1, 2):
        pinched = ds.pinched.sel(memristor=k).values.astype(bool)
        ff = ds.form_factor.sel(memristor=k).values
        out[f"pinched_periods_{k}"] = f"{int(pinched.sum())}/{pinched.size}"
        out[f"unpinched_periods_{k}"] = [int(p) + 1 for p in np.flatnonzero(~pinched)]
        out[f"form_factor_range_{k}"] = [float(np.nanmin(ff)), float(np.nanmax(ff))]
    out["sudden_death_periods"] = [float(x) for x in ds.sudden_death_start.values / period]
    out["sudden_birth_periods"] = [float(x) for x in ds.sudden_birth.values / period]
    out["max_concurrence"] = float(ds.concurrence.max())
    return out


def figure_attrs(name: str, paper: str, runs: dict[str, xr.Dataset], **extra: Any) -> dict:
    """Provenance attributes of a coupled figure, with δ and the per-run summaries."""
    first = next(iter(runs.values()))
    attrs: dict[str, Any] = {
        "figure": name,
        "paper_figure": paper,
        "gamma0": GAMMA0,
        "initial_state": "(|e>+|g>)/sqrt2 for both memristors",
        "periods": int(first.sizes["period"]),
        "points_per_period": round(2 * math.pi / float(first.attrs["dt"])),
        "backend": "density (exact), paper layout",
        "frame": first.attrs["frame"],
        "derivative": first.attrs["derivative"],
        "delta_choice": (
            "the paper does not print δ; δ = 0.02 rad per step (g = δ/Δt ≈ 0.095 ω at 30 "
            "steps per period) reproduces sudden death and revival for σy⊗σy"
        ),
    }
    for key, ds in runs.items():
        attrs[f"delta_{key}"] = float(ds.attrs["delta"])
        attrs.update({f"{key}_{k}": v for k, v in summary(ds).items()})
    attrs.update(extra)
    return provenance_attrs(attrs, seed=None)


def combine(runs: dict[str, xr.Dataset], dim: str = "interaction") -> xr.Dataset:
    """Runs stacked along ``dim`` (their own attributes dropped; the figure's replace them)."""
    parts = []
    for key, ds in runs.items():
        d = ds.drop_vars([v for v in ("probability",) if v in ds]).copy()
        d.attrs = {}
        parts.append(d.expand_dims({dim: [key]}))
    return xr.concat(parts, dim=dim, join="outer", combine_attrs="drop")


def _normalised(ds: xr.Dataset, k: int) -> tuple[np.ndarray, np.ndarray]:
    v = ds.V.sel(memristor=k).values
    i = ds.I.sel(memristor=k).values
    return v / np.max(np.abs(v)), i / np.max(np.abs(i))


def loops_panel(ax, ds: xr.Dataset, k: int, window: tuple[int, int], *, cmap: str = "viridis"):
    """I–V loops of memristor ``k`` for the periods ``window`` (1-based, inclusive), coloured by
    period; V and I normalised by their maxima over the run (the form-factor convention).

    Returns the ``ScalarMappable`` for a colour bar.
    """
    v, i = _normalised(ds, k)
    t = ds.t.values
    period = 2 * math.pi
    lo, hi = window
    hi = min(hi, int(ds.sizes["period"]))
    norm = BoundaryNorm(np.arange(lo - 0.5, hi + 1.0), colormaps[cmap].N)
    colours = colormaps[cmap]
    shown = (t >= (lo - 1) * period - 1e-9) & (t <= hi * period + 1e-9)
    lim = 1.08 * max(np.max(np.abs(v[shown])), np.max(np.abs(i[shown])))
    for p in range(lo, hi + 1):
        sel = (t >= (p - 1) * period - 1e-9) & (t <= p * period + 1e-9)
        pinched = bool(ds.pinched.sel(memristor=k, period=p - 1))
        ax.plot(
            v[sel], i[sel], color=colours(norm(p)), lw=1.0, ls="-" if pinched else (0, (4, 1.5))
        )
    ax.axhline(0, color="0.8", lw=0.5, zorder=0)
    ax.axvline(0, color="0.8", lw=0.5, zorder=0)
    ax.set_xlabel(rf"$\langle V_{k}\rangle / \max|V_{k}|$")
    ax.set_ylabel(rf"$\langle I_{k}\rangle / \max|I_{k}|$")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    return ScalarMappable(norm=norm, cmap=colours)


def period_colourbar(fig, mappable, ax, window: tuple[int, int]) -> None:
    lo, hi = window
    cb = fig.colorbar(mappable, ax=ax, ticks=range(lo, hi + 1), fraction=0.05, pad=0.02)
    cb.set_label("period", fontsize=8)
    cb.ax.tick_params(labelsize=7)


def loops_cell(fig, ax, ds: xr.Dataset, k: int, window: tuple[int, int], label: str) -> int:
    """A labelled :func:`loops_panel` with its period colour bar; returns how many periods of
    ``window`` are not pinched (for the caller's title)."""
    m = loops_panel(ax, ds, k, window)
    n_un = int((1 - ds.pinched.sel(memristor=k).values[window[0] - 1 : window[1]]).sum())
    panel_label(ax, label)
    period_colourbar(fig, m, ax, window)
    return n_un


def concurrence_cell(ax, ds: xr.Dataset, title: str, label: str, fontsize: float) -> None:
    """A labelled :func:`concurrence_panel` with a title and its legend (Figs. 11 and 12)."""
    concurrence_panel(ax, ds)
    ax.set_title(title, fontsize=fontsize)
    ax.legend(loc="upper right", fontsize=7)
    panel_label(ax, label)


def concurrence_panel(ax, ds: xr.Dataset, *, label: str | None = None, colour: str = EXACT):
    """C(t) with the Wootters quantity, sudden-death intervals shaded and births marked."""
    t = ds.t.values / (2 * math.pi)
    w = ds.wootters.values
    ax.plot(t, ds.concurrence.values, color=colour, lw=1.3, label=label or "concurrence $C$")
    ax.plot(
        t,
        w,
        color=colour,
        lw=0.7,
        ls=":",
        alpha=0.8,
        label=r"$\lambda_1-\lambda_2-\lambda_3-\lambda_4$",
    )
    for s, e in zip(ds.sudden_death_start.values, ds.sudden_death_end.values, strict=True):
        if np.isfinite(s):
            ax.axvspan(s / (2 * math.pi), e / (2 * math.pi), color="0.88", lw=0, zorder=0)
    births = ds.sudden_birth.values
    births = births[np.isfinite(births)] / (2 * math.pi)
    ax.plot(births, np.zeros_like(births), "^", color=NUMERIC, ms=5, label="sudden birth")
    ax.axhline(0, color="0.5", lw=0.5)
    ax.set_xlabel(r"$t / T$")
    ax.set_ylabel("concurrence")
    ax.set_xlim(0, t[-1])
    lo = max(-0.5, float(np.min(w)) - 0.05)
    ax.set_ylim(lo, 1.0)


def form_factor_panel(ax, ds: xr.Dataset) -> None:
    """Form factor per period of both memristors; open markers = loop not pinched."""
    p = ds.period.values + 1
    for k, marker, ms in ((1, "o", 7), (2, "s", 4)):
        ff = ds.form_factor.sel(memristor=k).values
        pinched = ds.pinched.sel(memristor=k).values.astype(bool)
        c = MEMRISTOR_COLOURS[k]
        ax.plot(p, ff, color=c, lw=0.8, alpha=0.6)
        ax.plot(p[pinched], ff[pinched], marker, color=c, ms=ms, ls="", label=f"memristor {k}")
        ax.plot(p[~pinched], ff[~pinched], marker, mfc="white", mec=c, ms=ms, ls="")
    ax.set_xlabel("period")
    ax.set_ylabel(r"form factor $F = 4\pi S/P^2$")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0.5, p[-1] + 0.5)


def pinch_panel(ax, ds: xr.Dataset, lab: xr.Dataset) -> None:
    """Pinch offset per period, interaction frame (solid) and lab frame (dashed)."""
    p = ds.period.values + 1
    frames = ((ds, "-", "interaction", {}), (lab, "--", "lab", {"mfc": "none"}))
    for k, marker in ((1, "o"), (2, "s")):
        for run_, ls, frame, style in frames:
            ax.plot(
                p,
                run_.pinch_offset.sel(memristor=k),
                marker + ls,
                color=MEMRISTOR_COLOURS[k],
                ms=3,
                lw=0.9,
                label=f"memristor {k}, {frame} frame",
                **style,
            )
    ax.axhline(0.02, color="0.4", lw=0.7, ls=":")
    ax.text(p[-1] + 0.4, 0.015, "pinched below", fontsize=7, ha="right", va="top", color="0.3")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_ylim(0, 1.5)
    ax.set_xlabel("period")
    ax.set_ylabel(r"$|I|$ at $V = 0$ / max$|I|$")
    ax.set_xlim(0.5, p[-1] + 0.5)


def loops_figure(ds: xr.Dataset, title: str):
    """Fig. 7/9 layout: rows = memristor 1, 2; columns = periods 1–7, 8–15."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.6, 8.2), layout="constrained")
    axes = fig.subplots(2, 2)
    labels = iter("abcd")
    for row, k in enumerate((1, 2)):
        for col, window in enumerate(WINDOWS):
            ax = axes[row, col]
            n_un = loops_cell(fig, ax, ds, k, window, f"({next(labels)})")
            ax.set_title(
                f"memristor {k}, periods {window[0]}–{window[1]}"
                + (f" ({n_un} not pinched, dashed)" if n_un else " (all pinched)"),
                fontsize=9,
            )
    fig.suptitle(title, fontsize=10)
    return fig


def loops_result(name: str, paper: str, interaction: str, quick: bool, title: str):
    """Figs. 7 and 9: the run of ``interaction``, its :func:`loops_figure` and the data."""
    ds = run(interaction, quick)
    fig = loops_figure(ds, title)
    out = ds.drop_vars("probability")
    out.attrs = figure_attrs(name, paper, {interaction: ds})
    return fig, out


def dynamics_figure(ds: xr.Dataset, lab: xr.Dataset, title: str):
    """Fig. 8/10 layout: (a) concurrence, (b) form factor per period, (c) pinch offsets."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11.0, 7.6), layout="constrained")
    axd = fig.subplot_mosaic([["c", "c"], ["f", "p"]], height_ratios=[1.0, 1.1])
    concurrence_panel(axd["c"], ds)
    axd["c"].legend(loc="upper right", fontsize=8)
    axd["c"].set_title(
        "entanglement: grey = concurrence exactly 0 (sudden death), ▲ = sudden birth", fontsize=9
    )
    form_factor_panel(axd["f"], ds)
    axd["f"].legend(loc="upper right", fontsize=8)
    axd["f"].set_title("loop form factor per period (open: loop not pinched)", fontsize=9)
    pinch_panel(axd["p"], ds, lab)
    axd["p"].legend(loc="lower center", fontsize=7, ncols=2, bbox_to_anchor=(0.5, 1.0))
    for key, lab_ in zip("cfp", "abc", strict=True):
        panel_label(axd[key], f"({lab_})")
    fig.suptitle(title, fontsize=10)
    return fig


def dynamics_result(name: str, paper: str, interaction: str, quick: bool, title: str):
    """Figs. 8 and 10: interaction- and lab-frame runs, their :func:`dynamics_figure` and the
    data (:func:`with_lab`)."""
    ds = run(interaction, quick)
    lab = run(interaction, quick, frame="lab")
    fig = dynamics_figure(ds, lab, title)
    out = with_lab(ds, lab)
    out.attrs = figure_attrs(name, paper, {interaction: ds, f"{interaction}_lab": lab})
    return fig, out


def with_lab(ds: xr.Dataset, lab: xr.Dataset) -> xr.Dataset:
    """``ds`` plus the lab-frame run's pinch offsets, verdicts, form factors and concurrence."""
    out = ds.drop_vars([v for v in ("probability",) if v in ds])
    for name in ("pinch_offset", "pinched", "form_factor", "concurrence", "wootters"):
        out[f"{name}_lab"] = lab[name].assign_attrs(
            long_name=f"{lab[name].attrs.get('long_name', name)} (lab frame)"
        )
    return out


__all__ = [
    "DELTAS",
    "GAMMA0",
    "STATE",
    "WINDOWS",
    "combine",
    "concurrence_cell",
    "concurrence_panel",
    "dynamics_figure",
    "dynamics_result",
    "figure_attrs",
    "form_factor_panel",
    "loops_cell",
    "loops_figure",
    "loops_panel",
    "loops_result",
    "panel_label",
    "period_colourbar",
    "pinch_panel",
    "run",
    "summary",
    "with_lab",
]
