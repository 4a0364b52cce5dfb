"""End to end on the real local PostgreSQL, over HTTP to a real server (uvicorn on
127.0.0.1 with its delivery worker thread, the app ``corridor serve`` runs): the operator
of the Central Asia-China gas pipeline's line A registers a webhook and a rule of its own;
Kazakhstan's agency reports an attack 12 km from the line; the operator's receiver (a real
HTTP server on 127.0.0.1) has both alerts, signed, within a second of the report's answer
and verifies them with our public helper; the operator acknowledges one; the other, left
alone, escalates when its rule says (the worker's own escalation job, run at chosen
moments), and the receiver hears of it; a joint case is opened from the first, gets a task
for Kazakhstan's agency, which does it, and is closed with a summary; the timelines say so.

The server's worker also runs the escalation job on the wall clock every 30 s: it would
take the same step for real one minute after the report, long after this test is done.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from corridor.alerts.escalation import Escalation, escalation_job
from corridor.atlas import Atlas
from corridor.cooperation.services import add_contact, create_organization
from corridor.delivery import SignatureError, verify
from corridor.store import open_store
from tests.conftest import _reset_postgres
from tests.delivery.receiver import Received, Receiver
from tests.server import ADMIN, add_parties, corridor_server

LINE = "cagp-line-a"
OWN_RULE = "agp-line-a-watch"
BUNDLED_RULE = "attack-near-pipeline"
USERS = {  # name: (organization, role)
    "agp-admin": ("agp", "org_admin"),
    "agp-duty": ("agp", "responder"),
    "kz-reporter": ("kz-mvd", "reporter"),
    "kz-duty": ("kz-mvd", "responder"),
    "cn-duty": ("cn-mps", "responder"),
}


@dataclass
class Platform:
    url: str
    store: Engine
    tokens: dict[str, str]
    receiver: Receiver  # the operator's webhook receiver

    def call(self, user: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return httpx.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def ok(self, user: str, method: str, path: str, status: int = 200, **kw: Any) -> Any:
        """The JSON answer, after checking the status."""
        answer = self.call(user, method, path, **kw)
        assert answer.status_code == status, f"{method} {path}: {answer.text}"
        return answer.json()


@pytest.fixture
def platform(postgres_server: str, atlas: Atlas) -> Iterator[Platform]:
    """Asia Gas Pipeline (operator of line A, Kazakhstan), Kazakhstan's and China's
    agencies with users and tokens, on a fresh PostgreSQL schema; the server and the
    operator's receiver running."""
    _reset_postgres(postgres_server).dispose()
    store = open_store(postgres_server, create=True)
    create_organization(store, ADMIN, "agp", name="Asia Gas Pipeline LLP", kind="operator",
                        country="KAZ", assets=(LINE,), atlas=atlas)  # fmt: skip
    tokens = add_parties(store, atlas, {"kz-mvd": "KAZ", "cn-mps": "CHN"}, USERS)
    add_contact(store, ADMIN, "agp", name="Dispatch centre", level="working")
    receiver = Receiver().up()
    with corridor_server(postgres_server, atlas, delivery_worker=True) as url:
        yield Platform(url, store, tokens, receiver)
    receiver.down()
    store.dispose()


def point_12_km_from_line_a(atlas: Atlas) -> tuple[float, float]:
    """12 km north of the middle of line A's east-west leg west of Almaty (76.23 E,
    43.43 N, in Kazakhstan); the leg bends little, so the line is about 12 km away."""
    line = atlas.assets[LINE].geometry.coordinates
    (x0, y0), (x1, y1) = next((p, q) for p, q in pairwise(line) if p[0] == 75.7611)
    km_per_degree = 6371.0088 * math.pi / 180
    return round((x0 + x1) / 2, 5), round((y0 + y1) / 2 + 12 / km_per_degree, 5)


def data_of(delivery: Received) -> Any:
    return json.loads(delivery.body)["data"]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def signed_by(secret: str, delivery: Received) -> bool:
    """The public helper accepts the delivery, and refuses it altered or under another key."""
    header = delivery.headers["X-Corridor-Signature"]
    verify(secret, header, delivery.body)
    for key, body in ((secret, delivery.body + b" "), ("cwh_" + "0" * 43, delivery.body)):
        with pytest.raises(SignatureError):
            verify(key, header, body)
    return True


