"""Paper M, Fig. 8: σy⊗σy coupling — concurrence (sudden death and birth) and form factors."""

from __future__ import annotations

from . import FigureConfig, register
from ._coupled import DELTAS, dynamics_result

NAME = "memristor-fig8"


@register(
    NAME,
    paper="Paper M, Fig. 8",
    summary="σy⊗σy coupling: concurrence with sudden death/birth, form factor and pinching",
)
def make(config: FigureConfig):
    return dynamics_result(
        NAME,
        "Paper M, Fig. 8",
        "yy",
        config.quick,
        rf"$\sigma_y\otimes\sigma_y$ coupling, $\delta = {DELTAS['yy']}$ per step, "
        r"$\gamma_0 = 0.02$, both from $(|e\rangle+|g\rangle)/\sqrt{2}$: entanglement dies "
        "and revives\n(c): interaction frame (solid) and lab frame (dashed), where "
        "[σy⊗σy, σy⊗1] = 0 keeps both exact memristors (I = ΓV)",
    )
