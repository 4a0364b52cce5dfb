"""``corridor webhooks``: where an organization's events are POSTed, signed; and what came
of each delivery. A thin skin over :mod:`corridor.delivery.webhooks`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridor.commands.context import current
from corridor.commands.output import JsonOption, note, print_json, print_table

if TYPE_CHECKING:
    from corridor.delivery.models import Delivery, Outcome, Webhook
    from corridor.delivery.webhooks import WebhookListing

__all__ = ["app"]

app = typer.Typer(
    help="Webhooks: an organization's events (alerts, ...) POSTed to its receivers, signed "
    "with HMAC-SHA256, retried with backoff; `corridor worker` sends them.",
    no_args_is_help=True,
)

WebhookId = Annotated[int, typer.Argument(help="The webhook's id (from `webhooks list`).")]


def _row(value: Webhook | Outcome | Delivery) -> dict[str, Any]:
    """A value's fields as a row: times as text, statuses as their names, tuples as lists."""
    from dataclasses import asdict
    from datetime import datetime
    from enum import Enum

    def cell(item: Any) -> Any:
        if isinstance(item, datetime):
            return item.isoformat(sep=" ", timespec="seconds")
        if isinstance(item, Enum):
            return item.value
        return list(item) if isinstance(item, tuple) else item

    return {key: cell(item) for key, item in asdict(value).items()}


def _listing_row(listing: WebhookListing) -> dict[str, Any]:
    return {**_row(listing.webhook), **listing.deliveries}


@app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Where to POST: an http:// or https:// URL.")],
    org: Annotated[str, typer.Option("--org", help="Whose events it receives.")],
    event: Annotated[
        list[str] | None,
        typer.Option(
            help="An event (alert.raised), a family (alert.*) or * (all, the "
            "default); repeat for several."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a webhook; its signing secret is printed this once (receivers verify with it).

    Example: corridor webhooks add https://soc.pipechina.example/corridor --org pipechina
    Example: corridor webhooks add https://hooks.kz-mvd.example/in --org kz-mvd --event alert.*
    """
    from corridor.delivery.webhooks import add_webhook

    run = current()
    made = add_webhook(run.store(create=True), run.principal(), org, url, events=event or ["*"])
    if as_json:
        print_json({**_row(made.webhook), "secret": made.secret})
        return
    print(made.secret)
    note(
        f"webhook {made.webhook.id} for {org} -> {url} ({', '.join(made.webhook.events)}): "
        "copy the secret now, it is not shown again"
    )


@app.command("list")
def list_(
    org: Annotated[str | None, typer.Option("--org", help="Only this organization's.")] = None,
    removed: Annotated[bool, typer.Option(help="Show removed webhooks too.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Webhooks with how many deliveries are pending, sending, delivered and dead (never
    their secrets).

    Example: corridor webhooks list --org pipechina
    """
    from corridor.delivery.webhooks import list_webhooks

    run = current()
    found = list_webhooks(run.store(), run.principal(), organization=org, removed=removed)
    columns = ["id", "organization", "url", "events", "active", "pending", "sending",
               "delivered", "dead"]  # fmt: skip
    print_table([_listing_row(w) for w in found], columns, title="Webhooks", as_json=as_json)


@app.command("remove")
def remove(webhook: WebhookId) -> None:
    """Stop sending to a webhook; its pending deliveries die unsent, its history stays.

    Example: corridor webhooks remove 1
    """
    from corridor.delivery.webhooks import remove_webhook

    run = current()
    gone = remove_webhook(run.store(), run.principal(), webhook)
    note(f"removed webhook {gone.id} ({gone.url})", style="")


@app.command("test")
def test_(
    webhook: WebhookId,
    timeout: Annotated[
        float, typer.Option(min=0.1, max=300, help="Seconds to wait for the answer.")
    ] = 10.0,
    as_json: JsonOption = False,
) -> None:
    """POST a signed webhook.test delivery now and say what the receiver answered (exit 1
    unless it answered 2xx).

    Example: corridor webhooks test 1
    """
    from corridor.delivery.models import DeliveryStatus
    from corridor.delivery.webhooks import send_test
    from corridor.delivery.worker import WorkerOptions, outcome_line

    run = current()
    options = WorkerOptions(timeout_s=timeout, lease_s=timeout + 30)
    outcome = send_test(run.store(), run.principal(), webhook, options=options)
    if as_json:
        print_json(_row(outcome))
    else:
        note(outcome_line(outcome), style="")
    if outcome.status is not DeliveryStatus.DELIVERED:
        raise typer.Exit(1)


@app.command("deliveries")
def deliveries(
    webhook: WebhookId,
    status: Annotated[str | None, typer.Option(help="pending, sending, delivered or dead.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="The newest this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """A webhook's deliveries, newest last: their state, attempts and last error.

    Example: corridor webhooks deliveries 1 --status dead
    """
    from corridor.delivery.webhooks import list_deliveries

    run = current()
    found = list_deliveries(run.store(), run.principal(), webhook, status=status, limit=limit)
    columns = ["uuid", "event", "status", "attempts", "created_at", "next_attempt_at",
               "delivered_at", "last_error"]  # fmt: skip
    print_table(
        [_row(d) for d in found],
        columns,
        title=f"Deliveries of webhook {webhook}",
        as_json=as_json,
    )
