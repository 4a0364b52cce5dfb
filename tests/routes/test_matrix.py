"""Many routes at once: equal to searoute's own, closures that mean what they say, blocked
trips said plainly, every chokepoint closed in turn, trips streamed to files."""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import searoute

from corridor.atlas.catalog import Atlas
from corridor.errors import InputError, UnknownValueError
from corridor.routes.closures import closable_chokepoints, closure_scenario
from corridor.routes.disruption import ClosureError, Place, passages_of
from corridor.routes.matrix import port_matrix, trip_batches, write_port_matrix
from corridor.routes.network import MAX_PASSAGES, PASSAGE_NAMES, sea_network
from corridor.routes.places import resolve_place
from corridor.routes.sea import sea_router
from corridor.routes.trip_files import TripNames, trip_table

# Across the Pacific (the line crosses the antimeridian), round Africa, through the Gulf,
# Panama, the Black Sea, Malacca and Sunda.
SAMPLE = (
    "CNSHA", "NLRTM", "USLAX", "JPTYO", "SGSIN", "Dammam", "BRSSZ", "port-gwadar", "PAMIT",
    "AUMEL", "TRMER", "ZADUR",
)  # fmt: skip
VALID = {p for p in searoute.classes.passages.Passage.valid_passages() if isinstance(p, str)}


@pytest.fixture(scope="module")
def sample(atlas: Atlas) -> list[Place]:
    return [resolve_place(name, atlas) for name in SAMPLE]


def _nodes(places: list[Place]) -> np.ndarray:  # type: ignore[type-arg]
    return sea_network().snap(p.point for p in places)


@pytest.mark.parametrize("shut", [(), ("babalmandab", "panama")])
def test_every_route_is_searoutes_to_the_bit_with_its_passages_in_order(
    sample: list[Place], shut: tuple[str, ...]
) -> None:
    """Lengths equal to the bit, the same passages, in the order of the route (9 ports,
    72 routes each way; bench/bench_routes.py checks 4,900)."""
    sample = sample[:9]
    nodes = _nodes(sample)
    found = sea_network().routes(nodes, nodes, frozenset(shut))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, a in enumerate(sample):
            for j, b in enumerate(sample):
                if i == j:
                    continue
                theirs = searoute.searoute(
                    list(a.point), list(b.point), restrictions=["northwest", *shut],
                    return_passages=True,
                )  # fmt: skip
                assert found.length_km[i, j] == theirs.properties["length"], (a, b)
                passages = found.names(i, j)
                assert set(passages) & VALID == set(theirs.properties["traversed_passages"])
                leg = sea_router().route(a.point, b.point, frozenset(shut))
                assert leg is not None and passages == leg.passages  # in order, as one route
                assert found.mask[i, j] == sum(1 << PASSAGE_NAMES.index(p) for p in set(passages))


def test_the_pacific_crossing_is_measured_as_searoute_measures_it(sample: list[Place]) -> None:
    """Its line shifts longitudes by 360 deg past the antimeridian, and so do our steps."""
    shanghai, los_angeles = sample[0], sample[2]
    found = sea_network().routes(_nodes([shanghai]), _nodes([los_angeles]))
    theirs = searoute.searoute(list(shanghai.point), list(los_angeles.point))
    assert max(x for x, _ in theirs.geometry["coordinates"]) > 180  # it does cross
    assert found.length_km[0, 0] == theirs.properties["length"]


def test_reading_closed_routes_only_where_a_closed_passage_was_taken_loses_nothing(
    sample: list[Place],
) -> None:
    """A closure can change only the routes through it: recomputing every origin agrees."""
    network, nodes = sea_network(), _nodes(sample)
    for closed in ({"malacca"}, {"babalmandab", "panama"}, {"ormuz"}):
        (batch,) = trip_batches(network, nodes, nodes, frozenset(closed))
        every = network.routes(nodes, nodes, frozenset(closed))
        recomputed = every.length_km[batch.origin, batch.destination]
        assert np.array_equal(batch.closed_km, recomputed)
        codes = network.codes(closed | {"northwest"})
        assert not np.isin(batch.closed_passages, codes).any()
        assert not np.isin(batch.open_passages, network.codes({"northwest"})).any()


def test_a_closure_off_the_route_changes_nothing(atlas: Atlas) -> None:
    ports = [resolve_place(p, atlas) for p in ("Shanghai", "Rotterdam")]
    (there, back) = port_matrix(atlas, ports, closed=["panama"]).pairs
    for trip in (there, back):
        assert trip.extra_km == 0 and trip.status == "unchanged" and not trip.hit
        assert trip.closed_passages == trip.open_passages


