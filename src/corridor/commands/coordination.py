"""``corridor advise`` and ``corridor coordination``: dual coordination and the scenarios.

Thin skins over :mod:`corridor.coordination`: parse the options, call one library function,
render. The library (and matplotlib) loads inside each command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from corridor.commands.context import current
from corridor.commands.options import ClassOption, CountryOption, ForceOption
from corridor.commands.output import JsonOption, note, out, print_json, print_table

if TYPE_CHECKING:
    from corridor.coordination import Advice, Overlap, Scenarios

app = typer.Typer(
    help="Mechanism overlap and gaps, and the four scenarios of the regional security order "
    "(seed 004). For one issue, see `corridor advise`.",
    no_args_is_help=True,
)

YearOption = Annotated[
    int | None,
    typer.Option(
        "--year",
        min=1800,
        max=2100,
        help="Membership as it stood in this year (default: this year).",
    ),
]


def advise_command(
    classes: ClassOption = None,
    countries: CountryOption = None,
    asset: Annotated[
        str | None,
        typer.Option(
            "--asset", metavar="ID", help="An atlas asset; the states it crosses join the parties."
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place", metavar="ID", help="A dispute or hot spot of the atlas; its parties join."
        ),
    ] = None,
    year: YearOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which coordination fits a security issue (seed 002's rules, quoted) and which
    mechanisms cover its parties, ranked, with every rule and atlas record cited.

    Example: corridor advise --class terrorism --country KAZ --country CHN --year 2024
    Example: corridor advise --class armed_conflict --country KGZ --country TJK --year 2014
    Example: corridor advise --class piracy --place gulf-of-aden-somali-piracy --year 2011 --json
    """
    from corridor.coordination import Issue, advise

    issue = Issue(tuple(classes or ()), tuple(countries or ()), asset, place, year)
    advice = advise(current().atlas(), issue)
    if as_json:
        print_json(advice.to_dict())
        return
    _print_advice(advice)


def _print_advice(advice: Advice) -> None:
    out.print(
        Text(
            f"Issue: {', '.join(advice.classes)} "
            f"({'traditional' if advice.traditional else 'non-traditional'}) "
            f"between {', '.join(advice.parties)} in {advice.year}",
            style="bold",
        )
    )
    out.print(Text(f"Coordination: {advice.summary}"))
    for rule in advice.rules:
        out.print(Text(f"\nRule {rule.id}: {rule.why}", style="bold"))
        out.print(Text(f"  “{rule.quote}”"))
        out.print(Text(f"  ({rule.source})", style="dim"))
        if rule.judgement:
            out.print(Text(f"  Reading: {rule.judgement}", style="dim"))
    out.print()
    rows = [_coverage_row(i, c) for i, c in enumerate(advice.covering, 1)]
    print_table(
        rows,
        ["rank", "mechanism", "binding", "score", "parts", "why"],
        title="Mechanisms covering every party",
    )
    if advice.nearest:
        near = [
            {"mechanism": c.mechanism, "if joined": c.missing[0], "score": c.score, "why": c.why}
            for c in advice.nearest
        ]
        print_table(
            near,
            ["mechanism", "if joined", "score", "why"],
            title="Would cover every party if one state joined",
        )
    if advice.uncovered:
        note(f"no mechanism of this issue area has {', '.join(advice.uncovered)} as a member")
    out.print(Text("\nSources", style="bold"))
    for cite in advice.citations:
        out.print(Text(f"  {cite.kind} {cite.id}: {cite.source}"))


def _coverage_row(rank: int, coverage: Any) -> dict[str, Any]:
    p = coverage.parts
    parts = (
        f"binding {p.binding:.2f} · fit {p.domain_fit:.2f} · focus {p.focus:.2f} · "
        f"tenure {p.tenure:.2f} · activity {p.activity:.2f}"
    )
    return {
        "rank": rank,
        "mechanism": coverage.mechanism,
        "binding": coverage.binding,
        "score": f"{coverage.score:.3f}",
        "parts": parts,
        "why": coverage.why,
    }


