"""Paper M, Fig. 10: controlled-RY coupling — the concurrence over 20 periods.

As the paper draws it: (a) the concurrence, a small increase at the beginning and then zero
(its y range follows the data).  Added beside: (b) the form factor per period, (c) the pinch
offsets in the preset's frame and the other frame at the same δ — the target stays pinched,
the control is biased.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import FigureConfig, register
from ._coupled import (
    PRESET,
    concurrence_panel,
    figure_attrs,
    form_factor_panel,
    other_frame,
    pinch_panel,
    preset_line,
    run,
)
from ._style import deviation_note, panel_label
from .memristor_fig8 import with_other

NAME = "memristor-fig10"


@register(
    NAME,
    paper="Paper M, Fig. 10",
    summary="controlled-RY coupling: concurrence (small, early, then zero); pinching added",
)
def make(config: FigureConfig):
    from ..memristor import LIBRARY_PRESET

    ds = run("cry")
    other = run("cry", frame=other_frame(PRESET.frame))
    library = run("cry", preset=LIBRARY_PRESET)
    t = ds.t.values / (2 * 3.141592653589793)
    c = ds.concurrence.values
    alive = t[c > 1e-10]
    fig = Figure(figsize=(12.0, 7.6), layout="constrained")
    axd = fig.subplot_mosaic([["c", "c"], ["f", "p"]], height_ratios=[1.0, 1.1])
    concurrence_panel(axd["c"], ds)
    axd["c"].legend(loc="upper right", fontsize=8)
    axd["c"].set_title(
        f"concurrence: maximum {c.max():.3f} at t = {t[c.argmax()]:.2f} T, exactly 0 from "
        f"t = {alive.max() if alive.size else 0:.2f} T to the end",
        fontsize=9,
    )
    form_factor_panel(axd["f"], ds)
    axd["f"].legend(loc="upper right", fontsize=8)
    axd["f"].set_title("added: form factor per period (open: not pinched)", fontsize=9)
    pinch_panel(axd["p"], ds, other)
    axd["p"].legend(loc="lower center", fontsize=7, ncols=2, bbox_to_anchor=(0.5, 1.0))
    for key, lab in zip("cfp", "abc", strict=True):
        panel_label(axd[key], f"({lab})")
    fig.suptitle(
        rf"controlled-RY coupling, memristor 1 controls ({preset_line(ds)}), "
        r"$\gamma_0 = 0.02$, both from $(|e\rangle+|g\rangle)/\sqrt{2}$",
        fontsize=10,
    )
    note = (
        f"Differs from the paper: fitted preset '{PRESET.name}' ({preset_line(ds)}); (b, c) added."
    )
    deviation_note(fig, note)
    out = with_other(ds, other, library)
    out.attrs = figure_attrs(
        NAME,
        "Paper M, Fig. 10",
        {"cry": ds, "cry_other_frame": other, "cry_library": library},
        note,
    )
    return fig, out
