"""Paper M, Fig. 5: the coupled-memristor protocol — one step is two collisions, then the gate.

(a) One step: memristor 1 (``sys_0``) and memristor 2 (``sys_1``) each collide with their own
fresh ancilla, then the interaction gate ``A`` acts on the two memristors.  (b) The circuit
that measures the tomography setting ``σy⊗σy`` at ``t_2`` in the paper's layout (fresh
ancillas: ``2i + 2`` qubits at ``t_i``) and (c) in the reset layout (one ancilla per memristor,
reset and reused: 4 qubits for any number of steps).  The drawn gate is σy⊗σy with the
figures' δ; any interaction of :mod:`qmemristor.digital.interactions` takes its place.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from qiskit import QuantumCircuit, QuantumRegister
from qiskit.circuit import Gate, Parameter

from ..digital import build_coupled_protocol, coupled_protocol_circuit, to_qasm3
from ..digital.collision import append_collision
from ..io import provenance_attrs
from ..memristor import time_grid
from . import FigureConfig, register
from ._circuits import LAYOUTS, draw_circuit, layout_stats, stats_vars
from ._coupled import GAMMA0, PRESET, STATE
from ._style import DIGITAL, EXACT, deviation_note, panel_label

NAME = "memristor-fig5"
INDEX = 2  # the drawn circuits measure at t_2
SETTING = "yy"


def symbolic_step() -> QuantumCircuit:
    """One step with symbolic angles and the interaction as a box ``A``."""
    qc = QuantumCircuit(
        QuantumRegister(2, "sys"), QuantumRegister(1, "anc1"), QuantumRegister(1, "anc2")
    )
    s0, s1, a1, a2 = qc.qubits
    append_collision(qc, Parameter(r"$\varphi^{(1)}_i$"), s0, a1)
    append_collision(qc, Parameter(r"$\varphi^{(2)}_i$"), s1, a2)
    qc.append(Gate("A", 2, [], label=r"$A=e^{-i\delta G}$"), [s0, s1])
    return qc


@register(
    NAME,
    paper="Paper M, Fig. 5",
    summary="Coupled protocol: per step two collisions then the interaction gate; both layouts",
)
def make(config: FigureConfig):
    max_steps = 6 if config.quick else 14
    system = PRESET.system("yy", gamma0=GAMMA0)
    t = time_grid(1, 30)[: max_steps + 1]
    proto = build_coupled_protocol(system, STATE, STATE, t)
    drawn = {
        lay: coupled_protocol_circuit(proto, INDEX, SETTING, lay, barriers=True, boxed=True)
        for lay in LAYOUTS
    }
    steps = np.arange(max_steps + 1)
    stats = layout_stats(lambda n, lay: coupled_protocol_circuit(proto, n, SETTING, lay), steps)
    ds = xr.Dataset(
        stats_vars(stats),
        coords={"steps": steps, "t": ("steps", t, {"units": "1/omega"})},
        attrs=provenance_attrs(
            {
                "figure": NAME,
                "paper_figure": "Paper M, Fig. 5",
                "gamma0": GAMMA0,
                "interaction": "yy",
                "delta": PRESET.delta,
                "frame": PRESET.frame,
                "preset": PRESET.name,
                "drawn_index": INDEX,
                "drawn_setting": SETTING,
                "qasm3_paper": to_qasm3(drawn["paper"]),
                "qasm3_reset": to_qasm3(drawn["reset"]),
            },
            seed=None,
        ),
    )

    fig = Figure(figsize=(13.0, 11.0), layout="constrained")
    axd = fig.subplot_mosaic(
        [["step", "qubits"], ["paper", "paper"], ["reset", "reset"]],
        height_ratios=[0.8, 1.35, 0.9],
        width_ratios=[1.4, 1.0],
    )
    ds.attrs["circuit_drawer"] = draw_circuit(symbolic_step(), axd["step"], fontsize=11)
    axd["step"].set_title(
        "(a) one step: each memristor collides with its ancilla, then the interaction A",
        fontsize=10,
    )
    draw_circuit(drawn["paper"], axd["paper"], fontsize=10)
    axd["paper"].set_title(
        rf"(b) paper layout: {INDEX} steps with fresh ancillas, phases $P(-\omega t_{INDEX})$, "
        rf"$S^\dagger H$ on both, measure $\sigma_y\otimes\sigma_y$ at $t_{INDEX}$ "
        rf"({2 * INDEX + 2} qubits)",
        fontsize=10,
    )
    draw_circuit(drawn["reset"], axd["reset"], fontsize=10)
    axd["reset"].set_title(
        "(c) reset layout: one ancilla per memristor, reset and reused (4 qubits for any "
        "number of steps)",
        fontsize=10,
    )
    ax = axd["qubits"]
    ax.plot(steps, ds.num_qubits_paper, "o-", ms=3, color=EXACT, label="paper layout: 2i + 2")
    ax.plot(steps, ds.num_qubits_reset, "s-", ms=3, color=DIGITAL, label="reset layout: 4")
    ax.set_xlabel("steps i before the measurement")
    ax.set_ylabel("qubits of the circuit")
    ax.legend(loc="center right", fontsize="small")
    panel_label(ax, "(d)")
    note = (
        f"Differs from the paper: gate in the fitted preset's {PRESET.frame} frame (wrapped in "
        f"P(∓ωt)), δ = {PRESET.delta:g}; (c) reset layout and (d) qubit counts added."
    )
    deviation_note(fig, note)
    ds.attrs["differs_from_paper"] = note
    return fig, ds