@app.command("overlap")
def overlap_command(
    classes: ClassOption = None,
    year: YearOption = None,
    map_path: Annotated[
        Path | None,
        typer.Option("--map", dir_okay=False, help="Draw the overlap heat map here (PNG)."),
    ] = None,
    force: ForceOption = False,
    top: Annotated[int, typer.Option("--top", min=1, help="Countries listed per domain.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Mechanism x mechanism membership overlap (Jaccard), the countries in the most
    mechanisms per domain, and corridor pairs (land neighbours, states linked by an asset)
    that share no binding mechanism (legal or collective defence).

    Example: corridor coordination overlap --class terrorism --year 2024
    Example: corridor coordination overlap --class piracy --map overlap.png --force --json
    """
    from corridor.coordination import overlap

    if classes and len(classes) > 1:
        raise typer.BadParameter(
            "give one --class (or none for every domain)", param_hint="--class"
        )
    report = overlap(current().atlas(), classes[0] if classes else None, year, top=top)
    if map_path is not None:
        from corridor.coordination.pictures import draw_overlap_heatmap

        note(f"heat map: {draw_overlap_heatmap(report, map_path, force=force)}")
    if as_json:
        print_json(report.to_dict())
        return
    _print_overlap(report)


def _print_overlap(report: Overlap) -> None:
    domain = report.domain or "every domain"
    pairs = [
        {"a": p.a, "b": p.b, "jaccard": f"{p.jaccard:.2f}", "shared": len(p.shared)}
        for p in report.pairs[:20]
    ]
    print_table(
        pairs,
        ["a", "b", "jaccard", "shared"],
        title=f"Most overlapping mechanisms, {domain}, {report.year}",
    )
    busiest = [
        {"domain": c.domain, "country": c.country, "mechanisms": c.count, "which": c.mechanisms}
        for c in report.busiest
    ]
    print_table(
        busiest,
        ["domain", "country", "mechanisms", "which"],
        title="Countries in the most mechanisms",
    )
    gaps = [{"a": g.a, "b": g.b, "linked by": g.links, "share only": g.shared} for g in report.gaps]
    print_table(
        gaps,
        ["a", "b", "linked by", "share only"],
        title=f"Corridor pairs with no mechanism binding at least {report.binding_at_least}",
    )


@app.command("scenarios")
def scenarios_command(
    since: Annotated[int, typer.Option("--since", min=1800, max=2100, help="First year.")] = 1990,
    until: Annotated[
        int | None,
        typer.Option("--until", min=1800, max=2100, help="Last year (default: this year)."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", dir_okay=False, help="Draw the four series here (PNG)."),
    ] = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """The four scenarios of seed 004 as yearly indicators: deep integration, shared
    dominance of big powers, polarization, falling into chaos (needs incidents in the store).

    deep integration = share of the region's country pairs that sit together in at least one
    mechanism binding at least legally.

    shared dominance = Herfindahl index of great-power seats (binding-weighted) over the
    region's mechanisms: 0.2 spread evenly over the five powers, 1 held by one.

    polarization = modularity Q of the best two-way split of the co-membership network,
    divided by its ceiling 1 - sum of squared group degree shares (1: two closed blocs);
    alignment = how well the split matches the US alliance system against China, Russia and
    partners.

    falling into chaos = sqrt(rise x fall) over 3 years: conflict events rising while the
    binding-weighted mechanisms shared per region pair fall.

    Example: corridor coordination scenarios --since 2000 --chart scenarios.png --force
    Example: corridor coordination scenarios --since 2010 --json
    """
    import datetime

    from corridor.coordination import region_countries, scenario_indicators

    last = until or datetime.date.today().year
    if last < since:
        raise typer.BadParameter(f"--until {last} is before --since {since}", param_hint="--until")
    run = current()
    atlas = run.atlas()
    counts = _conflict_counts(sorted(region_countries(atlas)))
    if counts is None:
        note("no store with incidents: falling into chaos is left empty")
    report = scenario_indicators(atlas, range(since, last + 1), counts)
    if chart is not None:
        from corridor.coordination.pictures import draw_scenarios

        note(f"chart: {draw_scenarios(report, chart, force=force)}")
    if as_json:
        print_json(report.to_dict())
        return
    _print_scenarios(report)


def _conflict_counts(countries: list[str]) -> dict[int, int] | None:
    """Incidents per year in the region that this user may read; None without a store."""
    from corridor.store.incidents import IncidentQuery, stats

    run = current()
    store = run.store_if_any()
    if store is None:
        return None
    with store.connect() as connection:
        years = stats(connection, IncidentQuery(countries=tuple(countries)), run.viewer())["year"]
    return {int(year): int(count) for year, count in years.items()} or None


def _print_scenarios(report: Scenarios) -> None:
    def fmt(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    rows = [
        {
            "year": r.year,
            "mechanisms": r.mechanisms,
            "integration": fmt(r.integration),
            "dominance": fmt(r.dominance),
            "leaders": r.dominance_leaders,
            "polarization": fmt(r.polarization),
            "alignment": fmt(r.alignment),
            "events": "" if r.conflict_events is None else r.conflict_events,
            "chaos": fmt(r.chaos),
        }
        for r in report.years
    ]
    columns = [
        "year",
        "mechanisms",
        "integration",
        "dominance",
        "leaders",
        "polarization",
        "alignment",
        "events",
        "chaos",
    ]
    print_table(rows, columns, title="Four scenarios of the regional security order (seed 004)")
