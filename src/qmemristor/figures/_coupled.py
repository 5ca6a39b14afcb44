"""Shared data and panels of Paper M's coupled-memristor figures (Figs. 7–12).

Set-up of the paper: γ0 = 0.02 for both memristors, both start in (|e⟩ + |g⟩)/√2, 20 drive
periods, 30 steps per period (one collision pair and one gate per step).  The paper prints
neither δ nor the frame in which the gate acts; every figure uses :data:`PRESET`
(:data:`qmemristor.memristor.PAPER_PRESET`, fitted to the paper's text by
``benchmarks/fit_paper_preset.py``) and says so on the figure and in its metadata.  The data
come from the exact ``density`` backend of the digital protocol (⟨I⟩ from the generator of its
continuous-time limit).  The runs are cheap (about 0.3 s for 20 periods), so ``--quick`` draws
the same data as the full figure.

I–V panels normalise V and I by their maxima over the run (the form-factor convention): the
paper's single-memristor normalisation by V0 = |⟨V⟩(0)| is undefined here, since
(|e⟩ + |g⟩)/√2 has ⟨σy⟩(0) = 0, so ⟨V⟩(0) = 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm
from scipy.signal import find_peaks

from ..io import provenance_attrs
from ..memristor import (
    FRAMES,
    PAPER_PRESET,
    CoupledPreset,
    InitialState,
    time_grid,
)
from ..results.digital import simulate_coupled
from ._style import EXACT, NUMERIC, loop_markers, panel_label

PRESET: CoupledPreset = PAPER_PRESET
GAMMA0 = 0.02
PERIODS = 20
#: Steps per period (g = δ/Δt: fewer steps would change the physics).
POINTS_PER_PERIOD = 30
STATE = InitialState.from_angles(math.pi / 4, 0.0)  # (|e⟩ + |g⟩)/√2
#: Periods in the two I–V panels of the paper's Fig. 7 (1-based, inclusive).
WINDOWS = ((1, 7), (8, 15))
#: Where the paper's text puts the two significant σy⊗σy concurrence peaks (in periods T).
PEAK_WINDOWS_T = ((0.0, 7.0), (8.0, 15.0))
#: Every period of the run (Figs. 9, 11, 12 draw all 20, as the paper does).
ALL_PERIODS = (1, PERIODS)
#: A concurrence peak is "significant" with prominence ≥ this (a tenth of maximal
#: entanglement; the criterion of ``benchmarks/fit_paper_preset.py``).
PEAK_PROMINENCE = 0.1
MEMRISTOR_COLOURS = {1: EXACT, 2: NUMERIC}
T = 2 * math.pi


def run(
    interaction: str,
    *,
    preset: CoupledPreset = PRESET,
    frame: str | None = None,
    delta: float | None = None,
) -> xr.Dataset:
    """The coupled run behind a figure (exact ``density`` backend, paper layout).

    ``frame`` and ``delta`` override the preset's (for the comparison panels).
    """
    over = CoupledPreset(
        preset.name,
        preset.frame if frame is None else frame,
        preset.delta if delta is None else delta,
    )
    system = over.system(interaction, gamma0=GAMMA0)
    return simulate_coupled(system, STATE, STATE, time_grid(PERIODS, POINTS_PER_PERIOD))


def other_frame(frame: str) -> str:
    return next(f for f in FRAMES if f != frame)


def significant_peaks(ds: xr.Dataset) -> np.ndarray:
    """Times (in periods) of the concurrence peaks with prominence ≥ :data:`PEAK_PROMINENCE`."""
    idx, _ = find_peaks(ds.concurrence.values, prominence=PEAK_PROMINENCE)
    return ds.t.values[idx] / T


def ff_concurrence_r(ds: xr.Dataset) -> float:
    """Pearson r of the per-period form factor (mean of both memristors) and mean concurrence."""
    n = int(ds.sizes["period"])
    k = (ds.t.size - 1) // n
    c = ds.concurrence.values[: n * k].reshape(n, k).mean(axis=1)
    ff = ds.form_factor.values.mean(axis=0)
    return float(np.corrcoef(c, ff)[0, 1])


def summary(ds: xr.Dataset) -> dict[str, Any]:
    """Per-run facts for the figure's attributes: pinched periods, deaths, births, peaks, F."""
    out: dict[str, Any] = {}
    for k in (1, 2):
        pinched = ds.pinched.sel(memristor=k).values.astype(bool)
        ff = ds.form_factor.sel(memristor=k).values
        out[f"pinched_periods_{k}"] = f"{int(pinched.sum())}/{pinched.size}"
        out[f"unpinched_periods_{k}"] = [int(p) + 1 for p in np.flatnonzero(~pinched)]
        out[f"form_factor_range_{k}"] = [float(np.nanmin(ff)), float(np.nanmax(ff))]
    out["sudden_death_periods"] = [float(x) for x in ds.sudden_death_start.values / T]
    out["sudden_birth_periods"] = [float(x) for x in ds.sudden_birth.values / T]
    out["max_concurrence"] = float(ds.concurrence.max())
    out["significant_peaks_periods"] = [float(x) for x in significant_peaks(ds)]
    return out


