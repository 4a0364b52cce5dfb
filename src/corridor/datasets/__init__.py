"""Real public event data shipped with the package (see README.md for sources and licences)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["BUNDLED_DATASETS", "dataset_path"]

# file name -> importer format
BUNDLED_DATASETS = {
    "pirate_attacks.csv.gz": "piracy",
    "ged_syria_2016_2019.csv.gz": "ucdp",
}


def dataset_path(name: str) -> Path:
    """The path of a bundled dataset file."""
    return Path(str(resources.files("corridor.datasets").joinpath(name)))
