"""``corridor routes``: sea routes, closures of chokepoints, the land network.

One Typer sub-app (``app``); each module registers its commands on it.
"""

from corridor.commands.routes import land, matrix, sea
from corridor.commands.routes.app import app

__all__ = ["app", "land", "matrix", "sea"]
