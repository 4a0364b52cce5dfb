"""The routes use cases through the library surface alone, as the API or a notebook calls them.

Nothing here imports ``corridor.commands``: the sea route, its exposure, the port matrix,
the land path and criticality are all reachable from ``corridor.routes.services``.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.cooperation.sharing import Viewer
from corridor.errors import InputError, UnknownValueError
from corridor.events.model import Incident, Tlp
from corridor.routes.services import (
    Cost,
    NoLandPathError,
    Place,
    SnapError,
    criticality,
    land_path,
    matrix_ports,
    port_matrix,
    route_exposure,
    sea_route,
)
from corridor.store.incident_writes import upsert_incidents

ORG_A = Viewer("org-a")
RED_SEA = {"bab-el-mandeb", "suez"}


def _incident(source_id: str, lon: float, lat: float, **changes: object) -> Incident:
    fields: dict[str, object] = {
        "source": "test",
        "source_id": source_id,
        "title": f"incident {source_id}",
        "start_date": date(2011, 6, 1),
        "threat_class": "piracy",
        "longitude": lon,
        "latitude": lat,
        "severity": 3,
    }
    fields.update(changes)
    return Incident(**fields)  # type: ignore[arg-type]


def _with(store: Engine, *batch: Incident) -> Engine:
    with store.begin() as connection:
        upsert_incidents(connection, list(batch))
    return store


# --------------------------------------------------------------------------- at sea


def test_sea_route_with_a_closure(atlas: Atlas) -> None:
    route = sea_route(atlas, "Shanghai", "Rotterdam", closed=["bab-el-mandeb"], speed_knots=14)
    assert route.open is not None and route.with_closures is not None
    passed = [c for c in route.open.chokepoint_ids if c in {"malacca", *RED_SEA, "gibraltar"}]
    assert passed == ["malacca", "bab-el-mandeb", "suez", "gibraltar"]
    assert not RED_SEA & set(route.with_closures.chokepoint_ids)
    assert route.closed == ("bab-el-mandeb",) and route.sea_route_left and not route.cut_off
    assert route.extra_km is not None and 5000 < route.extra_km < 6000
    assert route.extra_days == pytest.approx(route.extra_km / 1.852 / 14 / 24)
    assert route.origin.snap_km < 50 and route.destination.snap_km < 50
    assert route.open.states_near[0] == "CHN" and route.open.states_near[-1] == "NLD"


def test_no_closure_means_the_same_route_both_ways(atlas: Atlas) -> None:
    route = sea_route(atlas, "port-gwadar", "port-mombasa")
    assert route.closed == () and route.with_closures is route.open
    assert route.extra_km == 0 and not route.cut_off


def test_a_gulf_port_is_cut_off_by_hormuz(atlas: Atlas) -> None:
    route = sea_route(atlas, "Dammam", "Rotterdam", closed=["hormuz"])
    assert route.open is not None and route.with_closures is None
    assert route.cut_off and route.extra_days is None and not route.sea_route_left


def test_positions_west_and_south_are_places(atlas: Atlas) -> None:
    route = sea_route(atlas, "-93.87,29.73", Place("Tokyo bay", 139.8, 35.5))
    assert route.origin.place == Place("-93.87,29.73", -93.87, 29.73)
    assert route.origin.snap_km < 10 and route.open is not None
    assert "panama" in route.open.chokepoint_ids


def test_an_inland_place_is_refused_with_its_distance(atlas: Atlas) -> None:
    with pytest.raises(SnapError, match=r"76\.9,43\.2: the nearest sea lane is 2,232 km away"):
        sea_route(atlas, "76.9,43.2", "Rotterdam")
    allowed = sea_route(atlas, "76.9,43.2", "Rotterdam", max_snap_km=3000)
    assert allowed.origin.snap_km == pytest.approx(2232, abs=1)
    assert allowed.origin.sea_point == pytest.approx((66.98, 24.82), abs=0.01)  # off Karachi


def test_unknown_places_and_chokepoints_are_usage_errors(atlas: Atlas) -> None:
    with pytest.raises(UnknownValueError, match="did you mean 'Shanghai'") as port:
        sea_route(atlas, "Shanghaii", "Rotterdam")
    with pytest.raises(UnknownValueError, match="did you mean 'hormuz'") as closure:
        sea_route(atlas, "Shanghai", "Rotterdam", closed=["hormus"])
    assert port.value.exit_code == closure.value.exit_code == 2


def test_route_exposure_counts_only_what_the_viewer_may_read_of_the_classes(
    atlas: Atlas, store: Engine
) -> None:
    gulf_of_aden = (47.0, 12.4)  # on the Singapore-Jeddah lane
    _with(
        store,
        _incident("near", *gulf_of_aden),
        _incident("near-land-war", *gulf_of_aden, threat_class="armed_conflict"),
        _incident("secret", *gulf_of_aden, tlp=Tlp.RED, reporter="org-b"),
        _incident("far", -30.0, 0.0),
        _incident("later", *gulf_of_aden, start_date=date(2012, 6, 1)),
    )
    route = sea_route(atlas, "Singapore", "Jeddah", closed=["bab-el-mandeb"])
    scored = route_exposure(
        store, ORG_A, atlas, route, as_of=date(2011, 12, 31), classes=["piracy"]
    )
    assert scored.as_of == date(2011, 12, 31) and scored.classes == ("piracy",)
    assert scored.scores["open"] > 0
    assert {c.title for c in scored.top_incidents["open"]} == {"incident near"}
    assert route.with_closures is not None  # round Africa and down from Suez: far from Aden
    assert scored.scores["with closures"] == 0 and scored.top_incidents["with closures"] == []
    every_class = route_exposure(store, ORG_A, atlas, route, as_of=date(2011, 12, 31))
    assert every_class.scores["open"] > scored.scores["open"]
    before = route_exposure(store, ORG_A, atlas, route, as_of=date(2011, 1, 1))
    assert before.scores["open"] == 0


def test_route_exposure_refuses_an_unknown_class(atlas: Atlas, store: Engine) -> None:
    route = sea_route(atlas, "Singapore", "Jeddah")
    with pytest.raises(UnknownValueError, match="did you mean 'piracy'"):
        route_exposure(store, ORG_A, atlas, route, classes=["piracyy"])


def test_the_matrix_hits_the_pairs_the_closure_cuts_worst_first(atlas: Atlas) -> None:
    ports = [Place("Dammam", 50.10, 26.45), *matrix_ports(atlas)[:3]]
    found = port_matrix(atlas, ports, closed=["hormuz"])
    assert len(found.pairs) == 4 * 3 and found.closed == ("hormuz",)
    hit = found.hit()
    cut = [d for d in hit if d.cut_off]
    assert hit[: len(cut)] == cut and len(cut) == 6  # Dammam to and from each other port
    assert all("Dammam" in (d.origin.name, d.destination.name) for d in cut)
    assert [p.place.name for p in found.ports] == [p.name for p in ports]
    assert all(p.snap_km < 300 for p in found.ports)
    rest = hit[len(cut) :]
    assert [d.extra_days for d in rest] == sorted((d.extra_days for d in rest), reverse=True)


def test_matrix_from_some_ports_to_others(atlas: Atlas) -> None:
    origins = [Place("Dammam", 50.10, 26.45)]
    found = port_matrix(atlas, origins, matrix_ports(atlas)[:5], closed=["hormuz"])
    assert len(found.pairs) == 5 and all(d.cut_off for d in found.pairs)


def test_a_matrix_needs_something_closed(atlas: Atlas) -> None:
    with pytest.raises(InputError, match="at least one chokepoint"):
        port_matrix(atlas, matrix_ports(atlas), closed=[])


# --------------------------------------------------------------------------- on land


def test_land_path_by_distance_over_cpec(atlas: Atlas) -> None:
    path = land_path(None, ORG_A, atlas, "crossing-khunjerab-pass", "port-gwadar")
    assert path.by is Cost.DISTANCE and path.links[-1].end == "port-gwadar"
    assert 1500 < path.km < 3000 and path.risk == 0  # no store: nothing scores
    assert {s for link in path.links for s in link.states} <= {"CHN", "PAK"}


def test_a_risky_path_is_traded_for_distance_only_as_asked(atlas: Atlas, store: Engine) -> None:
    on_cpec = [(70.9, 29.3), (70.5, 28.7), (68.6, 26.9)]
    _with(
        store,
        *(
            _incident(f"war-{k}", lon, lat, threat_class="armed_conflict", fatalities_best=20)
            for k, (lon, lat) in enumerate(on_cpec)
        ),
    )
    ends = ("crossing-khunjerab-pass", "port-gwadar")
    shortest = land_path(store, ORG_A, atlas, *ends, by="distance")
    safest = land_path(store, ORG_A, atlas, *ends, by=Cost.RISK)
    mixed = land_path(store, ORG_A, atlas, *ends, by="mix", mix=0.0)
    assert shortest.risk > 0
    assert safest.risk <= shortest.risk and safest.km >= shortest.km
    assert mixed.nodes == shortest.nodes  # no weight on risk: the shortest path


def test_land_path_failures(atlas: Atlas) -> None:
    with pytest.raises(UnknownValueError, match="did you mean 'port-gwadar'"):
        land_path(None, ORG_A, atlas, "crossing-khunjerab-pass", "port-gwadr")
    with pytest.raises(NoLandPathError, match="no land path for freight from port-mombasa"):
        land_path(None, ORG_A, atlas, "port-mombasa", "port-gwadar")
    with pytest.raises(UnknownValueError, match="cost 'speed'"):
        land_path(None, ORG_A, atlas, "port-gwadar", "port-karachi", by="speed")
    with pytest.raises(InputError, match="mix"):
        land_path(None, ORG_A, atlas, "port-gwadar", "port-karachi", by="mix", mix=2)
    with pytest.raises(UnknownValueError, match="mode 'water'"):
        land_path(None, ORG_A, atlas, "port-gwadar", "port-karachi", mode="water")
    with pytest.raises(InputError, match="only freight has travel times"):
        land_path(None, ORG_A, atlas, "port-gwadar", "port-karachi", mode="gas", by="time")
    with pytest.raises(NoLandPathError, match="no land path for gas"):
        land_path(None, ORG_A, atlas, "crossing-khunjerab-pass", "port-gwadar", mode="gas")


@pytest.mark.parametrize("by", ["distance", "time"])
def test_xian_to_duisburg_changes_gauge_in_kazakhstan_and_in_poland(atlas: Atlas, by: str) -> None:
    path = land_path(
        None, ORG_A, atlas, "dry-port-xian-international-port", "dry-port-duisburg", by=by
    )
    changes = [(t.start, t.asset) for t in path.transfers]
    assert len(changes) == 2
    entry, exit_ = changes
    assert entry[0] in (
        "crossing-alashankou-dostyk",
        "dry-port-khorgos-eastern-gate, crossing-khorgos-altynkol",
        "crossing-khorgos-altynkol, dry-port-khorgos-eastern-gate",
    )
    assert entry[1] == "transfer rail 1435 > rail 1520"
    assert "dry-port-malaszewicze" in exit_[0] and exit_[1] == "transfer rail 1520 > rail 1435"
    assert {link.layer.split()[0] for link in path.links} == {"rail", "transfer"}  # no pipeline
    travel = sum(link.km for link in path.links) / 41.7
    assert path.hours == pytest.approx(travel + sum(t.hours for t in path.transfers), rel=1e-3)
    assert 8000 < path.km < 10000 and 7 * 24 < path.hours < 16 * 24


def test_no_freight_trip_uses_a_pipeline_and_gas_stays_in_gas(atlas: Atlas) -> None:
    freight = criticality(None, ORG_A, atlas, top=None)
    assert {c.layer.split()[0] for c in freight.links} <= {"rail", "road", "transfer"}
    gas = criticality(None, ORG_A, atlas, mode="gas", top=None)
    assert gas.trips > 10 and {c.layer for c in gas.links} == {"gas"}
    assert {atlas.assets[c.asset].kind.value for c in gas.links} == {"gas_pipeline"}
    kinds = {atlas.assets[c.asset].kind.value for c in freight.links if c.layer != "transfer"}
    assert kinds <= {"railway", "economic_corridor"}


def test_pakistan_is_the_pivot_of_the_trips_one_chooses(atlas: Atlas) -> None:
    found = criticality(
        None,
        ORG_A,
        atlas,
        origins=["crossing-khunjerab-pass"],
        destinations=["port-gwadar", "port-karachi"],
    )
    assert found.trips == 2
    assert found.states["PAK"] == 1.0 and set(found.states) <= {"CHN", "PAK"}
    assert found.links[0].trips_cut == 2  # a CPEC link both trips need
    assert {c.asset for c in found.links} <= {
        "corridor-cpec", "pakistan-ml1-railway", "transfer road > sea", "transfer rail 1676 > sea",
    }  # fmt: skip
    assert [c.trips_cut for c in found.places] == sorted(
        (c.trips_cut for c in found.places), reverse=True
    )


def test_belt_to_road_trips_by_default(atlas: Atlas) -> None:
    found = criticality(None, ORG_A, atlas, top=5)
    assert list(found.states)[:2] == ["CHN", "PAK"] and found.trips >= 5
    assert len(found.links) == 5 and found.links[0].trips_cut > 0


def test_criticality_refuses_an_unknown_place(atlas: Atlas) -> None:
    with pytest.raises(UnknownValueError, match="place of the land network 'atlantis'"):
        criticality(None, ORG_A, atlas, origins=["atlantis"])
