"""Paper M, Fig. 11: σx⊗σx and σz⊗σz couplings — I–V loops of both memristors, 20 periods.

As the paper draws it: (a, b) σx⊗σx, memristor 1 and 2; (c, d) σz⊗σz, memristor 1 and 2; all
20 periods with the paper's markers.  Added beside: (e, f) the concurrence of each run.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import FigureConfig, register
from ._coupled import (
    ALL_PERIODS,
    PRESET,
    combine,
    concurrence_cell,
    figure_attrs,
    loops_cell,
    preset_line,
    run,
)
from ._style import deviation_note

NAME = "memristor-fig11"
INTERACTIONS = ("xx", "zz")
TEX = {"xx": r"\sigma_x\otimes\sigma_x", "zz": r"\sigma_z\otimes\sigma_z"}


@register(
    NAME,
    paper="Paper M, Fig. 11",
    summary="σx⊗σx and σz⊗σz couplings: I–V loops of both memristors, 20 periods; concurrence",
)
def make(config: FigureConfig):
    runs = {name: run(name) for name in INTERACTIONS}
    fig = Figure(figsize=(15.0, 8.6), layout="constrained")
    axes = fig.subplots(2, 3, width_ratios=[1.0, 1.0, 1.3])
    labels = iter("abcd")
    for row, name in enumerate(INTERACTIONS):
        ds = runs[name]
        for col, k in enumerate((1, 2)):
            n_un = loops_cell(fig, axes[row, col], ds, k, ALL_PERIODS, f"({next(labels)})")
            axes[row, col].set_title(
                rf"${TEX[name]}$, memristor {k}, periods 1–20: {n_un}/20 not pinched",
                fontsize=9,
            )
        title = rf"added: ${TEX[name]}$, concurrence"
        concurrence_cell(axes[row, 2], ds, title, f"({'ef'[row]})", 9)
    fig.suptitle(
        rf"$\exp(-i\delta\,\sigma_i\otimes\sigma_i)$ after every step "
        rf"({preset_line(runs['xx'])}), $\gamma_0 = 0.02$, both from "
        r"$(|e\rangle+|g\rangle)/\sqrt{2}$; dashed = loop not pinched",
        fontsize=10,
    )
    note = (
        f"Differs from the paper: fitted preset '{PRESET.name}' ({preset_line(runs['xx'])}); "
        "(e, f) added."
    )
    deviation_note(fig, note)
    out = combine(runs)
    out.attrs = figure_attrs(NAME, "Paper M, Fig. 11", runs, note)
    return fig, out