def register(platform: Platform) -> tuple[str, int]:
    """The operator's admin adds its webhook and a rule with a one-minute ack time;
    (the webhook's secret, its id)."""
    hook = platform.ok("agp-admin", "POST", "/webhooks", 201,
                       json={"url": platform.receiver.url, "events": ["alert.*"]})  # fmt: skip
    assert hook["secret"].startswith("cwh_")
    rule = {"id": OWN_RULE, "name": "Our line A: anything within 15 km", "within_km": 15,
            "classes": ["infrastructure_attack", "three_forces"], "min_severity": 2,
            "operators": ["agp"], "ack_minutes": 1}  # fmt: skip
    assert platform.ok("agp-admin", "PUT", f"/alert-rules/{OWN_RULE}", json=rule)["owner"] == "agp"
    in_force = {r["id"] for r in platform.ok("kz-reporter", "GET", "/alert-rules")}
    assert {OWN_RULE, BUNDLED_RULE} <= in_force
    return hook["secret"], hook["webhook"]["id"]


def escalate_the_second(
    platform: Platform, atlas: Atlas, secret: str, first: str, second: str
) -> None:
    """The worker's escalation job, run at chosen moments: nothing a second before the
    second alert's minute is up, its first step at that minute (recorded with its time,
    announced to the receiver), its next an hour on; the acknowledged first never moves."""
    left = platform.ok("agp-duty", "GET", f"/alerts/{second}")
    due = when(left["escalate_at"])
    assert left["level"] == 0 and due - when(left["opened_at"]) == timedelta(minutes=1)
    at = due.replace(tzinfo=None)  # the store's clock: UTC without a zone

    def job(moment: datetime) -> list[Escalation]:
        return escalation_job(platform.store, atlas, clock=lambda: moment)()

    assert job(at - timedelta(seconds=1)) == []
    steps = job(at)
    assert [(s.alert, s.level, s.step) for s in steps] == [(second, 1, "org_admin")]
    assert set(steps[0].told) == {"agp:org_admin", "kz-mvd:org_admin", "cn-mps:org_admin"}
    climbed = platform.ok("cn-duty", "GET", f"/alerts/{second}")
    escalated = [e for e in climbed["events"] if e["kind"] == "escalated"]
    assert [(when(e["at"]), e["detail"]["step"]) for e in escalated] == [(due, "org_admin")]
    assert climbed["level"] == 1 and when(climbed["escalate_at"]) == due + timedelta(minutes=1)
    assert platform.receiver.wait_for(3, timeout_s=5)  # sent by the server's worker
    (news,) = [
        r for r in platform.receiver.received if r.headers["X-Corridor-Event"] == "alert.escalated"
    ]
    assert signed_by(secret, news)
    assert data_of(news) == {"alert": second, "level": 1, "step": "org_admin",
                             "told": list(steps[0].told)}  # fmt: skip
    # An hour on: the second's next step; the bundled rule's other alerts (lines B and C,
    # the agencies') their first; the acknowledged first none.
    steps = job(at + timedelta(hours=1))
    assert first not in {s.alert for s in steps}
    (next_step,) = [s for s in steps if s.alert == second]
    assert (next_step.level, next_step.step) == (2, "liaison_contact")
    assert next_step.told == ("agp:Dispatch centre (working)",)
    others = {(s.level, s.step) for s in steps if s.alert != second}
    assert others == {(1, "org_admin")}


