"""Survey statistics as pure functions (no Django): the satisfied share, its 95% Wilson score
interval and the coverage of households. Every page and the recognition dossier use these."""

from __future__ import annotations

import math

# The 97.5th percentile of the standard normal distribution (two-sided 95%).
Z95 = 1.959964


def share(part: int, whole: int) -> float | None:
    """part in percent of whole, one decimal; None when whole is 0."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of successes/n in percent, one decimal (None when n is 0).

    It treats the answers as a simple random sample of households; a survey that reaches most
    households of a commune is closer to a census, so pages show it as an indication."""
    if not n:
        return None
    if successes < 0 or successes > n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(100 * (centre - half), 1), round(100 * (centre + half), 1)
