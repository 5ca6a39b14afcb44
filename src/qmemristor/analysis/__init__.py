"""Model-independent analysis: arrays in, numbers out (NumPy/SciPy only, no model imports)."""

from .entanglement import (
    EntanglementEvents,
    concurrence,
    entanglement_events,
    spin_flip_singular_values,
    wootters_quantity,
)
from .hysteresis import (
    form_factor,
    is_pinched,
    lobe_areas,
    loop_form_factors,
    loop_pinch_offsets,
    perimeter,
    period_slices,
    pinch_offset,
    shoelace_area,
)

__all__ = [
    "EntanglementEvents",
    "concurrence",
    "entanglement_events",
    "form_factor",
    "is_pinched",
    "lobe_areas",
    "loop_form_factors",
    "loop_pinch_offsets",
    "perimeter",
    "period_slices",
    "pinch_offset",
    "shoelace_area",
    "spin_flip_singular_values",
    "wootters_quantity",
]
