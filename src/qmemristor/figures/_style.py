"""Shared look of the figures (no global matplotlib state is touched)."""

from __future__ import annotations

from matplotlib.figure import Figure

#: Colours used for "exact" / "numerical" / "digital" consistently across figures.
EXACT = "#1f3b73"
NUMERIC = "#d1495b"
DIGITAL = "#edae49"


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 4.2, height: float = 3.4):
    """A constrained-layout :class:`Figure` and its axes (squeezed like ``plt.subplots``)."""
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


def panel_label(ax, label: str) -> None:
    """Put ``(a)``, ``(b)``, ... in the upper-left corner of ``ax``."""
    ax.text(0.02, 0.97, label, transform=ax.transAxes, va="top", ha="left", fontweight="bold")


def split_runs(x, y, flag) -> list[tuple]:
    """Split a curve into runs of equal ``flag`` (e.g. stability, drawn solid or dotted):
    ``[(x_run, y_run, flag), ...]``; neighbouring runs share their end point."""
    out, start = [], 0
    for i in range(1, len(x) + 1):
        if i == len(x) or flag[i] != flag[start]:
            stop = min(i + 1, len(x))
            out.append((x[start:stop], y[start:stop], bool(flag[start])))
            start = i
    return out
