"""Sea routes by vessel class, through the library surface (``corridor.routes.services``).

The answers an analyst checks against 2024: a laden VLCC from the Gulf to Rotterdam goes
round the Cape (Suez refuses its draft); with the Red Sea closed a ULCV from Shanghai goes
round the Cape of Good Hope, not through Panama, and a Panamax container ship through Panama.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.atlas.catalog import Atlas
from corridor.errors import InputError, UnknownValueError
from corridor.routes.sea import PASSAGES, sea_router
from corridor.routes.services import (
    Place,
    load_passages,
    load_vessels,
    matrix_ports,
    port_matrix,
    resolve_vessel,
    sea_route,
)

RED_SEA = {"bab-el-mandeb", "suez"}
GULF = "Ras Tanura"


def _chokepoints(route_leg: object) -> list[str]:
    assert route_leg is not None
    return list(route_leg.chokepoint_ids)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the data files


def test_every_class_and_limit_has_a_source() -> None:
    classes, passages = load_vessels(), load_passages()
    assert {"ulcv", "neopanamax-container", "post-panamax-container", "vlcc", "suezmax"} <= set(
        classes
    )
    assert {"aframax", "panamax-tanker", "capesize", "panamax-bulk"} <= set(classes)
    assert {"q-max", "q-flex", "lng-conventional"} <= set(classes)
    assert all(len(c.source) > 20 for c in classes.values())
    assert all(c.teu for c in classes.values() if c.kind == "container")
    for limits in passages.values():
        assert len(limits.source) > 20
        assert all(len(lane.source) > 20 for lane in limits.lanes)


def test_passages_name_the_networks_passages_and_the_atlas_chokepoints(atlas: Atlas) -> None:
    for limits in load_passages().values():
        assert set(limits.searoute) <= PASSAGES, limits.id
        if limits.chokepoint is not None:
            point = atlas.chokepoints[limits.chokepoint]
            assert point.searoute_passage in limits.searoute, limits.id


def test_the_published_limits_are_those_of_the_rules() -> None:
    passages = load_passages()
    neo, old = passages["panama"].lanes
    assert (neo.max_length_m, neo.max_beam_m, neo.max_draft_m) == (366.0, 51.25, 15.2)
    assert (old.max_length_m, old.max_beam_m, old.max_draft_m) == (294.13, 32.31, 12.04)
    suez = passages["suez"].lanes[0]
    assert suez.draft_allowed_m(50.0) == 20.1 and suez.draft_allowed_m(77.5) == 12.2
    assert suez.draft_allowed_m(78.0) == 0.0  # wider than the canal takes
    assert passages["malacca"].lanes[0].max_draft_m == 20.5
    assert passages["great-belt"].lanes[0].max_draft_m == 15.4
    kiel = passages["kiel"].lanes[0]
    assert (kiel.max_length_m, kiel.max_beam_m, kiel.max_draft_m) == (235.5, 32.5, 9.5)
    assert all(not passages[p].lanes for p in ("gibraltar", "hormuz", "bab-el-mandeb"))


@given(st.floats(1.0, 77.5), st.floats(1.0, 77.5))
def test_the_suez_draft_allowed_never_grows_with_the_beam(a: float, b: float) -> None:
    suez = load_passages()["suez"].lanes[0]
    narrow, wide = sorted((a, b))
    allowed_narrow, allowed_wide = suez.draft_allowed_m(narrow), suez.draft_allowed_m(wide)
    assert allowed_narrow is not None and allowed_wide is not None
    assert 12.2 <= allowed_wide <= allowed_narrow <= 20.1


def test_the_danish_straits_are_the_only_ways_into_the_baltic() -> None:
    router = sea_router()
    rotterdam, gdansk = (4.3, 51.95), (18.7, 54.55)
    leg = router.route(rotterdam, gdansk)
    assert leg is not None and leg.passages == ("the_sound",)  # the shortest, 8 m deep
    deep = router.route(rotterdam, gdansk, ["the_sound"])
    assert deep is not None and deep.passages == ("great_belt",)
    assert router.route(rotterdam, gdansk, ["great_belt", "the_sound"]) is None


def test_a_deep_ship_takes_the_great_belt_and_a_deeper_one_cannot_enter_the_baltic(
    atlas: Atlas,
) -> None:
    gdansk = Place("Gdansk", 18.7, 54.55)
    aframax = sea_route(atlas, "Rotterdam", gdansk, vessel="aframax")
    assert aframax.open is not None and aframax.open.leg.passages == ("great_belt",)
    vlcc = sea_route(atlas, "Rotterdam", gdansk, vessel="vlcc")
    assert vlcc.open is None and {"great-belt", "the-sound"} <= {b.passage for b in vlcc.barred}


# --------------------------------------------------------------------------- the ship of a query


def test_a_class_by_id_or_alias_with_overrides() -> None:
    vlcc = resolve_vessel("VLCC")
    assert vlcc is not None and (vlcc.beam_m, vlcc.draft_m, vlcc.speed_knots) == (60.0, 20.5, 15.5)
    assert resolve_vessel("malaccamax") == vlcc
    ballast = resolve_vessel("vlcc", laden=False)
    assert ballast is not None and ballast.draft_m == 10.0
    deeper = resolve_vessel("q-max", draft_m=21.0)
    assert deeper is not None and deeper.draft_m == 21.0 and deeper.beam_m == 53.8
    alone = resolve_vessel(beam_m=61.0)
    assert alone is not None and alone.beam_m == 61.0 and alone.vessel_class is None
    assert resolve_vessel() is None


def test_unknown_classes_and_impossible_ships_are_refused() -> None:
    with pytest.raises(UnknownValueError, match="did you mean 'panamax-container'"):
        resolve_vessel("panamx-container")
    with pytest.raises(InputError, match="no ballast draft is known for the class"):
        resolve_vessel("ulcv", laden=False)
    with pytest.raises(InputError, match="--draft: -3 m is not a ship's size"):
        resolve_vessel("vlcc", draft_m=-3.0)


# --------------------------------------------------------------------------- the routes of 2024


def test_a_laden_vlcc_from_the_gulf_goes_round_the_cape(atlas: Atlas) -> None:
    route = sea_route(atlas, GULF, "Rotterdam", vessel="vlcc")
    assert "cape-of-good-hope" in _chokepoints(route.open)
    assert not RED_SEA & set(_chokepoints(route.open))
    reasons = {b.passage: b.reason for b in route.barred}
    assert reasons["suez"].startswith("draft 20.5 m > 17.23 m allowed at beam 60.0 m")
    assert "beam 60.0 m > 51.25 m" in reasons["panama"]
    any_ship = sea_route(atlas, GULF, "Rotterdam")
    assert "suez" in _chokepoints(any_ship.open) and not any_ship.barred


def test_a_vlcc_in_ballast_takes_suez(atlas: Atlas) -> None:
    route = sea_route(atlas, "Rotterdam", GULF, vessel=resolve_vessel("vlcc", laden=False))
    assert "suez" in _chokepoints(route.open)
    assert "suez" not in {b.passage for b in route.barred}


def test_a_ulcv_with_the_red_sea_closed_goes_round_the_cape_not_panama(atlas: Atlas) -> None:
    route = sea_route(atlas, "Shanghai", "Rotterdam", closed=["bab-el-mandeb"], vessel="ulcv")
    assert {"bab-el-mandeb", "suez"} <= set(_chokepoints(route.open))  # it fits Suez
    detour = _chokepoints(route.with_closures)
    assert "cape-of-good-hope" in detour and "panama" not in detour
    assert [str(b) for b in route.barred if b.passage == "panama"] == [
        "Panama Canal: length 399.9 m > 366.0 m, beam 61.0 m > 51.25 m, "
        "draft 16.5 m > 15.2 m (Neopanamax locks)"
    ]


def test_a_panamax_container_ship_with_the_red_sea_closed_goes_through_panama(
    atlas: Atlas,
) -> None:
    route = sea_route(
        atlas, "Shanghai", "Rotterdam", closed=["bab-el-mandeb"], vessel="panamax-container"
    )
    assert "panama" in _chokepoints(route.with_closures)
    assert "panama" not in {b.passage for b in route.barred}


def test_the_beam_alone_decides_panama(atlas: Atlas) -> None:
    wide = sea_route(
        atlas, "Shanghai", "Rotterdam", closed=["bab-el-mandeb"], vessel=resolve_vessel(beam_m=52)
    )
    assert "panama" not in _chokepoints(wide.with_closures)
    assert [str(b) for b in wide.barred] == [
        "Panama Canal: beam 52.0 m > 51.25 m (Neopanamax locks)"
    ]


def test_a_q_max_takes_suez_laden_but_not_panama(atlas: Atlas) -> None:
    """SCA Table 2 allows about 19.0 m at the Q-Max's 53.8 m beam; it draws 12 m."""
    route = sea_route(atlas, "Ras Laffan", "Rotterdam", vessel="q-max")
    assert "suez" in _chokepoints(route.open)
    assert [b.passage for b in route.barred if b.passage in {"suez", "panama"}] == ["panama"]
    assert load_passages()["suez"].lanes[0].draft_allowed_m(53.8) == pytest.approx(19.01, abs=0.01)


