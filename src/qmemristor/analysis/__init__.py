"""Model-independent analysis: arrays in, numbers out (NumPy/SciPy only, no model imports)."""

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
    "form_factor",
    "is_pinched",
    "lobe_areas",
    "loop_form_factors",
    "loop_pinch_offsets",
    "perimeter",
    "period_slices",
    "pinch_offset",
    "shoelace_area",
]