def work_a_case(platform: Platform, alert: str, incident: str) -> None:
    """A joint case from ``alert`` with Kazakhstan's agency: a task for it, done by it, and
    the case closed with a summary; the timeline, the alert and the readers say so."""
    opened = platform.ok("agp-duty", "POST", "/cases", 201,
                         json={"title": "Valve station device near line A", "tlp": "amber",
                               "alerts": [alert], "participants": ["kz-mvd"]})  # fmt: skip
    case = opened["uuid"]
    assert opened["alerts"] == [alert]
    observed = {(o["kind"], o["value"]) for o in opened["observables"]}
    assert {("asset", LINE), ("incident", incident)} <= observed
    assert platform.ok("agp-duty", "GET", f"/alerts/{alert}")["case"] == case
    deadline = (date.today() + timedelta(days=2)).isoformat()
    tasked = platform.ok("agp-duty", "POST", f"/cases/{case}/tasks",
                         json={"title": "Sweep the valve station's perimeter", "owner": "kz-mvd",
                               "deadline": deadline})  # fmt: skip
    (task,) = tasked["tasks"]
    assert (task["owner"], task["deadline"], task["status"]) == ("kz-mvd", deadline, "open")
    platform.ok("kz-duty", "POST", f"/cases/{case}/tasks/{task['id']}/done")
    assert platform.call("cn-duty", "GET", f"/cases/{case}").status_code == 404  # AMBER
    summary = "Device defused by KNB sappers; line A unharmed."
    closed = platform.ok("agp-duty", "POST", f"/cases/{case}/close", json={"summary": summary})
    assert (closed["status"], closed["summary"]) == ("closed", summary)
    assert [(e["kind"], e["actor"]) for e in closed["timeline"]] == [
        ("opened", "agp-duty@agp"), ("alert merged", "agp-duty@agp"),
        ("task added", "agp-duty@agp"), ("task done", "kz-duty@kz-mvd"),
        ("closed", "agp-duty@agp"),
    ]  # fmt: skip
    times = [when(e["at"]) for e in closed["timeline"]]
    assert times == sorted(times) and when(closed["closed_at"]) == times[-1]
    assert platform.ok("kz-duty", "GET", f"/cases/{case}")["tasks"][0]["status"] == "done"
    done = platform.ok("agp-duty", "GET", f"/alerts/{alert}")
    assert done["status"] == "closed"
    assert [e["kind"] for e in done["events"]] == ["raised", "acknowledged", "closed"]


def test_report_to_webhook_ack_escalation_and_case_on_postgresql(
    platform: Platform, atlas: Atlas
) -> None:
    receiver = platform.receiver
    secret, hook_id = register(platform)
    lon, lat = point_12_km_from_line_a(atlas)
    report = {"source": "kz-mvd-reports", "source_id": "2026-041", "tlp": "green",
              "title": "Explosive device found at a valve station", "country": "KAZ",
              "start_date": date.today().isoformat(), "threat_class": "infrastructure_attack",
              "severity": 3, "longitude": lon, "latitude": lat}  # fmt: skip
    made = platform.call("kz-reporter", "POST", "/incidents", json=report)
    answered = time.time()
    assert made.status_code == 201, made.text
    incident = made.json()["uuid"]

    # Both alerts on line A (the atlas's rule and the operator's) reach the operator's
    # receiver, signed, within a second of the answer.
    assert receiver.wait_for(2, timeout_s=max(0.0, answered + 1.0 - time.time()))
    raised = {data_of(r)["rule"]: r for r in receiver.received}
    assert set(raised) == {BUNDLED_RULE, OWN_RULE}
    assert max(r.at for r in raised.values()) - answered < 1.0
    for delivery in raised.values():
        data = data_of(delivery)
        assert delivery.headers["X-Corridor-Event"] == "alert.raised"
        assert signed_by(secret, delivery)
        assert json.loads(delivery.body)["id"] == delivery.delivery
        assert (data["asset"], data["incident"]["uuid"]) == (LINE, incident)
        assert 11.5 < data["distance_km"] < 12.5
        assert data["why"] == [f"operates {atlas.assets[LINE].name}"]
    first, second = (data_of(raised[rule])["alert"] for rule in (BUNDLED_RULE, OWN_RULE))

    # In each inbox, with why: the operator; both agencies (the line runs through both
    # states, the attack happened in Kazakhstan).
    for user, reason in (("agp-duty", "operates"), ("kz-duty", "the incident happened in KAZ"),
                         ("cn-duty", "runs through CHN")):  # fmt: skip
        inbox = platform.ok(user, "GET", "/alerts", params={"status": "open"})
        mine = {a["uuid"]: a for a in inbox if a["asset"] == LINE}
        assert {first, second} <= set(mine), user
        assert any(reason in why for why in mine[second]["why"]), (user, mine[second])

    acked = platform.ok("agp-duty", "POST", f"/alerts/{first}/ack")
    assert (acked["status"], acked["acknowledged_by"]) == ("acknowledged", "agp-duty@agp")
    assert acked["escalate_at"] is None
    escalate_the_second(platform, atlas, secret, first, second)
    work_a_case(platform, first, incident)

    # Every delivery arrived once, and the webhook's record agrees.
    assert receiver.wait_for(4, timeout_s=5)  # with the second step's news
    assert set(receiver.delivered().values()) == {1}
    listed = platform.ok("agp-admin", "GET", f"/webhooks/{hook_id}/deliveries")
    assert {d["uuid"] for d in listed} == set(receiver.delivered())
    assert {d["status"] for d in listed} == {"delivered"}
