"""Paper M, Fig. 7: two memristors coupled by σy⊗σy — I–V loops, periods 1–7 and 8–15.

As the paper draws it: panels (a, b) memristor 1 and (c, d) memristor 2, periods 1–7 and
8–15, with the paper's markers (green start, red end, black origin).  Added beside: (e, f)
periods 16–20 of each memristor.  Frame and δ are the fitted paper preset.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import FigureConfig, register
from ._coupled import PRESET, WINDOWS, figure_attrs, loops_cell, preset_line, run
from ._style import deviation_note, loop_markers

NAME = "memristor-fig7"
EXTRA = (16, 20)


@register(
    NAME,
    paper="Paper M, Fig. 7",
    summary="σy⊗σy coupling: I–V loops of both memristors, periods 1–7 and 8–15 (+ 16–20)",
)
def make(config: FigureConfig):
    ds = run("yy")
    fig = Figure(figsize=(14.0, 8.4), layout="constrained")
    axes = fig.subplots(2, 3)
    paper_labels = {(1, WINDOWS[0]): "(a)", (1, WINDOWS[1]): "(b)"}
    paper_labels |= {(2, WINDOWS[0]): "(c)", (2, WINDOWS[1]): "(d)"}
    for row, k in enumerate((1, 2)):
        for col, window in enumerate((*WINDOWS, EXTRA)):
            label = paper_labels.get((k, window), "(e)" if k == 1 else "(f)")
            n_un = loops_cell(fig, axes[row, col], ds, k, window, label)
            ours = " — added" if window == EXTRA else ""
            axes[row, col].set_title(
                f"memristor {k}, periods {window[0]}–{window[1]}{ours}"
                + (f" ({n_un} not pinched, dashed)" if n_un else " (all pinched)"),
                fontsize=9,
            )
    # a legend for the paper's markers, drawn off-data in the first panel
    loop_markers(axes[0, 0], [float("nan")], [float("nan")], labels=True)
    axes[0, 0].legend(loc="lower right", fontsize=7)
    fig.suptitle(
        rf"$\exp(-i\delta\,\sigma_y\otimes\sigma_y)$ after every step ({preset_line(ds)}), "
        r"$\gamma_0 = 0.02$ for both, both from $(|e\rangle+|g\rangle)/\sqrt{2}$; identical "
        "memristors, symmetric gate: rows coincide",
        fontsize=10,
    )
    note = (
        f"Differs from the paper: δ and frame are not printed there — fitted preset "
        f"'{PRESET.name}' ({preset_line(ds)}); (e, f) periods 16–20 added."
    )
    deviation_note(fig, note)
    out = ds.drop_vars("probability")
    out.attrs = figure_attrs(NAME, "Paper M, Fig. 7", {"yy": ds}, note)
    return fig, out
