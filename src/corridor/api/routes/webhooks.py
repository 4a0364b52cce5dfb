"""``/webhooks``: an organization's admin adds, lists, removes and tests its webhooks and
reads their deliveries. The signing secret is in the answer to the POST that makes a
webhook, and in no other answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from corridor.api.deps import PrincipalDep, StoreDep
from corridor.api.problems import PROBLEM_RESPONSES, not_found
from corridor.delivery.models import Delivery, DeliveryStatus, Outcome, Webhook
from corridor.delivery.webhooks import WebhookListing

__all__ = ["router"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)

_Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
_Pattern = Annotated[str, StringConstraints(min_length=1, max_length=66)]


class WebhookIn(BaseModel):
    """A webhook to add: its URL, the events it receives (``*``, ``alert.*``, an event
    name), and whose (the caller's organization by default)."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    events: list[_Pattern] = Field(default_factory=lambda: ["*"], max_length=50)
    organization: Annotated[str | None, StringConstraints(max_length=160)] = None


class NewWebhookOut(BaseModel):
    """The webhook made, and its signing secret: shown in this answer only."""

    webhook: Webhook
    secret: str


@router.get("")
def webhooks(
    caller: PrincipalDep,
    store: StoreDep,
    organization: Annotated[str | None, Query(max_length=160)] = None,
    removed: bool = False,
) -> list[WebhookListing]:
    """The caller's organization's webhooks with their delivery counts (an org admin's
    view; a platform admin may name any organization or none for all). Never a secret."""
    from corridor.delivery.webhooks import list_webhooks

    return list_webhooks(store, caller, organization=organization, removed=removed)


@router.post("", status_code=status.HTTP_201_CREATED)
def add(body: WebhookIn, caller: PrincipalDep, store: StoreDep) -> NewWebhookOut:
    """Add a webhook for the caller's organization (org_admin); the answer holds its
    signing secret, this once."""
    from corridor.delivery.webhooks import add_webhook

    organization = body.organization or caller.organization or ""
    made = add_webhook(store, caller, organization, body.url, events=body.events)
    return NewWebhookOut(webhook=made.webhook, secret=made.secret)


@router.delete("/{id}")
def remove(id: _Id, caller: PrincipalDep, store: StoreDep) -> Webhook:
    """Remove a webhook: its pending deliveries die unsent. 404 if unknown or another's."""
    from corridor.delivery.webhooks import remove_webhook

    with not_found():
        return remove_webhook(store, caller, id)


@router.post("/{id}/test")
def test(id: _Id, caller: PrincipalDep, store: StoreDep) -> Outcome:
    """POST a signed ``webhook.test`` delivery now; what the receiver answered."""
    from corridor.delivery.webhooks import send_test

    with not_found():
        return send_test(store, caller, id)


@router.get("/{id}/deliveries")
def deliveries(
    id: _Id,
    caller: PrincipalDep,
    store: StoreDep,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Delivery]:
    """The webhook's newest deliveries, oldest of them first. 404 if unknown or another's."""
    from corridor.delivery.webhooks import list_deliveries

    with not_found():
        return list_deliveries(store, caller, id, status=delivery_status, limit=limit)
