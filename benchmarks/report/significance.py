"""Small-sample statistics compare needs: Student's t (mpmath's incomplete beta), the noise
estimates of ``benchmarks.report.change`` and two-mode samples. Pure.

Compare tests a handful of per-process values (three processes a side is typical), where the
normal distribution claims far more certainty than Student's t with its few degrees of
freedom; and a configuration whose rounds fall into two clusters (a scheduler that slows a
stretch of rounds, a process that got a different memory layout) is named, since its centre
depends on which cluster more rounds happened to land in.
"""

from __future__ import annotations

import math
import statistics

import mpmath

MIN_CONFIGS = 5  # configurations needed before their spread says anything about noise
MIN_DF = 3  # degrees of freedom before the between-process spread is used
MAD_SCALE = 1.4826  # MAD → standard deviation for normal data
SE_FLOOR = 1e-3  # identical copies: 0.1 % is no evidence of anything
BIMODAL_SEPARATION = 6.0  # cluster distance in pooled within-cluster standard deviations
BIMODAL_SHARE = 0.1  # the smaller cluster holds at least this share of the values
BIMODAL_MIN_GAP = math.log(1.05)  # clusters under 5 % apart are one mode for our purpose
BIMODAL_MIN_VALUES = 10


def t_p_value(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with ``df`` degrees of freedom (normal beyond 1e6)."""
    if df > 1e6:
        return math.erfc(abs(t) / math.sqrt(2))
    x = df / (df + t * t)  # P(|T| > t) = I_x(df/2, 1/2), the regularized incomplete beta
    return min(1.0, float(mpmath.betainc(df / 2, 0.5, 0, x, regularized=True)))


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


def process_sigma(groups: list[list[float]]) -> tuple[float, int] | None:
    """Spread of per-process values around their configuration's mean, pooled robustly, and
    its degrees of freedom.

    The median over configurations of each one's sample variance, divided by the median of
    χ²_df / df (Wilson–Hilferty), estimates σ² without letting one configuration with an
    outlying process inflate it for all.
    """
    scaled, df = [], 0
    for values in groups:
        if len(values) > 1:
            k = len(values) - 1
            scaled.append(statistics.variance(values) / (1 - 2 / (9 * k)) ** 3)
            df += k
    return (math.sqrt(statistics.median(scaled)), df) if df >= MIN_DF else None


def run_sigma(changes: list[float]) -> float | None:
    """Robust spread of the log changes over configurations, most of which did not change."""
    if len(changes) < MIN_CONFIGS:
        return None
    middle = statistics.median(changes)
    return MAD_SCALE * statistics.median(abs(c - middle) for c in changes)


def spread(values: list[float]) -> float:
    """A standard deviation robust to one outlying process of three or more (1.4826 × MAD):
    on a shared machine one process in three may run on a core someone else loads."""
    middle = statistics.median(values)
    return MAD_SCALE * statistics.median(abs(v - middle) for v in values)


def own_error(a: list[float], b: list[float]) -> float:
    """Standard error of the change from this configuration's own processes alone."""
    return math.sqrt(spread(a) ** 2 / len(a) + spread(b) ** 2 / len(b))


def p_value(change: float, se: float, df: float = math.inf) -> float:
    """Two-sided p-value of a log change against its standard error (Student's t)."""
    return t_p_value(change / max(se, SE_FLOOR), df)


def run_sigmas(changes: list[float], labels: list[str]) -> dict[str, tuple[float, int]]:
    """``run_sigma`` per label (implementation) and its degrees of freedom; a label with
    fewer than ``MIN_CONFIGS`` configurations gets the one over all."""
    overall = run_sigma(changes)
    out = {}
    for label in set(labels):
        own = [c for c, name in zip(changes, labels, strict=True) if name == label]
        sigma = run_sigma(own)
        if sigma is not None:
            out[label] = (sigma, len(own) - 1)
        elif overall is not None:
            out[label] = (overall, len(changes) - 1)
    return out
