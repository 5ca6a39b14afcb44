"""Model-independent analysis: arrays in, numbers out (NumPy/SciPy only, no model imports).

* :mod:`.hysteresis` — loop geometry (form factor, lobes, pinch);
* :mod:`.vectorfield`, :mod:`.continuation`, :mod:`.bifurcation`, :mod:`.lyapunov` — equilibria
  and their bifurcations for any ``dx/dt = f(x, p)``: pseudo-arclength continuation, folds,
  Andronov–Hopf points and their first Lyapunov coefficient, fold and Hopf curves;
* :mod:`.spectra` — span, power spectrum, dominant frequency, steady state vs limit cycle.
"""

from .bifurcation import (
    SpecialPoint,
    fold_coefficient,
    hopf_test_function,
    locate_fold,
    locate_hopf,
)
from .continuation import (
    BifurcationCurve,
    Branch,
    ContinuationOptions,
    continue_equilibrium,
    continue_fold,
    continue_hopf,
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
from .lyapunov import HopfCoefficients, first_lyapunov
from .spectra import (
    RegimeDiagnostics,
    classify_regime,
    dominant_frequency,
    power_spectrum,
    regime_diagnostics,
    sampling_step,
    span,
    stationary_part,
    upcrossing_times,
    zero_crossing_frequency,
)
from .vectorfield import VectorField, as_vector_field

__all__ = [
    "BifurcationCurve",
    "Branch",
    "ContinuationOptions",
    "HopfCoefficients",
    "RegimeDiagnostics",
    "SpecialPoint",
    "VectorField",
    "as_vector_field",
    "classify_regime",
    "continue_equilibrium",
    "continue_fold",
    "continue_hopf",
    "dominant_frequency",
    "first_lyapunov",
    "fold_coefficient",
    "form_factor",
    "hopf_test_function",
    "is_pinched",
    "lobe_areas",
    "locate_fold",
    "locate_hopf",
    "loop_form_factors",
    "loop_pinch_offsets",
    "perimeter",
    "period_slices",
    "pinch_offset",
    "power_spectrum",
    "regime_diagnostics",
    "sampling_step",
    "shoelace_area",
    "span",
    "stationary_part",
    "upcrossing_times",
    "zero_crossing_frequency",
]
