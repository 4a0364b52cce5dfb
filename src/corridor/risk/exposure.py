"""Exposure of assets to incidents: a sum anyone can recompute by hand.

    exposure(asset) = criticality(asset) x sum over incidents within the radius of
        class weight x severity x (1 - distance / radius) x 0.5 ** (age / half-life)
        x trust

severity = max(non-lethal floor, log2(1 + fatalities)); age in days before the "as
of" date (incidents after it do not count); distance in geodesic km to the nearest
point of the asset (``index``); trust is the reader's weight for the incident's source
(1 unless its organization rated the source: ``IncidentArrays.trust``). Every other
number comes from the profile, so a score, its explanation and the profile that made it
travel together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from corridor.events.arrays import Ancestors, IncidentArrays
from corridor.risk.index import AssetIndex, Pairs
from corridor.risk.profile import ExposureProfile, RiskProfile
from corridor.risk.shapes import AssetShapes

__all__ = [
    "Contribution",
    "Exposure",
    "IncidentArrays",
    "LiveExposure",
    "exposure_of",
    "incident_weights",
    "severity",
]


def severity(fatalities: NDArray[np.float64], floor: float) -> NDArray[np.float64]:
    """log2(1 + fatalities), never below ``floor`` (non-lethal and unknown incidents)."""
    with np.errstate(invalid="ignore"):
        return np.fmax(floor, np.log2(1.0 + np.maximum(fatalities, 0.0)))


def _per_class(
    classes: NDArray[np.object_], *values: Callable[[str], float]
) -> list[NDArray[np.float64]]:
    """Each ``value(class)`` for every row, computed once per distinct class (numbered by
    a dict as they come: a few times faster than sorting a million strings)."""
    numbers: dict[object, int] = {}
    positions = np.fromiter(
        (numbers.setdefault(c, len(numbers)) for c in classes), np.int64, count=len(classes)
    )
    return [np.array([v(str(n)) for n in numbers], np.float64)[positions] for v in values]


def incident_weights(
    incidents: IncidentArrays, profile: ExposureProfile, as_of: date, ancestors: Ancestors
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(weight, radius km, age days) per incident; weight 0 for those that cannot count.

    weight = class weight x severity x time decay x trust in its source; an incident
    after ``as_of``, with no position or from an untrusted source weighs nothing.
    """
    weight, radius = _per_class(
        incidents.threat_class,
        lambda c: profile.weight_of(c, ancestors),
        lambda c: profile.radius_of(c, ancestors),
    )
    age = (np.datetime64(as_of, "D") - incidents.start_date).astype(np.float64)
    weight = weight * severity(incidents.fatalities, profile.non_lethal_floor)
    weight = weight * np.exp2(-np.maximum(age, 0.0) / profile.half_life_days) * incidents.trust
    counts = (age >= 0) & np.isfinite(incidents.lon) & np.isfinite(incidents.lat)
    return np.where(counts, weight, 0.0), radius, age


@dataclass(frozen=True)
class Contribution:
    """One incident's part in an asset's exposure."""

    incident_id: str
    title: str
    threat_class: str
    start_date: date
    distance_km: float
    age_days: int
    fatalities: float | None
    points: float
    share: float
    source: str = ""  # who the incident comes from (its reporter)
    trust: float = 1.0  # the weight the reader gives that source, already in ``points``


