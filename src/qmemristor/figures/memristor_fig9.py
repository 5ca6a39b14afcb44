"""Paper M, Fig. 9: controlled-RY coupling (memristor 1 controls) — I–V loops of both, 20 periods.

As the paper draws it: (a) the control (memristor 1) and (b) the target (memristor 2), all 20
periods, with the paper's markers (green start, red end, black origin).
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import FigureConfig, register
from ._coupled import ALL_PERIODS, PRESET, figure_attrs, loops_cell, preset_line, run
from ._style import deviation_note, loop_markers

NAME = "memristor-fig9"
ROLE = {1: "control", 2: "target"}


@register(
    NAME,
    paper="Paper M, Fig. 9",
    summary="controlled-RY coupling (memristor 1 controls): I–V loops of both, 20 periods",
)
def make(config: FigureConfig):
    ds = run("cry")
    fig = Figure(figsize=(11.0, 5.4), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, k, label in zip(axes, (1, 2), ("(a)", "(b)"), strict=True):
        n_un = loops_cell(fig, ax, ds, k, ALL_PERIODS, label)
        ax.set_title(
            f"memristor {k} ({ROLE[k]}), periods 1–20: "
            + (f"{n_un}/20 not pinched (dashed)" if n_un else "pinched in every period"),
            fontsize=9,
        )
    loop_markers(axes[0], [float("nan")], [float("nan")], labels=True)
    axes[0].legend(loc="lower right", fontsize=7)
    fig.suptitle(
        r"$CR_y(\delta) = |e\rangle\langle e|\otimes e^{-i\delta\sigma_y/2} + "
        r"|g\rangle\langle g|\otimes 1$ after every step, memristor 1 controls "
        rf"({preset_line(ds)}), $\gamma_0 = 0.02$, both from "
        r"$(|e\rangle+|g\rangle)/\sqrt{2}$",
        fontsize=10,
    )
    unp = [int(p) + 1 for p, v in enumerate(ds.pinched.sel(memristor=1).values) if v]
    note = (
        f"Differs from the paper: fitted preset '{PRESET.name}' ({preset_line(ds)}); the "
        f"control is pinched (offset ≤ 0.02) in periods {', '.join(map(str, unp))}, "
        "biased in the others."
        if unp
        else f"Differs from the paper: fitted preset '{PRESET.name}' ({preset_line(ds)})."
    )
    deviation_note(fig, note)
    out = ds.drop_vars("probability")
    out.attrs = figure_attrs(NAME, "Paper M, Fig. 9", {"cry": ds}, note)
    return fig, out
