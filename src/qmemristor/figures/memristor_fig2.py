"""Paper M, Fig. 2: the collisional model — one collision per time step, ancilla traced out."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from ..conventions import to_qiskit_basis
from ..digital import build_protocol, circuit_stats, collision_kraus, collision_step, to_qasm3
from ..io import provenance_attrs
from ..memristor import InitialState, MemristorParams, amplitude_damping_kraus, kappa, time_grid
from . import FigureConfig, register
from ._circuits import draw_circuit
from ._style import DIGITAL, EXACT, deviation_note, panel_label

GAMMA0 = 0.4
POINTS_PER_PERIOD = 30


def _scheme(ax) -> None:
    """System S colliding with a stream of fresh ancillas; used ones are traced out."""
    ax.set_xlim(-0.3, 5.3)
    ax.set_ylim(-0.55, 2.55)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.add_patch(Circle((2.0, 1.75), 0.42, fc=EXACT, ec="k", lw=1.0))
    ax.text(2.0, 1.75, "S", color="w", ha="center", va="center", fontsize=14, weight="bold")
    ax.text(2.55, 1.75, r"$\rho(t_i)$", fontsize=10, va="center")
    for x, label, state, alpha in [
        (0.2, r"$a_{i-2}$", "", 0.25),
        (1.0, r"$a_{i-1}$", "", 0.25),
        (2.0, r"$a_i$", r"$|0\rangle$", 1.0),
        (3.0, r"$a_{i+1}$", r"$|0\rangle$", 1.0),
        (3.8, r"$a_{i+2}$", r"$|0\rangle$", 1.0),
        (4.6, r"$a_{i+3}$", r"$|0\rangle$", 1.0),
    ]:
        ax.add_patch(Circle((x, 0.35), 0.26, fc=DIGITAL, ec="k", lw=0.8, alpha=alpha))
        ax.text(x, 0.35, state, ha="center", va="center", fontsize=8)
        ax.text(x, -0.1, label, ha="center", va="top", fontsize=8, alpha=max(alpha, 0.5))
    ax.text(0.6, 0.85, r"traced out: $\mathrm{Tr}_{a}$", ha="center", fontsize=8, color="0.35")
    ax.add_patch(
        FancyArrowPatch((2.0, 0.63), (2.0, 1.31), arrowstyle="<|-|>", mutation_scale=12, lw=1.2)
    )
    ax.text(
        2.12,
        0.97,
        r"$U_i = \mathrm{CNOT}_{a\to S}\;\mathrm{CR}_Y(\varphi_i)_{S\to a}$",
        fontsize=8,
        va="center",
    )
    ax.add_patch(
        FancyArrowPatch((4.9, -0.42), (0.0, -0.42), arrowstyle="-|>", mutation_scale=10, lw=0.8)
    )
    ax.text(2.45, -0.5, "one fresh ancilla per step", ha="center", va="top", fontsize=8)
    ax.text(
        2.5,
        2.45,
        r"$\cos(\varphi_i/2) = e^{\kappa_i},\ "
        r"\kappa_i = -\frac{1}{2}\int_{t_i}^{t_{i+1}}\Gamma\,dt$",
        ha="center",
        fontsize=9,
    )


@register(
    "memristor-fig2",
    paper="Paper M, Fig. 2",
    summary="Collisional model: one CRY–CNOT collision per step with a fresh ancilla",
)
def make(config: FigureConfig):
    from qiskit.circuit import Parameter

    t = time_grid(1, 12 if config.quick else POINTS_PER_PERIOD)
    params = MemristorParams(gamma0=GAMMA0)
    proto = build_protocol(params, InitialState.from_angles(math.pi / 4, math.pi / 5), t)
    kap = kappa(params.protocol, t[1:], t[:-1])

    # the circuit's channel against the closed-form amplitude-damping step, as superoperators
    # Σ_m K_m ⊗ K_m* (Kraus operators themselves are only defined up to a unitary mixing)
    def superop(k):
        return np.einsum("nmac,nmbd->nabcd", k, k.conj())

    ref = to_qiskit_basis(amplitude_damping_kraus(kap))
    err = float(np.max(np.abs(superop(collision_kraus(proto.phi)) - superop(ref))))
    symbolic = collision_step(Parameter(r"$\varphi_i$"))
    numeric = collision_step(float(proto.phi[0]))
    t_mid = 0.5 * (t[1:] + t[:-1])
    ds = xr.Dataset(
        {
            "phi": ("step", proto.phi, {"long_name": "CRY angle φ_i (Qiskit RY)", "units": "rad"}),
            "kappa": ("step", kap, {"long_name": "κ_i = −½∫Γ over the step"}),
            "gamma_mid": ("step", params.protocol.rate(t_mid), {"long_name": "Γ at mid-step"}),
        },
        coords={
            "step": np.arange(proto.phi.size),
            "t_start": ("step", t[:-1], {"units": "1/omega"}),
        },
        attrs=provenance_attrs(
            {
                "figure": "memristor-fig2",
                "paper_figure": "Paper M, Fig. 2",
                "gamma0": GAMMA0,
                "omega": 1.0,
                "points_per_period": t.size - 1,
                "angle_convention": "cos(phi/2) = exp(kappa), Qiskit RY(phi) = exp(-i phi Y/2)",
                "max_kraus_error_vs_closed_form": err,
                "step_qasm3": to_qasm3(numeric),
                **{f"step_{k}": v for k, v in circuit_stats(numeric).items()},
            },
            seed=None,
        ),
    )

    fig = Figure(figsize=(11.5, 3.6), layout="constrained")
    axes = fig.subplots(1, 3, width_ratios=[1.35, 1.0, 1.05])
    _scheme(axes[0])
    panel_label(axes[0], "(a)")
    drawer = draw_circuit(symbolic, axes[1])
    ds.attrs["circuit_drawer"] = drawer
    axes[1].set_title("one collision; the ancilla is then traced out", fontsize=9)
    panel_label(axes[1], "(b)")
    ax = axes[2]
    ax.plot(t_mid, proto.phi, "o", ms=3.5, color=DIGITAL, mec="k", mew=0.4, label=r"$\varphi_i$")
    ax.set_xlabel(r"$t$ ($1/\omega$); $\varphi_i$ at mid-step")
    ax.set_ylabel(r"collision angle $\varphi_i$ (rad)")
    twin = ax.twinx()
    tf = np.linspace(0, t[-1], 400)
    twin.plot(tf, params.protocol.rate(tf), color=EXACT, lw=1.2, label=r"$\Gamma(t)$")
    twin.set_ylabel(r"$\Gamma(t)$ ($\omega$)")
    ax.set_title(rf"$\gamma_0 = {GAMMA0}$, {t.size - 1} steps per period", fontsize=9)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = twin.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="lower center", fontsize="small")
    panel_label(ax, "(c)")
    note = "Added to the paper's figure: (c) the collision angles φ_i and Γ(t) over one period."
    deviation_note(fig, note)
    ds.attrs["differs_from_paper"] = note
    return fig, ds
