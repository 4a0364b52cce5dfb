"""``corridor risk backtest``: would the forecasts have foretold each next year?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corridor.commands.context import current
from corridor.commands.options import ClassOption, ProfileOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.risk.app import (
    IndicatorsOption,
    TrainUntilOption,
    app,
)
from corridor.commands.risk.places import rounded

PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        dir_okay=False,
        help="Draw the calibration (reliability diagram) of the forecasts here "
        "(.png, .svg or .pdf; its folder must exist).",
    ),
]
LastYearOption = Annotated[
    int | None,
    typer.Option(
        "--last-year",
        min=1900,
        max=2100,
        metavar="YEAR",
        help="The last year to forecast (default: the newest incident's year if it reaches "
        "December, else the year before).",
    ),
]


@app.command()
def backtest(
    classes: ClassOption = None,
    plot: PlotOption = None,
    last_year: LastYearOption = None,
    train_until: TrainUntilOption = None,
    profile: ProfileOption = None,
    indicators: IndicatorsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Forecast each year's incidents per country from the years before, and judge.

    Last year's count, a weighted history, a Poisson count model (history, neighbours,
    governance) and the composite: Spearman, precision at the top 10, and Brier and log
    scores for "any incident next year"; then which wins, or that nothing beats last
    year's count. Example: corridor risk backtest --class piracy --plot calibration.png
    """
    from corridor.risk.services import backtest_scores, forecast_backtest

    run = current()
    with err.status("forecasting every year from the years before it"):
        report = forecast_backtest(
            run.store(), run.viewer(), run.atlas(), classes=classes, last_year=last_year,
            profile_path=profile, indicators_path=indicators, plot_path=plot,
        )  # fmt: skip
        single = (
            backtest_scores(
                run.store(),
                run.viewer(),
                run.atlas(),
                train_until,
                classes=classes,
                profile_path=profile,
                indicators_path=indicators,
            )
            if train_until is not None
            else None
        )
    result = report.backtest
    methods = [
        {
            "method": s.method,
            "spearman": rounded(s.spearman, 3),
            "precision_at_10": rounded(s.precision_at_10, 3),
            "brier": rounded(s.brier, 4),
            "log_score": rounded(s.log_score, 4),
            "years_ranked_better": s.years_ranked_better,
            "years": s.years,
        }
        for s in result.summary
    ]
    single_rows = [
        {
            "subject": r.subject,
            "items": len(r.items),
            "spearman": rounded(r.spearman, 3),
            "spearman_baseline": rounded(r.spearman_baseline, 3),
            "top_decile_precision": rounded(r.precision, 3),
            "precision_baseline": rounded(r.precision_baseline, 3),
        }
        for r in (single.results if single else ())
    ]
    if as_json:
        print_json(
            {
                "classes": list(report.classes),
                "profile": report.profile.label,
                "applies": result.applies,
                "years": list(result.years),
                "methods": methods,
                "per_year": [
                    {
                        "method": y.method,
                        "year": y.year,
                        "countries": y.countries,
                        "spearman": rounded(y.spearman, 3),
                        "precision_at_10": rounded(y.precision_at_10, 3),
                        "brier": rounded(y.brier, 4),
                        "log_score": rounded(y.log_score, 4),
                    }
                    for y in result.per_year
                ],
                "winner": result.winner,
                "chosen": result.chosen,
                "verdict": result.verdict,
                "plot": str(report.plot_path) if report.plot_path else None,
                **({"train_until": single.train_until, "results": single_rows} if single else {}),
            }
        )
        return
    if result.applies:
        print_table(methods, list(methods[0]), title=report.title)
    print(result.verdict + ".", flush=True)
    note(
        "Each year is forecast from the record up to the end of the year before, for the "
        "countries with an incident by then. Spearman and precision at 10: higher is better; "
        "Brier and log score (of 'any incident next year'): lower is better. Probabilities come "
        "from a logistic fit on each method's own earlier forecasts."
    )
    if report.plot_path is not None:
        note(f"calibration plot: {report.plot_path}", style="")
    elif plot is not None:
        note(f"no calibration plot: {result.reason}")
    if single is not None:
        title = f"Scores as of {single.train_until} against the next 365 days"
        print_table(single_rows, list(single_rows[0]), title=title)
        note(
            "baseline: last year's count of incidents within reach (assets) or in the "
            "country. Assets are scored as if all were ordinary (criticality is cost, not "
            "likelihood); 'countries (hazard)' ranks by the incident component alone."
        )
