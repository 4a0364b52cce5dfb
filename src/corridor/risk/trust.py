"""Weighing incidents by the reading organization's trust in their sources.

Pure functions over the incident columns: the weights come in as a mapping (source ->
weight, from :func:`corridor.cooperation.trust_services.trust_weights`), so the same
code weighs a store's incidents, a notebook's and a property test's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from corridor.cooperation.trust import DEFAULT_WEIGHT
from corridor.events.arrays import IncidentArrays

__all__ = ["by_trust", "trust_weights"]


def trust_weights(
    reporters: NDArray[np.object_],
    weights: Mapping[str, float],
    default: float = DEFAULT_WEIGHT,
) -> NDArray[np.float64]:
    """Per incident, the weight of its source (``reporters``) in ``weights``; ``default``
    for a source that has none. Computed once per distinct source."""
    if not weights or len(reporters) == 0:
        return np.full(len(reporters), default, np.float64)
    names, at = np.unique(reporters.astype(str), return_inverse=True)
    per_name = np.array([weights.get(str(n), default) for n in names], np.float64)
    found: NDArray[np.float64] = per_name[at]
    return found


def by_trust(incidents: IncidentArrays, weights: Mapping[str, float]) -> IncidentArrays:
    """``incidents`` weighed by ``weights`` per source, those of weight 0 (untrusted
    sources) left out altogether: they count for nothing, nor in a date range or a count."""
    if not weights:
        return incidents
    trust = trust_weights(incidents.reporter, weights)
    if np.all(trust > 0):
        return incidents.weighted(trust)
    kept = trust > 0
    return incidents.take(kept).weighted(trust[kept])
