"""The atlas: countries, zones and routes, mechanisms, threats, chokepoints, disputes, assets.

Reference data ship as YAML and GeoJSON files in ``data/``; every fact carries
its source. :func:`load_atlas` reads and validates them; :mod:`corridor.atlas.services`
holds the use cases (lists, overview, check, export, copy) every entry point calls.

The names below load on first use (PEP 562), so importing one light submodule
(``corridor.atlas.countries``) does not pull in shapely and pyproj.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corridor.atlas.catalog import Atlas
    from corridor.atlas.loader import (
        BUNDLED_ATLAS_DIR,
        atlas_file_paths,
        check_atlas,
        load_atlas,
    )
    from corridor.atlas.models import (
        Asset,
        AssetKind,
        Binding,
        Chokepoint,
        Country,
        Criticality,
        Dispute,
        DisputeKind,
        Mechanism,
        MechanismKind,
        Membership,
        Region,
        ThreatClass,
    )
    from corridor.atlas.problems import AtlasError, AtlasProblem, MissingAtlasDirError

# Where each name lives, besides the records of ``models`` (the rest of ``__all__``).
_HOMES = {
    "Atlas": "catalog",
    "BUNDLED_ATLAS_DIR": "loader",
    "atlas_file_paths": "loader",
    "check_atlas": "loader",
    "load_atlas": "loader",
    "AtlasError": "problems",
    "AtlasProblem": "problems",
    "MissingAtlasDirError": "problems",
}

__all__ = [
    "BUNDLED_ATLAS_DIR",
    "Asset",
    "AssetKind",
    "Atlas",
    "AtlasError",
    "AtlasProblem",
    "Binding",
    "Chokepoint",
    "Country",
    "Criticality",
    "Dispute",
    "DisputeKind",
    "Mechanism",
    "MechanismKind",
    "Membership",
    "MissingAtlasDirError",
    "Region",
    "ThreatClass",
    "atlas_file_paths",
    "check_atlas",
    "load_atlas",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'corridor.atlas' has no attribute {name!r}")
    value = getattr(import_module(f"corridor.atlas.{_HOMES.get(name, 'models')}"), name)
    globals()[name] = value
    return value