def test_a_closed_cape_is_not_sailed_round_to_the_south(atlas: Atlas) -> None:
    ports = [resolve_place(p, atlas) for p in ("Mombasa", "Rotterdam")]
    there = port_matrix(atlas, ports, closed=["suez", "cape-of-good-hope"]).pairs[0]
    assert "suez" in there.open_passages
    assert "south_africa" not in there.closed_passages and "panama" in there.closed_passages


def test_a_trip_cut_off_says_so_and_has_no_km(atlas: Atlas) -> None:
    ports = [resolve_place(p, atlas) for p in ("Dammam", "Rotterdam", "Shanghai")]
    found = port_matrix(atlas, ports, closed=["hormuz"])
    cut = [t for t in found.pairs if "Dammam" in (t.origin.name, t.destination.name)]
    assert len(cut) == 4 and all(t.cut_off for t in found.hit()[:4])
    for trip in cut:
        assert trip.cut_off and trip.status == "cut off"
        assert trip.closed_km is None and trip.closed_days is None and trip.extra_days is None
        assert trip.open_km is not None and trip.open_km > 1000


def test_a_trip_with_no_sea_route_even_open_is_kept_and_said_plainly(atlas: Atlas) -> None:
    """A ship kept out of the Bosphorus has no way out of the Black Sea at all."""
    ports = [resolve_place(p, atlas) for p in ("Constanta", "Rotterdam")]
    network = sea_network()
    nodes = _nodes(ports)
    (batch,) = trip_batches(network, nodes, nodes, frozenset({"suez"}), barred={"bosporus"})
    assert np.isinf(batch.open_km).all() and np.isinf(batch.closed_km).all()
    table = trip_table(TripNames(atlas, ["Constanta", "Rotterdam"], ["Constanta", "Rotterdam"]),
                       batch, 14.0).to_pylist()  # fmt: skip
    assert [row["status"] for row in table] == ["no sea route", "no sea route"]
    assert all(row["open_km"] is None and row["extra_days"] is None for row in table)


def test_days_add_the_canal_hours_of_the_passages_taken(atlas: Atlas) -> None:
    ports = [resolve_place(p, atlas) for p in ("Shanghai", "Rotterdam")]
    found = port_matrix(atlas, ports, closed=["bab-el-mandeb"], vessel="panamax-container")
    there = found.pairs[0]
    hours = sum(there.passage_hours.get(p, 0.0) for p in there.closed_passages)
    assert "panama" in there.closed_passages and hours > 0
    at_sea = there.closed_km / 1.852 / found.speed_knots / 24.0  # type: ignore[operator]
    assert there.closed_days == pytest.approx(at_sea + hours / 24.0)


def test_each_chokepoint_closed_alone_is_the_matrix_with_it_closed(
    atlas: Atlas, sample: list[Place]
) -> None:
    ports = sample[:8]
    scenario = closure_scenario(atlas, ports)
    assert {c.chokepoint for c in scenario.closures} == set(closable_chokepoints(atlas))
    assert scenario.trips == 8 * 7 and not scenario.no_route
    for closure in scenario.closures:
        matrix = port_matrix(atlas, ports, closed=[closure.chokepoint])
        through = {
            (t.origin, t.destination): t for t in matrix.pairs if closure.passage in t.open_passages
        }
        assert {(t.origin, t.destination) for t in closure.trips} == set(through)
        for trip in closure.trips:
            assert trip.closed_km == through[(trip.origin, trip.destination)].closed_km
        days = [t.extra_days for t in closure.trips if t.extra_days is not None]
        assert days == sorted(days, reverse=True)
        cut = closure.cut_off
        assert list(closure.trips[: len(cut)]) == cut
    hormuz = next(c for c in scenario.closures if c.chokepoint == "hormuz")
    assert hormuz.cut_off and all(
        "Dammam" in (t.origin.name, t.destination.name) for t in hormuz.cut_off
    )
    assert scenario.closures[0] == hormuz  # the only one that cuts trips off comes first


def test_the_scenario_takes_a_few_chokepoints_by_either_name_and_refuses_others(
    atlas: Atlas, sample: list[Place]
) -> None:
    found = closure_scenario(atlas, sample[:4], chokepoints=["ormuz", "hormuz", "malacca"])
    assert sorted(c.chokepoint for c in found.closures) == ["hormuz", "malacca"]
    with pytest.raises(UnknownValueError, match="did you mean 'malacca'"):
        closure_scenario(atlas, sample[:2], chokepoints=["malaca"])
    with pytest.raises(ClosureError):
        closure_scenario(atlas, sample[:2], chokepoints=["dardanelles"])


def test_a_vessel_barred_from_a_passage_is_never_routed_through_it(atlas: Atlas) -> None:
    ports = [resolve_place(p, atlas) for p in ("Shanghai", "Rotterdam", "USNYC")]
    found = closure_scenario(atlas, ports, vessel="ulcv", chokepoints=["panama", "suez"])
    panama = next(c for c in found.closures if c.chokepoint == "panama")
    assert panama.barred and not panama.trips


