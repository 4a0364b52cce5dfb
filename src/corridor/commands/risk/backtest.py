"""``corridor risk backtest``: would the scores have foretold the next year?"""

from __future__ import annotations

from corridor.commands.context import current
from corridor.commands.options import ClassOption, ProfileOption
from corridor.commands.output import JsonOption, err, note, print_json, print_table
from corridor.commands.risk.app import (
    IndicatorsOption,
    TrainUntilOption,
    app,
)
from corridor.commands.risk.places import rounded


@app.command()
def backtest(
    train_until: TrainUntilOption,
    profile: ProfileOption = None,
    classes: ClassOption = None,
    indicators: IndicatorsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Would the scores have foretold the next year? Ours against "last year's count".

    Rank correlation (Spearman) and precision of the top decile, for the atlas's assets
    and for countries. Example: corridor risk backtest --train-until 2010 --class piracy
    """
    from corridor.risk.services import backtest_scores

    run = current()
    with err.status("scoring and judging against the year after"):
        report = backtest_scores(
            run.store(), run.viewer(), run.atlas(), train_until, classes=classes,
            profile_path=profile, indicators_path=indicators,
        )  # fmt: skip
    rows = [
        {
            "subject": r.subject,
            "items": len(r.items),
            "spearman": rounded(r.spearman, 3),
            "spearman_baseline": rounded(r.spearman_baseline, 3),
            "top_decile_precision": rounded(r.precision, 3),
            "precision_baseline": rounded(r.precision_baseline, 3),
        }
        for r in report.results
    ]
    if as_json:
        print_json({"train_until": report.train_until, "profile": report.profile.label,
                    "results": rows})  # fmt: skip
        return
    title = f"Backtest: scores as of {report.train_until} against the next 365 days"
    print_table(rows, list(rows[0]), title=title)
    note(
        "baseline: last year's count of incidents within reach (assets) or in the "
        "country. Assets are scored as if all were ordinary (criticality is cost, not "
        "likelihood); 'countries (hazard)' ranks by the incident component alone. Empty: "
        "nothing to rank."
    )
