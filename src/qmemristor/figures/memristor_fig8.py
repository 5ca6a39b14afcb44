"""Paper M, Fig. 8: σy⊗σy coupling — concurrence and form factor over 20 periods.

As the paper draws it: (a) the concurrence, with sudden death and birth and its two
significant peaks (the paper: t = 0–7 T and 8–15 T, outlined), (b) the form factor of each
period on the same time axis.  Added beside: (c) the pinch offsets per period in the preset's
frame and in the other frame at the same δ, (d) the concurrence the library defaults give
(interaction frame, δ = 0.02), which is not what the paper describes.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from ..memristor import LIBRARY_PRESET
from . import FigureConfig, register
from ._coupled import (
    PEAK_WINDOWS_T,
    PRESET,
    concurrence_panel,
    ff_concurrence_r,
    figure_attrs,
    form_factor_panel,
    other_frame,
    pinch_panel,
    preset_line,
    run,
    significant_peaks,
)
from ._style import DIGITAL, deviation_note, panel_label

NAME = "memristor-fig8"


def with_other(ds, other, library):
    """``ds`` plus the other frame's pinch verdicts and the library run's concurrence."""
    out = ds.drop_vars([v for v in ("probability",) if v in ds])
    for name in ("pinch_offset", "pinched", "form_factor", "concurrence", "wootters"):
        out[f"{name}_other_frame"] = other[name].assign_attrs(
            long_name=f"{other[name].attrs.get('long_name', name)} ({other.attrs['frame']} frame)"
        )
    out["concurrence_library"] = library.concurrence.assign_attrs(
        long_name="concurrence with the library defaults (interaction frame, δ = 0.02)"
    )
    return out


@register(
    NAME,
    paper="Paper M, Fig. 8",
    summary="σy⊗σy coupling: concurrence (two peaks, sudden death/birth) and form factor",
)
def make(config: FigureConfig):
    ds = run("yy")
    other = run("yy", frame=other_frame(PRESET.frame))
    library = run("yy", preset=LIBRARY_PRESET)
    r = ff_concurrence_r(ds)
    peaks = significant_peaks(ds)
    fig = Figure(figsize=(12.0, 9.0), layout="constrained")
    axd = fig.subplot_mosaic([["c", "c"], ["f", "f"], ["p", "l"]], height_ratios=[1, 0.8, 0.9])
    concurrence_panel(axd["c"], ds, windows=PEAK_WINDOWS_T, peaks=True)
    axd["c"].legend(loc="upper right", fontsize=7, ncols=2)
    axd["c"].set_title(
        f"concurrence: significant peaks at t = {', '.join(f'{p:.2f}' for p in peaks)} T; "
        "grey = C exactly 0 (sudden death), ▲ = sudden birth",
        fontsize=9,
    )
    form_factor_panel(axd["f"], ds)
    axd["f"].sharex(axd["c"])
    axd["f"].legend(loc="lower right", fontsize=7)
    axd["f"].set_title(
        f"form factor per period (open: not pinched); correlation with the period's mean "
        f"concurrence r = {r:+.2f}",
        fontsize=9,
    )
    pinch_panel(axd["p"], ds, other)
    axd["p"].legend(loc="lower center", fontsize=7, ncols=2, bbox_to_anchor=(0.5, 1.0))
    concurrence_panel(axd["l"], library, colour=DIGITAL, label="C, library defaults")
    axd["l"].legend(loc="upper right", fontsize=7)
    axd["l"].set_title(
        f"added: library defaults ({preset_line(library)}) — not the paper's", fontsize=9
    )
    for key, lab in zip("cfpl", "abcd", strict=True):
        panel_label(axd[key], f"({lab})")
    fig.suptitle(
        rf"$\sigma_y\otimes\sigma_y$ coupling ({preset_line(ds)}), $\gamma_0 = 0.02$, both "
        r"from $(|e\rangle+|g\rangle)/\sqrt{2}$",
        fontsize=10,
    )
    note = (
        f"Differs from the paper: fitted preset '{PRESET.name}' ({preset_line(ds)}); F only "
        f"weakly anti-correlated with C (r = {r:+.2f}); (c, d) added."
    )
    deviation_note(fig, note)
    out = with_other(ds, other, library)
    out.attrs = figure_attrs(
        NAME,
        "Paper M, Fig. 8",
        {"yy": ds, "yy_other_frame": other, "yy_library": library},
        note,
        form_factor_concurrence_r=r,
    )
    return fig, out
