"""Paper M, Fig. 1: I–V hysteresis from the master equation for γ0 = 0.2 and 0.02.

As the paper draws it: (a) γ0 = 0.2, (b) γ0 = 0.02, normalised by V0 = |⟨V⟩(0)| and
I0 = |⟨I⟩(0)|, with the paper's markers (green start, red end, black origin).  Added: the
exact solution (dashed) on the master-equation curve.
"""

from __future__ import annotations

import math

import xarray as xr

from ..io import provenance_attrs
from ..memristor import InitialState, MemristorParams, time_grid
from ..results.memristor import simulate
from . import FigureConfig, register
from ._style import EXACT, NUMERIC, deviation_note, loop_markers, new_figure, panel_label

GAMMA0S = (0.2, 0.02)
A, B = math.pi / 8, math.pi / 5
PERIODS = 5


@register(
    "memristor-fig1",
    paper="Paper M, Fig. 1",
    summary="Pinched I–V loops from the master equation, γ0 = 0.2 and 0.02 (a = π/8, b = π/5)",
)
def make(config: FigureConfig):
    k_pts = 60 if config.quick else 400
    t = time_grid(PERIODS, k_pts)
    state = InitialState.from_angles(A, B)
    runs = []
    for g in GAMMA0S:
        params = MemristorParams(gamma0=g)
        num = simulate(params, state, t, method="lindblad")
        ex = simulate(params, state, t, method="exact")
        v0, i0 = abs(float(num.V[0])), abs(float(num.I[0]))
        runs.append(
            xr.Dataset(
                {
                    "V": num.V,
                    "I": num.I,
                    "V_exact": ex.V,
                    "I_exact": ex.I,
                    "V_norm": num.V / v0,
                    "I_norm": num.I / i0,
                    "form_factor": num.form_factor,
                    "V0": v0,
                    "I0": i0,
                }
            )
        )
    ds = xr.concat(runs, dim=xr.DataArray(list(GAMMA0S), dims="gamma0", name="gamma0"))
    ds.attrs = provenance_attrs(
        {
            "figure": "memristor-fig1",
            "paper_figure": "Paper M, Fig. 1",
            "a": A,
            "b": B,
            "omega": 1.0,
            "periods": PERIODS,
            "points_per_period": k_pts,
            "method": "lindblad (DOP853, rtol 1e-10) with the exact solution alongside",
            "normalisation": "V/V0, I/I0 with V0=|<V>(0)|, I0=|<I>(0)|",
        },
        seed=None,
    )

    fig, axes = new_figure(1, 2)
    for ax, g, label in zip(axes, GAMMA0S, "ab", strict=True):
        sub = ds.sel(gamma0=g)
        ax.plot(sub.V_norm, sub.I_norm, color=NUMERIC, lw=1.2, label="master equation")
        ax.plot(
            sub.V_exact / sub.V0,
            sub.I_exact / sub.I0,
            color=EXACT,
            lw=0.8,
            ls="--",
            label="exact",
        )
        loop_markers(ax, sub.V_norm.values, sub.I_norm.values, labels=label == "a")
        ax.axhline(0, color="0.8", lw=0.5, zorder=0)
        ax.axvline(0, color="0.8", lw=0.5, zorder=0)
        ax.set_xlabel(r"$\langle V\rangle / V_0$")
        ax.set_ylabel(r"$\langle I\rangle / I_0$")
        ax.set_title(rf"$\gamma_0 = {g:g}$, F = {float(sub.form_factor[0]):.3f}")
        panel_label(ax, f"({label})")
    axes[0].legend(loc="lower right", fontsize="small")
    note = "Added to the paper's figure: the exact solution (dashed) on the master equation."
    deviation_note(fig, note)
    ds.attrs["differs_from_paper"] = note
    return fig, ds
