"""Stationary signals: span, power spectrum, dominant frequency, regime (steady or oscillating).

Arrays in, numbers out; no model is imported.  Signals ``v`` have the time axis last, shape
``(..., N)``, sampled at the times ``t`` of shape ``(N,)``; functions marked *batched* accept
leading axes and return one value per signal.  Frequencies are **angular** (rad per time unit).

Spectral conventions.  :func:`power_spectrum` returns the one-sided power spectral density per
unit angular frequency, ``S(ω) = P(f) / 2π`` with ``P`` SciPy's windowed periodogram density
(``scipy.signal.periodogram``), so ``∫ S dω`` over ``[0, π/Δt]`` is the variance of ``v``.
:func:`dominant_frequency` refines the periodogram peak below the bin width ``2π/(N Δt)``:
quadratic interpolation of ``log S`` on a 4× zero-padded FFT grid, then Newton's method on the
continuous windowed DTFT power ``|Σ_k w_k (v_k − v̄) e^{−iω t_k}|²``, whose maximum is the
frequency estimate.  Its only bias is the window's leakage from the image at ``−ω`` and from
harmonics: measured below 1e-6 relative for ≥ 20 cycles and below 2e-7 for ≥ 30 (Hann); noise
adds ``σ_ω/ω ≈ 1.1 σ/(A · cycles · √N)`` (σ noise, A amplitude, N samples), the Cramér–Rao
bound with the Hann window's loss.

Regime rules (:func:`classify_regime`, :func:`regime_diagnostics`).  After discarding the
transient, the record is cut into ``n_windows`` equal windows of length ``W``; in each, the
*amplitude* ``a_k`` is the Hann-weighted RMS deviation from the Hann-weighted mean (×√2, so
a sinusoid's amplitude; the window makes ``a_k`` insensitive to where the cycles start and end
in the window), and ``s`` is the span of the last window.

1. ``s ≤ atol + rtol·max|v|`` → ``"steady"`` (flat: a numerically converged equilibrium);
2. ``ρ = a_K/a_{K−1} ≥ 1 − decay_tol`` → ``"oscillation"`` (sustained or growing);
3. otherwise the amplitude is still decaying: extrapolate ``a_∞`` by Aitken's Δ² from the last
   three windows (exact for ``a_k = a_∞ + B r^k``).  ``a_∞ ≤ limit_fraction·a_K`` →
   ``"steady"`` (a spiral decaying to the equilibrium); else ``"oscillation"`` (converging to
   a limit cycle);
4. a caller that knows the signal cannot come to rest (``rest_possible=False``: e.g. a model
   whose every equilibrium is unstable) gets ``"oscillation"`` (reason ``"no_stable_rest"``)
   where rule 3 would have said ``"steady"``: a slow, non-geometric approach to a smaller
   cycle can fool the extrapolation.  A flat record (rule 1) stays ``"steady"``.

Choosing ``t_end``.  A spiral decaying at rate ``σ`` loses a fraction ``σW`` per window; it is
recognised as decaying only if ``σW > decay_tol``, and the Aitken step is reliable once
``σW ≳ 0.01``.  Near a Hopf point at distance ``δ`` in the parameter, ``σ ≈ |d Re λ/dp|·δ``
(critical slowing down), so a classification at distance ``δ`` needs
``W ≳ 0.01/(|d Re λ/dp| δ)``, and each window should hold ≳ 10 periods ``2π/ω``.  A slower
decay is deliberately reported as ``"oscillation"`` (undecidable from the record; the
diagnostics' ``ratio`` shows how close to 1 it was).  Also, start close to the equilibrium
(amplitude² ≪ δ/|l1|) so the decay is exponential, not the algebraic ``r ~ t^{−1/2}`` of the
nonlinear regime, which the rules cannot tell from a slow approach to a cycle.

Stationarity of a record (:func:`windows_settled`).  Successive windows of a stationary signal
have the same extremes; a record is *settled* when, over its last three windows, both
successive differences of the largest and of the smallest value are within
``atol + rtol·span`` (optionally scaled up by a drift factor when the windows are short
compared with the slowest relaxation).
:func:`refined_extremes` gives the extremes of a sampled signal to O((ω Δt)⁴) instead of the
O((ω Δt)²) of the largest sample, so that the spans of two windows of one periodic signal agree
far below that tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import signal
from scipy.fft import next_fast_len, rfft

from ..errors import (
    ParameterError,
    check_finite,
    check_nonnegative,
    check_range,
    check_time_grid,
)

__all__ = [
    "RegimeDiagnostics",
    "classify_regime",
    "dominant_frequency",
    "power_spectrum",
    "refined_extremes",
    "regime_diagnostics",
    "sampling_step",
    "span",
    "stationary_part",
    "upcrossing_times",
    "windows_settled",
    "zero_crossing_frequency",
]

_PAD = 4  # zero-padding factor of the coarse FFT grid
_CHUNK = 2_000_000  # complex samples per block in the DTFT refinement (32 MB)


def span(v: ArrayLike, axis: int = -1) -> NDArray | float:
    """``max(v) − min(v)`` along ``axis`` (batched): the peak-to-peak swing of a signal."""
    v = np.asarray(v, dtype=float)
    if v.shape[axis] == 0:
        raise ParameterError("span of an empty signal")
    out = np.ptp(v, axis=axis)
    return float(out) if np.ndim(out) == 0 else out


def refined_extremes(v: ArrayLike) -> tuple[NDArray | float, NDArray | float]:
    """``(min, max)`` of uniformly sampled signals, refined by a parabola (batched, last axis).

    The extreme sample and its two neighbours define a parabola whose vertex is the estimate
    (the extreme sample itself at either end of the record, or where the parabola is
    degenerate).  For a sinusoid sampled with ``ω Δt = 0.07`` the largest sample misses the
    peak by up to ``(ω Δt)²/8 ≈ 6e-4`` of the amplitude, the vertex by ~1e-7 of it.
    """
    v = np.asarray(v, dtype=float)
    if v.shape[-1] == 0:
        raise ParameterError("extremes of an empty signal")
    lead = v.shape[:-1]
    x = v.reshape(-1, v.shape[-1])
    out = []
    for sign in (-1.0, 1.0):
        y = sign * x
        i = np.argmax(y, axis=1)
        rows = np.arange(y.shape[0])
        peak = y[rows, i]
        inner = (i > 0) & (i < y.shape[1] - 1)
        a = y[rows, np.clip(i - 1, 0, None)]
        c = y[rows, np.clip(i + 1, None, y.shape[1] - 1)]
        den = a - 2 * peak + c
        with np.errstate(divide="ignore", invalid="ignore"):
            vertex = peak - 0.125 * (a - c) ** 2 / den
        good = inner & (den < 0) & np.isfinite(vertex)
        out.append(sign * np.where(good, np.maximum(vertex, peak), peak))
    lo, hi = (o.reshape(lead) for o in out)
    return (float(lo), float(hi)) if lo.ndim == 0 else (lo, hi)


def windows_settled(
    v_max: ArrayLike,
    v_min: ArrayLike,
    *,
    drift_factor: ArrayLike = 1.0,
    atol: float = 1e-7,
    rtol: float = 1e-3,
) -> NDArray | bool:
    """Whether the last three windows of a record agree: stationary (batched).

    The extremes rather than the mean: the mean over a window that holds a non-integer number
    of periods wanders by up to ``span/(ω W)`` (1.4e-3 × span for ω = 7, W = 100) from window
    to window, the extremes of a periodic signal do not.

    Parameters
    ----------
    v_max, v_min : array_like, shape (..., K)
        Largest and smallest value in each of K ≥ 3 consecutive windows of equal length,
        oldest first.
    drift_factor : array_like, shape (...)
        Multiplies the differences (≥ 1: the windows are shorter than the time over which the
        drift should be bounded).
    atol, rtol : float
        Tolerance ``atol + rtol·s_K`` on each difference (``s_K``: the last window's span).

    Returns
    -------
    bool or ndarray of bool
        True where ``f·|Δ|`` of the last two successive differences of ``v_max`` and of
        ``v_min`` are all ≤ the tolerance.
    """
    hi = np.asarray(v_max, dtype=float)
    lo = np.asarray(v_min, dtype=float)
    if hi.shape != lo.shape or hi.ndim < 1 or hi.shape[-1] < 3:
        raise ParameterError(
            f"v_max and v_min must have the same shape (..., K ≥ 3) (got {hi.shape}, {lo.shape})"
        )
    check_nonnegative("atol", atol)
    check_nonnegative("rtol", rtol)
    f = np.asarray(drift_factor, dtype=float)
    tol = atol + rtol * (hi[..., -1] - lo[..., -1])
    diffs = np.stack([hi[..., -1] - hi[..., -2], hi[..., -2] - hi[..., -3],
                      lo[..., -1] - lo[..., -2], lo[..., -2] - lo[..., -3]])  # fmt: skip
    with np.errstate(invalid="ignore"):
        ok = np.all(f * np.abs(diffs) <= tol, axis=0)
    return bool(ok) if ok.ndim == 0 else ok


def sampling_step(t: ArrayLike, rtol: float = 1e-6) -> float:
    """The uniform step of ``t``; raises ParameterError if ``t`` is not uniformly sampled.

    ``t`` must be 1-D, finite, strictly increasing, with at least 4 samples, and every step
    within ``rtol`` (relative) of the mean step (:func:`~qmemristor.errors.check_time_grid`).
    """
    t = check_time_grid(
        t,
        min_size=4,
        uniform=True,
        rtol=rtol,
        uniform_hint="resample, e.g. with solve_ivp's t_eval",
    )
    return float((t[-1] - t[0]) / (t.size - 1))


def _signal(t: ArrayLike, v: ArrayLike) -> tuple[NDArray, NDArray, float]:
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float)
    dt = sampling_step(t)
    if v.shape[-1:] != t.shape:
        raise ParameterError(
            f"v must have the time axis last with {t.size} samples (got {v.shape})"
        )
    if not np.all(np.isfinite(v)):
        raise ParameterError("v must be finite")
    return t, v, dt


def stationary_part(
    t: ArrayLike, v: ArrayLike, transient: float | None = None
) -> tuple[NDArray, NDArray]:
    """Samples with ``t ≥ t[0] + transient`` (batched along the last axis of ``v``).

    ``transient=None`` discards the first half of the record.
    """
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float)
    if v.shape[-1:] != t.shape or t.ndim != 1:
        raise ParameterError(
            f"v must have the time axis last with {t.size} samples (got {v.shape})"
        )
    if transient is None:
        transient = 0.5 * (t[-1] - t[0])
    check_nonnegative("transient", transient)
    keep = t >= t[0] + transient
    if np.count_nonzero(keep) < 4:
        raise ParameterError(
            f"transient={transient:g} leaves {np.count_nonzero(keep)} samples (need ≥ 4)"
        )
    return t[keep], v[..., keep]


def power_spectrum(
    t: ArrayLike, v: ArrayLike, *, window: str | tuple = "hann", detrend: str = "constant"
) -> tuple[NDArray, NDArray]:
    """One-sided power spectral density ``S(ω)`` per unit angular frequency (batched).

    Parameters
    ----------
    t : array_like, shape (N,)
        Uniformly sampled times (checked).
    v : array_like, shape (..., N)
    window : str or tuple
        Any ``scipy.signal.get_window`` specification (default Hann).
    detrend : {"constant", "linear", False}
        Passed to ``scipy.signal.periodogram``.

    Returns
    -------
    omega : ndarray, shape (N//2 + 1,)
        Angular frequencies ``2π k/(N Δt)``.
    power : ndarray, shape (..., N//2 + 1)
        ``S(ω) = P(f)/2π``; ``Σ S Δω`` approximates the variance of ``v``.
    """
    _, v, dt = _signal(t, v)
    f, pxx = signal.periodogram(v, fs=1 / dt, window=window, detrend=detrend, axis=-1)
    return 2 * np.pi * f, pxx / (2 * np.pi)


def dominant_frequency(
    t: ArrayLike,
    v: ArrayLike,
    *,
    window: str | tuple = "hann",
    min_cycles: float = 2.0,
    refine: bool = True,
) -> NDArray | float:
    """Angular frequency of the highest spectral peak, refined below the bin width (batched).

    Parameters
    ----------
    t : array_like, shape (N,)
        Uniformly sampled times.
    v : array_like, shape (..., N)
    window : str or tuple
        Taper (``scipy.signal.get_window`` specification, default Hann).
    min_cycles : float
        Peaks below ``min_cycles`` cycles per record (``ω < 2π·min_cycles/(N Δt)``) are
        ignored (they are trends, not oscillations).
    refine : bool
        Newton refinement on the continuous DTFT (module docstring); otherwise only the
        quadratic interpolation of log power.

    Returns
    -------
    float or ndarray
        ω of each signal; NaN for a constant signal.
    """
    t, v, dt = _signal(t, v)
    n = t.size
    lead = v.shape[:-1]
    x = v.reshape(-1, n)
    x = x - x.mean(axis=1, keepdims=True)
    w = signal.get_window(window, n, fftbins=False)
    xw = x * w
    omega0 = _peak_interpolated(xw, dt, min_cycles)
    if refine:
        omega0 = _refine_peak(xw, t - 0.5 * (t[0] + t[-1]), omega0, 2 * np.pi / (n * dt))
    flat = ~np.any(x != 0, axis=1)
    omega0[flat] = np.nan
    out = omega0.reshape(lead)
    return float(out) if out.ndim == 0 else out


def _peak_interpolated(xw: NDArray, dt: float, min_cycles: float) -> NDArray:
    """Peak of ``|FFT|²`` on a zero-padded grid, refined by a parabola through log power.

    The padded length is the next fast FFT length ≥ ``_PAD·n``.  Measured reason: for
    n = 15001 samples (a sweep's window of 750 at dt 0.05), ``rfft`` of length 4n = 60004
    (= 4·7·2143, a large prime factor: Bluestein) took 10 ms per signal against 0.6 ms at
    next_fast_len; the grid only seeds the Newton refinement.
    """
    n = xw.shape[1]
    m = next_fast_len(_PAD * n, real=True)
    power = np.abs(rfft(xw, n=m, axis=1)) ** 2
    kmin = max(1, int(np.ceil(min_cycles * m / n)))
    if power.shape[1] - kmin < 3:
        raise ParameterError("record too short for a dominant frequency")
    k = kmin + np.argmax(power[:, kmin:-1], axis=1)
    k = np.clip(k, 1, power.shape[1] - 2)
    rows = np.arange(len(k))
    tiny = np.finfo(float).tiny
    lp = [np.log(power[rows, k + d] + tiny) for d in (-1, 0, 1)]
    den = lp[0] - 2 * lp[1] + lp[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(den < 0, 0.5 * (lp[0] - lp[2]) / den, 0.0)
    return 2 * np.pi * (k + np.clip(shift, -0.5, 0.5)) / (m * dt)


def _refine_peak(xw: NDArray, tau: NDArray, omega: NDArray, bin_width: float) -> NDArray:
    """Newton's method for the maximum of ``P(ω) = |Σ xw e^{−iωτ}|²`` near ``omega``.

    ``P' = 2 Re(X̄ X')``, ``P'' = 2 Re(|X'|² + X̄ X'')`` with ``X' = Σ (−iτ) xw e^{−iωτ}``,
    ``X'' = Σ (−τ²) xw e^{−iωτ}``.  Steps are limited to a quarter bin; a signal whose
    curvature is not negative keeps its interpolated value.  Vectorised over signals, in
    chunks of about ``_CHUNK`` complex samples to bound memory.
    """
    rows = max(1, _CHUNK // tau.size)
    return np.concatenate(
        [_newton_peak(xw[i : i + rows], tau, omega[i : i + rows], bin_width)
         for i in range(0, len(omega), rows)]
    )  # fmt: skip


def _newton_peak(xw: NDArray, tau: NDArray, omega: NDArray, bin_width: float) -> NDArray:
    omega = omega.copy()
    for _ in range(8):
        e = np.exp(-1j * omega[:, None] * tau[None, :]) * xw
        x0 = e.sum(axis=1)
        x1 = (e * (-1j * tau)).sum(axis=1)
        x2 = (e * (-(tau**2))).sum(axis=1)
        d1 = 2 * np.real(np.conj(x0) * x1)
        d2 = 2 * np.real(np.abs(x1) ** 2 + np.conj(x0) * x2)
        ok = d2 < 0
        step = np.zeros_like(omega)
        step[ok] = np.clip(-d1[ok] / d2[ok], -bin_width / 4, bin_width / 4)
        omega += step
        if np.all(np.abs(step) <= 1e-13 * np.abs(omega)):
            break
    return omega


def upcrossing_times(
    t: ArrayLike, v: ArrayLike, *, level: str | float = "midrange", hysteresis: float = 0.3
) -> NDArray:
    """Times at which ``v`` crosses ``level`` upwards (1-D), linearly interpolated.

    A Poincaré section of the signal.  ``level`` is ``"midrange"`` (``(max v + min v)/2``, the
    default: a spike train's mean sits near its baseline, its midrange cuts every spike once),
    ``"mean"``, or a number.  A crossing counts only after the signal has been below
    ``level − h`` and before it reaches ``level + h``, with ``h = hysteresis · span(v)/2`` (a
    Schmitt trigger), so noise near the level does not produce spurious crossings.  One
    crossing per period requires a signal that passes through the band once per period (not,
    e.g., a waveform whose harmonics dip back through it).
    """
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float)
    if t.ndim != 1 or v.shape != t.shape:
        raise ParameterError(f"t and v must be 1-D of equal length (got {t.shape}, {v.shape})")
    check_range("hysteresis", hysteresis, 0.0, 1.0, hi_open=True, span="[0, 1)")
    x = v - _level(v, level)
    h = hysteresis * 0.5 * (v.max() - v.min())
    state = np.where(x < -h, -1, np.where(x > h, 1, 0))
    idx = np.flatnonzero(state)
    if idx.size == 0:
        return np.empty(0)
    # first sample of each run of +1 that follows a run of −1 (ignoring the band in between)
    st = state[idx]
    arm = idx[1:][(st[1:] == 1) & (st[:-1] == -1)]
    raw = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))  # raw upward crossings i -> i+1
    # the last raw crossing before each arming sample
    j = np.searchsorted(raw, arm, side="left") - 1
    i = raw[j[j >= 0]]
    frac = -x[i] / (x[i + 1] - x[i])
    return t[i] + frac * (t[i + 1] - t[i])


def _level(v: NDArray, level: str | float) -> float:
    if level == "midrange":
        return 0.5 * (float(v.max()) + float(v.min()))
    if level == "mean":
        return float(v.mean())
    if isinstance(level, str):
        raise ParameterError(f"level must be 'midrange', 'mean' or a number (got {level!r})")
    return check_finite("level", level)


def zero_crossing_frequency(
    t: ArrayLike, v: ArrayLike, *, level: str | float = "midrange", hysteresis: float = 0.3
) -> float:
    """Mean angular frequency ``2π (m − 1)/(t_m − t_1)`` from ``m`` up-crossings (1-D).

    A time-domain cross-check of :func:`dominant_frequency` (see :func:`upcrossing_times` for
    ``level`` and ``hysteresis``); NaN with fewer than two crossings.
    """
    tc = upcrossing_times(t, v, level=level, hysteresis=hysteresis)
    if tc.size < 2:
        return float("nan")
    return float(2 * np.pi * (tc.size - 1) / (tc[-1] - tc[0]))


@dataclass(frozen=True)
class RegimeDiagnostics:
    """The numbers behind :func:`classify_regime` (arrays for a batch, scalars for one signal).

    Attributes
    ----------
    regime : str or ndarray of str
        ``"steady"`` or ``"oscillation"``.
    reason : str or ndarray of str
        ``"flat"``, ``"decaying"`` (steady); ``"sustained"``, ``"growing"``,
        ``"converging_to_cycle"``, ``"no_stable_rest"`` (oscillation).
    span : float or ndarray
        Span of the last window.
    amplitudes : ndarray, shape (..., n_windows)
        Hann-weighted amplitude of each window.
    ratio : float or ndarray
        ``a_K / a_{K−1}``.
    decay_rate : float or ndarray
        ``−ln(ratio)/W`` (1/time; negative when growing).
    limit_amplitude : float or ndarray
        Aitken extrapolation ``a_∞`` (NaN where not used).
    window : float
        Window length ``W``.
    """

    regime: NDArray | str
    reason: NDArray | str
    span: NDArray | float
    amplitudes: NDArray
    ratio: NDArray | float
    decay_rate: NDArray | float
    limit_amplitude: NDArray | float
    window: float


def regime_diagnostics(
    t: ArrayLike,
    v: ArrayLike,
    *,
    transient: float | None = None,
    atol: float = 1e-6,
    rtol: float = 1e-6,
    decay_tol: float = 1e-3,
    limit_fraction: float = 0.5,
    n_windows: int = 4,
    rest_possible: ArrayLike = True,
) -> RegimeDiagnostics:
    """Classify the regime of each signal and return the evidence (rules: module docstring).

    Parameters
    ----------
    t, v : array_like
        Uniform times ``(N,)`` and signals ``(..., N)``.
    transient : float, optional
        Duration discarded at the start (default: the first half).
    atol, rtol : float
        Flatness threshold ``atol + rtol·max|v|`` on the span of the last window.
    decay_tol : float
        Relative amplitude drop per window below which the signal counts as sustained.
    limit_fraction : float
        A decaying signal whose extrapolated amplitude is below this fraction of the current
        one is a decaying spiral (steady); above, it converges to a cycle.
    n_windows : int
        Number of windows (≥ 3).
    rest_possible : bool or array_like of bool, shape (...)
        False where the signal cannot come to rest (no stable equilibrium): a decaying
        amplitude is then not extrapolated to rest (rule 4).
    """
    for name, value in (("atol", atol), ("rtol", rtol), ("decay_tol", decay_tol)):
        check_nonnegative(name, value)
    check_range("limit_fraction", limit_fraction, 0.0, 1.0)
    if isinstance(n_windows, bool) or not isinstance(n_windows, int) or n_windows < 3:
        raise ParameterError(f"n_windows must be an integer ≥ 3 (got {n_windows!r})")
    t, v = stationary_part(t, v, transient)
    _signal(t, v)
    lead, n = v.shape[:-1], t.size
    size = n // n_windows
    if size < 4:
        raise ParameterError(f"{n} stationary samples are too few for {n_windows} windows")
    x = v.reshape(-1, n)[:, n - size * n_windows :].reshape(-1, n_windows, size)
    amp = _window_amplitudes(x)
    s = np.ptp(x[:, -1], axis=1)
    flat = s <= atol + rtol * np.max(np.abs(x), axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = amp[:, -1] / amp[:, -2]
        d1, d2 = amp[:, -2] - amp[:, -3], amp[:, -1] - amp[:, -2]
        limit = np.where(d2 - d1 > 0, amp[:, -1] - d2**2 / (d2 - d1), 0.0)
    sustained = ~flat & (ratio >= 1 - decay_tol)
    decaying = ~flat & ~sustained
    to_cycle = decaying & (limit > limit_fraction * amp[:, -1])
    restless = ~np.broadcast_to(np.asarray(rest_possible, dtype=bool), lead).reshape(-1)
    no_rest = decaying & ~to_cycle & restless
    regime = np.where(flat | (decaying & ~to_cycle & ~no_rest), "steady", "oscillation")
    reason = np.select(
        [flat, sustained & (ratio > 1 + decay_tol), sustained, to_cycle, no_rest],
        ["flat", "growing", "sustained", "converging_to_cycle", "no_stable_rest"],
        "decaying",
    )
    w_len = size * (t[1] - t[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = -np.log(ratio) / w_len
    return RegimeDiagnostics(
        regime=_unbatch(regime, lead),
        reason=_unbatch(reason, lead),
        span=_unbatch(s, lead),
        amplitudes=amp.reshape((*lead, n_windows)),
        ratio=_unbatch(ratio, lead),
        decay_rate=_unbatch(rate, lead),
        limit_amplitude=_unbatch(np.where(decaying, limit, np.nan), lead),
        window=float(w_len),
    )


def classify_regime(t: ArrayLike, v: ArrayLike, **kwargs) -> NDArray | str:
    """``"steady"`` or ``"oscillation"`` for each signal (batched); see :func:`regime_diagnostics`.

    Keyword arguments (``transient``, ``atol``, ``rtol``, ``decay_tol``, ``limit_fraction``,
    ``n_windows``) are those of :func:`regime_diagnostics`; the rules and how to choose the
    record length are in the module docstring.
    """
    return regime_diagnostics(t, v, **kwargs).regime


def _window_amplitudes(x: NDArray) -> NDArray:
    """√2 × Hann-weighted RMS deviation from the Hann-weighted mean, per window (last axis)."""
    w = signal.get_window("hann", x.shape[-1], fftbins=False)
    w = w / w.sum()
    mean = (x * w).sum(axis=-1, keepdims=True)
    return np.sqrt(2 * ((x - mean) ** 2 * w).sum(axis=-1))


def _unbatch(a: NDArray, lead: tuple[int, ...]):
    out = np.asarray(a).reshape(lead)
    return out.item() if out.ndim == 0 else out
