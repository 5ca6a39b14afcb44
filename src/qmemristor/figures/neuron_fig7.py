"""Paper N, Fig. 7: the device functions F00, F01, F11 for l = 0.5, λ = 0.13.

Left, the paper's (one-panel) figure: F_ij(x) from the interpolation tables (lines) with
adaptive Gauss–Kronrod quadrature of the defining integral at a few points (markers).  Right,
an addition (no panel of the paper): |F_ij(x)| on a log scale with the leading closed-form tail
``2 |P_ij(a)| exp(a² l²/4 − a|x|)``, a = 1/λ (dashed), which the tables hand over to beyond
``|x| = x_tail``; the figure's note says so.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import xarray as xr
from scipy import integrate

from ..io import provenance_attrs
from ..neuron import device_tables, evaluate
from . import FigureConfig, register
from ._notes import deviation_note

L, LAM = 0.5, 0.13
COLORS = ("#1f3b73", "#d1495b", "#2a9d8f")
LABELS = (r"$F_{00}$", r"$F_{01}$", r"$F_{11}$")


def _quad(x: float) -> list[float]:
    """F_ij(x) straight from the definition (docs/theory.md §N1) by scipy.integrate.quad."""

    def psi(n, xi):
        p0 = math.exp(-(xi * xi) / (2 * L * L)) / (math.pi**0.25 * math.sqrt(L))
        return p0 if n == 0 else math.sqrt(2) * xi / L * p0

    def sech(u):
        e = math.exp(-abs(u))
        return 2 * e / (1 + e * e)

    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for i, j in ((0, 0), (0, 1), (1, 1)):
            val, _ = integrate.quad(
                lambda xi, i=i, j=j: psi(i, xi) * psi(j, xi) * sech((xi + x) / LAM),
                -10.0,
                10.0,
                points=[-x, 0.0],
                epsabs=0.0,
                epsrel=1e-12,
                limit=500,
            )
            out.append(val)
    return out


@register(
    "neuron-fig7",
    paper="Paper N, Fig. 7",
    summary="Device functions F00, F01, F11(x) for l = 0.5, λ = 0.13, with tails",
)
def make(config: FigureConfig):
    tables = device_tables(L, LAM)
    x = np.linspace(-3.0, 3.0, 301 if config.quick else 1201)
    x_log = np.linspace(-6.0, 6.0, 301 if config.quick else 1201)
    x_q = np.linspace(-2.5, 2.5, 11 if config.quick else 21)
    F = evaluate(tables, x)
    F_log = evaluate(tables, x_log)
    F_q = np.array([_quad(float(v)) for v in x_q])
    a = 1.0 / LAM
    poly = np.array([1.0, a * L / math.sqrt(2), 1 + 0.5 * (a * L) ** 2])
    tail = 2 * poly[None, :] * np.exp(a * a * L * L / 4 - a * np.abs(x_log))[:, None]
    ds = xr.Dataset(
        {
            "F": (("x", "function"), F, {"long_name": "F_ij(x) (tables)"}),
            "F_log": (("x_log", "function"), F_log),
            "F_quad": (("x_quad", "function"), F_q, {"long_name": "F_ij by scipy quad"}),
            "tail_leading": (("x_log", "function"), tail),
        },
        coords={
            "x": x,
            "x_log": x_log,
            "x_quad": x_q,
            "function": ["F00", "F01", "F11"],
        },
        attrs=provenance_attrs(
            {
                "figure": "neuron-fig7",
                "paper_figure": "Paper N, Fig. 7",
                "l": L,
                "lam": LAM,
                "x_tail": tables.x_tail,
                "panels": tables.n_panels,
                "max_abs_error_vs_quad": float(np.abs(evaluate(tables, x_q) - F_q).max()),
            }
        ),
    )

    from ._style import new_figure

    fig, (ax1, ax2) = new_figure(1, 2, width=4.6, height=3.6)
    for f in range(3):
        ax1.plot(x, F[:, f], color=COLORS[f], lw=1.6, label=LABELS[f])
        ax1.plot(x_q, F_q[:, f], "o", color=COLORS[f], ms=3.5, mfc="none")
    ax1.plot([], [], "o", color="0.3", mfc="none", ms=3.5, label="quadrature")
    ax1.axhline(0, color="0.85", lw=0.5, zorder=0)
    ax1.set_xlabel(r"$x$ (units of $L$)")
    ax1.set_ylabel(r"$F_{ij}(x)$")
    ax1.set_title(rf"$l$ = {L}, $\lambda$ = {LAM}", fontsize="small")
    ax1.legend(loc="upper right", fontsize="small")
    for f in range(3):
        ax2.semilogy(x_log, np.abs(F_log[:, f]), color=COLORS[f], lw=1.6, label=LABELS[f])
        for side in (x_log < -1.0, x_log > 1.0):
            ax2.semilogy(x_log[side], tail[side, f], color="k", lw=0.8, ls="--", dashes=(3, 3))
    ax2.plot([], [], color="k", ls="--", lw=0.8, label=r"leading tail $\propto e^{-|x|/\lambda}$")
    for s in (-1, 1):
        ax2.axvline(s * tables.x_tail, color="0.7", lw=0.6, ls=":")
    ax2.set_ylim(1e-22, 2.0)
    ax2.set_xlabel(r"$x$ (units of $L$)")
    ax2.set_ylabel(r"$|F_{ij}(x)|$")
    ax2.set_title(r"addition: tails (dotted: $|x| = x_{\rm tail}$, closed form beyond)",
                  fontsize="small")  # fmt: skip
    ax2.legend(loc="lower center", fontsize="small")
    deviation_note(fig, "the right panel (log-scale tails vs their closed form) is an addition")
    return fig, ds
