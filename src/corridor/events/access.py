"""Who may read what: the sharing rule every read path applies (TLP 2.0).

The store applies this rule on every read, so it lives beside the incident model,
below the store and cooperation (which re-exports it).

Until organizations and sharing groups exist, the rule is the conservative
reading of TLP 2.0: CLEAR is public; GREEN goes to the community, i.e. every
organization on this platform; AMBER, AMBER+STRICT and RED stay with the
reporting organization. An anonymous reader sees CLEAR only.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.events.model import Tlp

__all__ = ["COMMUNITY_LABELS", "Viewer", "may_read"]

COMMUNITY_LABELS = frozenset({Tlp.CLEAR, Tlp.GREEN})


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is reading: an organization on this platform, or nobody in particular."""

    organization: str | None = None

    @property
    def visible_everywhere(self) -> frozenset[Tlp]:
        """Labels this viewer reads whoever reported them."""
        return COMMUNITY_LABELS if self.organization else frozenset({Tlp.CLEAR})


def may_read(viewer: Viewer, tlp: Tlp, reporter: str) -> bool:
    """Whether ``viewer`` may read a record labelled ``tlp`` reported by ``reporter``."""
    if tlp in viewer.visible_everywhere:
        return True
    return viewer.organization is not None and viewer.organization == reporter
