"""``qmemristor neuron orbits``: the neuron's limit-cycle families continued in V_in.

Mounted on the ``neuron`` group by ``cli/neuron.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ._common import check_out, emit_json, info
from .neuron import ALPHA_OPT, GAMMA_OPT, JSON_OPT, R_M_OPT, ZT_OPT, _window, neuron_command

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..neuron import NeuronParams


@neuron_command
def orbits(
    r_m: float = R_M_OPT,
    gamma: float = GAMMA_OPT,
    alpha: float = ALPHA_OPT,
    z_t: float = ZT_OPT,
    v_in_min: float = typer.Option(0.0, "--v-in-min", help="Lower end of the V_in window."),
    v_in_max: float = typer.Option(10.0, "--v-in-max", help="Upper end of the V_in window."),
    out: Path | None = typer.Option(None, "--out", help="Write the families to this .nc file."),
    as_json: bool = JSON_OPT,
    *,
    params: Callable[[], NeuronParams],
) -> None:
    """Limit-cycle families born at the Hopf points in the V_in window, continued in V_in.

    Orthogonal collocation with pseudo-arclength continuation: period, V_min, V_max, span,
    Floquet multipliers and stability of every cycle; folds of cycles (LPC), period doublings
    (PD), torus bifurcations (NS) and branch points (BP) are located.  --json prints
    `orbits` (one record per cycle), `special`, `hopf` and `families`.
    """
    from ..errors import ParameterError
    from ..io import write_netcdf
    from ..neuron.orbits import cycle_families
    from ..results.orbits import neuron_orbits_dataset, neuron_orbits_record

    check_out(out)
    p = params()
    window = _window(v_in_min, v_in_max, "--v-in-min", "--v-in-max")
    if v_in_max < v_in_min:
        raise ParameterError(f"--v-in-max must be > --v-in-min (got {v_in_max:g} < {v_in_min:g})")
    if not as_json:
        info(f"continuing the cycle families for V_in in [{window[0]:g}, {window[1]:g}] ...")
    result = cycle_families(p, window)
    if out is not None:
        write_netcdf(neuron_orbits_dataset(result), out)
    record = neuron_orbits_record(result)
    if as_json:
        emit_json(record)
        return
    if not result.hopf:
        info(f"no Hopf point for V_in in [{window[0]:g}, {window[1]:g}]: no cycle family")
    for fam in record["families"]:
        pts = [o for o in record["orbits"] if o["family"] == fam["family"]]
        best = max(pts, key=lambda o: o["span"]) if pts else None
        ends = " → ".join(
            f"{e}" + (f" (V_in = {v:.10g})" if v is not None else "")
            for e, v in zip(fam["ends"], fam["end_v_in"], strict=True)
        )
        info(f"family {fam['family']} from the Hopf point at V_in = {fam['hopf_v_in']:.10g}:")
        info(f"  {fam['points']} cycles; ends: {ends}")
        if best is not None:
            info(
                f"  largest span {best['span']:.6g} at V_in = {best['v_in']:.6g} "
                f"(period {best['period']:.6g}, {'stable' if best['stable'] else 'unstable'})"
            )
    for sp in record["special"]:
        info(f"  {sp['type']} on family {sp['family']} at V_in = {sp['v_in']:.10g}")
    if out is not None:
        info(f"wrote {out}")