@dataclass(frozen=True, eq=False)
class Exposure:
    """Every asset's exposure as of a date, with what each incident contributed."""

    asset_ids: tuple[str, ...]
    scores: NDArray[np.float64]
    pairs: Pairs
    points: NDArray[np.float64]  # per pair: what that incident adds to that asset
    incidents: IncidentArrays
    ages: NDArray[np.float64]
    as_of: date
    profile: RiskProfile

    @cached_property
    def position(self) -> dict[str, int]:
        """Each asset id's row in ``scores``: one dict, not a scan per lookup."""
        return {asset_id: row for row, asset_id in enumerate(self.asset_ids)}

    def score_of(self, asset_id: str) -> float:
        return float(self.scores[self.position[asset_id]])

    def incidents_in_reach(self) -> NDArray[np.int64]:
        """Per asset, how many incidents add something to its score."""
        counted = self.pairs.asset[self.points > 0]
        return np.bincount(counted, minlength=len(self.asset_ids)).astype(np.int64)

    def ranking(self) -> list[tuple[str, float]]:
        """(asset id, score), highest first; ties by id so the order is stable."""
        order = sorted(
            range(len(self.asset_ids)), key=lambda k: (-self.scores[k], self.asset_ids[k])
        )
        return [(self.asset_ids[k], float(self.scores[k])) for k in order]

    def contributions(self, asset_id: str, top: int | None = 10) -> list[Contribution]:
        """The incidents behind an asset's score, largest share first."""
        number = self.position[asset_id]
        rows = np.flatnonzero((self.pairs.asset == number) & (self.points > 0))
        rows = rows[np.argsort(-self.points[rows], kind="stable")][:top]
        total = float(self.scores[number])
        found = []
        for row in rows:
            i = int(self.pairs.incident[row])
            deaths = float(self.incidents.fatalities[i])
            found.append(
                Contribution(
                    incident_id=str(self.incidents.ids[i]),
                    title=str(self.incidents.title[i]),
                    threat_class=str(self.incidents.threat_class[i]),
                    start_date=self.incidents.start_date[i].astype(object),
                    distance_km=float(self.pairs.distance_km[row]),
                    age_days=int(self.ages[i]),
                    fatalities=None if np.isnan(deaths) else deaths,
                    points=float(self.points[row]),
                    share=float(self.points[row]) / total if total > 0 else 0.0,
                    source=str(self.incidents.reporter[i]),
                    trust=float(self.incidents.trust[i]),
                )
            )
        return found

    @property
    def data_range(self) -> tuple[date, date] | None:
        """First and last date of the incidents that could count (on or before as_of)."""
        counted = self.incidents.start_date[self.ages >= 0]
        if len(counted) == 0:
            return None
        return counted.min().astype(object), counted.max().astype(object)


def exposure_of(
    shapes: AssetShapes,
    criticality: Sequence[str],
    incidents: IncidentArrays,
    profile: RiskProfile,
    as_of: date,
    ancestors: Ancestors,
    *,
    index: AssetIndex | None = None,
) -> Exposure:
    """Score every asset of ``shapes`` (criticality per asset: core, important, ordinary)."""
    settings = profile.exposure
    weight, radius, age = incident_weights(incidents, settings, as_of, ancestors)
    index = index or AssetIndex(shapes, settings.largest_radius_km)
    counting = np.flatnonzero(weight > 0)
    if len(counting) == len(incidents):  # nothing to leave out: no copies, no renumbering
        pairs = index.pairs(incidents.lon, incidents.lat, radius)
    else:
        found = index.pairs(incidents.lon[counting], incidents.lat[counting], radius[counting])
        pairs = Pairs(found.asset, counting.astype(np.int32)[found.incident], found.distance_km)
    factor = np.array([settings.criticality[c] for c in criticality], np.float64)
    # weight x (1 - distance / radius) x criticality, in place: tens of millions of pairs
    points = np.take(radius, pairs.incident)
    np.divide(pairs.distance_km, points, out=points)
    np.subtract(1.0, points, out=points)
    points *= np.take(weight, pairs.incident)
    points *= np.take(factor, pairs.asset)
    scores = np.bincount(pairs.asset, weights=points, minlength=len(shapes)).astype(np.float64)
    return Exposure(shapes.ids, scores, pairs, points, incidents, age, as_of, profile)


class LiveExposure:
    """Exposures kept current as incidents arrive: each one updates only the assets it reaches."""

    def __init__(
        self,
        exposure: Exposure,
        index: AssetIndex,
        criticality: Sequence[str],
        ancestors: Ancestors,
    ) -> None:
        self.scores = exposure.scores.copy()
        self._index = index
        self._settings = exposure.profile.exposure
        self._as_of = exposure.as_of
        self._ancestors = ancestors
        self._factor = np.array([self._settings.criticality[c] for c in criticality], np.float64)

    def add(self, incident: IncidentArrays) -> NDArray[np.int64]:
        """Add one incident's contributions; return the assets it changed."""
        weight, radius, _ = incident_weights(incident, self._settings, self._as_of, self._ancestors)
        if len(weight) != 1:
            raise ValueError("add takes one incident at a time")
        if weight[0] <= 0:
            return np.empty(0, np.int64)
        assets, km = self._index.near(float(incident.lon[0]), float(incident.lat[0]), radius[0])
        self.scores[assets] += weight[0] * (1.0 - km / radius[0]) * self._factor[assets]
        return assets