def figure_attrs(
    name: str, paper: str, runs: dict[str, xr.Dataset], note: str, **extra: Any
) -> dict:
    """Provenance attributes of a coupled figure, with the preset and the per-run summaries."""
    first = next(iter(runs.values()))
    attrs: dict[str, Any] = {
        "figure": name,
        "paper_figure": paper,
        "gamma0": GAMMA0,
        "initial_state": "(|e>+|g>)/sqrt2 for both memristors",
        "periods": int(first.sizes["period"]),
        "points_per_period": round(T / float(first.attrs["dt"])),
        "backend": "density (exact), paper layout",
        "frame": first.attrs["frame"],
        "derivative": first.attrs["derivative"],
        **PRESET.as_attrs(),
        "preset_summary": PRESET.summary,
        "differs_from_paper": note,
        "normalisation": "V, I / max|V|, max|I| over the run (V(0) = 0 for (|e>+|g>)/sqrt2)",
    }
    for key, ds in runs.items():
        attrs[f"delta_{key}"] = float(ds.attrs["delta"])
        attrs[f"frame_{key}"] = ds.attrs["frame"]
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


def loops_panel(
    ax, ds: xr.Dataset, k: int, window: tuple[int, int], *, cmap: str = "viridis"
) -> ScalarMappable:
    """I–V loops of memristor ``k`` for the periods ``window`` (1-based, inclusive), coloured by
    period, with the paper's markers (green start, red end, black origin); dashed = a loop that
    is not pinched.  Returns the ``ScalarMappable`` for a colour bar."""
    v, i = _normalised(ds, k)
    t = ds.t.values
    lo, hi = window
    hi = min(hi, int(ds.sizes["period"]))
    norm = BoundaryNorm(np.arange(lo - 0.5, hi + 1.0), colormaps[cmap].N)
    colours = colormaps[cmap]
    shown = (t >= (lo - 1) * T - 1e-9) & (t <= hi * T + 1e-9)
    lim = 1.08 * max(np.max(np.abs(v[shown])), np.max(np.abs(i[shown])))
    for p in range(lo, hi + 1):
        sel = (t >= (p - 1) * T - 1e-9) & (t <= p * T + 1e-9)
        pinched = bool(ds.pinched.sel(memristor=k, period=p - 1))
        ax.plot(
            v[sel], i[sel], color=colours(norm(p)), lw=1.0, ls="-" if pinched else (0, (4, 1.5))
        )
    loop_markers(ax, v[shown], i[shown])
    ax.axhline(0, color="0.8", lw=0.5, zorder=0)
    ax.axvline(0, color="0.8", lw=0.5, zorder=0)
    ax.set_xlabel(rf"$\langle V_{k}\rangle / \max|V_{k}|$")
    ax.set_ylabel(rf"$\langle I_{k}\rangle / \max|I_{k}|$")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    return ScalarMappable(norm=norm, cmap=colours)


def period_colourbar(fig, mappable, ax, window: tuple[int, int]) -> None:
    lo, hi = window
    step = 1 if hi - lo < 10 else 2
    ticks = list(range(lo, hi + 1, step))
    cb = fig.colorbar(mappable, ax=ax, ticks=ticks, fraction=0.05, pad=0.02)
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


