"""Paper M, Fig. 12: CRx, CRz, partial SWAP — and the XY exchange — I–V loops of both memristors.

As the paper draws it: (a, b) controlled-RX, (c, d) controlled-RZ, (e, f) partial SWAP,
memristor 1 and 2, all 20 periods with the paper's markers.  Added beside: (g, h) the XY
exchange and (i–l) the concurrence of each run.

The partial SWAP ``exp(−iδ SWAP)`` is only a global phase on exchange-symmetric states, and
identical memristors started in identical states stay exchange-symmetric, so with it the loops
are exactly those of uncoupled memristors — whereas the paper's Fig. 12(e, f) shows them
destroyed.  The XY exchange ``exp(−iδ(σx⊗σx + σy⊗σy)/2)`` equals the partial SWAP times
``exp(iδ σz⊗σz/2)`` (up to a phase), so on these states it acts as a σz⊗σz coupling of angle
−δ/2: it does unpin the loops, as in the paper's panels.  Both are drawn.
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

NAME = "memristor-fig12"
INTERACTIONS = ("crx", "crz", "pswap", "xy")
TITLES = {
    "crx": "controlled-RX (memristor 1 controls)",
    "crz": "controlled-RZ (memristor 1 controls)",
    "pswap": "partial SWAP exp(−iδ SWAP)",
    "xy": "added: XY exchange exp(−iδ(σx⊗σx+σy⊗σy)/2)",
}


@register(
    NAME,
    paper="Paper M, Fig. 12",
    summary="CRx, CRz, partial SWAP (+ XY exchange): I–V loops of both memristors, concurrence",
)
def make(config: FigureConfig):
    runs = {name: run(name) for name in INTERACTIONS}
    fig = Figure(figsize=(14.0, 17.0), layout="constrained")
    axes = fig.subplots(4, 3, width_ratios=[1.0, 1.0, 1.25])
    loop_labels = iter("abcdefgh")
    conc_labels = iter("ijkl")
    for row, name in enumerate(INTERACTIONS):
        ds = runs[name]
        for col, k in enumerate((1, 2)):
            n_un = loops_cell(fig, axes[row, col], ds, k, ALL_PERIODS, f"({next(loop_labels)})")
            axes[row, col].set_title(
                f"{TITLES[name]}\nmemristor {k}, periods 1–20: {n_un}/20 not pinched",
                fontsize=8.5,
            )
        title = f"added: {TITLES[name].removeprefix('added: ')}: concurrence"
        concurrence_cell(axes[row, 2], ds, title, f"({next(conc_labels)})", 8.5)
    fig.suptitle(
        f"{preset_line(runs['crx'])} for every gate, "
        r"$\gamma_0 = 0.02$, both from $(|e\rangle+|g\rangle)/\sqrt{2}$; dashed = loop not "
        "pinched",
        fontsize=10,
    )
    note = (
        f"Differs from the paper: fitted preset '{PRESET.name}'; the partial SWAP is a global "
        "phase on these symmetric states (loops intact, unlike the paper's e, f); (g–l) added."
    )
    deviation_note(fig, note)
    out = combine(runs)
    out.attrs = figure_attrs(
        NAME,
        "Paper M, Fig. 12",
        runs,
        note,
        matches_paper_panels_e_f="xy",
        pswap_note=(
            "exp(-i δ SWAP) is a global phase on exchange-symmetric states; identical "
            "memristors in identical states stay symmetric, so it changes nothing"
        ),
    )
    return fig, out
