"""Delivery fixtures: a real receiver on 127.0.0.1, a store (SQLite and PostgreSQL) with two
organizations and a webhook of one pointing at the receiver, and quick worker options."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.cooperation.models import Principal
from corridor.cooperation.services import create_organization
from corridor.delivery import NewWebhook, RetryPolicy, add_webhook, enqueue
from corridor.delivery.worker import WorkerOptions
from tests.delivery.receiver import Receiver

ADMIN = Principal.operator("platform")
# Retries in tens of milliseconds, a lease of a few seconds: faults play out in a test's time.
QUICK = WorkerOptions(
    concurrency=4,
    timeout_s=2.0,
    lease_s=3.0,
    poll_s=0.02,
    retry=RetryPolicy(base_s=0.05, cap_s=0.2, max_attempts=6),
)


@dataclass
class Hooked:
    store: Engine
    receiver: Receiver
    hook: NewWebhook

    def enqueue(self, count: int = 1, event: str = "alert.raised") -> list[str]:
        """``count`` events for pipechina, each in a transaction of its own; their ids."""
        made: list[str] = []
        for n in range(count):
            with self.store.begin() as connection:
                made += enqueue(
                    connection,
                    organization="pipechina",
                    event=event,
                    payload={"n": n},
                    now=datetime.now(UTC),
                )
        return made


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().up()
    yield found
    found.down()


def add_organizations(store: Engine, atlas: Atlas) -> None:
    create_organization(
        store, ADMIN, "pipechina", name="PipeChina", kind="operator", country="CHN", atlas=atlas
    )
    create_organization(
        store, ADMIN, "kz-mvd", name="MVD", kind="law_enforcement", country="KAZ", atlas=atlas
    )


@pytest.fixture
def hooked(store: Engine, atlas: Atlas, receiver: Receiver) -> Hooked:
    """pipechina with one webhook to the receiver, on each database."""
    add_organizations(store, atlas)
    return Hooked(store, receiver, add_webhook(store, ADMIN, "pipechina", receiver.url))
