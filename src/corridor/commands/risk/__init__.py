"""``corridor risk``: how exposed each asset, country and corridor is, and why.

One Typer sub-app (``app``); each module registers its commands on it.
"""

from corridor.commands.risk import assets, backtest, explain, places
from corridor.commands.risk.app import app

__all__ = ["app", "assets", "backtest", "explain", "places"]
