"""Sea routes and closures: what the issue pins, and agreement with searoute itself."""

from __future__ import annotations

import searoute

from corridor.atlas.catalog import Atlas
from corridor.routes.along import chokepoints_passed, states_near
from corridor.routes.disruption import Place, disruption, passages_of
from corridor.routes.matrix import port_matrix
from corridor.routes.places import resolve_place
from corridor.routes.sea import sea_router

RED_SEA = {"bab-el-mandeb", "suez"}


def _order(
    atlas: Atlas, origin: str, destination: str, closed: frozenset[str] = frozenset()
) -> list[str]:
    leg = sea_router().route(
        resolve_place(origin, atlas).point, resolve_place(destination, atlas).point, closed
    )
    assert leg is not None
    return [p.chokepoint for p in chokepoints_passed(atlas, leg)]


def test_shanghai_to_rotterdam_passes_malacca_bab_el_mandeb_suez_and_gibraltar(
    atlas: Atlas,
) -> None:
    passed = _order(atlas, "Shanghai", "Rotterdam")
    wanted = ["malacca", "bab-el-mandeb", "suez", "gibraltar"]
    assert [p for p in passed if p in wanted] == wanted  # all four, in this order


def test_closing_bab_el_mandeb_gives_a_longer_route_through_no_red_sea_passage(
    atlas: Atlas,
) -> None:
    shanghai, rotterdam = resolve_place("Shanghai", atlas), resolve_place("Rotterdam", atlas)
    closed = passages_of(atlas, ["bab-el-mandeb"])
    result = disruption(sea_router(), shanghai, rotterdam, closed, speed_knots=14)
    assert result.closed_leg is not None and result.open_leg is not None
    assert not RED_SEA & {p.chokepoint for p in chokepoints_passed(atlas, result.closed_leg)}
    assert result.extra_km is not None and result.extra_km > 3000
    assert result.extra_days == (result.extra_km / 1.852) / 14 / 24
    assert not result.cut_off


def test_closing_hormuz_leaves_a_gulf_port_no_sea_route(atlas: Atlas) -> None:
    dammam, rotterdam = resolve_place("Dammam", atlas), resolve_place("Rotterdam", atlas)
    result = disruption(
        sea_router(), dammam, rotterdam, passages_of(atlas, ["hormuz"]), speed_knots=14
    )
    assert result.open_leg is not None and result.closed_leg is None
    assert result.cut_off and result.extra_days is None


def test_closing_one_passage_keeps_the_northwest_passage_closed(atlas: Atlas) -> None:
    """searoute's restrictions replace its default ['northwest']: ours never do."""
    closed = passages_of(atlas, ["bab-el-mandeb", "panama", "cape-of-good-hope"])
    leg = sea_router().route(
        resolve_place("Tokyo", atlas).point, resolve_place("Rotterdam", atlas).point, closed
    )
    assert leg is not None  # round Cape Horn: the Red Sea, Panama and the Cape are shut
    assert leg.passages == ("chili",) and "northwest" not in leg.passages
    assert 31_000 < leg.length_km < 31_500
    naive = searoute.searoute(
        [139.77, 35.62], [4.44, 51.9], restrictions=["babalmandab", "panama", "south_africa"],
        return_passages=True,
    )  # fmt: skip
    assert "northwest" in naive.properties["traversed_passages"]  # what we guard against
    assert leg.length_km > 1.5 * naive.properties["length"]  # the ice route is far shorter


def test_lengths_are_searoutes_own(atlas: Atlas) -> None:
    for origin, destination, closed in (
        ("Shanghai", "Rotterdam", []),
        ("Singapore", "Mombasa", []),
        ("Shanghai", "Rotterdam", ["babalmandab"]),
    ):
        a, b = resolve_place(origin, atlas), resolve_place(destination, atlas)
        ours = sea_router().route(a.point, b.point, frozenset(closed))
        theirs = searoute.searoute(
            list(a.point), list(b.point), restrictions=["northwest", *closed]
        )
        assert ours is not None
        assert ours.length_km == theirs.properties["length"]


def test_the_matrix_agrees_with_one_route_at_a_time(atlas: Atlas) -> None:
    ports = [resolve_place(p, atlas) for p in ("port-gwadar", "Dammam", "port-piraeus", "Shanghai")]
    closed = passages_of(atlas, ["hormuz"])
    table = port_matrix(atlas, ports, closed=["hormuz"], speed_knots=14).pairs
    assert len(table) == 12
    for row in table:
        single = disruption(sea_router(), row.origin, row.destination, closed, 14)
        assert row.extra_km == single.extra_km and row.cut_off == single.cut_off
        assert row.extra_days == single.extra_days
        assert row.cut_off == ("Dammam" in (row.origin.name, row.destination.name))


def test_states_near_the_route_include_the_straits_shores(atlas: Atlas) -> None:
    leg = sea_router().route(
        resolve_place("Shanghai", atlas).point, resolve_place("Rotterdam", atlas).point
    )
    assert leg is not None
    near = states_near(leg)
    for shore in ("SGP", "MYS", "IDN", "YEM", "DJI", "EGY", "ESP", "MAR", "NLD"):
        assert shore in near
    assert near[0] == "CHN" and near[-1] == "NLD"
    assert "IRN" not in near  # the route never enters the Gulf


def test_a_place_is_an_atlas_port_a_world_port_or_a_position(atlas: Atlas) -> None:
    assert resolve_place("port-gwadar", atlas).point == (62.3, 25.1333)
    assert resolve_place("CNSHA", atlas).point == resolve_place("shanghai", atlas).point
    assert resolve_place("45.0,12.5", atlas) == Place("45.0,12.5", 45.0, 12.5)


def test_a_closed_cape_of_good_hope_cannot_be_sailed_round_to_the_south(atlas: Atlas) -> None:
    """searoute marks all but one edge across 21 deg E south of Africa as the Cape: the
    one it forgot let a 'closed' Cape be passed 200 km to the south."""
    mombasa, rotterdam = resolve_place("Mombasa", atlas), resolve_place("Rotterdam", atlas)
    shut = passages_of(atlas, ["suez", "cape-of-good-hope"])
    leg = sea_router().route(mombasa.point, rotterdam.point, shut)
    assert leg is not None and "south_africa" not in leg.passages
    assert "panama" in leg.passages  # the long way east, across the Pacific
    around = sea_router().route(mombasa.point, rotterdam.point, passages_of(atlas, ["suez"]))
    assert around is not None and around.passages[0] == "south_africa"
