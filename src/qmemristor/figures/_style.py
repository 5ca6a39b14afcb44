"""Shared look of the figures (no global matplotlib state is touched)."""

from __future__ import annotations

from matplotlib.figure import Figure

#: Colours used for "exact" / "numerical" / "digital" consistently across figures.
EXACT = "#1f3b73"
NUMERIC = "#d1495b"
DIGITAL = "#edae49"

#: Paper M's markers on I–V curves: green start, red end, black origin.
START = "#2ca02c"
END = "#d62728"
ORIGIN = "black"


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


def loop_markers(ax, v, i, *, size: float = 5.5, labels: bool = False) -> None:
    """Paper M's markers on an I–V curve: its first point green, its last red, the origin black.

    Drawn as concentric dots (start largest, origin smallest and on top), so coinciding points
    (a curve that starts or ends at the origin) all stay visible.  ``labels`` names them for a
    legend (once per figure is enough).
    """
    kw = {"ls": "", "mec": "white", "mew": 0.5}
    for x, y, colour, ms, z, name in (
        (v[0], i[0], START, 1.25 * size, 6, "start"),
        (v[-1], i[-1], END, 0.9 * size, 7, "end"),
        (0.0, 0.0, ORIGIN, 0.5 * size, 8, "origin"),
    ):
        ax.plot(x, y, "o", color=colour, ms=ms, zorder=z, label=name if labels else None, **kw)


def deviation_note(fig, text: str) -> None:
    """The one line at the bottom of a figure that says how it differs from the paper's."""
    fig.supxlabel(text, fontsize=8, style="italic", color="0.25")
