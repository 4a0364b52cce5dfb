"""Places on the command line and in port lists read positions in every form."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.atlas import Atlas
from corridor.routes.disruption import Place
from corridor.routes.places import PlaceError, read_places, resolve_place


@pytest.mark.parametrize(
    "text", ["-93.87,29.73", "-93.87, 29.73", "93.87W,29.73N", "29.73N 93.87W", "29.73n,93.87w"]
)
def test_a_point_in_any_form(text: str, atlas: Atlas) -> None:
    assert resolve_place(text, atlas) == Place(text, -93.87, 29.73)


def test_a_point_in_degrees_minutes_and_seconds(atlas: Atlas) -> None:
    place = resolve_place("1°07'00\"N 103°31'00\"E", atlas)
    assert place.point == pytest.approx((103 + 31 / 60, 1 + 7 / 60))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("29.73,-93.87", "latitude is outside -90..90"),
        ("29.73N 30.5N", "needs one latitude (N/S) and one longitude (E/W)"),
    ],
)
def test_a_wrong_point_is_named_not_looked_up_as_a_port(
    text: str, reason: str, atlas: Atlas
) -> None:
    with pytest.raises(PlaceError) as raised:
        resolve_place(text, atlas)
    assert str(raised.value) == f"{text}: {reason}"


def test_a_port_list_takes_hemisphere_letters(tmp_path: Path, atlas: Atlas) -> None:
    path = tmp_path / "ports.csv"
    path.write_text("name,lon,lat\nPort Arthur,93.87W,29.73N\nBad,93.87N,1\n", encoding="utf-8")
    with pytest.raises(PlaceError) as raised:
        read_places(path, atlas)
    assert str(raised.value) == f"{path}:3: lon: '93.87N' is a latitude, not a longitude"
    path.write_text("name,lon,lat\nPort Arthur,93.87W,29.73N\n", encoding="utf-8")
    assert read_places(path, atlas) == [Place("Port Arthur", -93.87, 29.73)]
