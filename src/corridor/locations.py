"""Where the store lives: the default file, and paths or URLs as users type them.

Kept free of SQLAlchemy and pydantic so that ``corridor --help`` can show the
default without paying for either.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_DATABASE_NAME", "as_database_url", "default_database_path", "sqlite_path"]

DEFAULT_DATABASE_NAME = "corridor.sqlite"


def default_database_path() -> Path:
    """The embedded store in the user's data directory (XDG on Linux, per platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("secure-corridor", appauthor=False)) / (
        DEFAULT_DATABASE_NAME
    )


def as_database_url(text: str) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (a path means an SQLite file)."""
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().absolute()}"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    path = rest.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None
