"""Drawing Qiskit circuits into a figure's axes (no pyplot figure of our own)."""

from __future__ import annotations

import importlib.util

__all__ = ["draw_circuit"]


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
