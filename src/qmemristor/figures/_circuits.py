"""Drawing Qiskit circuits into a figure's axes (no pyplot figure of our own)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import numpy as np

from ..digital import circuit_stats

__all__ = ["LAYOUTS", "draw_circuit", "layout_stats", "stats_vars"]

#: The two circuit layouts drawn and compared by Figs. 3 and 5.
LAYOUTS = ("paper", "reset")


def draw_circuit(circuit, ax, *, fontsize: float | None = None) -> str:
    """Draw ``circuit`` into ``ax``; returns the drawer used (``"mpl"`` or ``"text"``).

    Qiskit's matplotlib drawer needs ``pylatexenc`` (a core dependency); without it the text
    drawer's output is typeset in a monospace font instead, so figures never fail to draw.
    """
    if importlib.util.find_spec("pylatexenc") is not None:
        circuit.draw("mpl", ax=ax, style={"name": "iqp", "fontsize": fontsize or 13})
        return "mpl"
    text = str(circuit.draw("text", fold=-1))
    ncols = max(len(line) for line in text.splitlines())
    width_pt = ax.get_window_extent().width * 72 / ax.figure.dpi
    size = min(9.0, 0.95 * width_pt / (0.6 * ncols))
    ax.axis("off")
    ax.text(
        0.5,
        0.5,
        text,
        family="monospace",
        fontsize=size,
        ha="center",
        va="center",
        transform=ax.transAxes,
    )
    return "text"


def layout_stats(circuit_at: Callable, steps) -> dict[str, list[dict[str, int]]]:
    """Per layout, :func:`~qmemristor.digital.circuit_stats` of ``circuit_at(n, layout)`` (the
    circuit measuring after ``n`` steps) for every ``n`` in ``steps``."""
    return {lay: [circuit_stats(circuit_at(n, lay)) for n in steps] for lay in LAYOUTS}


def stats_vars(stats: dict[str, list[dict[str, int]]]) -> dict[str, tuple]:
    """Dataset variables ``num_qubits_<layout>``, ``depth_<layout>``, ``size_<layout>`` along
    ``steps`` from :func:`layout_stats`."""
    return {
        f"{key}_{lay}": ("steps", np.array([s[key] for s in stats[lay]]))
        for lay in LAYOUTS
        for key in ("num_qubits", "depth", "size")
    }
