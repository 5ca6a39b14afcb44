"""Model-independent analysis: arrays in, numbers out (NumPy/SciPy only, no model imports).

* :mod:`.hysteresis` — loop geometry (form factor, lobes, pinch);
* :mod:`.entanglement` — Wootters concurrence, sudden death and birth of entanglement;
* :mod:`.vectorfield`, :mod:`.continuation`, :mod:`.bifurcation`, :mod:`.lyapunov` — equilibria
  and their bifurcations for any ``dx/dt = f(x, p)``: pseudo-arclength continuation, folds,
  Andronov–Hopf points and their first Lyapunov coefficient, fold and Hopf curves;
* :mod:`.orbits` — periodic orbits by collocation: Hopf branch switching, continuation of cycle
  families, Floquet multipliers, folds of cycles, period doubling, Neimark–Sacker;
* :mod:`.spectra` — span, power spectrum, dominant frequency, steady state vs limit cycle,
  whether successive windows of a record agree (stationarity).
"""

from .._lazy import lazy_exports

_EXPORTS = {
    "BifurcationCurve": "continuation",
    "CollocationOptions": "orbits",
    "CycleFamily": "orbits",
    "PeriodicOrbit": "orbits",
    "continue_from_hopf": "orbits",
    "continue_orbits": "orbits",
    "find_orbit": "orbits",
    "floquet_multipliers": "orbits",
    "hopf_orbit": "orbits",
    "Branch": "continuation",
    "ContinuationOptions": "continuation",
    "EntanglementEvents": "entanglement",
    "HopfCoefficients": "lyapunov",
    "RegimeDiagnostics": "spectra",
    "SpecialPoint": "bifurcation",
    "VectorField": "vectorfield",
    "as_vector_field": "vectorfield",
    "classify_regime": "spectra",
    "concurrence": "entanglement",
    "continue_equilibrium": "continuation",
    "continue_fold": "continuation",
    "continue_hopf": "continuation",
    "dominant_frequency": "spectra",
    "entanglement_events": "entanglement",
    "first_lyapunov": "lyapunov",
    "fold_coefficient": "bifurcation",
    "form_factor": "hysteresis",
    "hopf_test_function": "bifurcation",
    "is_pinched": "hysteresis",
    "lobe_areas": "hysteresis",
    "locate_fold": "bifurcation",
    "locate_hopf": "bifurcation",
    "loop_form_factors": "hysteresis",
    "loop_pinch_offsets": "hysteresis",
    "perimeter": "hysteresis",
    "period_slices": "hysteresis",
    "pinch_offset": "hysteresis",
    "power_spectrum": "spectra",
    "refined_extremes": "spectra",
    "regime_diagnostics": "spectra",
    "sampling_step": "spectra",
    "shoelace_area": "hysteresis",
    "span": "spectra",
    "spin_flip_singular_values": "entanglement",
    "stationary_part": "spectra",
    "upcrossing_times": "spectra",
    "windows_settled": "spectra",
    "wootters_quantity": "entanglement",
    "zero_crossing_frequency": "spectra",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
