"""Settings read from the environment (``CORRIDOR_*``), with safe defaults."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "settings"]


class Settings(BaseSettings):
    """Where the product reads from; every value can be set as ``CORRIDOR_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CORRIDOR_", extra="ignore")

    atlas_dir: Path | None = None
    """A directory of atlas files that overlay the bundled atlas (same file names)."""

    database_url: str = "sqlite:///corridor.sqlite"
    """SQLAlchemy URL of the store; the default is an SQLite file in the working directory."""

    organization: str = "local"
    """The organization this user acts for: what they report carries it, and what they
    may read follows from it (TLP sharing rules)."""

    instance: str = "local"
    """This installation's name, stamped as the origin of every object it creates."""


@cache
def settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
