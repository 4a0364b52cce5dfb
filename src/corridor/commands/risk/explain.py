"""``corridor risk explain``: what makes a score, for an asset, a corridor or a country."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.options import AsOfOption, ClassOption, ProfileOption
from corridor.commands.output import JsonOption, err, escape, print_json, print_table
from corridor.commands.risk.app import (
    AssetsOption,
    IndicatorsOption,
    TopOption,
    app,
)
from corridor.commands.risk.places import rounded

if TYPE_CHECKING:
    from corridor.risk.services import AssetExplanation, CountryExplanation

Tables = dict[str, tuple[list[dict[str, Any]], Any]]  # title -> (rows, their JSON)


@app.command()
def explain(
    subject: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An asset id (see `corridor atlas assets`), an economic corridor's id, or a "
            "country (ISO code such as SOM, or a name).",
        ),
    ],
    as_of: AsOfOption = None,
    profile: ProfileOption = None,
    classes: ClassOption = None,
    indicators: IndicatorsOption = None,
    assets_path: AssetsOption = None,
    top: TopOption = 10,
    as_json: JsonOption = False,
) -> None:
    """What makes a score: the parameters, the data's time range and what weighed most.

    For an asset, the incidents with their distance, age, class, source, the trust weight
    your organization gives that source, and share of the score; for a corridor, also its
    segments; for a country, each component, threat class and source.
    Example: corridor risk explain sea-lane-bab-el-mandeb-red-sea-suez --as-of 2011
    """
    from corridor.risk.services import AssetExplanation
    from corridor.risk.services import explain as explain_score

    run = current()
    with err.status("scoring the incidents you may see"):
        found = explain_score(
            run.store(), run.viewer(), run.atlas(), subject, as_of=as_of, classes=classes,
            profile_path=profile, assets_path=assets_path, indicators_path=indicators, top=top,
        )  # fmt: skip
    if isinstance(found, AssetExplanation):
        _show(*_asset_parts(found), as_json)
    else:
        _show(*_country_parts(found), as_json)


def _show(summary: dict[str, Any], tables: Tables, as_json: bool) -> None:
    """The summary as lines and each table, or all of it as one JSON object."""
    if as_json:
        print_json({**summary, **{name: data for name, (_, data) in tables.items()}})
        return
    for key, value in summary.items():
        err.print(f"[bold]{key.replace('_', ' ')}[/bold]: {escape(str(value))}", highlight=False)
    for title, (rows, _) in tables.items():
        print_table(rows, list(rows[0]) if rows else ["none"], title=title.replace("_", " "))


def _asset_parts(found: AssetExplanation) -> tuple[dict[str, Any], Tables]:
    settings = found.profile.exposure
    summary: dict[str, Any] = {
        "asset": found.asset.id,
        "name": found.asset.name,
        "exposure": found.exposure,
        "as_of": found.as_of,
        "profile": found.profile.label,
        "criticality": found.asset.criticality,
        "criticality_factor": found.criticality_factor,
        "radius_km": settings.radius_km,
        "radius_km_by_class": settings.radius_km_by_class,
        "half_life_days": settings.half_life_days,
        "non_lethal_floor": settings.non_lethal_floor,
        "data_range": " .. ".join(map(str, found.data_range or ())) or None,
        **_trust_parts(found.trust),
    }
    parts = found.contributions
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
            "source": p.source,
            "trust": p.trust,
            "title": p.title,
        }
        for p in parts
    ]
    tables: Tables = {"top_incidents": (rows, [vars(p) for p in parts])}
    if found.corridor is not None:
        summary["disruption_chance"] = round(found.corridor.probability, 4)
        segments = found.corridor.segments
        segment_rows = [
            {
                "segment": s.label,
                "exposure": round(s.exposure, 2),
                "country_risk": rounded(s.country_risk),
                "chance": round(s.probability, 3),
            }
            for s in segments
        ]
        tables["segments"] = (segment_rows, [vars(s) for s in segments])
    return summary, tables


def _country_parts(found: CountryExplanation) -> tuple[dict[str, Any], Tables]:
    score = found.score
    summary = {
        "country": score.country,
        "name": found.name,
        "risk": score.risk,
        "hazard": score.hazard,
        "vulnerability": score.vulnerability,
        "lack_of_coping": score.coping,
        "incidents": score.incidents,
        "window": f"{score.window[0]} .. {score.window[1]}",
        "profile": score.profile,
        "indicators_used": score.indicators,
        "method": "risk = (hazard x vulnerability x lack of coping) ** (1/3), each 0-10",
        **_trust_parts(found.trust),
    }
    rows = [
        {
            "class": name,
            "rate_per_year": round(score.rate_by_class[name], 2),
            "hazard": round(hazard, 2),
            "weight": score.class_weights[name],
        }
        for name, hazard in sorted(score.hazard_by_class.items(), key=lambda kv: -kv[1])
    ]
    sources = [
        {"source": name or "(none)", "incidents": count, "trust": round(weight, 3)}
        for name, (count, weight) in sorted(score.sources.items(), key=lambda kv: -kv[1][0])
    ]
    return summary, {"hazard_by_class": (rows, rows), "sources": (sources, sources)}


def _trust_parts(trust: Mapping[str, float]) -> dict[str, Any]:
    """The trust weights applied: each source your organization rated, and the rest's."""
    from corridor.cooperation.trust import DEFAULT_WEIGHT

    return {"trust": dict(sorted(trust.items())), "trust_of_other_sources": DEFAULT_WEIGHT}
