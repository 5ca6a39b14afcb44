"""The compiled Dormand–Prince kernel behind :func:`qmemristor.sweeps.batch.integrate_batch`.

Separate module so that numba (≈0.4 s to import) loads only when a neuron sweep runs, and so
that every kernel is a module-level function: numba caches those (``cache=True``) but not
closures.  The vector field is the neuron's one compiled field,
:func:`qmemristor.neuron._kernels.field` (inlined).  Method and conventions:
:mod:`qmemristor.sweeps.batch`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..neuron._kernels import field

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


@numba.njit(cache=True, nogil=True)
def poly(q0, q1, q2, q3, v0, th):
    """Dense output of V at θ ∈ [0, 1]: v0 + q0 θ + q1 θ² + q2 θ³ + q3 θ⁴."""
    return v0 + th * (q0 + th * (q1 + th * (q2 + th * q3)))


@numba.njit(cache=True, nogil=True)
def dpoly(q0, q1, q2, q3, th):
    """dV/dθ of the dense output."""
    return q0 + th * (2.0 * q1 + th * (3.0 * q2 + th * 4.0 * q3))


@numba.njit(cache=True, nogil=True)
def one_point(p, y0, c, tab, sched, n_win, settle, s_atol, s_rtol, dt_out, atol, h0, h_max,
              max_steps, ball_tol, samples, stats):  # fmt: skip
    """Integrate one point window by window; fill ``samples`` and ``stats``.

    ``p`` (7,) in PARAM_NAMES order, ``y0`` (4,).  ``sched`` = (t_first, W, t_end, f, s_off,
    rtol):
    windows ``[t_first + kW, t_first + (k+1)W]``, k = 0 … n_win − 1, the last ending exactly at
    ``t_end``; the stretch before ``t_first`` is integrated but not recorded.  ``f`` is the
    drift factor of the settledness test (``settle``: stop after the first window k ≥ 2 whose
    last two differences of V_max and of V_min pass ``f|Δ| ≤ s_atol + s_rtol·span``; if none
    does, status 5).  Each window's V is sampled at ``window start + s_off + j·dt_out``.
    ``stats`` ← (V_max, V_min, V_mean of the last window, t_reached, X, Y, Z, V, max |r| over
    the accepted steps, start of the last window, windows integrated).  Returns (status,
    accepted steps, rejected steps).
    """
    v_in, r_m, gamma, ag, z_t, om, x0 = p[0], p[1], p[2], p[3] * p[2], p[4], p[5], p[6]
    t_first, w_len, t_end, drift, s_off = sched[0], sched[1], sched[2], sched[3], sched[4]
    rtol = sched[5]
    n_samp = samples.shape[0]
    k = np.zeros((7, 4))
    y = y0.copy()
    yn = np.empty(4)
    k[0, 0], k[0, 1], k[0, 2], k[0, 3] = field(
        y[0], y[1], y[2], y[3], v_in, r_m, gamma, ag, z_t, om, x0, c, tab
    )
    t = 0.0
    win = 0  # index of the current window
    t_win = t_first  # its start and end
    w_end = t_end if n_win == 1 else t_first + w_len
    h = min(h0, h_max, w_end)
    err_old = 1e-4  # PI control: the previous accepted error (Hairer's DOPRI5 start value)
    vmax = -np.inf
    vmin = np.inf
    vint = 0.0
    a1 = a2 = b1_ = b2_ = np.nan  # V_max and V_min of the previous two windows
    j = 0  # index of the next sample
    n_acc = 0
    n_rej = 0
    rejected = False
    status = 0
    ball2 = (1.0 + ball_tol) ** 2
    r2max = y[0] * y[0] + y[1] * y[1] + y[2] * y[2]
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
        s0 = y[0] + h * (a21 * k[0, 0])
        s1_ = y[1] + h * (a21 * k[0, 1])
        s2_ = y[2] + h * (a21 * k[0, 2])
        s3 = y[3] + h * (a21 * k[0, 3])
        k[1, 0], k[1, 1], k[1, 2], k[1, 3] = field(
            s0, s1_, s2_, s3, v_in, r_m, gamma, ag, z_t, om, x0, c, tab
        )
        s0 = y[0] + h * (a31 * k[0, 0] + a32 * k[1, 0])
        s1_ = y[1] + h * (a31 * k[0, 1] + a32 * k[1, 1])
        s2_ = y[2] + h * (a31 * k[0, 2] + a32 * k[1, 2])
        s3 = y[3] + h * (a31 * k[0, 3] + a32 * k[1, 3])
        k[2, 0], k[2, 1], k[2, 2], k[2, 3] = field(
            s0, s1_, s2_, s3, v_in, r_m, gamma, ag, z_t, om, x0, c, tab
        )
        s0 = y[0] + h * (a41 * k[0, 0] + a42 * k[1, 0] + a43 * k[2, 0])
        s1_ = y[1] + h * (a41 * k[0, 1] + a42 * k[1, 1] + a43 * k[2, 1])
        s2_ = y[2] + h * (a41 * k[0, 2] + a42 * k[1, 2] + a43 * k[2, 2])
        s3 = y[3] + h * (a41 * k[0, 3] + a42 * k[1, 3] + a43 * k[2, 3])
        k[3, 0], k[3, 1], k[3, 2], k[3, 3] = field(
            s0, s1_, s2_, s3, v_in, r_m, gamma, ag, z_t, om, x0, c, tab
        )
        s0 = y[0] + h * (a51 * k[0, 0] + a52 * k[1, 0] + a53 * k[2, 0] + a54 * k[3, 0])
        s1_ = y[1] + h * (a51 * k[0, 1] + a52 * k[1, 1] + a53 * k[2, 1] + a54 * k[3, 1])
        s2_ = y[2] + h * (a51 * k[0, 2] + a52 * k[1, 2] + a53 * k[2, 2] + a54 * k[3, 2])
        s3 = y[3] + h * (a51 * k[0, 3] + a52 * k[1, 3] + a53 * k[2, 3] + a54 * k[3, 3])
        k[4, 0], k[4, 1], k[4, 2], k[4, 3] = field(
            s0, s1_, s2_, s3, v_in, r_m, gamma, ag, z_t, om, x0, c, tab
        )
        for i in range(4):
            yn[i] = y[i] + h * (
                a61 * k[0, i] + a62 * k[1, i] + a63 * k[2, i] + a64 * k[3, i] + a65 * k[4, i]
            )
        k[5, 0], k[5, 1], k[5, 2], k[5, 3] = field(
            yn[0], yn[1], yn[2], yn[3], v_in, r_m, gamma, ag, z_t, om, x0, c, tab
        )
        for i in range(4):
            yn[i] = y[i] + h * (
                b1 * k[0, i] + b3 * k[2, i] + b4 * k[3, i] + b5 * k[4, i] + b6 * k[5, i]
            )
        k[6, 0], k[6, 1], k[6, 2], k[6, 3] = field(
            yn[0], yn[1], yn[2], yn[3], v_in, r_m, gamma, ag, z_t, om, x0, c, tab
        )
        err = 0.0
        for i in range(4):
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
        err = math.sqrt(0.25 * err)
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
                q0 += k[s, 3] * P[s, 0]
                q1 += k[s, 3] * P[s, 1]
                q2 += k[s, 3] * P[s, 2]
                q3 += k[s, 3] * P[s, 3]
            q0 *= h
            q1 *= h
            q2 *= h
            q3 *= h
            v0 = y[3]
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
            vb = yn[3]
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
        for i in range(4):
            y[i] = yn[i]
            k[0, i] = k[6, i]
        t = t1
        n_acc += 1
        r2 = y[0] * y[0] + y[1] * y[1] + y[2] * y[2]
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
                samples[j] = y[3]
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
    for i in range(4):
        stats[4 + i] = y[i]
    stats[8] = math.sqrt(r2max)
    stats[9] = t_win
    stats[10] = win + 1
    return status, n_acc, n_rej


@numba.njit(cache=True, nogil=True)
def batch(pvecs, y0s, c, tab, scheds, n_wins, settle, s_atol, s_rtol, dt_out, atol, h0, h_max,
          max_steps, ball_tol, samples, stats, status, counts):  # fmt: skip
    """:func:`one_point` for every row of ``pvecs`` (n, 7), ``y0s`` (n, 4), ``scheds`` (n, 6)
    and ``n_wins`` (n,), in order."""
    for i in range(pvecs.shape[0]):
        st, na, nr = one_point(
            pvecs[i], y0s[i], c, tab, scheds[i], n_wins[i], settle, s_atol, s_rtol, dt_out,
            atol, h0, h_max, max_steps, ball_tol, samples[i], stats[i],
        )  # fmt: skip
        status[i] = st
        counts[i, 0] = na
        counts[i, 1] = nr
