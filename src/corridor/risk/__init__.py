"""Risk assessment: exposure of assets, country and corridor risk, and their explanations.

Pure functions over arrays and records (no database): ``store`` reads the incidents
as columns, the commands render what comes back.
"""

from corridor.risk.exposure import Exposure, IncidentArrays, LiveExposure, exposure_of
from corridor.risk.index import AssetIndex, Pairs
from corridor.risk.profile import RiskProfile, default_profile, load_profile
from corridor.risk.shapes import AssetShapes

__all__ = [
    "AssetIndex",
    "AssetShapes",
    "Exposure",
    "IncidentArrays",
    "LiveExposure",
    "Pairs",
    "RiskProfile",
    "default_profile",
    "exposure_of",
    "load_profile",
]
