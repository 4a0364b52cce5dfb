"""``corridor serve``: the HTTP API on this run's store, with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from corridor.commands.context import current
from corridor.commands.output import note

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    delivery: Annotated[
        bool,
        typer.Option(
            "--delivery/--no-delivery",
            help="Send webhook deliveries from a thread of each server process "
            "(off: leave them to `corridor worker`).",
        ),
    ] = True,
) -> None:
    """Serve the HTTP API (OpenAPI document at /docs) on the store --db names, and send
    webhook deliveries from a thread inside (``--no-delivery`` leaves them to `corridor
    worker`).

    Example: corridor serve --port 8000
    Example: corridor serve --workers 4 --no-delivery
    """
    import os

    import uvicorn

    from corridor.api.app import create_app

    run = current()
    run.store(create=True)  # made and migrated here, so a bad --db fails before listening
    secret = run.token_secret(create=True)
    sending = ", sending webhook deliveries" if delivery else ""
    note(f"serving {run.where()} on http://{host}:{port} (docs at /docs){sending}")
    if workers == 1:
        app = create_app(run.database_url, token_secret=secret, atlas_dir=run.atlas_dir,
                         delivery_worker=delivery)  # fmt: skip
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    # Each worker process builds its own app from the settings: hand them this run's choices.
    os.environ["CORRIDOR_DATABASE_URL"] = run.database_url
    os.environ["CORRIDOR_DELIVERY_WORKER"] = "1" if delivery else "0"
    if run.atlas_dir is not None:
        os.environ["CORRIDOR_ATLAS_DIR"] = str(run.atlas_dir)
    uvicorn.run(
        "corridor.api.app:app_from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