def test_the_matrix_streams_to_csv_and_parquet_alike(atlas: Atlas, tmp_path: Path) -> None:
    ports = [resolve_place(p, atlas) for p in ("Dammam", "Rotterdam", "Shanghai", "Santos")]
    written = {}
    for name in ("trips.csv", "trips.parquet"):
        result = write_port_matrix(atlas, ports, path=tmp_path / name, closed=["hormuz"])
        assert result.trips == 12 and result.statuses["cut off"] == 6
        written[name] = result
    with (tmp_path / "trips.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    table = pq.read_table(tmp_path / "trips.parquet").to_pylist()
    assert [r["origin"] for r in rows] == [r["origin"] for r in table]
    cut = [r for r in rows if r["status"] == "cut off"]
    assert len(cut) == 6 and all(r["closed_km"] == "" and r["open_km"] for r in cut)
    by_pair = {(t.origin.name, t.destination.name): t for t in port_matrix(
        atlas, ports, closed=["hormuz"]).pairs}  # fmt: skip
    for row in table:
        trip = by_pair[(row["origin"], row["destination"])]
        assert row["open_km"] == trip.open_km and row["closed_km"] == trip.closed_km
        assert row["status"] == trip.status
    shanghai = next(
        r for r in table if (r["origin"], r["destination"]) == ("Shanghai", "Rotterdam")
    )
    assert shanghai["open_chokepoints"].split(" > ") == [
        "malacca", "bab-el-mandeb", "suez", "gibraltar"
    ]  # fmt: skip


def test_the_file_must_be_csv_or_parquet_and_not_already_there(
    atlas: Atlas, tmp_path: Path
) -> None:
    ports = [resolve_place(p, atlas) for p in ("Dammam", "Rotterdam")]
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        write_port_matrix(atlas, ports, path=tmp_path / "trips.txt", closed=["hormuz"])
    (tmp_path / "taken.csv").write_text("keep me\n")
    with pytest.raises(InputError, match="--force"):
        write_port_matrix(atlas, ports, path=tmp_path / "taken.csv", closed=["hormuz"])
    assert (tmp_path / "taken.csv").read_text() == "keep me\n"
    write_port_matrix(atlas, ports, path=tmp_path / "taken.csv", closed=["hormuz"], force=True)
    assert (tmp_path / "taken.csv").read_text().startswith('"origin"')


def test_a_route_records_every_passage_it_takes(sample: list[Place]) -> None:
    nodes = _nodes(sample)
    found = sea_network().routes(nodes, nodes, frozenset({"suez", "panama", "babalmandab"}))
    taken = (found.passages >= 0).sum(axis=-1)
    assert taken.max() < MAX_PASSAGES  # room to spare: nothing was cut short


def test_the_closable_passages_are_the_atlas_ones(atlas: Atlas) -> None:
    names = closable_chokepoints(atlas)
    assert "malacca" in names and "hormuz" in names and "dardanelles" not in names
    assert all(p in PASSAGE_NAMES for p in passages_of(atlas, names))
    assert math.isfinite(sea_network().weight.sum())


def test_batches_are_flat_in_memory(atlas: Atlas, sample: list[Place]) -> None:
    """Many destinations mean fewer origins per batch, never bigger batches."""
    network = sea_network()
    nodes = np.tile(_nodes(sample), 200)  # 2,400 destinations
    batches = trip_batches(network, nodes[:40], nodes, frozenset({"malacca"}), skip_same=False)
    sizes = [len(b) for b in batches]
    assert sum(sizes) == 40 * len(nodes) and max(sizes) <= 16_384


def test_routes_are_named_by_their_atlas_chokepoints_in_order(atlas: Atlas) -> None:
    """Rows of passage codes, up to the widest, read back to the same names one by one."""
    rng = np.random.default_rng(5)
    codes = np.full((3000, MAX_PASSAGES), -1, np.int8)
    for row in codes:
        taken = rng.integers(0, 7)
        row[:taken] = rng.integers(0, len(PASSAGE_NAMES), taken)
    codes[0, :12] = np.arange(12)  # wider than one word of eight
    names = TripNames(atlas, [], [])
    ids = {c.searoute_passage or c.id: c.id for c in atlas.chokepoints.values()}
    wanted = [
        " > ".join(ids[PASSAGE_NAMES[c]] for c in row if c >= 0 and PASSAGE_NAMES[c] in ids)
        for row in codes
    ]
    assert names.chokepoints(codes).tolist() == wanted
    assert names.chokepoints(codes[1:]).tolist() == wanted[1:]  # one word a row
