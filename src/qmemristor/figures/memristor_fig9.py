"""Paper M, Fig. 9: controlled-RY coupling (memristor 1 controls) — I–V loops of both."""

from __future__ import annotations

from . import FigureConfig, register
from ._coupled import DELTAS, loops_result

NAME = "memristor-fig9"


@register(
    NAME,
    paper="Paper M, Fig. 9",
    summary="controlled-RY coupling (memristor 1 controls): I–V loops of both memristors",
)
def make(config: FigureConfig):
    return loops_result(
        NAME,
        "Paper M, Fig. 9",
        "cry",
        config.quick,
        r"$CR_y(\delta) = |e\rangle\langle e|\otimes e^{-i\delta\sigma_y/2} + "
        r"|g\rangle\langle g|\otimes 1$ after every step (memristor 1 controls), "
        rf"$\delta = {DELTAS['cry']}$, $\gamma_0 = 0.02$, both from "
        r"$(|e\rangle+|g\rangle)/\sqrt{2}$"
        "\ndashed = loop crosses V = 0 away from the origin (not pinched)",
    )
