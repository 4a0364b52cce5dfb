"""The atlas's places as GeoJSON features or flat CSV rows, for GIS tools and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corridor.atlas.catalog import Atlas
from corridor.atlas.geometry import geodesic_length_km, to_shape
from corridor.atlas.models import Asset, Chokepoint, Dispute
from corridor.errors import UnknownValueError
from corridor.files import atomic_write

__all__ = [
    "EXPORTABLE",
    "EXPORT_FORMATS",
    "export_places",
    "feature_collection",
    "places",
    "to_csv",
    "write_places",
]

EXPORTABLE = ("assets", "chokepoints", "disputes")
EXPORT_FORMATS = ("geojson", "csv")

Place = Asset | Chokepoint | Dispute


def places(atlas: Atlas, what: Iterable[str]) -> list[tuple[str, Place]]:
    """(layer, record) for the named layers, in a stable order."""
    tables: dict[str, dict[str, Any]] = {
        "assets": dict(atlas.assets),
        "chokepoints": dict(atlas.chokepoints),
        "disputes": dict(atlas.disputes),
    }
    return [(layer, record) for layer in what for record in tables[layer].values()]


def _geometry(record: Place) -> dict[str, Any]:
    if isinstance(record, Chokepoint):
        return {"type": "Point", "coordinates": [record.longitude, record.latitude]}
    return {"type": record.geometry.type, "coordinates": record.geometry.coordinates}


def _properties(layer: str, record: Place) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude={"geometry"})
    data = {"layer": layer, **data}
    if isinstance(record, Asset):
        data["length_km"] = round(geodesic_length_km(to_shape(record.geometry)), 1)
    return data


def feature_collection(atlas: Atlas, what: Iterable[str]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946, lon/lat WGS 84) of the named layers."""
    features = [
        {
            "type": "Feature",
            "id": f"{layer}/{record.id}",
            "geometry": _geometry(record),
            "properties": _properties(layer, record),
        }
        for layer, record in places(atlas, what)
    ]
    return {
        "type": "FeatureCollection",
        "atlas_version": atlas.version,
        "features": features,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


CSV_COLUMNS = (
    "layer", "id", "name", "kind", "category", "countries", "parties", "coastal_states",
    "criticality", "operator", "status", "since", "length_km", "longitude", "latitude",
    "wkt", "source",
)  # fmt: skip


def to_csv(atlas: Atlas, what: Iterable[str]) -> str:
    """One CSV row per place; geometry as WKT, lists joined with ``;``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for layer, record in places(atlas, what):
        row = {key: _cell(value) for key, value in _properties(layer, record).items()}
        shape = to_shape(_geometry(record))
        centroid = shape.representative_point()
        row.update(wkt=shape.wkt, longitude=f"{centroid.x:.4f}", latitude=f"{centroid.y:.4f}")
        writer.writerow(row)
    return buffer.getvalue()


def export_places(
    atlas: Atlas, *, format: str = "geojson", layers: Sequence[str] | None = None
) -> str:
    """The named layers (default: all) as GeoJSON text or CSV text.

    Raises :class:`UnknownValueError` for a format or layer that does not exist.
    """
    if format not in EXPORT_FORMATS:
        raise UnknownValueError("export format", format, list(EXPORT_FORMATS))
    chosen = list(layers) if layers else list(EXPORTABLE)
    for layer in chosen:
        if layer not in EXPORTABLE:
            raise UnknownValueError("layer", layer, list(EXPORTABLE))
    if format == "geojson":
        return json.dumps(feature_collection(atlas, chosen), ensure_ascii=False) + "\n"
    return to_csv(atlas, chosen)


def write_places(
    atlas: Atlas,
    path: Path,
    *,
    format: str = "geojson",
    layers: Sequence[str] | None = None,
    force: bool = False,
) -> Path:
    """:func:`export_places` into ``path``, whole or not at all; an existing file only with
    ``force``, a missing folder is an error (:class:`~corridor.errors.InputError`)."""
    with atomic_write(path, force=force) as handle:
        handle.write(export_places(atlas, format=format, layers=layers))
    return path
