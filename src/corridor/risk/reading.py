"""The steps every risk use case shares: read the inputs, choose the incidents of the
classes asked for, score the assets, load the indicators, score the countries.

Written once so exposure, explanations, corridors and backtests choose alike.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.cooperation.sharing import Viewer
from corridor.errors import InputError
from corridor.risk.assets import atlas_exposure, of_threat
from corridor.risk.country import CountryRisk, country_risk
from corridor.risk.exposure import Exposure, IncidentArrays
from corridor.risk.indicators import IndicatorTable, bundled_indicators, load_indicators
from corridor.risk.inputs import RiskInputs, risk_inputs, threat_classes

__all__ = [
    "Classes",
    "about",
    "chosen_incidents",
    "country_scores",
    "indicator_table",
    "read",
    "scored_exposure",
]

Classes = str | Collection[str] | None  # one threat class, several, or all (None or empty)


def read(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    as_of: date | None,
    classes: Classes,
    profile_path: Path | None,
    assets_path: Path | None = None,
) -> RiskInputs:
    """:func:`risk_inputs` for a use case: the incidents are always needed."""
    return risk_inputs(
        store, viewer, atlas, as_of=as_of, profile_path=profile_path,
        threat=threat_classes(classes), assets_path=assets_path,
    )  # fmt: skip


def about(classes: Sequence[str], word: str) -> str:
    """`` to piracy, terrorism`` for a title; nothing when every class counts."""
    return f" {word} {', '.join(classes)}" if classes else ""


def chosen_incidents(inputs: RiskInputs) -> IncidentArrays:
    """The incidents of the classes asked for, and of the classes under them."""
    return of_threat(inputs.incidents, inputs.atlas, inputs.classes)


def scored_exposure(inputs: RiskInputs) -> Exposure:
    """Every asset's exposure (the atlas's and the user's own) to the chosen incidents."""
    return atlas_exposure(
        inputs.atlas, inputs.incidents, inputs.profile, inputs.as_of,
        threat=inputs.classes, extra=inputs.extra,
    )  # fmt: skip


def indicator_table(path: Path | None) -> IndicatorTable:
    """The indicators in ``path`` (a World Bank bulk or a long CSV), the bundled WGI when
    None; a missing or unreadable file raises :class:`InputError` naming it."""
    if path is None:
        return bundled_indicators()
    if not path.is_file():
        raise InputError(f"{path}: no such indicator file")
    try:
        return load_indicators(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from exc


def country_scores(
    inputs: RiskInputs, table: IndicatorTable, incidents: IncidentArrays | None = None
) -> list[CountryRisk]:
    """Country risk from ``incidents`` (default: the chosen ones), highest first."""
    chosen = chosen_incidents(inputs) if incidents is None else incidents
    return country_risk(chosen, table, inputs.profile, inputs.as_of, inputs.atlas.threat_ancestors)
