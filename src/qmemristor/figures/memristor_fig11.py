"""Paper M, Fig. 11: σx⊗σx and σz⊗σz couplings — I–V loops and concurrence."""

from __future__ import annotations

from matplotlib.figure import Figure

from . import FigureConfig, register
from ._coupled import DELTAS, WINDOWS, combine, concurrence_cell, figure_attrs, loops_cell, run

NAME = "memristor-fig11"
INTERACTIONS = ("xx", "zz")
TEX = {"xx": r"\sigma_x\otimes\sigma_x", "zz": r"\sigma_z\otimes\sigma_z"}


@register(
    NAME,
    paper="Paper M, Fig. 11",
    summary="σx⊗σx and σz⊗σz couplings: I–V loops (periods 1–7, 8–15) and concurrence",
)
def make(config: FigureConfig):
    runs = {name: run(name, config.quick) for name in INTERACTIONS}
    fig = Figure(figsize=(14.0, 7.6), layout="constrained")
    axes = fig.subplots(2, 3, width_ratios=[1.0, 1.0, 1.4])
    labels = iter("abcdef")
    for row, name in enumerate(INTERACTIONS):
        ds = runs[name]
        for col, window in enumerate(WINDOWS):
            ax = axes[row, col]
            n_un = loops_cell(fig, ax, ds, 1, window, f"({next(labels)})")
            ax.set_title(
                rf"${TEX[name]}$, periods {window[0]}–{window[1]}: "
                f"{n_un}/{window[1] - window[0] + 1} not pinched",
                fontsize=9,
            )
        concurrence_cell(axes[row, 2], ds, rf"${TEX[name]}$: concurrence", f"({next(labels)})", 9)
    fig.suptitle(
        rf"$\exp(-i\delta\,\sigma_i\otimes\sigma_i)$, $\delta = {DELTAS['xx']}$, "
        r"$\gamma_0 = 0.02$, both from $(|e\rangle+|g\rangle)/\sqrt{2}$; memristor 1 shown "
        "(memristor 2 is identical: symmetric coupling); dashed = not pinched",
        fontsize=10,
    )
    out = combine(runs)
    out.attrs = figure_attrs(NAME, "Paper M, Fig. 11", runs)
    return fig, out
