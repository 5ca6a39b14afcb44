"""New figure (not in Paper M): Fig. 4's protocol on a noisy fake IBM device, with mitigation.

γ0 = 0.4, a = π/4, b = π/5, 30 points per period, 2 periods, 5000 shots per circuit, the
reset layout (2 qubits) on ``fake:manila`` (Aer with the device's noise model).  Curves: the
exact solution, the raw digital estimates and each mitigation strategy — readout correction,
zero-noise extrapolation (reset-aware folding, default scales and extrapolation of
:class:`qmemristor.options.Mitigation`), both, dynamical decoupling and Pauli twirling.  The
raw, readout, ZNE and readout+ZNE estimates come from the same counts (one run at every noise
scale, with the readout calibration); DD and twirling are runs of their own.

Errors against the exact solution: RMS of ⟨V⟩ and of ⟨I⟩ (⟨I⟩ against the same finite
difference applied to the exact ⟨σ⟩, so that the estimator's discretisation bias is not counted
as noise), and per drive period the loop's pinch offset (``|I|`` where the loop crosses
``V = 0``, relative to ``max|I|``) and form factor ``4πS/P²``, each compared with the exact
loop's.  ``--quick``: 1 period, 8 points, 1000 shots.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..analysis.hysteresis import loop_form_factors, loop_pinch_offsets
from ..digital import paper_expectations, run_protocol
from ..digital.estimate import memristor_estimates
from ..digital.mitigation import parity_functionals
from ..io import provenance_attrs
from ..memristor import InitialState, MemristorParams, exact_solution, time_grid
from ..options import Execution, Mitigation
from ..results.memristor import simulate
from . import FigureConfig, register
from ._style import EXACT, panel_label

GAMMA0 = 0.4
A, B = math.pi / 4, math.pi / 5
DEVICE = "fake:manila"
#: Strategies drawn, with their colours (raw first: the baseline of the error panel).
STRATEGIES = {
    "raw": "#7f7f7f",
    "readout": "#edae49",
    "zne": "#00798c",
    "readout+zne": "#d1495b",
    "dd": "#66a182",
    "twirl": "#8d6cab",
}


def _estimates(
    t: np.ndarray, params: MemristorParams, sx: tuple, sy: tuple
) -> dict[str, np.ndarray]:
    est = memristor_estimates(t, sx[0], sx[1], sy[0], sy[1], k=params.k, omega=params.omega)
    return {"sigma_x": sx[0], "sigma_y": sy[0], **est}


def mitigation_runs(
    *, periods: int, points_per_period: int, shots: int, seed: int, device: str = DEVICE
) -> tuple[np.ndarray, dict[str, dict[str, np.ndarray]], dict[str, dict[str, Any]]]:
    """⟨σx⟩, ⟨σy⟩, ⟨V⟩, ⟨I⟩ with errors for every strategy, and what each spent."""
    params = MemristorParams(gamma0=GAMMA0)
    state = InitialState.from_angles(A, B)
    t = time_grid(periods, points_per_period)
    base = Execution(backend=device, layout="reset", shots=shots, seed=seed)
    both = run_protocol(params, state, t, base.replace(mitigation=Mitigation.parse("readout+zne")))
    meas = both.measurements
    assert meas is not None
    m = Mitigation()
    out, spent = {}, {}
    n_t = t.size
    for name, ro, zne in (
        ("raw", False, False),
        ("readout", True, False),
        ("zne", False, True),
        ("readout+zne", True, True),
    ):
        est = meas.estimates(
            parity_functionals(1), readout=ro, zne=zne, extrapolation=m.extrapolation
        )
        value = est["value"][:, 0].reshape(n_t, 2)
        error = est["error"][:, 0].reshape(n_t, 2)
        sx = (value[:, 0], error[:, 0])  # Qiskit X = paper σx
        sy = (-value[:, 1], error[:, 1])  # Qiskit Y = −σy (conventions.QISKIT_PAULI_SIGN)
        out[name] = _estimates(t, params, sx, sy)
        scales = len(meas.scales) if zne else 1
        spent[name] = {
            "circuits": 2 * n_t * scales + (2 if ro else 0),
            "shots": (2 * n_t * scales + (2 if ro else 0)) * shots,
        }
    for name in ("dd", "twirl"):
        run = run_protocol(params, state, t, base.replace(mitigation=Mitigation.parse(name)))
        e = paper_expectations(run)
        out[name] = _estimates(t, params, e["x"], e["y"])
        rec = run.info["mitigation"]
        spent[name] = {"circuits": rec["total_circuits"], "shots": rec["total_shots"]}
    return t, out, spent


def mitigation_dataset(
    *, periods: int = 2, points_per_period: int = 30, shots: int = 5000, seed: int = 20220824
) -> xr.Dataset:
    """The figure's data: estimates per strategy on ``t``, exact lines, errors per strategy."""
    params = MemristorParams(gamma0=GAMMA0)
    state = InitialState.from_angles(A, B)
    t, runs, spent = mitigation_runs(
        periods=periods, points_per_period=points_per_period, shots=shots, seed=seed
    )
    ex = exact_solution(params, state, t)
    zero = np.zeros_like(t)
    ref = memristor_estimates(t, ex.sigma_x, zero, ex.sigma_y, zero, k=params.k, omega=params.omega)
    names = list(STRATEGIES)
    stack = {k: np.stack([runs[n][k] for n in names]) for k in ("sigma_x", "sigma_y", "V", "I")}
    errs = {k: np.stack([runs[n][f"{k}_err"] for n in names]) for k in ("V", "I")}
    ff = np.stack([loop_form_factors(t, runs[n]["V"], runs[n]["I"], params.period) for n in names])
    pinch = np.stack(
        [loop_pinch_offsets(t, runs[n]["V"], runs[n]["I"], params.period) for n in names]
    )
    ff_exact = loop_form_factors(t, ref["V"], ref["I"], params.period)
    pinch_exact = loop_pinch_offsets(t, ref["V"], ref["I"], params.period)
    fine = simulate(params, state, time_grid(periods, 400))
    ds = xr.Dataset(
        {
            **{k: (("strategy", "t"), v) for k, v in stack.items()},
            **{f"{k}_err": (("strategy", "t"), v) for k, v in errs.items()},
            "V_exact_t": ("t", ref["V"]),
            "I_exact_fd": ("t", ref["I"], {"long_name": "same finite difference, exact <σ>"}),
            "form_factor": (("strategy", "period"), ff),
            "pinch_offset": (("strategy", "period"), pinch),
            "form_factor_exact": ("period", ff_exact),
            "pinch_offset_exact": ("period", pinch_exact),
            "rms_error_V": ("strategy", np.sqrt(np.mean((stack["V"] - ref["V"]) ** 2, axis=1))),
            "rms_error_I": ("strategy", np.sqrt(np.mean((stack["I"] - ref["I"]) ** 2, axis=1))),
            "pinch_error": ("strategy", np.nanmean(np.abs(pinch - pinch_exact), axis=1)),
            "form_factor_error": ("strategy", np.nanmean(np.abs(ff - ff_exact), axis=1)),
            "circuits": ("strategy", [spent[n]["circuits"] for n in names]),
            "total_shots": ("strategy", [spent[n]["shots"] for n in names]),
            "V_exact": ("t_fine", fine.V.values),
            "I_exact": ("t_fine", fine.I.values),
        },
        coords={
            "strategy": names,
            "t": ("t", t, {"units": "1/omega"}),
            "period": np.arange(1, periods + 1),
            "t_fine": ("t_fine", fine.t.values, {"units": "1/omega"}),
        },
    )
    m = Mitigation()
    ds.attrs = provenance_attrs(
        {
            "figure": "memristor-mitigation",
            "paper_figure": "new (not in Paper M): Fig. 4's protocol on a noisy fake device",
            "device": DEVICE,
            "layout": "reset",
            "gamma0": GAMMA0,
            "a": A,
            "b": B,
            "periods": periods,
            "points_per_period": points_per_period,
            "shots": shots,
            "zne_scale_factors": list(m.scale_factors),
            "zne_extrapolation": m.extrapolation,
            "dd_sequence": m.dd_sequence,
            "twirls": m.twirls,
        },
        seed=seed,
    )
    return ds


