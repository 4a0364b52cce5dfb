"""Criticality on a graph drawn by hand, where every number can be checked on paper."""

from __future__ import annotations

import networkx as nx

from corridor.routes.criticality import (
    cheapest_path,
    link_criticality,
    node_criticality,
    state_betweenness,
)


def _graph() -> nx.Graph:  # type: ignore[type-arg]
    """A-B-C-D-F in a line of 1 km links, with a detour B-E-C of 2 + 2 km.

    D-F is the only way to F; B-C has the detour (3 km longer); A-B and C-D have none.
    """
    graph: nx.Graph = nx.Graph()  # type: ignore[type-arg]
    for u, v, km, states in (
        ("A", "B", 1, ["X"]), ("B", "C", 1, ["P"]), ("C", "D", 1, ["P"]),
        ("B", "E", 2, ["Q"]), ("E", "C", 2, ["Q"]), ("D", "F", 1, ["Y"]),
    ):  # fmt: skip
        graph.add_edge(u, v, km=km, states=states)
    return graph


PAIRS = [("A", "D"), ("A", "F"), ("B", "F")]


def test_links_with_no_alternative_for_the_most_pairs_come_first() -> None:
    ranked = link_criticality(_graph(), PAIRS)
    assert [(c.link, c.pairs_cut, c.pairs_rerouted, c.extra, c.used_by) for c in ranked] == [
        (("C", "D"), 3, 0, 0, 3),  # every pair crosses it and has no other way
        (("A", "B"), 2, 0, 0, 2),
        (("D", "F"), 2, 0, 0, 2),
        (("B", "C"), 0, 3, 9, 3),  # the detour: 3 km more for each of the 3 pairs
    ]


def test_the_graph_is_left_as_it_was() -> None:
    graph = _graph()
    link_criticality(graph, PAIRS)
    assert sorted(graph.edges(data="km")) == sorted(_graph().edges(data="km"))


def test_the_pivot_is_the_state_every_trip_crosses() -> None:
    graph = _graph()
    shares = state_betweenness(graph, PAIRS, lambda u, v: graph.edges[u, v]["states"])
    assert shares == {"P": 1.0, "X": 2 / 3, "Y": 2 / 3}


def test_cheapest_path_by_another_cost() -> None:
    graph = _graph()
    graph.edges["B", "C"]["risk"] = 10.0
    for u, v in graph.edges:
        graph.edges[u, v].setdefault("risk", 0.0)
    assert cheapest_path(graph, "A", "D", "km") == (3.0, ["A", "B", "C", "D"])
    assert cheapest_path(graph, "A", "D", "risk") == (0.0, ["A", "B", "E", "C", "D"])
    graph.add_node("Z")
    assert cheapest_path(graph, "A", "Z", "km") is None


def test_places_that_trips_pass_through_rank_by_what_losing_them_costs() -> None:
    """Through C pass all three trips and none has another way; B carries A's two trips,
    D the two to F. E is on no shortest path; the trips' own ends are not counted."""
    ranked = node_criticality(_graph(), PAIRS)
    assert [(c.node, c.pairs_cut, c.pairs_rerouted, c.extra, c.used_by) for c in ranked] == [
        ("C", 3, 0, 0, 3),
        ("B", 2, 0, 0, 2),
        ("D", 2, 0, 0, 2),
    ]


def test_a_place_with_a_way_round_reroutes() -> None:
    graph = _graph()
    graph.add_edge("A", "E", km=5, states=["Q"])  # now A can reach C without B
    ranked = {c.node: c for c in node_criticality(graph, PAIRS)}
    assert (ranked["B"].pairs_cut, ranked["B"].pairs_rerouted) == (0, 2)
    assert ranked["B"].extra == 2 * ((5 + 2) - (1 + 1))  # A-E-C instead of A-B-C, twice
