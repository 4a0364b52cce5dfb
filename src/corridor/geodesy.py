"""Distances on the Earth, defined once: every km the project measures comes from here.

Coordinates are (longitude, latitude) in degrees on WGS 84. A point becomes a unit
vector of the sphere whose latitude is the geodetic one; the distance between two
points is the angle between their vectors (``central_angle``) scaled by the ellipsoid's
radii halfway, in their direction (``angle_km``). Against pyproj's exact ``Geod`` that
is within 1e-6 of the distance up to 100 km, 5e-5 up to 1,000 km, 1e-3 up to 5,000 km
and 0.6 % anywhere, the worst near antipodes (tests/test_geodesy.py). The spatial index of the risk
engine calls the same two compiled functions from its loops (``risk/kernels.py``).
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
from numba import njit
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "TIGHTEST_KM",
    "WGS84_A",
    "WGS84_E2",
    "angle_km",
    "central_angle",
    "great_circle_km",
    "km_along",
    "unit_vectors",
    "wrap_longitude",
]

WGS84_A = 6378.137  # km
WGS84_E2 = 0.00669437999014  # first eccentricity squared
# No point of the ellipsoid curves tighter than the meridian at the equator: an angle
# times this radius never overstates a distance.
TIGHTEST_KM = WGS84_A * (1.0 - WGS84_E2)

Longitude = TypeVar("Longitude", float, NDArray[np.float64])


def wrap_longitude(lon: Longitude) -> Longitude:
    """A longitude (or a difference of two) brought into -180..180, 360 degrees at a time."""
    return (lon + 180.0) % 360.0 - 180.0


def unit_vectors(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
    """(n, 3) unit vectors for (lon, lat) degrees, latitude taken as geodetic."""
    lam = np.radians(np.asarray(lon, np.float64))
    phi = np.radians(np.asarray(lat, np.float64))
    cos_phi = np.cos(phi)
    return np.ascontiguousarray(
        np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)
    )


@njit(cache=True, inline="always")
def central_angle(px: float, py: float, pz: float, qx: float, qy: float, qz: float) -> float:
    """Angle between two unit vectors, exact near 0 and pi (atan2 of |cross| and dot)."""
    cx = py * qz - pz * qy
    cy = pz * qx - px * qz
    cz = px * qy - py * qx
    return math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), px * qx + py * qy + pz * qz)


@njit(cache=True)
def angle_km(
    theta: float, px: float, py: float, pz: float, qx: float, qy: float, qz: float
) -> float:
    """The angle ``theta`` between unit vectors P and Q as km on WGS 84.

    On the sphere of geodetic latitude a small step of angle ``theta`` whose squared
    share northward is ``n`` has length ``theta * sqrt(n M^2 + (1 - n) N^2)`` on the
    ellipsoid (M, N: meridian and prime-vertical radii); both are taken halfway, so the
    distance is the same both ways. Never less than ``theta * TIGHTEST_KM``.
    """
    if theta == 0.0:
        return 0.0
    mx, my, mz = px + qx, py + qy, pz + qz
    m2 = mx * mx + my * my + mz * mz
    north_share = 0.5
    s2 = 0.5  # antipodes have no halfway point: the mean of sin^2 over a meridian
    if m2 > 1e-24:
        s2 = mz * mz / m2  # sin^2 of the latitude halfway
        rho2 = mx * mx + my * my
        if rho2 > 1e-24 * m2:  # halfway is not a pole, where every direction is the same
            dx, dy, dz = qx - px, qy - py, qz - pz
            north = rho2 * dz - mz * (mx * dx + my * dy)  # both times |M x z| |M|
            east = (mx * dy - my * dx) * math.sqrt(m2)
            h = north * north + east * east
            if h > 0.0:
                north_share = north * north / h
    w = 1.0 - WGS84_E2 * s2
    meridian = WGS84_A * (1.0 - WGS84_E2) / (w * math.sqrt(w))
    normal = WGS84_A / math.sqrt(w)
    return theta * math.sqrt(
        north_share * meridian * meridian + (1.0 - north_share) * normal * normal
    )


@njit(cache=True, nogil=True)
def _pair_km(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.empty(len(p))
    for i in range(len(p)):
        px, py, pz, qx, qy, qz = p[i, 0], p[i, 1], p[i, 2], q[i, 0], q[i, 1], q[i, 2]
        out[i] = angle_km(central_angle(px, py, pz, qx, qy, qz), px, py, pz, qx, qy, qz)
    return out


def great_circle_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Distance in km from (lon1, lat1) to (lon2, lat2), degrees, arrays broadcast together
    (see the module docstring for the accuracy)."""
    arrays = np.broadcast_arrays(*(np.asarray(a, np.float64) for a in (lon1, lat1, lon2, lat2)))
    shape = arrays[0].shape
    lon_a, lat_a, lon_b, lat_b = (a.reshape(-1) for a in arrays)
    km = _pair_km(unit_vectors(lon_a, lat_a), unit_vectors(lon_b, lat_b))
    return km.reshape(shape)


def km_along(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.float64]:
    """Distance in km from the first point of a path to each of its points."""
    lon_deg = np.asarray(lon, np.float64).reshape(-1)
    lat_deg = np.asarray(lat, np.float64).reshape(-1)
    if len(lon_deg) == 0:
        return np.empty(0)
    steps = great_circle_km(lon_deg[:-1], lat_deg[:-1], lon_deg[1:], lat_deg[1:])
    return np.concatenate([[0.0], np.cumsum(steps)])
