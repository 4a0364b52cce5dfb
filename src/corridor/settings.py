"""Settings read from the environment (``CORRIDOR_*``), with safe defaults."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from corridor.locations import as_database_url, default_database_path

__all__ = ["Settings", "settings"]


class Settings(BaseSettings):
    """Where the product reads from; every value can be set as ``CORRIDOR_<NAME>``.

    Read afresh by every command (no process-wide cache), so the store in use is
    always the one the environment and the options name.
    """

    model_config = SettingsConfigDict(env_prefix="CORRIDOR_", extra="ignore")

    atlas_dir: Path | None = None
    """A directory of atlas files that overlay the bundled atlas (same file names)."""

    database_url: str | None = Field(default=None)
    """SQLAlchemy URL (or plain file path) of the store; None means the default file."""

    organization: str = "local"
    """The organization this user acts for: what they report carries it, and what they
    may read follows from it (TLP sharing rules)."""

    token_secret: str | None = None
    """The key API tokens are hashed under (HMAC-SHA256); unset, a file in the data folder
    holds one. Kept out of the database, so a stolen token table is useless without it."""

    delivery_worker: bool = False
    """Whether an API server process built from these settings sends webhook deliveries
    from a thread (``corridor serve`` sets it for its worker processes)."""

    instance: str = "local"
    """This installation's name, stamped as the origin of every object it creates."""

    server: str | None = None
    """A Secure Corridor server (``corridor serve``) that ``corridor incidents report``,
    ``list`` and ``export`` talk to instead of a store, like ``--server``."""

    token: SecretStr | None = None
    """The API token those commands present to the server. Only ever read from here,
    never an option: a command line shows in ``ps`` and stays in the shell history."""

    def store_url(self, override: str | None = None) -> tuple[str, bool]:
        """The store's URL from ``override`` (``--db``), the environment or the default;
        and whether it is the default file."""
        chosen = override or self.database_url
        if chosen:
            return as_database_url(chosen), False
        return as_database_url(str(default_database_path())), True


def settings() -> Settings:
    """The settings as the environment has them now."""
    return Settings()
