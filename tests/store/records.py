"""The incident the store tests start from: an armed clash in Syria, as UCDP records one."""

from __future__ import annotations

import dataclasses
from datetime import date

from corridor.events.model import Incident


def clash(source_id: str, **changes: object) -> Incident:
    """A 2016 clash near Homs with three deaths, with ``changes`` made to it."""
    base = Incident(
        source="ucdp",
        source_id=source_id,
        title=f"event {source_id}",
        start_date=date(2016, 5, 1),
        threat_class="armed_conflict",
        longitude=36.2,
        latitude=33.5,
        country="SYR",
        fatalities_best=3,
        actors=("Government of Syria", "IS"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]
