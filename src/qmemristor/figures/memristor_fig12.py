"""Paper M, Fig. 12: CRx, CRz, partial SWAP — and the XY exchange — I–V loops and concurrence.

docs/theory.md §M3: the partial SWAP ``exp(−iδ SWAP)`` is only a global phase on exchange-symmetric
states, and identical memristors started in identical states stay exchange-symmetric, so with
it the loops are exactly those of uncoupled memristors — whereas the paper's Fig. 12(e, f)
shows them destroyed.  The XY exchange ``exp(−iδ(σx⊗σx + σy⊗σy)/2)`` equals the partial SWAP
times ``exp(iδ σz⊗σz/2)`` (up to a phase), so on these states it acts as a σz⊗σz coupling of
angle −δ/2: it does unpin the loops, as in the paper's panels.  Both are drawn.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import FigureConfig, register
from ._coupled import DELTAS, combine, concurrence_cell, figure_attrs, loops_cell, run

NAME = "memristor-fig12"
INTERACTIONS = ("crx", "crz", "pswap", "xy")
TITLES = {
    "crx": "controlled-RX (memristor 1 controls)",
    "crz": "controlled-RZ (memristor 1 controls)",
    "pswap": "partial SWAP exp(−iδ SWAP)",
    "xy": "XY exchange exp(−iδ(σx⊗σx+σy⊗σy)/2)",
}
WINDOW = (1, 15)


@register(
    NAME,
    paper="Paper M, Fig. 12",
    summary="CRx, CRz, partial SWAP and XY exchange: I–V loops of both memristors, concurrence",
)
def make(config: FigureConfig):
    runs = {name: run(name, config.quick) for name in INTERACTIONS}
    fig = Figure(figsize=(13.5, 15.0), layout="constrained")
    axes = fig.subplots(4, 3, width_ratios=[1.0, 1.0, 1.3])
    labels = iter("abcdefghijkl")
    for row, name in enumerate(INTERACTIONS):
        ds = runs[name]
        for col, k in enumerate((1, 2)):
            ax = axes[row, col]
            n = min(WINDOW[1], int(ds.sizes["period"]))  # the loops panel stops there too
            n_un = loops_cell(fig, ax, ds, k, (1, n), f"({next(labels)})")
            ax.set_title(
                f"{TITLES[name]}\nmemristor {k}, periods 1–{n}: {n_un}/{n} not pinched",
                fontsize=8.5,
            )
        concurrence_cell(axes[row, 2], ds, f"{TITLES[name]}: concurrence", f"({next(labels)})", 8.5)
    fig.suptitle(
        rf"$\delta = {DELTAS['crx']}$ per step for every gate, $\gamma_0 = 0.02$, both from "
        r"$(|e\rangle+|g\rangle)/\sqrt{2}$; dashed = loop not pinched."
        "\nThe partial SWAP is a global phase on these exchange-symmetric states (loops of "
        "uncoupled memristors); the XY exchange destroys the loops, as in the paper's (e, f).",
        fontsize=10,
    )
    out = combine(runs)
    out.attrs = figure_attrs(
        NAME,
        "Paper M, Fig. 12",
        runs,
        matches_paper_panels_e_f="xy",
        pswap_note=(
            "exp(-i δ SWAP) is a global phase on exchange-symmetric states; identical "
            "memristors in identical states stay symmetric, so it changes nothing"
        ),
    )
    return fig, out