def concurrence_panel(
    ax,
    ds: xr.Dataset,
    *,
    label: str | None = None,
    colour: str = EXACT,
    windows: tuple[tuple[float, float], ...] = (),
    peaks: bool = False,
) -> None:
    """C(t) with the Wootters quantity, sudden-death intervals shaded and births marked.

    ``windows`` (in units of T) are shaded as the paper's stated peak windows; ``peaks``
    marks the significant peaks (prominence ≥ :data:`PEAK_PROMINENCE`).  The y range follows
    the data, so a small concurrence stays visible.
    """
    t = ds.t.values / T
    c, w = ds.concurrence.values, ds.wootters.values
    top = max(1.15 * float(c.max()), 0.02)
    for k, (lo, hi) in enumerate(windows):
        ax.axvspan(
            lo,
            hi,
            facecolor="#fdf1d8",
            edgecolor="#e0b050",
            lw=0.8,
            zorder=0,
            label="paper: peak windows" if k == 0 else None,
        )
    for s, e in zip(ds.sudden_death_start.values, ds.sudden_death_end.values, strict=True):
        if np.isfinite(s):
            ax.axvspan(s / T, e / T, color="0.85", lw=0, zorder=0.5)
    ax.plot(t, c, color=colour, lw=1.2, label=label or "concurrence $C$")
    ax.plot(
        t,
        w,
        color=colour,
        lw=0.6,
        ls=":",
        alpha=0.8,
        label=r"$\lambda_1-\lambda_2-\lambda_3-\lambda_4$",
    )
    births = ds.sudden_birth.values
    births = births[np.isfinite(births)] / T
    ax.plot(births, np.zeros_like(births), "^", color=NUMERIC, ms=4, label="sudden birth")
    if peaks:
        tp = significant_peaks(ds)
        cp = np.interp(tp, t, c)
        ax.plot(tp, cp, "v", color="k", ms=6, label=f"peak (prominence ≥ {PEAK_PROMINENCE})")
    ax.axhline(0, color="0.5", lw=0.5)
    ax.set_xlabel(r"$t / T$")
    ax.set_ylabel("concurrence")
    ax.set_xlim(0, t[-1])
    ax.set_xticks(range(0, round(t[-1]) + 1, 1 if t[-1] <= 10 else 2))
    ax.set_ylim(max(-0.5 * top, float(np.min(w)) - 0.02 * top), top)


def form_factor_panel(ax, ds: xr.Dataset) -> None:
    """Form factor of each period, drawn at the period's centre on the t/T axis of the
    concurrence; open markers = loop not pinched."""
    p = ds.period.values + 0.5
    for k, marker, ms in ((1, "o", 7), (2, "s", 4)):
        ff = ds.form_factor.sel(memristor=k).values
        pinched = ds.pinched.sel(memristor=k).values.astype(bool)
        c = MEMRISTOR_COLOURS[k]
        ax.plot(p, ff, color=c, lw=0.8, alpha=0.6)
        ax.plot(p[pinched], ff[pinched], marker, color=c, ms=ms, ls="", label=f"memristor {k}")
        ax.plot(p[~pinched], ff[~pinched], marker, mfc="white", mec=c, ms=ms, ls="")
    ax.set_xlabel(r"$t / T$ (form factor of the period around it)")
    ax.set_ylabel(r"form factor $F = 4\pi S/P^2$")
    ax.set_ylim(0, max(0.45, 1.1 * float(np.nanmax(ds.form_factor))))
    ax.set_xlim(0, ds.period.size)
    ax.set_xticks(range(0, int(ds.period.size) + 1, 2))


def pinch_panel(ax, ds: xr.Dataset, other: xr.Dataset) -> None:
    """Pinch offset per period in the preset's frame (solid) and the other frame (dashed)."""
    p = ds.period.values + 1
    runs: tuple[tuple[xr.Dataset, str, dict[str, str]], ...] = (
        (ds, "-", {}),
        (other, "--", {"mfc": "none"}),
    )
    for k, marker in ((1, "o"), (2, "s")):
        for run_, ls, style in runs:
            ax.plot(
                p,
                run_.pinch_offset.sel(memristor=k),
                marker + ls,
                color=MEMRISTOR_COLOURS[k],
                ms=3,
                lw=0.9,
                label=f"memristor {k}, {run_.attrs['frame']} frame",
                **style,
            )
    ax.axhline(0.02, color="0.4", lw=0.7, ls=":")
    ax.text(p[-1] + 0.4, 0.015, "pinched below", fontsize=7, ha="right", va="top", color="0.3")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_ylim(0, 1.5)
    ax.set_xlabel("period")
    ax.set_ylabel(r"$|I|$ at $V = 0$ / max$|I|$")
    ax.set_xlim(0.5, p[-1] + 0.5)


def preset_line(ds: xr.Dataset) -> str:
    """``"lab frame, δ = 0.0126 per step"`` for titles."""
    return f"{ds.attrs['frame']} frame, δ = {float(ds.attrs['delta']):g} per step"


__all__ = [
    "ALL_PERIODS",
    "GAMMA0",
    "PEAK_WINDOWS_T",
    "PERIODS",
    "PRESET",
    "STATE",
    "WINDOWS",
    "combine",
    "concurrence_cell",
    "concurrence_panel",
    "ff_concurrence_r",
    "figure_attrs",
    "form_factor_panel",
    "loops_cell",
    "loops_panel",
    "other_frame",
    "period_colourbar",
    "pinch_panel",
    "preset_line",
    "run",
    "significant_peaks",
    "summary",
]