def plot(ds: xr.Dataset) -> Figure:
    """(a) ⟨V⟩(t), (b) ⟨I⟩(t), (c) I–V loops, (d) errors of each strategy relative to raw."""
    fig = Figure(figsize=(12.0, 7.0), layout="constrained")
    axd = fig.subplot_mosaic([["V", "IV"], ["I", "err"]], width_ratios=[1.4, 1.0])
    t, tf = ds.t.values, ds.t_fine.values
    for key, exact, label in (("V", ds.V_exact, r"$\langle V\rangle$"), ("I", ds.I_exact, None)):
        ax = axd[key]
        ax.plot(tf, exact, color=EXACT, lw=1.3, label="exact")
        for name, colour in STRATEGIES.items():
            y = ds[key].sel(strategy=name).values
            ax.plot(t, y, "o-", color=colour, ms=2.6, lw=0.7, label=name)
        if key == "I":
            ax.plot(t, ds.I_exact_fd, color=EXACT, lw=0.8, ls="--", label="exact, same FD")
        ax.axhline(0, color="0.85", lw=0.6, zorder=0)
        ax.set_xlim(0, tf[-1])
        ax.set_ylabel(label or r"$\langle I\rangle$ (finite difference)")
    axd["V"].legend(loc="upper right", fontsize="x-small", ncols=2)
    axd["I"].set_xlabel(r"$t$ ($1/\omega$)")
    panel_label(axd["V"], "(a)")
    panel_label(axd["I"], "(b)")
    ax = axd["IV"]
    ax.plot(ds.V_exact, ds.I_exact, color=EXACT, lw=1.3, label="exact")
    for name in ("raw", "readout+zne"):
        ax.plot(
            ds.V.sel(strategy=name),
            ds.I.sel(strategy=name),
            "o-",
            ms=2.6,
            lw=0.7,
            color=STRATEGIES[name],
            label=name,
        )
    ax.axhline(0, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0, color="0.85", lw=0.6, zorder=0)
    ax.set_xlabel(r"$\langle V\rangle$")
    ax.set_ylabel(r"$\langle I\rangle$")
    ax.legend(loc="upper left", fontsize="x-small", bbox_to_anchor=(0.0, 0.93))
    ax.set_title(
        f"not in Paper M: Fig. 4 set-up on {ds.attrs['device']}, {ds.attrs['shots']} shots",
        fontsize=9,
    )
    panel_label(ax, "(c)")
    ax = axd["err"]
    metrics = {
        "rms_error_V": "RMS ⟨V⟩",
        "rms_error_I": "RMS ⟨I⟩",
        "pinch_error": "|Δ pinch|",
        "form_factor_error": "|Δ F|",
    }
    width = 0.8 / len(STRATEGIES)
    x = np.arange(len(metrics))
    for k, (name, colour) in enumerate(STRATEGIES.items()):
        ratio = [
            float(ds[m].sel(strategy=name) / ds[m].sel(strategy="raw"))
            if ds[m].sel(strategy="raw") > 0
            else np.nan
            for m in metrics
        ]
        ax.bar(x + (k - (len(STRATEGIES) - 1) / 2) * width, ratio, width, color=colour, label=name)
    ax.axhline(1.0, color="k", lw=0.7)
    ax.set_xticks(x, list(metrics.values()))
    ax.set_ylabel("error ÷ raw error")
    raw = ds.sel(strategy="raw")
    ax.set_title(
        f"raw: RMS ⟨V⟩ {float(raw.rms_error_V):.3f}, ⟨I⟩ {float(raw.rms_error_I):.3f}, "
        f"|Δpinch| {float(raw.pinch_error):.3f}, |ΔF| {float(raw.form_factor_error):.3f}",
        fontsize=9,
    )
    panel_label(ax, "(d)")
    return fig


@register(
    "memristor-mitigation",
    paper="new (Paper M Fig. 4 set-up)",
    summary="Fig. 4's protocol on a noisy fake device: raw vs readout, ZNE, DD, twirling",
)
def make(config: FigureConfig):
    if config.quick:
        ds = mitigation_dataset(periods=1, points_per_period=8, shots=1000, seed=config.seed)
    else:
        ds = mitigation_dataset(seed=config.seed)
    return plot(ds), ds
