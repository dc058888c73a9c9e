#!/usr/bin/env python3
"""Derive the constants of geglu.h's GELU kernels.

Run:  python3 tools/fit_gelu.py      (Debian: python3-numpy python3-mpmath)
It prints the C block that sits between the GEGLU__CONSTANTS markers in geglu.h;
`make check-constants` compares the two.

Two cores. The double core evaluates GELU in double precision from a float input
and rounds once to float; everything inside is exact or has a relative error below
2^-27, so its results are within 0.625 ULP of the true value. It is now the
fallback for the few inputs the float cores leave to it (the deep negative tail,
NaN). The float cores (below the double core's constants) are the fast path;
docs/ACCURACY.md derives their error budgets.

The double core:

  erf kind:  GELU(x) = x - a*Q(a) for x >= 0, -a*Q(a) for x < 0, with a = |x| and
             Q(a) = 0.5*erfc(a/sqrt 2) = exp(-a^2/2) * M(a).
             M is smooth and positive on [0, A_MAX]; we fit M(a) = N(a)/D(a),
             N of degree 4, D of degree 5 with D(0) = 1, minimax in relative error
             (Loeb's linearisation with Lawson reweighting).  Beyond A_MAX the
             core takes a*M(a) from its asymptotic series instead (geglu.h), so that
             GELU(x) * u stays right for every float u.
  tanh kind: GELU(x) = x / (1 + exp(-z)) with z = x*(C1 + C2*x^2), C1 = 2*sqrt(2/pi),
             C2 = 0.044715*C1; for x < 0 this is x*w/(1 + w) with w = exp(z),
             so the exponential is always taken of -|z| <= 0 and never overflows.
  exp:       exp(h) = 2^k * exp(r), k = round(h/ln 2), r = h - k*LN2_HI - k*LN2_LO
             (LN2_HI has 32 trailing zero bits, so k*LN2_HI is exact for |k| < 2^20),
             exp(r) = 1 + r + r^2*P(r), P of degree 5, minimax in relative error
             over |r| <= ln(2)/2 plus a margin.

The erf kind has a second, faster core in float (geglu.h explains it and its error
budget next to geglu__gelu_erf_f32); the double core above stays as its fallback for
x < ERF_F_X_MIN and NaN.  For it this script derives, all as floats:
  G(a) = a*M(a) = a*Q(a)*exp(a^2/2) on 8 intervals of [0, ERF_F_A_MAX], the interval
             of a being picked by the bits of a + 1 (exponent and first mantissa bit):
             [0,.5) [.5,1) [1,2) [2,3) [3,5) [5,7) [7,11) [11,13].  On each, a centre c
             (a float near the middle with G(c) within ~2^-35 of a float c0; c = 0 on
             the first interval, where G(0) = 0), and G(c + d) = c0 + d*h(d), h of degree
             ERF_F_DEGREE - 1, fitted in relative error of G by weighted least squares with
             Lawson reweighting, then rounded to float one coefficient at a time, lowest
             degree first, refitting the others after each rounding.
  exp(r) = 1 + r + r^2*(1/2 + r*P(r)), P of degree 3, float coefficients fitted the same
             way over |r| <= ln(2)/2 plus a margin; ln 2 = LN2F_HI + LN2F_LO with LN2F_HI of
             16 bits, so that k*LN2F_HI is exact for |k| < 2^8.
The tanh kind has a float core too (geglu__gelu_tanh_f32), for TANH_F_X_MIN <= x < inf. It
works in base 2: the exponent |z| log2(e) = a*(B1 + B2*a^2), B1 = C1*log2(e), B2 = C2*log2(e),
split into float pairs (B1H a multiple of 2^-20), is reduced to k + r with k an integer and
|r| <= 1/2, and 2^r = 1 + r*Q(r), Q of degree 5, float coefficients fitted as P above over
|r| <= 1/2 plus a margin; its division is corrected through a residual scaled by
1/D ~ RCP_A - RCP_B*D, the minimax line on [1, 2] (relative error 1/17).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 50
A_MAX = 14.5


def lawson_relative(V, f, iterations=400):
    """Minimax (relative error) linear fit V@c ~ f by iteratively reweighted least squares."""
    w = np.ones(len(f))
    best_err, best_c = np.inf, None
    for _ in range(iterations):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(V * (sw / f)[:, None], sw, rcond=None)
        e = np.abs(V @ c / f - 1)
        if e.max() < best_err:
            best_err, best_c = e.max(), c
        w = w * (e + 1e-300)
        w /= w.sum()
    return best_c, best_err


def fit_exp():
    R = float(mp.log(2) / 2) + 1e-4
    r = np.cos(np.linspace(0, np.pi, 6001)) * R
    f = np.array([float((mp.exp(x) - 1 - x) / x**2) if x != 0 else 0.5
                  for x in map(mp.mpf, r)])
    c, _ = lawson_relative(np.vander(r, 6, increasing=True), f)
    rr = [mp.mpf(x) for x in np.linspace(-R, R, 20001)]
    err = max(abs((1 + x + x * x * sum(mp.mpf(ci) * x**i for i, ci in enumerate(c))) / mp.exp(x) - 1)
              for x in rr)
    return c, err


def fit_mills():
    def M(a):
        a = mp.mpf(a)
        return mp.erfc(a / mp.sqrt(2)) / 2 * mp.exp(a * a / 2)
    n = 6001
    a = (1 - np.cos(np.linspace(0, np.pi, n))) / 2 * A_MAX
    f = np.array([float(M(x)) for x in a])
    Vn = np.vander(a, 5, increasing=True)
    Vd = np.vander(a, 6, increasing=True)[:, 1:]
    d_prev, w = np.ones(n), np.ones(n)
    best_err, best = np.inf, None
    for _ in range(400):
        scale = np.sqrt(w) / (f * d_prev)
        c, *_ = np.linalg.lstsq(np.hstack([Vn, -f[:, None] * Vd]) * scale[:, None], f * scale, rcond=None)
        num, den = Vn @ c[:5], 1 + Vd @ c[5:]
        e = np.abs(num / den / f - 1)
        if e.max() < best_err:
            best_err, best = e.max(), c
        d_prev, w = den, w * (e + 1e-300)
        w /= w.sum()
    N, D = best[:5], np.concatenate([[1.0], best[5:]])
    aa = [mp.mpf(x) for x in np.linspace(0, A_MAX, 20001)]
    err = max(abs(sum(mp.mpf(v) * x**i for i, v in enumerate(N)) /
                  sum(mp.mpf(v) * x**i for i, v in enumerate(D)) / M(x) - 1) for x in aa)
    assert all(v > 0 for v in N) and all(v > 0 for v in D), "Horner stability needs positive coefficients"
    return N, D, err


ERF_F_X_MIN = -13.0
ERF_F_EDGES = [0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 11.0, -ERF_F_X_MIN]
ERF_F_DEGREE = 8
TANH_F_X_MIN = -9.875  # k >= -122 there: w = (1 + r Q(r)) 2^k stays normal


def f32(v):
    return float(np.float32(float(v)))


def gelu_exact(x, kind):
    """GELU(x) in mpmath, the tanh kind as x / (1 + exp(-2 z)), which does not cancel for x < 0."""
    x = mp.mpf(x)
    if kind == "erf":
        return x * mp.ncdf(x)
    z = mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3)
    return x / (1 + mp.exp(-2 * z))


def vanishing_below(kind, factor):
    """A multiple of 1/16 below which |GELU(x)| * factor < 2^-150, so that the product rounds to
    zero (|GELU| falls monotonically towards -inf there); found by bisection."""
    lo, hi = mp.mpf(-60), mp.mpf(-5)
    for _ in range(200):
        mid = (lo + hi) / 2
        if abs(gelu_exact(mid, kind)) * factor < mp.mpf(2) ** -150:
            lo = mid
        else:
            hi = mid
    return float(mp.floor(lo * 16) / 16)


def gelu_g(a):
    """G(a) = a * M(a) = a * Q(a) * exp(a^2/2), Q(a) = erfc(a/sqrt 2)/2."""
    a = mp.mpf(a)
    return a * mp.erfc(a / mp.sqrt(2)) / 2 * mp.exp(a * a / 2)


def lawson_sequential_f32(V, rhs, scale, iterations=60):
    """Coefficients x (floats) of V@x ~ rhs minimising max |V@x - rhs| / scale: weighted least
    squares with Lawson reweighting, then the coefficients are rounded to float one at a time,
    first column first, the remaining ones refitted after each rounding."""
    fixed = []
    for k in range(V.shape[1]):
        r0 = rhs - V[:, :k] @ np.array(fixed) if k else rhs
        Vk = V[:, k:]
        w = np.ones(len(rhs))
        best_err, best = np.inf, None
        for _ in range(iterations):
            sw = np.sqrt(w) / scale
            sol, *_ = np.linalg.lstsq(Vk * sw[:, None], r0 * sw, rcond=None)
            e = np.abs(Vk @ sol - r0) / scale
            if e.max() < best_err:
                best_err, best = e.max(), sol
            w = w * (e + 1e-300)
            w /= w.sum()
        fixed.append(f32(best[0]))
    return fixed


def erf_f_centre(lo, hi):
    """A float near the middle of [lo, hi) at which G is closest to a float, in relative terms."""
    mid = np.float32((lo + hi) / 2)
    candidates, up, down = [mid], mid, mid
    for _ in range(600):
        up = np.nextafter(up, np.float32(np.inf))
        down = np.nextafter(down, np.float32(-np.inf))
        candidates += [up, down]
    best = None
    for c in candidates:
        g = gelu_g(float(c))
        e = abs(g - f32(g)) / g
        if best is None or e < best[0]:
            best = (e, float(c), f32(g))
    return best[1], best[2]


def fit_erf_f32():
    """Per interval: centre c, c0 = G(c) as a float, h coefficients; and the worst relative
    error of c0 + d*h(d) against G over all intervals (exact arithmetic, float coefficients)."""
    rows, worst = [], 0
    n = 1500
    for j in range(len(ERF_F_EDGES) - 1):
        lo, hi = ERF_F_EDGES[j], ERF_F_EDGES[j + 1]
        c, c0 = (0.0, 0.0) if j == 0 else erf_f_centre(lo, hi)
        a = lo + (hi - lo) * (1 - np.cos((np.arange(n) + 0.5) * np.pi / n)) / 2
        g = [gelu_g(x) for x in a]
        d = a - c
        V = np.vander(d, ERF_F_DEGREE + 1, increasing=True)[:, 1:]
        h = lawson_sequential_f32(V, np.array([float(x - mp.mpf(c0)) for x in g]),
                                  np.array([float(x) for x in g]))
        for x in np.linspace(lo, hi, 2001)[1 if j == 0 else 0:]:
            x = f32(x)
            dd = mp.mpf(x) - mp.mpf(c)
            p = mp.mpf(c0) + dd * sum(mp.mpf(v) * dd**i for i, v in enumerate(h))
            worst = max(worst, abs(p / gelu_g(x) - 1))
        rows.append([c, c0] + h)
    return rows, worst


def fit_exp_f32(ln2_hi, ln2_lo):
    """P1..P3 of exp(r) = 1 + r + r^2 (1/2 + r P(r)); k comes from a float product, so |r| may
    pass ln(2)/2 by up to 84.5 * 2^-24 (|k| <= 122)."""
    R = float(mp.log(2) / 2) + 1e-5
    n = 2000
    r = np.cos((np.arange(n) + 0.5) * np.pi / n) * R
    rm = [mp.mpf(x) for x in r]
    rhs = np.array([float(mp.exp(x) - 1 - x - x * x / 2) for x in rm])
    V = np.vander(r, 4, increasing=True) * (r ** 3)[:, None]
    P = lawson_sequential_f32(V, rhs, np.array([float(mp.exp(x)) for x in rm]), 100)
    err = 0
    for x in np.linspace(-R, R, 20001):
        x = mp.mpf(x)
        p = 1 + x + x * x * (mp.mpf(0.5) + x * sum(mp.mpf(v) * x**i for i, v in enumerate(P)))
        err = max(err, abs(p / mp.exp(x) - 1))
    return P, err


def fit_exp2_f32():
    """Q0..Q5 of 2^r = 1 + r Q(r); |r| may pass 1/2 by the rounding of r and the a*gl term
    (below 2^-15 together)."""
    R = 0.5 + 2e-5
    n = 3000
    r = np.cos((np.arange(n) + 0.5) * np.pi / n) * R
    rm = [mp.mpf(x) for x in r]
    rhs = np.array([float(mp.power(2, x) - 1) for x in rm])
    V = np.vander(r, 6, increasing=True) * r[:, None]
    Q = lawson_sequential_f32(V, rhs, np.array([float(mp.power(2, x)) for x in rm]), 100)
    err = 0
    for x in np.linspace(-R, R, 20001):
        x = mp.mpf(x)
        err = max(err, abs((1 + x * sum(mp.mpf(v) * x**i for i, v in enumerate(Q))) / mp.power(2, x) - 1))
    return Q, err


def lit(v):
    return "%.17g" % float(v)


def litf(v):
    assert f32(v) == float(v)
    s = "%.9g" % float(v)
    if "." not in s and "e" not in s:
        s += ".0"
    return s + "f"


def main():
    ln2 = mp.log(2)
    ln2_hi = float(mp.mpf(float(ln2)))
    bits = np.array([ln2_hi]).view(np.uint64)[0] & ~np.uint64((1 << 32) - 1)
    ln2_hi = float(np.array([bits], dtype=np.uint64).view(np.float64)[0])
    ln2_lo = float(ln2 - ln2_hi)
    P, exp_err = fit_exp()
    N, D, m_err = fit_mills()
    c1 = 2 * mp.sqrt(2 / mp.pi)
    out = []
    out.append("/* GEGLU__CONSTANTS begin: generated by tools/fit_gelu.py, do not edit */")
    out.append("#define GEGLU__LOG2E %s" % lit(1 / ln2))
    out.append("#define GEGLU__LN2_HI %s" % lit(ln2_hi))
    out.append("#define GEGLU__LN2_LO %s" % lit(ln2_lo))
    out.append("/* exp(r) = 1 + r + r^2 * P(r) on |r| <= ln(2)/2: relative error %.2e (2^%.1f) */"
               % (exp_err, mp.log(exp_err, 2)))
    for i, v in enumerate(P):
        out.append("#define GEGLU__EXP_P%d %s" % (i, lit(v)))
    out.append("/* M(a) = N(a) / D(a) on [0, %g]: relative error %.2e (2^%.1f) */"
               % (A_MAX, m_err, mp.log(m_err, 2)))
    out.append("#define GEGLU__ERF_A_MAX %s" % lit(A_MAX))
    for i, v in enumerate(N):
        out.append("#define GEGLU__ERF_N%d %s" % (i, lit(v)))
    for i, v in enumerate(D[1:], 1):
        out.append("#define GEGLU__ERF_D%d %s" % (i, lit(v)))
    out.append("#define GEGLU__TANH_C1 %s" % lit(c1))
    out.append("#define GEGLU__TANH_C2 %s" % lit(c1 * mp.mpf("0.044715")))
    ln2f_hi = float(int(float(ln2) * 2**16) / 2**16)  # 16 bits: k * LN2F_HI exact for |k| < 2^8
    ln2f_lo = f32(ln2 - ln2f_hi)
    Pf, expf_err = fit_exp_f32(ln2f_hi, ln2f_lo)
    rows, g_err = fit_erf_f32()
    out.append("/* Float core of the erf kind, for x >= %s (see geglu__gelu_erf_f32). */" % lit(ERF_F_X_MIN))
    out.append("#define GEGLU__ERF_F_X_MIN %s" % litf(ERF_F_X_MIN))
    out.append("#define GEGLU__ERF_F_A_MAX %s" % litf(-ERF_F_X_MIN))
    out.append("#define GEGLU__F_LOG2E %s" % litf(f32(1 / ln2)))
    out.append("#define GEGLU__F_LN2_HI %s" % litf(ln2f_hi))
    out.append("#define GEGLU__F_LN2_LO %s" % litf(ln2f_lo))
    out.append("/* exp(r) = 1 + r + r^2 (1/2 + r P(r)) on |r| <= ln(2)/2: relative error %.2e (2^%.1f) */"
               % (expf_err, mp.log(expf_err, 2)))
    for i, v in enumerate(Pf, 1):
        out.append("#define GEGLU__F_EXP_P%d %s" % (i, litf(v)))
    out.append("/* G(a) = c0 + d h(d), d = a - c, on the 8 intervals [0,.5) [.5,1) [1,2) [2,3) [3,5) [5,7)")
    out.append("   [7,11) [11,13]: relative error %.2e (2^%.1f). Rows: c, c0, h0 .. h%d. */"
               % (g_err, mp.log(g_err, 2), ERF_F_DEGREE - 1))
    out.append("#define GEGLU__ERF_F_ROWS %d" % (ERF_F_DEGREE + 2))
    out.append("static const float geglu__erf_f_table[GEGLU__ERF_F_ROWS][8] = {")
    for k in range(ERF_F_DEGREE + 2):
        out.append("    {" + ", ".join(litf(row[k]) for row in rows) + "},")
    out.append("};")
    out.append("/* Float core of the tanh kind, for %s <= x < inf (see geglu__gelu_tanh_f32). */"
               % lit(TANH_F_X_MIN))
    out.append("#define GEGLU__TANH_F_X_MIN %s" % litf(TANH_F_X_MIN))
    out.append("#define GEGLU__TANH_F_X_MAX %s" % litf(-TANH_F_X_MIN))
    # B1 = B1H + B1L with B1H a multiple of 2^-20 (so that gh - B1H is exact for B1H <= gh < 16),
    # B2 = B2H + B2L, both splits to float.
    c2 = c1 * mp.mpf("0.044715")
    b1, b2 = c1 / ln2, c2 / ln2
    b1h = float(mp.nint(b1 * 2**20) / 2**20)
    b2h = f32(b2)
    out.append("#define GEGLU__TANH_F_B1H %s" % litf(b1h))
    out.append("#define GEGLU__TANH_F_B1L %s" % litf(f32(b1 - b1h)))
    out.append("#define GEGLU__TANH_F_B2H %s" % litf(b2h))
    out.append("#define GEGLU__TANH_F_B2L %s" % litf(f32(b2 - b2h)))
    Q, exp2_err = fit_exp2_f32()
    out.append("/* 2^r = 1 + r Q(r) on |r| <= 1/2: relative error %.2e (2^%.1f) */"
               % (exp2_err, mp.log(exp2_err, 2)))
    for i, v in enumerate(Q):
        out.append("#define GEGLU__TANH_F_Q%d %s" % (i, litf(v)))
    # 1/D ~ A - B*D on [1, 2]: equioscillation of (A - B D) D - 1 at D = 1, 2 and A/(2B) gives
    # A = 3B, B = 8/17, maximum relative error 1/17.
    out.append("#define GEGLU__TANH_F_RCP_A %s" % litf(f32(mp.mpf(24) / 17)))
    out.append("#define GEGLU__TANH_F_RCP_B %s" % litf(f32(mp.mpf(8) / 17)))
    flt_max = (2 - mp.mpf(2) ** -23) * mp.mpf(2) ** 127
    out.append("/* Below these, GELU(x) rounds to -0, and GELU(x) * u to a zero for every finite u. */")
    for kind in ("erf", "tanh"):
        out.append("#define GEGLU__%s_ZERO_BELOW %s" % (kind.upper(), litf(vanishing_below(kind, 1))))
        out.append("#define GEGLU__%s_MUL_ZERO_BELOW %s"
                   % (kind.upper(), litf(vanishing_below(kind, flt_max))))
    out.append("/* GEGLU__CONSTANTS end */")
    print("\n".join(out))


if __name__ == "__main__":
    main()
