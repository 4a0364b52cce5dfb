"""Incidents read as columns for analysis: a million rows without a million objects.

Risk scoring needs a handful of columns of every incident a viewer may read; building
an :class:`~corridor.events.model.Incident` per row would cost more than the scoring.
The same filters and the same sharing rule as every other read apply.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, select

from corridor.events.access import Viewer
from corridor.events.arrays import IncidentArrays
from corridor.store.incidents import IncidentQuery, filtered
from corridor.store.tables import incidents

__all__ = ["incident_arrays"]


def incident_arrays(connection: Connection, query: IncidentQuery, viewer: Viewer) -> IncidentArrays:
    """The incidents ``viewer`` may read that match ``query``, oldest first, as columns."""
    c = incidents.c
    statement = filtered(
        select(
            c.uuid,
            c.longitude,
            c.latitude,
            c.threat_class,
            c.start_date,
            c.fatalities_best,
            c.country,
            c.title,
            c.reporter,
        ),
        query,
        viewer,
    ).order_by(c.start_date, c.id)
    rows = connection.execute(statement).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    return IncidentArrays(
        ids=np.array(columns[0], dtype=object),
        lon=np.array([np.nan if v is None else v for v in columns[1]], np.float64),
        lat=np.array([np.nan if v is None else v for v in columns[2]], np.float64),
        threat_class=np.array(columns[3], dtype=object),
        start_date=np.array(columns[4], dtype="datetime64[D]"),
        fatalities=np.array([np.nan if v is None else v for v in columns[5]], np.float64),
        country=np.array(columns[6], dtype=object),
        title=np.array(columns[7], dtype=object),
        reporter=np.array(columns[8], dtype=object),
    )
