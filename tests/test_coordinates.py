"""One parser for coordinates in every form people and exports write them."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.coordinates import (
    CoordinateError,
    Position,
    parse_coordinate,
    parse_position,
    read_position,
)

longitudes = st.one_of(st.floats(-180, 180), st.sampled_from([-180.0, 180.0, 0.0]))
latitudes = st.one_of(st.floats(-90, 90), st.sampled_from([-90.0, 90.0, 0.0]))


def hemisphere(value: float, axis: str) -> str:
    return ("N" if value >= 0 else "S") if axis == "lat" else ("E" if value >= 0 else "W")


def dms(value: float, axis: str) -> str:
    """Degrees, minutes and seconds to 1/100 second, with the hemisphere letter."""
    hundredths = round(abs(value) * 360_000)
    degrees, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    return f"{degrees}°{minutes:02d}'{rest / 100:05.2f}\"{hemisphere(value, axis)}"


def letters(value: float, axis: str) -> str:
    return f"{abs(value):.6f}{hemisphere(value, axis)}"


FORMS = {
    "decimal lon,lat": (lambda lon, lat: f"{lon:.6f},{lat:.6f}", 5e-7),
    "decimal with a space": (lambda lon, lat: f"{lon:.6f} {lat:.6f}", 5e-7),
    "letters lon,lat": (lambda lon, lat: f"{letters(lon, 'lon')},{letters(lat, 'lat')}", 5e-7),
    "letters lat lon": (lambda lon, lat: f"{letters(lat, 'lat')} {letters(lon, 'lon')}", 5e-7),
    "DMS lat lon": (lambda lon, lat: f"{dms(lat, 'lat')} {dms(lon, 'lon')}", 1.5e-6),
    "DMS on two lines": (lambda lon, lat: f"{dms(lat, 'lat')} \n{dms(lon, 'lon')}", 1.5e-6),
    "DMS lon, lat": (lambda lon, lat: f"{dms(lon, 'lon')}, {dms(lat, 'lat')}", 1.5e-6),
}


@given(lon=longitudes, lat=latitudes, form=st.sampled_from(sorted(FORMS)))
def test_every_form_reads_back_within_its_rounding(lon: float, lat: float, form: str) -> None:
    write, rounding = FORMS[form]
    parsed = read_position(write(lon, lat))
    assert abs(parsed.lon - lon) <= rounding and abs(parsed.lat - lat) <= rounding
    assert not parsed.normalized


@given(lon=longitudes, lat=latitudes)
def test_unlabelled_numbers_follow_the_order_asked(lon: float, lat: float) -> None:
    lon_text, lat_text = f"{lon:.6f}", f"{lat:.6f}"
    expected = (float(lon_text), float(lat_text))
    assert parse_position(f"{lat_text},{lon_text}", order="lat,lon") == expected
    assert parse_position(f"{lon_text}, {lat_text}") == expected


@given(value=latitudes, axis=st.sampled_from(["lat", "lon"]))
def test_one_coordinate_reads_back(value: float, axis: str) -> None:
    value = value * (2 if axis == "lon" else 1)
    assert abs(parse_coordinate(dms(value, axis), axis) - value) <= 1.5e-6  # type: ignore[arg-type]
    assert abs(parse_coordinate(f"{value:.6f}", axis) - value) <= 5e-7  # type: ignore[arg-type]


def test_the_forms_the_command_line_takes() -> None:
    assert parse_position("-93.87,29.73") == (-93.87, 29.73)
    assert parse_position("93.87W,29.73N") == (-93.87, 29.73)
    assert parse_position("29.73N 93.87W") == (-93.87, 29.73)
    assert parse_position("29.73 n, 93.87 w") == (-93.87, 29.73)
    lon, lat = parse_position("1°07'00\"N 103°31'00\"E")
    assert math.isclose(lon, 103 + 31 / 60) and math.isclose(lat, 1 + 7 / 60)
    lon, lat = parse_position("-93°52'12\", 29°43'48\"")  # signed DMS, no letters
    assert math.isclose(lon, -93.87) and math.isclose(lat, 29.73)


@pytest.mark.parametrize(
    "text",
    [
        "1°07'00\"N",
        "1°07'N",  # no seconds
        "1° 07' 00\" N",  # spaces
        "1°07'00\"n",  # lower case
        "1 07'00\"N",  # no degree sign
        "107'00\"N",  # no degree sign, no space
        "1 07 00 N",  # no marks at all
        "1°07.0'N",  # decimal minutes
        "1\u00ba07\u203200\u2033N",  # ordinal for degree, prime and double prime
        "01-07N",  # the style of ASAM descriptions
        "1.1166667N",  # decimal with the letter
        "+1.1166667",  # signed decimal
    ],
)
def test_variants_give_one_value(text: str) -> None:
    assert abs(parse_coordinate(text, "lat") - 1.116667) <= 1e-6


@st.composite
def dms_parts(draw: st.DrawFn) -> tuple[int, int, int, str]:
    letter = draw(st.sampled_from("NSEW"))
    degrees = draw(st.integers(0, 89 if letter in "NS" else 179))
    return degrees, draw(st.integers(0, 59)), draw(st.integers(0, 59)), letter


@given(
    parts=dms_parts(),
    style=st.sampled_from(
        [
            "{d}°{m:02d}'{s:02d}\"{h}",
            "{d}° {m}' {s}\" {hl}",
            "{d} {m:02d}'{s:02d}\"{h}",
            "{d}°{m:02d}'{s:02d}''{hl}",
            "{d}°{dm:.6f}'{h}",
            "{d} {m} {s} {h}",
            "{d}-{m:02d}-{s:02d}{h}",
            "{d:03d}°{m:02d}\u2032{s:02d}\u2033{h}",  # primes
        ]
    ),
)
def test_dms_reads_back_in_every_tolerated_style(
    parts: tuple[int, int, int, str], style: str
) -> None:
    degrees, minutes, seconds, letter = parts
    text = style.format(
        d=degrees, m=minutes, s=seconds, dm=minutes + seconds / 60, h=letter, hl=letter.lower()
    )
    value = degrees + minutes / 60 + seconds / 3600
    read = parse_coordinate(text, "lat" if letter in "NS" else "lon")
    assert abs(read - (-value if letter in "SW" else value)) <= 1e-6
    assert math.copysign(1.0, read) == (-1.0 if letter in "SW" else 1.0)


@pytest.mark.parametrize(
    ("text", "axis", "reason"),
    [
        ("unknown", "lat", "is not a number of degrees such as -93.87, 93.87W or 93°52'12\"W"),
        ("1 07", "lat", "is not a number of degrees such as -93.87, 93.87W or 93°52'12\"W"),
        ("1.5°30'N", "lat", "has minutes after decimal degrees"),
        ("1°07.5'30\"N", "lat", "has seconds after decimal minutes"),
        ("-1°07'N", "lat", "has both a sign and a hemisphere letter"),
        ("91°00'00\"N", "lat", "is outside -90..90"),
        ("89°60'01\"S", "lat", "is outside -90..90"),  # beyond 90 once carried
        ("181°00'00\"E", "lon", "is outside -180..180"),
        ("-180.5", "lon", "is outside -180..180"),
        ("12N", "lon", "is a latitude, not a longitude"),
        ("12E", "lat", "is a longitude, not a latitude"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(text: str, axis: str, reason: str) -> None:
    with pytest.raises(CoordinateError) as raised:
        parse_coordinate(text, axis)  # type: ignore[arg-type]
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("text", "reason", "unreadable"),
    [
        ("Rotterdam", "is not a position such as 1°07'00\"N 103°31'00\"E or -93.87,29.73", True),
        ("12 30 45.5", "is not a position such as 1°07'00\"N 103°31'00\"E or -93.87,29.73", True),
        ("1°07'N 2°07'N", "needs one latitude (N/S) and one longitude (E/W)", False),
        ("95°00'00\"N \n3°50'00\"W", "latitude is outside -90..90", False),
        ("29.73, -93.87", "latitude is outside -90..90", False),  # lat,lon given as lon,lat
    ],
)
def test_what_is_no_position_is_refused(text: str, reason: str, unreadable: bool) -> None:
    with pytest.raises(CoordinateError) as raised:
        parse_position(text)
    assert (raised.value.reason, raised.value.unreadable) == (reason, unreadable)


# Exports round to the second and carry badly: 59'59.6" becomes 59'60" or 60'00".


def test_rounding_carries_and_three_digit_seconds_are_kept_and_flagged() -> None:
    assert read_position("5°60'00\"S \n12°59'60\"E") == Position(13.0, -6.0, normalized=True)
    assert read_position("1°07'010\"N 103°31'00\"E") == Position(
        103 + 31 / 60, 1 + 7 / 60 + 10 / 3600, normalized=True
    )
    assert read_position("90°00'00\"N 180°00'00\"W") == Position(-180.0, 90.0)
    assert read_position("89°60'00\"N 179°59'60\"W") == Position(-180.0, 90.0, normalized=True)


@given(
    degrees=st.integers(1, 89),
    minutes=st.integers(0, 59),
    seconds=st.integers(0, 59),
    carry=st.sampled_from(["minutes", "seconds", "three digits"]),
    south=st.booleans(),
)
def test_a_carried_coordinate_is_the_same_place(
    degrees: int, minutes: int, seconds: int, carry: str, south: bool
) -> None:
    if carry == "minutes":  # d°00's" written (d-1)°60's"
        text, exact = f"{degrees - 1}°60'{seconds:02d}\"", degrees + seconds / 3600
    elif carry == "seconds":  # d°(m+1)'00" written d°m'60"
        text, exact = f"{degrees}°{minutes:02d}'60\"", degrees + (minutes + 1) / 60
    else:
        text = f"{degrees}°{minutes:02d}'{seconds:03d}\""
        exact = degrees + minutes / 60 + seconds / 3600
    read = read_position(f"{text}{'S' if south else 'N'} 10°00'00\"E")
    assert abs(read.lat - (-exact if south else exact)) <= 1e-9
    assert read.normalized


def test_the_module_does_not_import_numpy() -> None:
    """The CLI parses its arguments with it before anything heavy is loaded."""
    code = "import sys, corridor.coordinates; sys.exit('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
