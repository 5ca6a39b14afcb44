"""Decay rates Γ(t) ≥ 0 with closed-form integrals, for testing ∫Γ and the exact solution.

Written independently of the package: ``rate(s)`` for a float ``s``, ``integral(t)`` = ∫_0^t Γ
for an array ``t ≥ 0``, and ``breakpoints`` where Γ (or its slope) jumps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class PiecewiseLinear:
    """Γ = ``before`` for t < knots[0], ``after`` for t ≥ knots[-1], and on each
    ``[knots_j, knots_{j+1})`` linear from ``left_j`` to ``right_j`` (jumps allowed anywhere).

    Knots are increasing and ≥ 0; ``left``/``right`` have one entry per piece (len(knots) − 1).
    ∫_0^t Γ is exact: a rectangle before the first knot, one after the last, and for each
    piece the integral of its straight line from the knot to min(t, next knot).
    """

    knots: tuple[float, ...]
    left: tuple[float, ...]
    right: tuple[float, ...]
    before: float
    after: float

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self.knots

    def rate(self, s: float) -> float:
        k = self.knots
        if s < k[0]:
            return self.before
        if s >= k[-1]:
            return self.after
        j = int(np.searchsorted(k, s, side="right")) - 1
        u = (s - k[j]) / (k[j + 1] - k[j])
        return self.left[j] + u * (self.right[j] - self.left[j])

    def integral(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        t = np.asarray(t, dtype=float)
        k = self.knots
        out = self.before * np.minimum(t, k[0]) + self.after * np.maximum(t - k[-1], 0.0)
        for j in range(len(k) - 1):
            x = np.clip(t, k[j], k[j + 1]) - k[j]
            slope = (self.right[j] - self.left[j]) / (k[j + 1] - k[j])
            out = out + self.left[j] * x + 0.5 * slope * x**2
        return out


def step(g1: float = 0.2, g2: float = 1.5, ts: float = 3.3) -> PiecewiseLinear:
    """Γ = g1 before ``ts``, g2 from ``ts`` on."""
    return PiecewiseLinear((ts,), (), (), g1, g2)


def pulse(base: float = 0.1, height: float = 8.0, t0: float = 1.93, width: float = 0.05):
    """Γ = base, plus ``height`` on ``[t0, t0 + width)``."""
    top = base + height
    return PiecewiseLinear((t0, t0 + width), (top,), (top,), base, base)


@dataclass(frozen=True)
class TanhRamp:
    """Γ = c (1 + tanh((t − tc)/s)): a smooth switch-on over ~s, no breakpoint.

    ∫_0^t Γ = c [t + s (log cosh((t − tc)/s) − log cosh(tc/s))], log cosh(x) written as
    ``logaddexp(x, −x) − log 2`` so that it does not overflow for |x| ≫ 1.
    """

    c: float = 0.4
    tc: float = 4.0
    s: float = 0.05
    breakpoints: tuple[float, ...] = ()

    def rate(self, u: float) -> float:
        return self.c * (1.0 + math.tanh((u - self.tc) / self.s))

    def integral(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        t = np.asarray(t, dtype=float)
        x, x0 = (t - self.tc) / self.s, -self.tc / self.s
        return self.c * (t + self.s * (np.logaddexp(x, -x) - np.logaddexp(x0, -x0)))
