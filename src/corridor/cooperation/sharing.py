"""Who may read what (TLP 2.0): the rule lives in :mod:`corridor.events.access`.

The store applies it on every read and sits below cooperation, so the rule sits
below the store; it is re-exported here, where cooperation code looks for it.
"""

from __future__ import annotations

from corridor.events.access import COMMUNITY_LABELS, Viewer, may_read

__all__ = ["COMMUNITY_LABELS", "Viewer", "may_read"]
