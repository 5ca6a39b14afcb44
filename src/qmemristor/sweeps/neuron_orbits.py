"""The neuron sweep by cycle continuation: exact stationary spans where a Hopf cycle applies.

Same parameters, outputs and status codes as the ``"neuron"`` sweep
(:mod:`qmemristor.sweeps.neuron`), plus two codes; registered as ``"neuron-orbits"``, its
datasets carry the attribute ``method = "orbits"``.  Per grid line along the option
``continue_in`` (default ``"gamma"``; a chunk should hold whole lines, as the CLI and Fig. 6
arrange), :func:`qmemristor.neuron.orbit_maps.line_cycles` gives the cycle born at each Hopf
point of the line at every grid value it reaches.  Then, per point:

- **start equilibrium stable, no cycle** — the perturbed equilibrium (perturbation 1e-3, the
  sweep's convention) relaxes to it: span 0, V_mean = V*, regime steady, frequency NaN;
- **start equilibrium unstable, a stable cycle** — a short integration (the batched kernel, the
  paper protocol over ``t_check``, default 150) from the perturbed equilibrium checks that the
  trajectory reaches the cycle: in its second half V stays inside the cycle's [V_min, V_max]
  (± 1e-3 of the span + 1e-6) and either already spans it (within 1 %) or still grows (the
  sampled span of the last quarter exceeds that of the third: the unstable focus spirals out
  towards the cycle, slowly next to the Hopf point); or V, having overshot, encloses the
  cycle's range in the last quarter and its distance to it shrinks (below 25 % of the span).
  The run lasts ``max(t_check, 5 T/(−ln|μ|))`` (μ the largest nontrivial multiplier), rounded
  up to ``t_check·2^k`` and at most ``t_end``.  Then span, V_mean (exact time average)
  and frequency 2π/T are the cycle's, regime oscillation;
- **start equilibrium stable, a cycle through the point** (a subcritical family; coexistence
  possible) — the short integration must decay (second-half span < 1e-3 and shrinking) for
  the rest values above;
- otherwise the point is integrated like the ``"neuron"`` sweep (its stationary protocol and
  options) and marked: status 6 ``other_attractor`` (a cycle exists but the start does not
  reach it, or it is unstable: coexistence, another attractor) — unless the settled run's span
  is the stable cycle's (within 2e-3 relative + 5e-5: the check was only too short; then the
  cycle's exact values and status 0) — or 7 ``no_cycle`` (unstable
  equilibrium, no cycle from a Hopf point of the line: the line has none, or a degenerate one
  at α = 0 or Γ = 0).  Where that integration fails or does not settle its own status (1–5)
  is kept.

``t_reached`` is the check integration's length (NaN where none ran; the fallback's own for
status 6/7); ``tau`` the same relaxation time as the integration sweep.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ParameterError, check_positive
from ..neuron.model import PARAM_NAMES, NeuronParams
from ..neuron.stationary import ZERO_RATE
from .batch import STATUS, BatchOptions
from .models import SweepModel
from .neuron import (
    _PARAM_ATTRS,
    NEURON_OUTPUTS,
    _check_point,
    _options,
    _prepare,
    evaluate_neuron,
    initial_states,
    start_spectra,
)

__all__ = ["NO_CYCLE", "ORBIT_STATUS", "OTHER_ATTRACTOR", "evaluate_orbits", "orbits_model"]

OTHER_ATTRACTOR, NO_CYCLE = 6, 7
#: The integration sweep's status codes plus the two of the orbit method.
ORBIT_STATUS = {
    **STATUS,
    OTHER_ATTRACTOR: "other_attractor: a cycle from the line's Hopf point exists here, but the "
    "perturbed equilibrium does not reach it (or it is unstable); values by integration",
    NO_CYCLE: "no_cycle: unstable equilibrium and no cycle continued from a Hopf point of the "
    "line; values by integration",
}
_ORBIT_OPTIONS = {"continue_in": "gamma", "t_check": 150.0, "method": "orbits"}
#: Tolerances of the check (module docstring): inside the cycle's range up to this fraction of
#: its span (+ 1e-6 absolute, the integration's noise floor at rtol 3e-5 is ~1e-7) ...
_INSIDE = 1e-3
#: ... and spanning it within this fraction (a trajectory still growing is accepted otherwise).
_SPANS = 1e-2
#: A trajectory around the cycle whose distance to the cycle's range shrinks from the third to
#: the last quarter of the run, and is below this fraction of the span, is closing in on it (the
#: overshoot after the spiral out of the equilibrium relaxes at ≈ 0.45 αΓ, slowly at small Γ).
_CLOSING = 0.25
#: A point whose check was inconclusive is integrated; if the settled span is the stable
#: cycle's within this (the integration's measured span accuracy is 2.4e-5 absolute,
#: ``sweeps.neuron.ACCURACY``; 1e-3 relative next to Hopf points), the point reached the cycle:
#: its exact values and status 0.
_SAME, _SAME_ABS = 2e-3, 5e-5


def _orbit_options(options: Mapping[str, Any]) -> dict[str, Any]:
    extra = {k: options[k] for k in _ORBIT_OPTIONS if k in options}
    base = _options({k: v for k, v in options.items() if k not in _ORBIT_OPTIONS})
    opts = {**base, **_ORBIT_OPTIONS, **extra}
    if opts["method"] != "orbits":
        raise ParameterError(f"method of this model is 'orbits' (got {opts['method']!r})")
    if opts["continue_in"] not in PARAM_NAMES:
        raise ParameterError(
            f"continue_in must be one of {', '.join(PARAM_NAMES)} (got {opts['continue_in']!r})"
        )
    opts["t_check"] = check_positive("t_check", float(opts["t_check"]))
    if opts["initial"] != "equilibrium":
        raise ParameterError(
            "the orbit method starts from the perturbed equilibrium: "
            "use initial='equilibrium' (or the integration method)"
        )
    return opts


def _lines(params: Mapping[str, NDArray], along: str) -> list[NDArray]:
    """Indices of the points of each line (all parameters but ``along`` equal), sorted along."""
    others = [k for k in params if k != along]
    keys = np.stack([np.asarray(params[k], dtype=float) for k in others], axis=1)
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    lines = []
    for g in range(int(inverse.max()) + 1 if inverse.size else 0):
        idx = np.flatnonzero(inverse.ravel() == g)
        lines.append(idx[np.argsort(np.asarray(params[along], dtype=float)[idx], kind="stable")])
    return lines


def evaluate_orbits(
    params: Mapping[str, NDArray], options: Mapping[str, Any]
) -> dict[str, NDArray]:
    """The ``"neuron-orbits"`` sweep's ``evaluate`` (module docstring)."""
    from ..neuron.device import device_tables
    from ..neuron.orbit_maps import cycle_summary, line_cycles
    from ..neuron.stationary import relaxation_time

    along = options.get("continue_in", "gamma")
    n = len(params["v_in"])
    out: dict[str, NDArray] = {
        "span": np.full(n, np.nan),
        "frequency": np.full(n, np.nan),
        "regime": np.full(n, -1, dtype=np.int8),
        "V_mean": np.full(n, np.nan),
        "status": np.zeros(n, dtype=np.int8),
        "t_reached": np.full(n, np.nan),
        "tau": np.full(n, np.nan),
    }
    p_arr = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    y0 = initial_states(p_arr, "equilibrium", options.get("perturbation", 1e-3))
    kind = np.zeros(n, dtype=np.int8)  # 0 rest, 1 cycle to check, 2 rest to check, 6/7 fallback
    cycles: dict[int, dict[str, float]] = {}
    for line in _lines(p_arr, along):
        first = {k: float(v[line[0]]) for k, v in p_arr.items()}
        base = NeuronParams(**first)
        tables = device_tables(base.l, base.lam)
        sub = {k: v[line] for k, v in p_arr.items()}
        ev, _ = start_spectra(sub, y0[line], tables)
        pvecs = np.stack([sub[k] for k in PARAM_NAMES], axis=1)
        out["tau"][line] = relaxation_time(pvecs[:, 2], pvecs[:, 3], ev)
        lc = line_cycles(base, along, sub[along])
        unstable = ev.real.max(axis=1) > ZERO_RATE  # a neutral direction (α = 0) is at rest
        for j, i in enumerate(line):
            orb = lc.orbits[j]
            if orb is None:
                kind[i] = NO_CYCLE if unstable[j] else 0
                out["V_mean"][i] = lc.equilibria[j, 3]
                continue
            cycles[i] = cycle_summary(orb)
            if unstable[j]:
                kind[i] = 1 if orb.stable else OTHER_ATTRACTOR
            else:
                kind[i] = 2
                out["V_mean"][i] = lc.equilibria[j, 3]
    rest = kind == 0
    out["span"][rest] = 0.0
    out["regime"][rest] = 0
    check = np.flatnonzero((kind == 1) | (kind == 2))
    t_min = float(options.get("t_check", 150.0))
    cap = max(t_min, float(options["t_end"]))
    t_need = np.full(n, t_min)
    for i in check.tolist():  # five relaxation times of the cycle, T/(−ln|μ|)
        mu = min(cycles[i]["multiplier"], 1 - 1e-12)
        t_need[i] = min(cap, max(t_min, -5.0 * cycles[i]["period"] / np.log(mu)))
    buckets = np.minimum(cap, t_min * 2.0 ** np.ceil(np.log2(t_need / t_min - 1e-12).clip(0)))
    for t_check in np.unique(buckets[check]):
        sel = check[buckets[check] == t_check]
        _check(p_arr, y0, sel, float(t_check), options, cycles, kind, out)
    fallback = np.flatnonzero((kind == OTHER_ATTRACTOR) | (kind == NO_CYCLE))
    if fallback.size:
        sub_opts = {k: v for k, v in options.items() if k not in _ORBIT_OPTIONS}
        res_i = evaluate_neuron({k: v[fallback] for k, v in p_arr.items()}, sub_opts)
        for k, v in res_i.items():
            out[k][fallback] = v
        out["status"][fallback] = np.where(res_i["status"] == 0, kind[fallback], res_i["status"])
        for r, i in enumerate(
            fallback.tolist()
        ):  # the settled run found the stable cycle after all
            c = cycles.get(i)
            if (
                c is not None
                and c["stable"]
                and res_i["status"][r] == 0
                and res_i["regime"][r] == 1
                and abs(res_i["span"][r] - c["span"]) <= _SAME * c["span"] + _SAME_ABS
            ):
                out["span"][i], out["V_mean"][i] = c["span"], c["V_mean"]
                out["frequency"][i], out["status"][i] = c["frequency"], 0
    return out


