"""What every risk and route analysis reads: the atlas, a profile, the incidents, a date.

One function loads and checks them all, for the CLI, the API and notebooks alike:
the incidents are only those the viewer may read, up to the date scored, each weighed
by the viewer's organization's trust in its source (those it rates unreliable, weight
0, left out).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from corridor.atlas.catalog import Atlas
from corridor.cooperation.sharing import Viewer
from corridor.cooperation.trust_services import trust_weights
from corridor.errors import InputError, UnknownValueError
from corridor.risk.exposure import IncidentArrays
from corridor.risk.profile import RiskProfile, default_profile_path, load_profile
from corridor.risk.trust import by_trust
from corridor.risk.user_assets import RiskAsset, atlas_assets, load_user_assets
from corridor.store.incident_columns import incident_arrays
from corridor.store.incidents import IncidentQuery

__all__ = ["NoIncidentsError", "RiskInputs", "check_threat", "risk_inputs", "threat_classes"]


class NoIncidentsError(InputError):
    """Nothing to score: the store holds no incident the viewer may read."""


@dataclass(frozen=True)
class RiskInputs:
    """The atlas, the profile, the incidents the viewer may read (weighed by trust), the
    date, own assets, and the trust weights applied."""

    atlas: Atlas
    profile: RiskProfile
    incidents: IncidentArrays
    as_of: date
    extra: tuple[RiskAsset, ...] = ()  # the user's own assets
    classes: tuple[str, ...] = ()  # the threat classes asked for; () for every class
    # the viewer's organization's weight per source it rated; every other source weighs 1
    trust: Mapping[str, float] = field(default_factory=dict)

    @property
    def assets(self) -> dict[str, RiskAsset]:
        """The atlas's assets and the user's own, by id."""
        return {a.id: a for a in (*atlas_assets(self.atlas), *self.extra)}


def threat_classes(threat: str | Collection[str] | None) -> tuple[str, ...]:
    """One class, several or none (None) as a tuple: the one shape the services pass on."""
    if threat is None:
        return ()
    return (threat,) if isinstance(threat, str) else tuple(threat)


def check_threat(atlas: Atlas, threat: str | Collection[str] | None) -> None:
    """Refuse a threat class the atlas does not know (unknown values are errors)."""
    for name in threat_classes(threat):
        if name not in atlas.threats:
            raise UnknownValueError(
                "threat class", name, sorted(atlas.threats), hint="see `corridor atlas threats`"
            )


def risk_inputs(
    store: Engine | None,
    viewer: Viewer,
    atlas: Atlas,
    *,
    as_of: date | None = None,
    profile_path: Path | None = None,
    threat: str | Collection[str] | None = None,
    assets_path: Path | None = None,
    need_incidents: bool = True,
) -> RiskInputs:
    """Load and check the inputs once; bad ones raise :class:`InputError` naming them.

    ``store`` None means no store exists yet: no incidents. Without an ``as_of``, the
    date is the newest incident the viewer may read (and trusts); with no incidents at all
    that is an error unless ``need_incidents`` is False (then everything scores 0 as of
    today). Each incident carries the weight of its source for the viewer's organization.
    """
    extra = load_user_assets(assets_path, taken=atlas.assets) if assets_path else []
    check_threat(atlas, threat)
    profile = load_profile(profile_path or default_profile_path(), atlas.threats)
    trust: dict[str, float] = {}
    if store is None:
        incidents = IncidentArrays.from_incidents(())
    else:
        with store.connect() as connection:
            incidents = incident_arrays(connection, IncidentQuery(until=as_of), viewer)
            trust = trust_weights(connection, viewer.organization)
        incidents = by_trust(incidents, trust)
    day = as_of
    if day is None:
        if len(incidents) == 0 and need_incidents:
            raise NoIncidentsError(
                "no incidents to score: import some first (corridor incidents import)"
            )
        day = incidents.start_date.max().astype(object) if len(incidents) else date.today()
    assert day is not None
    return RiskInputs(atlas, profile, incidents, day, tuple(extra), threat_classes(threat), trust)
