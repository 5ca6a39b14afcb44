"""Paper M, Fig. 3: the circuit measuring ⟨σy⟩ at t_3, in the paper's and the reset layout."""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from ..digital import build_protocol, protocol_circuit, to_qasm3
from ..io import provenance_attrs
from ..memristor import InitialState, MemristorParams, time_grid
from . import FigureConfig, register
from ._circuits import LAYOUTS, draw_circuit, layout_stats, stats_vars
from ._style import DIGITAL, EXACT, deviation_note, panel_label

GAMMA0 = 0.4
A, B = math.pi / 4, math.pi / 5
POINTS_PER_PERIOD = 30
INDEX = 3  # the drawn circuits measure at t_3
OBSERVABLE = "y"
MEMORY = 24 * 2**30  # this project's reference machine (bytes)


@register(
    "memristor-fig3",
    paper="Paper M, Fig. 3",
    summary="Circuit measuring ⟨σy⟩ at t_3: paper layout (fresh ancillas) and reset layout",
)
def make(config: FigureConfig):
    max_steps = 12 if config.quick else 40
    params = MemristorParams(gamma0=GAMMA0)
    state = InitialState.from_angles(A, B)
    t = time_grid(2, POINTS_PER_PERIOD)[: max_steps + 1]
    proto = build_protocol(params, state, t)
    drawn = {lay: protocol_circuit(proto, INDEX, OBSERVABLE, lay, barriers=True) for lay in LAYOUTS}
    steps = np.arange(max_steps + 1)
    stats = layout_stats(lambda n, lay: protocol_circuit(proto, n, OBSERVABLE, lay), steps)
    sv_bytes = 16.0 * 2.0 ** (steps + 1)  # paper layout: statevector of n + 1 qubits
    dm_bytes = np.array([16.0 * 4.0 ** s["num_qubits"] for s in stats["reset"]])
    fits = int(np.max(np.flatnonzero(16.0 * 2.0 ** (np.arange(64) + 1) <= MEMORY)))
    data = stats_vars(stats)
    data["statevector_bytes_paper"] = (
        "steps",
        sv_bytes,
        {"long_name": "Aer statevector memory of the paper layout, 16·2^(n+1) bytes"},
    )
    data["density_matrix_bytes_reset"] = (
        "steps",
        dm_bytes,
        {"long_name": "Aer density-matrix memory of the reset layout, 16·4^q bytes"},
    )
    ds = xr.Dataset(
        data,
        coords={"steps": steps, "t": ("steps", t[: max_steps + 1], {"units": "1/omega"})},
        attrs=provenance_attrs(
            {
                "figure": "memristor-fig3",
                "paper_figure": "Paper M, Fig. 3",
                "gamma0": GAMMA0,
                "a": A,
                "b": B,
                "points_per_period": POINTS_PER_PERIOD,
                "drawn_index": INDEX,
                "drawn_observable": OBSERVABLE,
                "qasm3_paper": to_qasm3(drawn["paper"]),
                "qasm3_reset": to_qasm3(drawn["reset"]),
                "max_steps_paper_layout_in_24GiB": fits,
            },
            seed=None,
        ),
    )

    fig = Figure(figsize=(12.0, 10.5), layout="constrained")
    axd = fig.subplot_mosaic(
        [["paper", "paper"], ["reset", "reset"], ["mem", "depth"]], height_ratios=[1.3, 0.75, 1.0]
    )
    ds.attrs["circuit_drawer"] = draw_circuit(drawn["paper"], axd["paper"], fontsize=11)
    axd["paper"].set_title(
        rf"(a) paper layout: {INDEX} collisions with fresh ancillas, "
        rf"$P(-\omega t_{INDEX})$, $S^\dagger H$, measure $\langle\sigma_y\rangle$ at "
        rf"$t_{INDEX}$ ({INDEX + 1} qubits)",
        fontsize=10,
    )
    draw_circuit(drawn["reset"], axd["reset"], fontsize=11)
    axd["reset"].set_title(
        "(b) reset layout: one ancilla, reset to |0⟩ and reused (2 qubits for any number of steps)",
        fontsize=10,
    )
    ax = axd["mem"]
    ax.semilogy(steps, sv_bytes, "o-", ms=3, color=EXACT, label="paper layout: $n+1$ qubits")
    ax.semilogy(steps, dm_bytes, "s-", ms=3, color=DIGITAL, label="reset layout: 2 qubits")
    ax.axhline(MEMORY, color="0.4", ls="--", lw=0.8)
    ax.text(0.5, MEMORY * 1.6, "24 GiB", fontsize=8, color="0.3")
    if fits <= max_steps:
        ax.axvline(fits, color="0.4", ls=":", lw=0.8)
        ax.text(fits - 0.5, 1e3, f"last fit: n = {fits}", rotation=90, fontsize=8, ha="right")
    ax.set_xlabel("collisions $n$ before the measurement")
    ax.set_ylabel("simulator memory per circuit (bytes)")
    ax.set_ylim(10, 2e12)
    ax.legend(loc="center right", fontsize="small")
    panel_label(ax, "(c)")
    ax = axd["depth"]
    for lay, color, marker in (("paper", EXACT, "o"), ("reset", DIGITAL, "s")):
        ax.plot(steps, ds[f"depth_{lay}"], marker + "-", ms=3, color=color, label=f"{lay}: depth")
        ax.plot(
            steps,
            ds[f"num_qubits_{lay}"],
            marker + "--",
            ms=3,
            color=color,
            mfc="none",
            label=f"{lay}: qubits",
        )
    ax.set_xlabel("collisions $n$ before the measurement")
    ax.set_ylabel("circuit depth, qubits")
    ax.legend(loc="upper left", fontsize="small", bbox_to_anchor=(0.0, 0.93))
    panel_label(ax, "(d)")
    note = "Added to the paper's circuit (a): the reset layout (b) and the resources (c, d)."
    deviation_note(fig, note)
    ds.attrs["differs_from_paper"] = note
    return fig, ds
