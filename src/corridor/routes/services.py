"""What Secure Corridor does with routes, as one surface for the CLI, the API and notebooks.

At sea: :func:`sea_route` (one voyage, open and with closures, with how far each end
was snapped to the sea network), :func:`route_exposure` (its exposure to incidents),
:func:`port_matrix` (every pair of ports, and ``PortMatrix.hit()``: which pairs the
closures hurt), :func:`closure_scenario` (each chokepoint closed in turn: the trips it
lengthens or cuts off), :func:`write_port_matrix` (every pair to a CSV or Parquet file,
streamed); they plan for a ``vessel`` (:func:`resolve_vessel`: a class of
:func:`load_vessels` with overrides), keeping out of the passages it does not fit.
On land: :func:`land_path` (cheapest by distance, risk or a mix) and :func:`criticality`
(links, places and pivot states the trips depend on), each for one flow (freight over
rail, road and their transfers; gas or oil over their pipelines), and
:func:`land_pieces` (what the network falls into, by mode).

    >>> from corridor.atlas import load_atlas
    >>> from corridor.routes.services import sea_route
    >>> route = sea_route(load_atlas(), "Shanghai", "Rotterdam", closed=["bab-el-mandeb"])
    >>> round(route.extra_days or 0)
    9
"""

from __future__ import annotations

from corridor.routes.closures import (
    ChokepointClosure,
    ClosureScenario,
    closable_chokepoints,
    closure_scenario,
    write_closures,
)
from corridor.routes.disruption import ClosureError, Disruption, Place
from corridor.routes.land import Cost, LandNetwork
from corridor.routes.matrix import (
    MatrixFile,
    PortMatrix,
    Trip,
    TripBatch,
    draw_matrix_map,
    matrix_ports,
    port_matrix,
    write_port_matrix,
)
from corridor.routes.modes import Flow, Mode
from corridor.routes.pieces import Component, LandComponents, draw_land_network, land_pieces
from corridor.routes.places import PlaceError, UnknownPlaceError
from corridor.routes.trips import (
    Criticality,
    CriticalLink,
    CriticalPlace,
    LandLink,
    LandPath,
    NoLandPathError,
    criticality,
    draw_land_map,
    land_path,
    scored_land_network,
)
from corridor.routes.vessels import (
    Barred,
    PassageLimits,
    Vessel,
    VesselClass,
    load_passages,
    load_vessels,
    resolve_vessel,
)
from corridor.routes.voyages import (
    DEFAULT_MAX_SNAP_KM,
    DEFAULT_SPEED_KNOTS,
    Endpoint,
    RouteExposure,
    RouteLeg,
    SeaRoute,
    SnapError,
    draw_sea_map,
    route_exposure,
    sea_route,
)

__all__ = [
    "DEFAULT_MAX_SNAP_KM",
    "DEFAULT_SPEED_KNOTS",
    "Barred",
    "ChokepointClosure",
    "ClosureError",
    "ClosureScenario",
    "Component",
    "Cost",
    "CriticalLink",
    "CriticalPlace",
    "Criticality",
    "Disruption",
    "Endpoint",
    "Flow",
    "LandComponents",
    "LandLink",
    "LandNetwork",
    "LandPath",
    "MatrixFile",
    "Mode",
    "NoLandPathError",
    "PassageLimits",
    "Place",
    "PlaceError",
    "PortMatrix",
    "RouteExposure",
    "RouteLeg",
    "SeaRoute",
    "SnapError",
    "Trip",
    "TripBatch",
    "UnknownPlaceError",
    "Vessel",
    "VesselClass",
    "closable_chokepoints",
    "closure_scenario",
    "criticality",
    "draw_land_map",
    "draw_land_network",
    "draw_matrix_map",
    "draw_sea_map",
    "land_path",
    "land_pieces",
    "load_passages",
    "load_vessels",
    "matrix_ports",
    "port_matrix",
    "resolve_vessel",
    "route_exposure",
    "scored_land_network",
    "sea_route",
    "write_closures",
    "write_port_matrix",
]
