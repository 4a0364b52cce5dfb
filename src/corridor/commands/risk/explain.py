"""``corridor risk explain``: what makes a score, for an asset, a corridor or a country."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from corridor.atlas.models import AssetKind
from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.risk.app import (
    AsOfOption,
    AssetsOption,
    IndicatorsOption,
    Inputs,
    ProfileOption,
    ThreatOption,
    TopOption,
    app,
    read_inputs,
)
from corridor.commands.risk.assets import scored_exposure
from corridor.commands.risk.places import country_scores, economic_corridors_risk, rounded


@app.command()
def explain(
    record_id: Annotated[
        str,
        typer.Argument(
            help="An asset id (see `corridor atlas list assets`), an economic corridor's id "
            "or an ISO alpha-3 country code."
        ),
    ],
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    indicators: IndicatorsOption = None,
    assets_path: AssetsOption = None,
    top: TopOption = 10,
    as_json: JsonOption = False,
) -> None:
    """What makes a score: the parameters, the data's time range and what weighed most.

    For an asset, the incidents with their distance, age, class and share of the score;
    for a corridor, also its segments; for a country, each component and threat class.
    Example: corridor risk explain sea-lane-bab-el-mandeb-red-sea-suez --as-of 2011-12-31
    """
    inputs = read_inputs(as_of, profile, threat, assets_path)
    if record_id in inputs.assets:
        _explain_asset(inputs, record_id, threat, indicators, top, as_json)
    elif record_id.upper() in inputs.atlas.countries:
        _explain_country(inputs, record_id.upper(), threat, indicators, as_json)
    else:
        raise fail(
            f"{record_id}: neither an asset id (`corridor atlas list assets`) nor an ISO "
            "alpha-3 country code"
        )


def _show(
    summary: dict[str, Any], tables: dict[str, tuple[list[dict[str, Any]], Any]], as_json: bool
) -> None:
    """The summary as lines and each table, or all of it as one JSON object."""
    if as_json:
        print_json({**summary, **{name: data for name, (_, data) in tables.items()}})
        return
    for key, value in summary.items():
        err.print(f"[bold]{key.replace('_', ' ')}[/bold]: {value}", highlight=False)
    for title, (rows, _) in tables.items():
        print_table(rows, list(rows[0]) if rows else ["none"], title=title.replace("_", " "))


def _explain_asset(
    inputs: Inputs,
    asset_id: str,
    threat: str | None,
    indicators: Path | None,
    top: int,
    as_json: bool,
) -> None:
    exposure = scored_exposure(inputs, threat)
    asset = inputs.assets[asset_id]
    settings_ = inputs.profile.exposure
    parts = exposure.contributions(asset_id, top=top)
    summary = {
        "asset": asset_id,
        "name": asset.name,
        "exposure": exposure.score_of(asset_id),
        "as_of": inputs.as_of,
        "profile": inputs.profile.label,
        "criticality": asset.criticality,
        "criticality_factor": settings_.criticality[asset.criticality],
        "radius_km": settings_.radius_km,
        "radius_km_by_class": settings_.radius_km_by_class,
        "half_life_days": settings_.half_life_days,
        "non_lethal_floor": settings_.non_lethal_floor,
        "data_range": " .. ".join(map(str, exposure.data_range or ())) or None,
    }
    rows = [
        {
            "incident": p.incident_id[:8],
            "date": p.start_date,
            "class": p.threat_class,
            "km": round(p.distance_km, 1),
            "age_days": p.age_days,
            "deaths": None if p.fatalities is None else int(p.fatalities),
            "points": round(p.points, 3),
            "share": f"{p.share:.1%}",
            "title": p.title,
        }
        for p in parts
    ]
    tables: dict[str, tuple[list[dict[str, Any]], Any]] = {
        "top_incidents": (rows, [vars(p) for p in parts])
    }
    if asset.origin == "atlas" and asset.kind == AssetKind.ECONOMIC_CORRIDOR:
        (result,) = economic_corridors_risk(inputs, threat, indicators, [asset_id])
        summary["disruption_chance"] = round(result.probability, 4)
        segment_rows = [
            {
                "segment": s.label,
                "exposure": round(s.exposure, 2),
                "country_risk": rounded(s.country_risk),
                "chance": round(s.probability, 3),
            }
            for s in result.segments
        ]
        tables["segments"] = (segment_rows, [vars(s) for s in result.segments])
    _show(summary, tables, as_json)


def _explain_country(
    inputs: Inputs, country: str, threat: str | None, indicators: Path | None, as_json: bool
) -> None:
    scores = {c.country: c for c in country_scores(inputs, threat, indicators)}
    found = scores.get(country)
    if found is None:
        raise fail(f"{country}: no incidents in the window and no indicators: no score")
    summary = {
        "country": country,
        "name": inputs.atlas.countries[country].name,
        "risk": found.risk,
        "hazard": found.hazard,
        "vulnerability": found.vulnerability,
        "lack_of_coping": found.coping,
        "incidents": found.incidents,
        "window": f"{found.window[0]} .. {found.window[1]}",
        "profile": found.profile,
        "indicators_used": found.indicators,
        "method": "risk = (hazard x vulnerability x lack of coping) ** (1/3), each 0-10",
    }
    rows = [
        {
            "class": name,
            "rate_per_year": round(found.rate_by_class[name], 2),
            "hazard": round(hazard, 2),
            "weight": found.class_weights[name],
        }
        for name, hazard in sorted(found.hazard_by_class.items(), key=lambda kv: -kv[1])
    ]
    _show(summary, {"hazard_by_class": (rows, rows)}, as_json)
