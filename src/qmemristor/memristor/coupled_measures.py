"""Paper M, §M3: what is measured on two coupled memristors — from any backend's states.

**Memristive variables** (per memristor ``k``, from its reduced state in the Schrödinger
picture): ``⟨V_k⟩ = −(k/2)⟨σy⟩``, ``⟨I_k⟩ = k(d⟨σy⟩/dt − ω⟨σx⟩)`` (docs/theory.md §M1).  With
the slope from the generator ``L_t`` of the continuous-time limit
(:func:`~qmemristor.memristor.coupled_lindblad.coupled_trajectories`) it splits as::

    d⟨σy_k⟩/dt = ω_k⟨σx_k⟩ − (Γ_k/2)⟨σy_k⟩ + ⟨i[H_int(t), σy_k]⟩
    ⟨I_k⟩      = Γ_k ⟨V_k⟩ + k ⟨i[H_int(t), σy_k]⟩

so a memristor stays an exact memristor (``I = ΓV``, pinched) whenever ``H_int(t)`` commutes
with its σy — e.g. both memristors under a lab-frame σy⊗σy, or the target of a lab-frame CRy.

**Loops and entanglement.** Per drive period of each memristor: the form factor ``4πS/P²``
of the I–V loop (V and I normalised by their maxima over the whole run of that memristor,
docs/theory.md §M3) and the pinch offset (max |I| at the V = 0 crossings over max |I| in the
period; pinched when ≤ ``PINCH_TOL``).  Of the pair: Wootters' quantity
``λ1 − λ2 − λ3 − λ4`` (concurrence ``C = max(0, ·)``) and the sudden death and birth of ``C``.

A backend delivers a :class:`CoupledSolution` (states, per-memristor trajectories, how the
slope was obtained, standard errors if estimated from shots); :func:`coupled_measures` adds
the measures; :func:`qmemristor.memristor.coupled_dataset` lays both out as a dataset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..analysis.entanglement import EntanglementEvents, entanglement_events, wootters_quantity
from ..analysis.hysteresis import loop_form_factors, loop_pinch_offsets
from .exact import Trajectory
from .observables import current, voltage

if TYPE_CHECKING:  # pragma: no cover
    from .coupled import CoupledMemristors
    from .model import InitialState

__all__ = ["PINCH_TOL", "CoupledMeasures", "CoupledSolution", "coupled_measures"]

#: Pinch verdict threshold on :func:`~qmemristor.analysis.hysteresis.pinch_offset` (the
#: default of :func:`~qmemristor.analysis.hysteresis.is_pinched`).
PINCH_TOL = 0.02


@dataclass(frozen=True)
class CoupledSolution:
    """Two-memristor states on a time grid, from any backend, and each memristor's trajectory.

    Attributes
    ----------
    system : CoupledMemristors
    states : (InitialState, InitialState)
        The states of memristor 1 and 2 at ``t = 0``.
    t : ndarray, shape (n,)
    dt : float
        Step of the protocol: the coupling rate is ``g = δ/Δt``.
    rho : ndarray, shape (n, 4, 4)
        Two-memristor states, paper order ``ee, eg, ge, gg``, Schrödinger picture (for shot
        data: the tomographic estimate projected onto physical states).
    trajectories : (Trajectory, Trajectory)
        Bloch components, ``d⟨σy⟩/dt`` and Γ of memristor 1 and 2.
    method : str
        ``"lindblad"`` (the continuous-time reference) or ``"circuit"``.
    derivative : str
        How ``d⟨σy⟩/dt`` was obtained (recorded with the results).
    errors : mapping of str to ndarray
        Standard errors of shot-based estimates: ``sigma_x``, ``sigma_y``, ``sigma_z``,
        ``dsigma_y_dt``, ``V``, ``I`` of shape ``(2, n)``; ``wootters``, ``concurrence`` of
        shape ``(n,)``.  Empty for exact states.
    info : mapping of str to object
        Settings of the backend to record (tolerances, ...).
    """

    system: CoupledMemristors
    states: tuple[InitialState, InitialState]
    t: NDArray[np.float64]
    dt: float
    rho: NDArray[np.complex128]
    trajectories: tuple[Trajectory, Trajectory]
    method: str
    derivative: str
    errors: Mapping[str, NDArray[np.float64]] = field(default_factory=dict)
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CoupledMeasures:
    """⟨V⟩, ⟨I⟩, loop measures and entanglement of a :class:`CoupledSolution`.

    Attributes
    ----------
    V, I : ndarray, shape (2, n)
        ``⟨V_k⟩ = −(k/2)⟨σy⟩``, ``⟨I_k⟩ = k(d⟨σy⟩/dt − ω⟨σx⟩)`` of memristor 1 and 2.
    form_factor, pinch_offset : ndarray, shape (2, n_periods)
        Per complete drive period (the periods both memristors complete).
    wootters : ndarray, shape (n,)
        Wootters' quantity; the concurrence is ``max(0, wootters)``.
    events : EntanglementEvents
        Sudden death (``C ≤ entanglement_tol`` over ≥ ``min_points`` grid points) and birth.
    entanglement_tol : float
    min_points : int
    """

    V: NDArray[np.float64]
    I: NDArray[np.float64]  # noqa: E741 - the paper's name of the current
    form_factor: NDArray[np.float64]
    pinch_offset: NDArray[np.float64]
    wootters: NDArray[np.float64]
    events: EntanglementEvents
    entanglement_tol: float
    min_points: int

    @property
    def concurrence(self) -> NDArray[np.float64]:
        return np.maximum(self.wootters, 0.0)

    @property
    def pinched(self) -> NDArray[np.bool_]:
        """Whether each loop passes through the origin (offset ≤ ``PINCH_TOL``, 0.02)."""
        return np.isfinite(self.pinch_offset) & (self.pinch_offset <= PINCH_TOL)


def coupled_measures(
    solution: CoupledSolution, *, entanglement_tol: float = 1e-10, min_points: int = 2
) -> CoupledMeasures:
    """⟨V⟩, ⟨I⟩, form factors, pinch offsets, Wootters' quantity and entanglement events.

    ``entanglement_tol``: a concurrence counts as zero when Wootters' quantity is at or below
    it (for noisy data, compare with its standard error); ``min_points``: a zero interval must
    span at least this many grid points (:func:`~qmemristor.analysis.entanglement_events`).
    """
    t = solution.t
    w = wootters_quantity(solution.rho)
    v_k, i_k, ff, pinch = [], [], [], []
    for tr, m in zip(solution.trajectories, solution.system.memristors, strict=True):
        v = voltage(tr.sigma_y, m.k)
        i = current(tr.sigma_x, tr.dsigma_y_dt, m.k, m.omega)
        v_k.append(v)
        i_k.append(i)
        ff.append(loop_form_factors(t, v, i, m.period))
        pinch.append(loop_pinch_offsets(t, v, i, m.period))
    n_per = min(len(ff[0]), len(ff[1]))
    return CoupledMeasures(
        V=np.stack(v_k),
        I=np.stack(i_k),
        form_factor=np.stack([f[:n_per] for f in ff]),
        pinch_offset=np.stack([p[:n_per] for p in pinch]),
        wootters=w,
        events=entanglement_events(t, w, tol=entanglement_tol, min_points=min_points),
        entanglement_tol=entanglement_tol,
        min_points=min_points,
    )
