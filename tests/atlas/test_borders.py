"""countries_at finds through its R-tree exactly what a scan of every border finds."""

from __future__ import annotations

import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.atlas.borders import countries_at, country_shapes


def scan(longitude: float, latitude: float) -> list[str]:
    """The brute-force reference: every country's shape asked in turn."""
    return sorted(
        code
        for code, geom in country_shapes().items()
        if shapely.contains_xy(geom, longitude, latitude)
    )


@st.composite
def near_a_border(draw: st.DrawFn) -> tuple[float, float]:
    """A vertex of some country's outline, moved by up to about a km: either side of it."""
    shapes = country_shapes()
    code = draw(st.sampled_from(sorted(shapes)))
    vertices = shapely.get_coordinates(shapes[code])
    lon, lat = vertices[draw(st.integers(0, len(vertices) - 1))]
    d_lon, d_lat = draw(st.tuples(st.floats(-0.01, 0.01), st.floats(-0.01, 0.01)))
    return float(lon + d_lon), float(lat + d_lat)


anywhere = st.tuples(st.floats(-180, 180), st.floats(-90, 90))


@settings(max_examples=300, deadline=None)
@given(point=st.one_of(anywhere, near_a_border()))
def test_countries_at_agrees_with_a_scan_of_every_border(point: tuple[float, float]) -> None:
    assert countries_at(*point) == scan(*point)


def test_known_places() -> None:
    assert countries_at(116.4, 39.9) == ["CHN"]  # Beijing
    assert countries_at(77.1, 35.4) == ["IND", "PAK"]  # the Siachen Glacier counts for both
    assert countries_at(65.0, 15.0) == []  # the Arabian Sea
