"""Paper M, Fig. 10: controlled-RY coupling — concurrence and form factors."""

from __future__ import annotations

from . import FigureConfig, register
from ._coupled import DELTAS, dynamics_result

NAME = "memristor-fig10"


@register(
    NAME,
    paper="Paper M, Fig. 10",
    summary="controlled-RY coupling: concurrence, form factor and pinching of control and target",
)
def make(config: FigureConfig):
    return dynamics_result(
        NAME,
        "Paper M, Fig. 10",
        "cry",
        config.quick,
        rf"controlled-RY coupling (memristor 1 controls), $\delta = {DELTAS['cry']}$ per step, "
        r"$\gamma_0 = 0.02$, both from $(|e\rangle+|g\rangle)/\sqrt{2}$"
        "\n(c): interaction frame (solid) and lab frame (dashed), where the control memristor "
        "is biased in every period and the target stays an exact memristor (I = ΓV)",
    )
