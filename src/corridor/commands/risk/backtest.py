"""``corridor risk backtest``: would the scores have foretold the next year?"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from corridor.commands.output import JsonOption, err, fail, print_json, print_table
from corridor.commands.risk.app import (
    IndicatorsOption,
    ProfileOption,
    ThreatOption,
    app,
    read_inputs,
)
from corridor.commands.risk.places import indicator_table, rounded
from corridor.risk.assets import (
    atlas_shapes,
    of_threat,
)
from corridor.risk.backtest import backtest_assets, backtest_countries


@app.command()
def backtest(
    train_until: Annotated[
        str,
        typer.Option(
            "--train-until",
            help="Score with the incidents up to this date (YYYY-MM-DD); judge against "
            "the 365 days after it.",
        ),
    ],
    profile: ProfileOption = None,
    threat: ThreatOption = None,
    indicators: IndicatorsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Would the scores have foretold the next year? Ours against "last year's count".

    Rank correlation (Spearman) and precision of the top decile, for the atlas's assets
    and for countries. Example: corridor risk backtest --train-until 2010-12-31 --threat piracy
    """
    try:
        day = date.fromisoformat(train_until)
    except ValueError as exc:
        raise fail(f"--train-until {train_until}: not a date (YYYY-MM-DD)") from exc
    inputs = read_inputs(None, profile, threat)  # every incident: the next year is the test
    chosen = of_threat(inputs.incidents, inputs.atlas, threat)
    shapes, _ = atlas_shapes(inputs.atlas)
    ancestors = inputs.atlas.threat_ancestors
    table = indicator_table(indicators)
    results = [
        backtest_assets(shapes, chosen, inputs.profile, day, ancestors),
        backtest_countries(chosen, table, inputs.profile, day, ancestors),
        backtest_countries(chosen, table, inputs.profile, day, ancestors, hazard_only=True),
    ]
    rows = [
        {
            "subject": r.subject,
            "items": len(r.items),
            "spearman": rounded(r.spearman, 3),
            "spearman_baseline": rounded(r.spearman_baseline, 3),
            "top_decile_precision": rounded(r.precision, 3),
            "precision_baseline": rounded(r.precision_baseline, 3),
        }
        for r in results
    ]
    if as_json:
        print_json({"train_until": day, "profile": inputs.profile.label, "results": rows})
        return
    title = f"Backtest: scores as of {day} against the next 365 days"
    print_table(rows, list(rows[0]), title=title)
    err.print(
        "[dim]baseline: last year's count of incidents within reach (assets) or in the "
        "country. Assets are scored as if all were ordinary (criticality is cost, not "
        "likelihood); 'countries (hazard)' ranks by the incident component alone. NaN: "
        "nothing to rank.[/dim]",
        highlight=False,
    )
