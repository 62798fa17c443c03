"""Small-sample statistics compare needs, without SciPy: Student's t and two-mode samples. Pure.

Compare tests a handful of per-process values (three processes a side is typical), where the
normal distribution claims far more certainty than Student's t with its few degrees of
freedom; and a configuration whose rounds fall into two clusters (a scheduler that slows a
stretch of rounds, a process that got a different memory layout) is named, since its centre
depends on which cluster more rounds happened to land in.
"""

from __future__ import annotations

import math
import statistics

BIMODAL_SEPARATION = 6.0  # cluster distance in pooled within-cluster standard deviations
BIMODAL_SHARE = 0.1  # the smaller cluster holds at least this share of the values
BIMODAL_MIN_GAP = math.log(1.05)  # clusters under 5 % apart are one mode for our purpose
BIMODAL_MIN_VALUES = 10


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The incomplete beta function's continued fraction (modified Lentz)."""
    tiny, c, d = 1e-300, 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-14:
            break
    return h


def beta_regularized(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _continued_fraction(a, b, x) / a
    return 1 - front * _continued_fraction(b, a, 1 - x) / b


def t_p_value(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with ``df`` degrees of freedom (normal beyond 1e6)."""
    if df > 1e6:
        return math.erfc(abs(t) / math.sqrt(2))
    return min(1.0, beta_regularized(df / 2, 0.5, df / (df + t * t)))


def two_modes(values: list[float]) -> tuple[float, float, float] | None:
    """(lower centre, upper centre, share of the smaller cluster) when ``values`` fall into two
    well-separated clusters, else None.

    The best two-cluster split of the sorted values (most variance between them) counts when
    the clusters are ``BIMODAL_SEPARATION`` pooled standard deviations apart (a split of one
    normal, uniform or long-tailed mode is under four), at least ``BIMODAL_MIN_GAP`` apart and
    the smaller holds ``BIMODAL_SHARE`` of the values.
    """
    ordered = sorted(values)
    n = len(ordered)
    if n < BIMODAL_MIN_VALUES:
        return None
    smallest = max(2, math.ceil(BIMODAL_SHARE * n))
    prefix = [0.0]
    for v in ordered:
        prefix.append(prefix[-1] + v)
    best, cut = -1.0, 0
    for i in range(smallest, n - smallest + 1):
        lower, upper = prefix[i] / i, (prefix[n] - prefix[i]) / (n - i)
        between = i * (n - i) * (upper - lower) ** 2
        if between > best:
            best, cut = between, i
    if cut == 0:
        return None
    low, high = ordered[:cut], ordered[cut:]
    centre_low, centre_high = statistics.fmean(low), statistics.fmean(high)
    pooled = math.sqrt((statistics.pvariance(low) + statistics.pvariance(high)) / 2)
    gap = centre_high - centre_low
    if gap < BIMODAL_MIN_GAP or gap <= BIMODAL_SEPARATION * pooled:
        return None
    return centre_low, centre_high, min(cut, n - cut) / n
