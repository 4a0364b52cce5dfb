"""Hypothesis strategies for the project's records, shared by the test modules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from corridor.events.model import DatePrecision, Incident, LocationPrecision, Target, Tlp

THREAT_CLASSES = ("armed_conflict", "terrorism", "piracy", "drug_trafficking", "political_turmoil")
words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=30)
labels = st.lists(st.text(alphabet="abcdefghij ;,\"'é-", min_size=1, max_size=12), max_size=3)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def incidents(draw: st.DrawFn, *, source: str | None = None) -> Incident:
    """Any valid incident; ids unique enough for a few hundred per test."""
    start = draw(days)
    has_place = draw(st.booleans())
    updated = draw(
        st.none()
        | st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
        )
    )
    return Incident(
        source=source or draw(st.sampled_from(["ucdp", "acled", "agency"])),
        source_id=draw(st.uuids()).hex[:16],
        title=draw(words),
        start_date=start,
        end_date=draw(st.none() | st.just(start + timedelta(days=draw(st.integers(0, 30))))),
        date_precision=draw(st.sampled_from(list(DatePrecision))),
        longitude=draw(st.floats(-180, 180)) if has_place else None,
        latitude=draw(st.floats(-90, 90)) if has_place else None,
        location_precision=draw(st.sampled_from(list(LocationPrecision))),
        country=draw(st.none() | st.sampled_from(["SYR", "SOM", "KAZ", "PAK", "YEM"])),
        location_name=draw(words),
        description=draw(words),
        threat_class=draw(st.sampled_from(THREAT_CLASSES)),
        source_categories=tuple(draw(labels)),
        severity=draw(st.integers(1, 5)),
        fatalities_best=draw(st.none() | st.integers(0, 5000)),
        fatalities_low=draw(st.none() | st.integers(0, 5000)),
        fatalities_high=draw(st.none() | st.integers(0, 5000)),
        actors=tuple(draw(labels)),
        target=draw(st.none() | st.sampled_from(list(Target))),
        tags=tuple(draw(labels)),
        reporter=draw(st.sampled_from(["public:ucdp", "org-a", "org-b"])),
        tlp=draw(st.sampled_from(list(Tlp))),
        source_updated=updated.replace(microsecond=0) if updated else None,
    )


__all__ = ["UTC", "incidents"]
