"""Trips to a CSV or Parquet file, batch by batch, so memory stays flat however many.

One row per trip: the ports, the open route's km, days and chokepoints, the same with
the closures, the extra km and days, and a status that says what happened plainly
("unchanged", "longer", "cut off", or "no sea route" where the sea joins the two ports
not even open); km and days are empty where there is no route. The file appears whole
or not at all (``corridor.files``); the format comes from its suffix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from corridor.atlas.catalog import Atlas
from corridor.errors import InputError
from corridor.files import atomic_path
from corridor.routes.disruption import HIT_DAYS
from corridor.routes.matrix import TripBatch
from corridor.routes.network import PASSAGE_NAMES
from corridor.routes.sea import KM_PER_NM

__all__ = ["TRIP_FORMATS", "TripNames", "trip_format", "trip_table", "write_tables"]

TRIP_FORMATS = ("csv", "parquet")
_COLUMNS = (
    "origin", "destination", "open_km", "open_days", "open_chokepoints", "closed_km",
    "closed_days", "closed_chokepoints", "extra_km", "extra_days", "status",
)  # fmt: skip


def trip_format(path: Path) -> str:
    """The file format a path's suffix names; InputError for another suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in TRIP_FORMATS:
        raise InputError(f"{path}: write trips to a .csv or .parquet file, not '.{suffix}'")
    return suffix


class TripNames:
    """Names for a table's rows: ports by index, and a route's atlas chokepoints in order."""

    def __init__(self, atlas: Atlas, origins: Sequence[str], destinations: Sequence[str]) -> None:
        self.origins = np.asarray(origins, dtype=object)
        self.destinations = np.asarray(destinations, dtype=object)
        ids = {c.searoute_passage or c.id: c.id for c in atlas.chokepoints.values()}
        self._id = [ids.get(name) for name in PASSAGE_NAMES]

    def chokepoints(self, codes: NDArray[np.int8]) -> NDArray[Any]:
        """Each route's atlas chokepoints, "a > b > c" (passages the atlas lacks left out)."""
        if len(codes) == 0:
            return np.empty(0, dtype=object)
        keys = _row_keys(codes)
        unique, inverse = np.unique(keys, axis=None if keys.ndim == 1 else 0, return_inverse=True)
        text = []
        for key in unique.reshape(len(unique), -1):
            row = key.view(np.uint8).astype(np.int16) - 1  # back to the codes, -1 for none
            text.append(" > ".join(i for c in row if c >= 0 and (i := self._id[c])))
        return np.asarray(text, dtype=object)[inverse.reshape(-1)]


def _row_keys(codes: NDArray[np.int8]) -> NDArray[np.uint64]:
    """Each row of passage codes as 64-bit words (8 codes a word, as many words as the
    longest row needs): sorting words is many times faster than sorting rows of bytes."""
    longest = int((codes >= 0).sum(axis=1).max())
    width = 8 * max(1, -(-longest // 8))
    block = np.full((len(codes), width), -1, np.int16)
    block[:, : min(width, codes.shape[1])] = codes[:, :width]
    packed = np.ascontiguousarray((block + 1).astype(np.uint8)).view(np.uint64)
    return packed[:, 0] if packed.shape[1] == 1 else packed


def _km(values: NDArray[np.float64]) -> pa.Array:
    """Empty (null) where there is no route: inf and NaN become null."""
    return pa.array(np.where(np.isfinite(values), values, np.nan), from_pandas=True)


def trip_table(
    names: TripNames,
    batch: TripBatch,
    speed_knots: float,
    first: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Trips as a table (see the module docstring); ``first`` adds constant columns first."""
    open_km, closed_km = batch.open_km, batch.closed_km
    open_hours, closed_hours = batch.open_hours, batch.closed_hours
    open_days = open_km / KM_PER_NM / speed_knots / 24.0 + open_hours / 24.0
    closed_days = closed_km / KM_PER_NM / speed_knots / 24.0 + closed_hours / 24.0
    with np.errstate(invalid="ignore"):
        extra_km, extra_days = closed_km - open_km, closed_days - open_days
    status = np.where(extra_days > HIT_DAYS, "longer", "unchanged").astype(object)
    status[np.isfinite(open_km) & ~np.isfinite(closed_km)] = "cut off"
    status[~np.isfinite(open_km)] = "no sea route"
    columns: dict[str, Any] = {
        name: pa.array([str(value)] * len(batch), pa.string())
        for name, value in (first or {}).items()
    }
    columns |= {
        "origin": names.origins[batch.origin],
        "destination": names.destinations[batch.destination],
        "open_km": _km(open_km),
        "open_days": _km(open_days),
        "open_chokepoints": names.chokepoints(batch.open_passages),
        "closed_km": _km(closed_km),
        "closed_days": _km(closed_days),
        "closed_chokepoints": names.chokepoints(batch.closed_passages),
        "extra_km": _km(extra_km),
        "extra_days": _km(extra_days),
        "status": status,
    }
    schema = pa.schema(
        [(name, pa.string()) for name in (first or {})]
        + [(name, pa.float64() if name.endswith(("_km", "_days")) else pa.string())
           for name in _COLUMNS]
    )  # fmt: skip
    return pa.table(
        {k: v if isinstance(v, pa.Array) else pa.array(v, pa.string()) for k, v in columns.items()},
        schema=schema,
    )


def write_tables(tables: Iterable[pa.Table], path: Path, *, force: bool = False) -> int:
    """Write the tables one after the other to ``path`` (CSV or Parquet by its suffix);
    the number of rows written. Refuses an existing file unless ``force``."""
    from pyarrow import csv, parquet

    fmt = trip_format(path)
    rows = 0
    with atomic_path(path, force=force, suffix=f".{fmt}") as temporary:
        writer: Any = None
        try:
            for table in tables:
                if writer is None:
                    writer = (
                        csv.CSVWriter(temporary, table.schema)
                        if fmt == "csv"
                        else parquet.ParquetWriter(temporary, table.schema)
                    )
                writer.write_table(table)
                rows += table.num_rows
        finally:
            if writer is not None:
                writer.close()
    return rows
