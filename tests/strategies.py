"""Hypothesis strategies for the project's records, shared by the test modules."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pycountry
from hypothesis import strategies as st

from corridor.events.importers.generic import threat_class_ids
from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp

__all__ = ["incident_lists", "incidents", "names", "valid_incidents"]

# Characters that break naive CSV, list and JSON handling, mixed into any unicode text.
_AWKWARD = list(";,\"\\'\n\r\t\x00 é€字😀\u2028")
_chars = st.characters(exclude_categories=("Cs",)) | st.sampled_from(_AWKWARD)
clean_text = st.text(_chars, max_size=30).map(str.strip)
names = clean_text.filter(bool)
name_lists = st.lists(names | st.sampled_from(["a;b", "x\\", "\\;", "NA", '"q"']), max_size=4)
countries = sorted({c.alpha_3 for c in pycountry.countries} | {"XKX"})
offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=3))]
)


@st.composite
def valid_incidents(draw: st.DrawFn) -> Incident:
    """Any incident the format accepts: text stripped, lists of non-empty stripped items."""
    start = draw(st.dates())
    placed = draw(st.booleans())
    return Incident(
        source=draw(names),
        source_id=draw(names),
        title=draw(names | st.sampled_from(["NA", "None", "-", "null"])),
        start_date=start,
        end_date=draw(st.none() | st.dates(min_value=start)),
        date_precision=draw(st.sampled_from(DatePrecision)),
        longitude=draw(st.floats(-180, 180)) if placed else None,
        latitude=draw(st.floats(-90, 90)) if placed else None,
        location_precision=draw(st.sampled_from(LocationPrecision)),
        country=draw(st.none() | st.sampled_from(countries)),
        location_name=draw(clean_text),
        description=draw(clean_text),
        threat_class=draw(st.sampled_from(sorted(threat_class_ids()))),
        source_categories=tuple(draw(name_lists)),
        severity=draw(st.integers(1, 5)),
        fatalities_best=draw(st.none() | st.integers(0, 10**9)),
        fatalities_low=draw(st.none() | st.integers(0, 10**9)),
        fatalities_high=draw(st.none() | st.integers(0, 10**9)),
        actors=tuple(draw(name_lists)),
        target=draw(st.none() | st.sampled_from(Target)),
        tags=tuple(draw(name_lists)),
        reporter=draw(clean_text),
        tlp=draw(st.sampled_from(Tlp)),
        source_updated=draw(st.none() | st.datetimes(timezones=offsets)),
    )


incident_lists = st.lists(valid_incidents(), max_size=5, unique_by=lambda i: i.uuid)


def incidents() -> st.SearchStrategy[Incident]:
    """Any valid incident (the name the store tests use)."""
    return valid_incidents()
