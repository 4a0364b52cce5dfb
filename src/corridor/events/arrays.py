"""Incidents as columns: what exposure and country risk read, a million at a time.

The store builds these and risk reads them, so they live below both (the store
never imports ``risk``). ``corridor.risk.exposure.IncidentArrays`` is this class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from corridor.events.model import Incident

__all__ = ["Ancestors", "IncidentArrays"]

# A threat class -> the classes above it in the taxonomy (Atlas.threat_ancestors).
Ancestors = Callable[[str], list[str]]


def _no_objects() -> NDArray[np.object_]:
    return np.empty(0, dtype=object)


def _no_floats() -> NDArray[np.float64]:
    return np.empty(0, np.float64)


@dataclass(frozen=True, eq=False)
class IncidentArrays:
    """Incidents as columns: what exposure and country risk read, a million at a time.

    ``reporter`` is each incident's source (who it comes from) and ``trust`` the weight
    the reading organization gives that source (:mod:`corridor.cooperation.trust`):
    every score multiplies the incident by it. Left out, they are "" and 1 for all.
    """

    ids: NDArray[np.object_]  # UUID text, for explanations
    lon: NDArray[np.float64]  # NaN where the incident has no position
    lat: NDArray[np.float64]
    threat_class: NDArray[np.object_]
    start_date: NDArray[np.datetime64]  # datetime64[D]
    fatalities: NDArray[np.float64]  # NaN where unknown
    country: NDArray[np.object_]  # ISO alpha-3 or None
    title: NDArray[np.object_]
    reporter: NDArray[np.object_] = field(default_factory=_no_objects)
    trust: NDArray[np.float64] = field(default_factory=_no_floats)  # 0..1, 1 by default

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_incidents(cls, incidents: Iterable[Incident]) -> IncidentArrays:
        rows = [
            (
                str(i.uuid),
                np.nan if i.longitude is None else i.longitude,
                np.nan if i.latitude is None else i.latitude,
                i.threat_class,
                i.start_date,
                np.nan if i.fatalities_best is None else i.fatalities_best,
                i.country,
                i.title,
                i.reporter,
            )
            for i in incidents
        ]
        columns = list(zip(*rows, strict=True)) if rows else [()] * 9
        return cls(
            ids=np.array(columns[0], dtype=object),
            lon=np.array(columns[1], dtype=np.float64),
            lat=np.array(columns[2], dtype=np.float64),
            threat_class=np.array(columns[3], dtype=object),
            start_date=np.array(columns[4], dtype="datetime64[D]"),
            fatalities=np.array(columns[5], dtype=np.float64),
            country=np.array(columns[6], dtype=object),
            title=np.array(columns[7], dtype=object),
            reporter=np.array(columns[8], dtype=object),
        )

    @classmethod
    def of_columns(
        cls,
        *,
        lon: ArrayLike = (),
        lat: ArrayLike = (),
        threat_class: ArrayLike,
        start_date: ArrayLike,
        fatalities: ArrayLike,
        country: ArrayLike | None = None,
    ) -> IncidentArrays:
        """From the columns at hand; ids and titles numbered, missing positions NaN."""
        classes = np.asarray(threat_class, dtype=object)
        size = len(classes)
        nowhere = np.full(size, np.nan)
        return cls(
            ids=np.array([f"#{k}" for k in range(size)], dtype=object),
            lon=np.asarray(lon, np.float64) if np.size(lon) else nowhere,
            lat=np.asarray(lat, np.float64) if np.size(lat) else nowhere.copy(),
            threat_class=classes,
            start_date=np.asarray(start_date, "datetime64[D]"),
            fatalities=np.asarray(fatalities, np.float64),
            country=np.asarray(country if country is not None else [None] * size, dtype=object),
            title=np.array([""] * size, dtype=object),
        )

    def __post_init__(self) -> None:
        size = len(self.ids)
        if size and not len(self.reporter):
            object.__setattr__(self, "reporter", np.full(size, "", dtype=object))
        if size and not len(self.trust):
            object.__setattr__(self, "trust", np.ones(size, np.float64))
        sizes = {len(getattr(self, name)) for name in self.__dataclass_fields__}
        if len(sizes) > 1:
            raise ValueError("IncidentArrays columns must have equal lengths")

    def of_class(self, threat_class: str | Iterable[str], ancestors: Ancestors) -> IncidentArrays:
        """The incidents of ``threat_class`` (or any of several) or of a class below it."""
        wanted = {threat_class} if isinstance(threat_class, str) else set(threat_class)
        return self._by_lineage(lambda lineage: bool(wanted & lineage), ancestors)

    def without(self, threat_classes: Iterable[str], ancestors: Ancestors) -> IncidentArrays:
        """The incidents of no class in ``threat_classes`` nor below one of them."""
        unwanted = set(threat_classes)
        if not unwanted:
            return self
        return self._by_lineage(lambda lineage: not unwanted & lineage, ancestors)

    def _by_lineage(self, keep: Callable[[set[str]], bool], ancestors: Ancestors) -> IncidentArrays:
        """The incidents whose class and its ancestors pass ``keep`` (once per class)."""
        names, at = np.unique(self.threat_class.astype(str), return_inverse=True)
        kept = np.array([keep({str(n), *ancestors(str(n))}) for n in names], bool)
        return self.take(kept[at] if len(names) else np.zeros(len(self), bool))

    def take(self, rows: NDArray[np.int64] | NDArray[np.bool_]) -> IncidentArrays:
        return IncidentArrays(
            self.ids[rows],
            self.lon[rows],
            self.lat[rows],
            self.threat_class[rows],
            self.start_date[rows],
            self.fatalities[rows],
            self.country[rows],
            self.title[rows],
            self.reporter[rows],
            self.trust[rows],
        )

    def weighted(self, trust: NDArray[np.float64]) -> IncidentArrays:
        """The same incidents, each weighing ``trust`` (one weight per incident, 0..1)."""
        return replace(self, trust=np.asarray(trust, np.float64))
