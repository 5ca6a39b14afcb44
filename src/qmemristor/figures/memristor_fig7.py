"""Paper M, Fig. 7: two memristors coupled by σy⊗σy — I–V loops, periods 1–7 and 8–15."""

from __future__ import annotations

from . import FigureConfig, register
from ._coupled import DELTAS, loops_result

NAME = "memristor-fig7"


@register(
    NAME,
    paper="Paper M, Fig. 7",
    summary="σy⊗σy coupling: I–V loops of both memristors, periods 1–7 and 8–15",
)
def make(config: FigureConfig):
    return loops_result(
        NAME,
        "Paper M, Fig. 7",
        "yy",
        config.quick,
        rf"$\exp(-i\delta\,\sigma_y\otimes\sigma_y)$ after every step, $\delta = {DELTAS['yy']}$, "
        r"$\gamma_0 = 0.02$ for both, both from $(|e\rangle+|g\rangle)/\sqrt{2}$"
        "\nidentical memristors and a symmetric coupling: rows (a, b) and (c, d) coincide; "
        "dashed = loop crosses V = 0 away from the origin",
    )
