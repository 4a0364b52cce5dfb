"""The HTTP API: FastAPI over the same service functions the command line calls."""

from corridor.api.app import create_app

__all__ = ["create_app"]