def test_days_at_the_service_speed_plus_the_canal_hours(atlas: Atlas) -> None:
    route = sea_route(atlas, "Shanghai", "Rotterdam", vessel="ulcv")
    assert route.speed_knots == 22.0
    assert route.open is not None
    suez = load_passages()["suez"]
    canal = suez.transit_hours - suez.canal_km / (22.0 * 1.852)  # type: ignore[operator]
    at_sea = route.open.leg.days_at(22.0)
    assert route.days(route.open) == pytest.approx(at_sea + canal / 24.0)
    slower = sea_route(atlas, "Shanghai", "Rotterdam", vessel="ulcv", speed_knots=16.0)
    assert slower.speed_knots == 16.0 and slower.days(slower.open) > route.days(route.open)  # type: ignore[arg-type]


def test_the_matrix_plans_for_the_ship(atlas: Atlas) -> None:
    ports = [Place("Shanghai", 121.5, 31.2), Place("Rotterdam", 4.3, 51.95)]
    ports += [p for p in matrix_ports(atlas) if p.name.lower().startswith("ras tanura")]
    found = port_matrix(atlas, ports, closed=["bab-el-mandeb"], vessel="ulcv")
    assert found.speed_knots == 22.0 and "panama" in {b.passage for b in found.barred}
    for pair in found.pairs:
        assert "panama" not in pair.open_passages + pair.closed_passages
    one = sea_route(atlas, ports[0], ports[1], closed=["bab-el-mandeb"], vessel="ulcv")
    pair = next(p for p in found.pairs if (p.origin, p.destination) == (ports[0], ports[1]))
    assert pair.extra_days == pytest.approx(one.extra_days)


def test_every_class_gets_a_route_from_shanghai_to_rotterdam(atlas: Atlas) -> None:
    """No class is barred from every way between Asia and Europe."""
    for name, closed in itertools.product(load_vessels(), ([], ["bab-el-mandeb"])):
        route = sea_route(atlas, "Shanghai", "Rotterdam", closed=closed, vessel=name)
        assert route.with_closures is not None, (name, closed)
