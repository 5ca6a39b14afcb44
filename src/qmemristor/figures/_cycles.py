"""Continued cycle branches drawn over sweep data (Paper N, Figs. 4 and 5(b)).

Stable cycles solid, unstable ones dashed (Floquet multipliers from the collocation,
:mod:`qmemristor.neuron.orbit_maps`), one colour for the branch.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ._style import split_runs

CYCLE_COLOUR = "#d1495b"


def cycle_variables(branch: dict, dim: str = "cycle") -> dict:
    """The branch as dataset variables ``cycle_<name>`` along ``dim``."""
    return {f"cycle_{k}": (dim, np.asarray(v)) for k, v in branch.items()}


def draw_cycle_branch(ax, ds: xr.Dataset, quantities: tuple[str, ...], *, label: bool = True):
    """Draw ``cycle_<q>`` against ``cycle_value`` for each ``q`` (``"span"`` or ``"V_min"``,
    ``"V_max"``), family by family, solid where stable and dashed where unstable."""
    if "cycle_value" not in ds or ds.cycle_value.size == 0:
        return
    fam = ds.cycle_family.values
    first = label
    for f in np.unique(fam):
        sel = fam == f
        x = ds.cycle_value.values[sel]
        st = ds.cycle_stable.values[sel]
        for q in quantities:
            for xr_, yr, stable in split_runs(x, ds[f"cycle_{q}"].values[sel], st):
                ax.plot(xr_, yr, color=CYCLE_COLOUR, lw=1.3, ls="-" if stable else "--",
                        zorder=4, label="continued cycles (stable / unstable --)" if first
                        else None)  # fmt: skip
                first = False
