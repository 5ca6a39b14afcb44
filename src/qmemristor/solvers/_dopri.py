"""The compiled Dormand–Prince 5(4) kernel behind :func:`qmemristor.solvers.integrate_batch`.

Generic: the vector field is any model's compiled ``field(t, y, p, aux, out)``, passed as a
typed function pointer (:data:`qmemristor._odekernels.FieldType`), so this module compiles
once for every model and numba caches it (``cache=True``).  Method and conventions:
:mod:`qmemristor.solvers.batched`.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import types

from .._odekernels import A1, A2, F8, FieldType

# Dormand–Prince 5(4): nodes, stages, 5th-order weights, error weights (5th − 4th order)
_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0)
_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
)
_B = (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84)
_E = (-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40)
# Shampine's quartic dense output: y(t + θh) = y + h Σ_j k_j Σ_m P[j][m] θ^{m+1}
_P = (
    (1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432),
    (0.0, 0.0, 0.0, 0.0),
    (
        0.0,
        131558114200 / 32700410799,
        -68118460800 / 10900136933,
        87487479700 / 32700410799,
    ),
    (0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072),
    (
        0.0,
        127303824393 / 49829197408,
        -318862633887 / 49829197408,
        701980252875 / 199316789632,
    ),
    (0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844),
    (0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423),
)

_SAFETY, _FAC_MIN, _FAC_MAX = 0.9, 0.2, 10.0
_BETA = 0.04
_ALPHA = 0.2 - 0.75 * _BETA

b1, _b2, b3, b4, b5, b6 = _B
e1, _e2, e3, e4, e5, e6, e7 = _E
a21 = _A[1][0]
a31, a32 = _A[2]
a41, a42, a43 = _A[3]
a51, a52, a53, a54 = _A[4]
a61, a62, a63, a64, a65 = _A[5]
P = np.array(_P)
EPS16 = 16.0 * float(np.finfo(float).eps)
#: Entries of ``stats`` before the final state.
N_STATS = 7
#: Stage coefficients as one matrix: row s holds a_{s,j} (row 6: the 5th-order weights b_j).
A = np.zeros((7, 6))
for _r, _coeffs in enumerate(_A):
    A[_r, : len(_coeffs)] = _coeffs
A[6, :6] = _B


@numba.njit(cache=True, nogil=True)
def poly(q0, q1, q2, q3, v0, th):  # pragma: no cover - compiled
    """Dense output at θ ∈ [0, 1]: v0 + q0 θ + q1 θ² + q2 θ³ + q3 θ⁴."""
    return v0 + th * (q0 + th * (q1 + th * (q2 + th * q3)))


@numba.njit(cache=True, nogil=True)
def dpoly(q0, q1, q2, q3, th):  # pragma: no cover - compiled
    """d/dθ of the dense output."""
    return q0 + th * (2.0 * q1 + th * (3.0 * q2 + th * 4.0 * q3))


@numba.njit(cache=True, nogil=True)
def _stage(y, h, k, row, n_prev, out):  # pragma: no cover - compiled
    """``out = y + h Σ_{j < n_prev} A[row][j] k[j]`` (the Dormand–Prince stage states)."""
    for i in range(y.shape[0]):
        acc = 0.0
        for j in range(n_prev):
            acc += A[row, j] * k[j, i]
        out[i] = y[i] + h * acc


@numba.njit(
    types.Tuple((types.int64, types.int64, types.int64))(
        FieldType, A1, A1, A1, A1, types.int64, types.boolean, F8, F8, F8, F8, F8, F8,
        types.int64, types.int64, types.int64[::1], F8, F8, A1, A1,
    ),
    cache=True,
    nogil=True,
)  # fmt: skip
def one_point(f, p, y0, aux, sched, n_win, settle, s_atol, s_rtol, dt_out, atol, h0, h_max,
              max_steps, obs, bound_idx, bound_r, bound_tol, samples, stats):  # fmt: skip
    """Integrate one point window by window; fill ``samples`` and ``stats``.

    ``sched`` = (t_first, W, t_end, f, s_off, rtol): windows ``[t_first + kW, t_first + (k+1)W]``,
    k = 0 … n_win − 1, the last ending exactly at ``t_end``; the stretch before ``t_first`` is
    integrated but not recorded.  ``f`` is the drift factor of the settledness test
    (``settle``: stop after the first window k ≥ 2 whose last two differences of the
    observable's max and of its min pass ``f|Δ| ≤ s_atol + s_rtol·span``; if none does,
    status 5).  The observable is ``y[obs]``; each window's is sampled at
    ``window start + s_off + j·dt_out``.  ``bound_idx`` (may be empty) and ``bound_r``: the
    invariant ball ``‖y[bound_idx]‖ ≤ bound_r``, left by more than ``bound_tol`` → status 4.
    ``stats`` ← (max, min, mean of the observable over the last window, t_reached, max ‖y[
    bound_idx]‖ over the accepted steps, start of the last window, windows integrated,
    final state ...).  Returns (status, accepted steps, rejected steps).
    """
    t_first, w_len, t_end, drift, s_off = sched[0], sched[1], sched[2], sched[3], sched[4]
    rtol = sched[5]
    n = y0.shape[0]
    n_samp = samples.shape[0]
    k = np.zeros((7, n))
    y = y0.copy()
    yn = np.empty(n)
    ys = np.empty(n)
    f(0.0, y, p, aux, k[0])
    t = 0.0
    win = 0  # index of the current window
    t_win = t_first  # its start and end
    w_end = t_end if n_win == 1 else t_first + w_len
    h = min(h0, h_max, w_end)
    err_old = 1e-4  # PI control: the previous accepted error (Hairer's DOPRI5 start value)
    vmax = -np.inf
    vmin = np.inf
    vint = 0.0
    a1 = a2 = b1_ = b2_ = np.nan  # max and min of the previous two windows
    j = 0  # index of the next sample
    n_acc = 0
    n_rej = 0
    rejected = False
    status = 0
    has_bound = bound_idx.shape[0] > 0
    ball2 = (bound_r + bound_tol) ** 2
    r2max = 0.0
    for i in bound_idx:
        r2max += y[i] * y[i]
    while t < t_end:
        if n_acc + n_rej >= max_steps:
            status = 1
            break
        if h < EPS16 * max(abs(t), 1.0):
            status = 2
            break
        last = t + h >= w_end
        h_try = h  # the controller's proposal, before a cut at the window's end
        if last:
            h = w_end - t
        # stages 2–6 and the 5th-order solution (FSAL: stage 7 = f(y_new))
        for s in range(1, 6):
            _stage(y, h, k, s, s, ys)
            f(t + _C[s] * h, ys, p, aux, k[s])
        _stage(y, h, k, 6, 6, yn)
        f(t + h, yn, p, aux, k[6])
        err = 0.0
        for i in range(n):
            e = h * (
                e1 * k[0, i]
                + e3 * k[2, i]
                + e4 * k[3, i]
                + e5 * k[4, i]
                + e6 * k[5, i]
                + e7 * k[6, i]
            )
            sc = atol + rtol * max(abs(y[i]), abs(yn[i]))
            err += (e / sc) ** 2
        err = math.sqrt(err / n)
        if not math.isfinite(err):  # a non-finite trial state: retry with a smaller step
            n_rej += 1
            rejected = True
            h *= _FAC_MIN
            if h < EPS16 * max(abs(t), 1.0):
                status = 3
                break
            continue
        if err > 1.0:
            n_rej += 1
            rejected = True
            h *= max(_FAC_MIN, _SAFETY * err**-_ALPHA)
            continue
        # accepted step [t, t1]: statistics over the part inside the window
        t1 = w_end if last else t + h
        if t1 > t_win:
            q0 = q1 = q2 = q3 = 0.0
            for s in range(7):
                q0 += k[s, obs] * P[s, 0]
                q1 += k[s, obs] * P[s, 1]
                q2 += k[s, obs] * P[s, 2]
                q3 += k[s, obs] * P[s, 3]
            q0 *= h
            q1 *= h
            q2 *= h
            q3 *= h
            v0 = y[obs]
            tha = (t_win - t) / h if t < t_win else 0.0
            # the mean: exact integral of the quartic over [tha, 1]
            vint += h * (
                v0 * (1.0 - tha)
                + q0 * (1.0 - tha**2) / 2.0
                + q1 * (1.0 - tha**3) / 3.0
                + q2 * (1.0 - tha**4) / 4.0
                + q3 * (1.0 - tha**5) / 5.0
            )
            # the extremes: both ends and every interior critical point of the quartic
            va = poly(q0, q1, q2, q3, v0, tha)
            vb = yn[obs]
            vmax = max(vmax, va, vb)
            vmin = min(vmin, va, vb)
            th_a = tha
            d_a = dpoly(q0, q1, q2, q3, tha)
            for s in range(1, 5):
                th_b = tha + (1.0 - tha) * s / 4.0
                d_b = dpoly(q0, q1, q2, q3, th_b)
                if (d_a < 0.0 < d_b) or (d_b < 0.0 < d_a):
                    lo = th_a
                    hi = th_b
                    for _ in range(40):
                        mid = 0.5 * (lo + hi)
                        if (dpoly(q0, q1, q2, q3, mid) < 0.0) == (d_a < 0.0):
                            lo = mid
                        else:
                            hi = mid
                    ve = poly(q0, q1, q2, q3, v0, 0.5 * (lo + hi))
                    vmax = max(vmax, ve)
                    vmin = min(vmin, ve)
                th_a = th_b
                d_a = d_b
            # the uniform samples in [t, t1]
            while j < n_samp:
                ts = t_win + s_off + j * dt_out
                if ts > t1:
                    break
                samples[j] = poly(q0, q1, q2, q3, v0, min(max((ts - t) / h, 0.0), 1.0))
                j += 1
        for i in range(n):
            y[i] = yn[i]
            k[0, i] = k[6, i]
        t = t1
        n_acc += 1
        if has_bound:
            r2 = 0.0
            for i in bound_idx:
                r2 += y[i] * y[i]
            r2max = max(r2max, r2)
            if r2 > ball2:
                status = 4
                break
        # PI step-size control (Gustafsson; Hairer's DOPRI5 with β = 0.04)
        fac = _SAFETY * max(err, 1e-10) ** -_ALPHA * err_old**_BETA
        fac = min(_FAC_MAX, max(_FAC_MIN, fac))
        if rejected:
            fac = min(fac, 1.0)
        rejected = False
        err_old = max(err, 1e-4)
        h = min(h * fac, h_max)
        if last:  # the window is complete
            # a step cut short to end the window says nothing about the next one: go on from
            # the proposal (else a cut to ~1e-13 leaves h below the underflow test)
            h = min(max(h, h_try), h_max)
            while j < n_samp:  # a last sample time rounded just beyond the window's end
                samples[j] = y[obs]
                j += 1
            if settle and win >= 2:
                tol = s_atol + s_rtol * (vmax - vmin)
                if (
                    drift * abs(vmax - a1) <= tol
                    and drift * abs(a1 - a2) <= tol
                    and drift * abs(vmin - b1_) <= tol
                    and drift * abs(b1_ - b2_) <= tol
                ):
                    break  # settled: status 0, this window's statistics
            if win == n_win - 1:
                status = 5 if settle else 0
                break
            a2, a1, b2_, b1_ = a1, vmax, b1_, vmin
            win += 1
            t_win = w_end
            w_end = t_end if win == n_win - 1 else t_first + (win + 1) * w_len
            vmax = -np.inf
            vmin = np.inf
            vint = 0.0
            j = 0
    if status == 0 or status == 5:
        stats[0] = vmax
        stats[1] = vmin
        stats[2] = vint / (w_end - t_win)
    else:
        stats[0] = stats[1] = stats[2] = np.nan
        samples[:] = np.nan
    stats[3] = t
    stats[4] = math.sqrt(r2max) if has_bound else np.nan
    stats[5] = t_win
    stats[6] = win + 1
    for i in range(n):
        stats[N_STATS + i] = y[i]
    return status, n_acc, n_rej


@numba.njit(
    types.void(
        FieldType, A2, A2, A1, A2, types.int64[::1], types.boolean, F8, F8, F8, F8, F8, F8,
        types.int64, types.int64, types.int64[::1], F8, F8, A2, A2, types.int8[::1],
        types.int64[:, ::1],
    ),
    cache=True,
    nogil=True,
)  # fmt: skip
def batch(f, ps, y0s, aux, scheds, n_wins, settle, s_atol, s_rtol, dt_out, atol, h0,
          h_max, max_steps, obs, bound_idx, bound_r, bound_tol, samples, stats, status,
          counts):  # fmt: skip
    """:func:`one_point` for every row of ``ps`` (n, m), ``y0s`` (n, d), ``scheds`` (n, 6) and
    ``n_wins`` (n,), in order."""
    for i in range(ps.shape[0]):
        st, na, nr = one_point(
            f, ps[i], y0s[i], aux, scheds[i], n_wins[i], settle, s_atol, s_rtol, dt_out,
            atol, h0, h_max, max_steps, obs, bound_idx, bound_r, bound_tol, samples[i],
            stats[i],
        )  # fmt: skip
        status[i] = st
        counts[i, 0] = na
        counts[i, 1] = nr