def _check(p_arr, y0, check, t_check: float, options, cycles, kind, out) -> None:
    """The short integration of the points ``check`` and its verdicts (module docstring)."""
    from ..neuron.device import device_tables
    from .batch import integrate_batch

    opts = BatchOptions(protocol="paper", t_end=t_check, dt_out=float(options["dt_out"]),
                        rtol=float(options["rtol"]), atol=float(options["atol"]))  # fmt: skip
    pvecs = np.stack([p_arr[k][check] for k in PARAM_NAMES], axis=1)
    base = NeuronParams(**{k: float(v[check[0]]) for k, v in p_arr.items()})
    res = integrate_batch(pvecs, y0[check], device_tables(base.l, base.lam), opts)
    s = res.samples
    q = s.shape[1] // 2
    grow = np.ptp(s[:, q:], axis=1) > np.ptp(s[:, :q], axis=1)
    lo3, hi3 = s[:, :q].min(axis=1), s[:, :q].max(axis=1)
    lo4, hi4 = s[:, q:].min(axis=1), s[:, q:].max(axis=1)
    for r, i in enumerate(check):
        c = cycles[i]
        ok = res.status[r] == 0
        if kind[i] == 1:
            tol = _INSIDE * c["span"] + 1e-6
            inside = res.v_min[r] >= c["v_min"] - tol and res.v_max[r] <= c["v_max"] + tol
            spans = res.v_max[r] - res.v_min[r] >= (1 - _SPANS) * c["span"]
            # distance of the sampled range to the cycle's, third and last quarter of the run
            d3 = abs(lo3[r] - c["v_min"]) + abs(hi3[r] - c["v_max"])
            d4 = abs(lo4[r] - c["v_min"]) + abs(hi4[r] - c["v_max"])
            closing = (
                lo4[r] <= c["v_min"] and hi4[r] >= c["v_max"] and d4 < min(d3, _CLOSING * c["span"])
            )
            if ok and ((inside and (spans or grow[r])) or closing):
                out["span"][i], out["V_mean"][i] = c["span"], c["V_mean"]
                out["frequency"][i], out["regime"][i] = c["frequency"], 1
                out["t_reached"][i] = t_check
                continue
        else:
            if ok and res.v_max[r] - res.v_min[r] < 1e-3 and not grow[r]:
                out["span"][i], out["regime"][i] = 0.0, 0
                out["t_reached"][i] = t_check
                continue
        kind[i] = OTHER_ATTRACTOR


def orbits_model() -> SweepModel:
    """The ``"neuron-orbits"`` sweep model."""
    status = dict(next(o for o in NEURON_OUTPUTS if o.name == "status").attrs)
    status.update(
        long_name="status of the point (0: ok; 5: not settled; 6, 7: by integration; else failed)",
        flag_values=sorted(ORBIT_STATUS),
        flag_meanings=" ".join(ORBIT_STATUS[k].split(":")[0] for k in sorted(ORBIT_STATUS)),
        flag_descriptions="; ".join(f"{k}: {ORBIT_STATUS[k]}" for k in sorted(ORBIT_STATUS)),
    )
    outputs = tuple(
        dataclasses.replace(o, attrs=status) if o.name == "status" else o for o in NEURON_OUTPUTS
    )
    return SweepModel(
        name="neuron-orbits",
        defaults=NeuronParams().as_attrs(),
        outputs=outputs,
        evaluate=evaluate_orbits,
        check_point=_check_point,
        check_options=_orbit_options,
        prepare=_prepare,
        status_meanings=dict(ORBIT_STATUS),
        parameter_attrs=_PARAM_ATTRS,
        releases_gil=False,  # Newton's method on the collocation system runs in Python
    )
