"""Who may read what: the ONE sharing decision every read path applies (TLP 2.0).

The store applies this rule on every read (its SQL filter mirrors :func:`may_read`,
and a property test holds the two together), so it lives beside the incident model,
below the store and cooperation (which re-exports it).

TLP 2.0 as FIRST defines it, on a platform of organizations and sharing groups:

* CLEAR: no limit; anyone, signed in or not, reads it.
* GREEN: the community; every organization on this platform reads it.
* AMBER, AMBER+STRICT, RED: the owning (reporting) organization, plus the
  organizations of the sharing groups the object is shared with. A group with no
  members adds nobody: sharing never widens to "everyone" (MISP's bug).

Who is in a group on a given day (a mechanism's members follow its join and leave
years) is worked out once per read by :mod:`corridor.cooperation`, and travels in
the :class:`Viewer` as ``groups``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from corridor.events.model import Tlp

__all__ = ["COMMUNITY_LABELS", "GROUP_LABELS", "Viewer", "may_read"]

COMMUNITY_LABELS = frozenset({Tlp.CLEAR, Tlp.GREEN})
# Labels a sharing group widens beyond the owner.
GROUP_LABELS = frozenset({Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED})


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is reading: an organization on this platform (and the sharing groups it
    belongs to on the read date), or nobody in particular (``organization`` None).

    ``user`` names the person, for the audit log; it never widens what is read.
    """

    organization: str | None = None
    groups: frozenset[str] = frozenset()
    user: str | None = None

    @property
    def visible_everywhere(self) -> frozenset[Tlp]:
        """Labels this viewer reads whoever reported them."""
        return COMMUNITY_LABELS if self.organization else frozenset({Tlp.CLEAR})

    @property
    def who(self) -> str:
        """The viewer as the audit log names it: ``user@organization``, or ``anonymous``."""
        if self.organization is None:
            return "anonymous"
        return f"{self.user}@{self.organization}" if self.user else self.organization


def may_read(viewer: Viewer, tlp: Tlp, owner: str, shared_with: Collection[str] = ()) -> bool:
    """Whether ``viewer`` may read an object labelled ``tlp``, owned (reported) by
    ``owner`` and shared with the sharing groups ``shared_with``."""
    if tlp in viewer.visible_everywhere:
        return True
    if viewer.organization is None:
        return False
    if viewer.organization == owner:
        return True
    return tlp in GROUP_LABELS and not viewer.groups.isdisjoint(shared_with)
