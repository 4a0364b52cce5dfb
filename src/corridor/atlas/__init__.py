"""The atlas: countries, zones and routes, mechanisms, threats, chokepoints, disputes, assets.

Reference data ship as YAML and GeoJSON files in ``data/``; every fact carries
its source. :func:`load_atlas` reads and validates them.
"""

from corridor.atlas.catalog import Atlas
from corridor.atlas.loader import BUNDLED_ATLAS_DIR, atlas_file_paths, check_atlas, load_atlas
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
from corridor.atlas.problems import AtlasError, AtlasProblem

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
    "Region",
    "ThreatClass",
    "atlas_file_paths",
    "check_atlas",
    "load_atlas",
]
