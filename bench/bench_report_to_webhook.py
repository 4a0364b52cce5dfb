"""Report-to-webhook benchmark: a real ``corridor serve`` (its delivery worker thread
inside) takes 50 reports a second for a minute over HTTP; from each report's answer to
the operator's webhook receiving its alert: p50, p99, max, lost and doubled deliveries
counted by id. In the same run, the bulk rule check of an import of 100,000 incidents
beside checking them one at a time (``bench_alert_rules.compare``).

    .venv/bin/python bench/bench_report_to_webhook.py                 # SQLite, 50/s for 60 s
    .venv/bin/python bench/bench_report_to_webhook.py --postgres      # and PostgreSQL
    .venv/bin/python bench/bench_report_to_webhook.py --seconds 10 --incidents 20000   # quick

The platform: an operator running ``--sites`` atlas assets, Kazakhstan's agency reporting,
the operator's webhook (added over HTTP by its admin) pointing at a receiver process on
127.0.0.1 (``delivery_rig.Receiver``), and a rule the operator's admin writes over HTTP:
drug trafficking (organized crime) within 5 km of its assets, incidents grouped within an
hour, a ten-year horizon. The bundled rules do not look at that class, so each report
raises exactly one alert, to the operator, and never joins another: report ``i`` is
placed 1 km from site ``i % sites``, a site near no other watched asset (checked with the
library's matcher), and dated ``2 * (i // sites)`` days ago, so two reports near one site
are two days apart, beyond the rule's window. The run checks this: every accepted report
must have exactly one delivery in the store.

The client (asyncio + httpx, open loop: each report is sent at its time whatever the
answers before it) and the receiver run pinned to one core, the server to the other
(``--server-cpus``). Latency runs from the moment the client has the server's answer (the
report is accepted: stored, alert raised, delivery written, all committed) to the moment
the receiver has the body; it is negative when the webhook arrives before the answer.
The load average is printed before and after each run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_alert_rules import compare  # noqa: E402
from bench_api_list import Server, wait_ready  # noqa: E402
from delivery_rig import Receiver, arrivals, drop_database, fresh_database, percentile  # noqa: E402

OPERATOR, AGENCY = "bench-operator", "kz-mvd"
RULE = {
    "id": "bench-trafficking-watch",
    "name": "Drug trafficking within 5 km of our assets",
    "classes": ["organized_crime"],
    "min_severity": 1,
    "within_km": 5,
    "operators": [OPERATOR],
    "window_hours": 1,
    "horizon_days": 3660,
    "ack_minutes": 7 * 24 * 60,
}
WARM_UP = 20  # reports before the measured ones: the server loads the atlas and the index


@dataclass(frozen=True)
class Site:
    asset: str
    longitude: float
    latitude: float


def sites(count: int) -> list[Site]:
    """``count`` places 1 km north of a vertex of an atlas asset, each within 5 km of that
    asset and of no other: so a report there raises one alert under the benchmark's rule."""
    from corridor.alerts.matching import AlertMatcher
    from corridor.alerts.rules import AlertRule
    from corridor.atlas import load_atlas
    from corridor.events.model import Incident, Tlp

    atlas = load_atlas()
    rule = AlertRule.model_validate({**RULE, "operators": []})
    matcher = AlertMatcher(atlas)
    found: list[Site] = []
    for asset in sorted(atlas.assets.values(), key=lambda a: a.id):
        geometry = asset.geometry
        if geometry.type == "Point":
            vertices = [geometry.coordinates]
        elif geometry.type == "LineString":
            vertices = geometry.coordinates
        elif geometry.type == "MultiLineString":
            vertices = [p for part in geometry.coordinates for p in part]
        else:
            continue
        lon, lat = vertices[len(vertices) // 2]
        lat += 1 / 111.2
        probe = Incident(source="bench", source_id=asset.id, title="probe",
                         start_date=date.today(), threat_class="drug_trafficking",
                         longitude=lon, latitude=lat, tlp=Tlp.GREEN, reporter=AGENCY)  # fmt: skip
        matched, _ = matcher.matches([probe], [rule], {}, today=date.today())
        if [m.asset for m in matched] == [asset.id]:
            found.append(Site(asset.id, round(lon, 5), round(lat, 5)))
        if len(found) == count:
            return found
    raise SystemExit(f"only {len(found)} assets stand alone within 5 km; ask for fewer --sites")


def report_body(n: int, site: Site, days_ago: int) -> dict[str, Any]:
    return {"source": "bench", "source_id": f"r{n}", "title": f"Drug seizure {n}",
            "start_date": (date.today() - timedelta(days=days_ago)).isoformat(),
            "threat_class": "drug_trafficking", "severity": 2, "tlp": "green",
            "longitude": site.longitude, "latitude": site.latitude}  # fmt: skip


# --------------------------------------------------------------------------- the platform


def make_platform(url: str, secret: str, chosen: list[Site]) -> dict[str, str]:
    """The operator (running the sites' assets), the agency, their users; tokens by user."""
    from corridor.atlas import load_atlas
    from corridor.cooperation.models import Principal
    from corridor.cooperation.services import create_organization, create_user, issue_token
    from corridor.store import open_store

    store = open_store(url, create=True)
    atlas, admin = load_atlas(), Principal.operator("platform")
    create_organization(store, admin, OPERATOR, name="Corridor operator (benchmark)",
                        kind="operator", country="KAZ", assets=[s.asset for s in chosen],
                        atlas=atlas)  # fmt: skip
    create_organization(store, admin, AGENCY, name="MVD", kind="law_enforcement",
                        country="KAZ", atlas=atlas)  # fmt: skip
    tokens = {}
    for user, org, role in (("op-admin", OPERATOR, "org_admin"), ("kz-duty", AGENCY, "reporter")):
        create_user(store, admin, user, organization=org, roles=[role])
        tokens[user] = issue_token(store, admin, user, secret=secret.encode()).secret
    store.dispose()
    return tokens


def start_server(url: str, secret: str, cpus: str, log: Path) -> Server:
    """``corridor serve`` on the store, its delivery worker thread inside (the default)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pin = ["taskset", "-c", cpus] if cpus else []
    command = [*pin, sys.executable, "-m", "corridor.cli", "--db", url, "serve", "--port",
               str(port)]  # fmt: skip
    env = {**os.environ, "CORRIDOR_TOKEN_SECRET": secret,
           "PYTHONPATH": os.pathsep.join(filter(None, (str(HERE.parent / "src"),
                                                       os.environ.get("PYTHONPATH"))))}  # fmt: skip
    handle = log.open("wb")
    process = subprocess.Popen(command, env=env, stdout=handle, stderr=handle)
    server = Server("corridor serve", process, f"http://127.0.0.1:{port}",
                    f"corridor serve (1 process, delivery worker thread), CPUs {cpus or 'any'}",
                    log)  # fmt: skip
    wait_ready(server)
    return server


def register(server: Server, token: str, receiver: Receiver) -> None:
    """The operator's admin adds the webhook and the rule over HTTP."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        made = client.post("/webhooks", json={"url": receiver.url, "events": ["alert.*"]})
        rule = client.put(f"/alert-rules/{RULE['id']}", json=RULE)
    for answer in (made, rule):
        if answer.is_error:
            raise SystemExit(f"{answer.request.url}: {answer.status_code} {answer.text}")


# --------------------------------------------------------------------------- the load


@dataclass
class Sent:
    """What the client saw of the reports: time.time() when each was sent and accepted,
    by the incident's uuid; and what went wrong."""

    sent: dict[str, float] = field(default_factory=dict)
    accepted: dict[str, float] = field(default_factory=dict)
    request_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    behind_s: float = 0.0  # how late the last report was sent


async def _load(url: str, token: str, plan: list[dict[str, Any]], rate: float) -> Sent:
    import httpx

    seen = Sent()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits,
                                 timeout=60) as client:  # fmt: skip

        async def one(body: dict[str, Any]) -> None:
            begun, sent = time.perf_counter(), time.time()
            try:
                answer = await client.post("/incidents", json=body)
            except httpx.HTTPError as exc:
                seen.errors.append(f"{type(exc).__name__}: {exc}")
                return
            done = time.time()
            seen.request_ms.append((time.perf_counter() - begun) * 1000)
            if answer.status_code != 201:
                seen.errors.append(f"HTTP {answer.status_code}: {answer.text[:200]}")
                return
            uuid = answer.json()["uuid"]
            seen.sent[uuid], seen.accepted[uuid] = sent, done

        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for n, body in enumerate(plan):
            await asyncio.sleep(max(0.0, start + n / rate - loop.time()))
            seen.behind_s = max(seen.behind_s, loop.time() - (start + n / rate))
            tasks.append(asyncio.create_task(one(body)))
        await asyncio.gather(*tasks)
    return seen


def load(url: str, token: str, plan: list[dict[str, Any]], rate: float) -> Sent:
    """Send ``plan`` at ``rate`` per second, open loop."""
    return asyncio.run(_load(url, token, plan, rate))


def deliveries_by_incident(url: str) -> dict[str, list[str]]:
    """The operator's alert.raised deliveries in the store, by the incident they are about."""
    from sqlalchemy import select

    from corridor.store.database import make_engine
    from corridor.store.tables import deliveries

    store = make_engine(url)
    found: dict[str, list[str]] = {}
    with store.connect() as connection:
        c = deliveries.c
        rows = connection.execute(
            select(c.uuid, c.payload).where(c.organization == OPERATOR, c.event == "alert.raised")
        )
        for delivery, payload in rows:
            incident = json.loads(payload)["data"]["incident"]["uuid"]
            found.setdefault(incident, []).append(delivery)
    store.dispose()
    return found


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_one(database: str, args: argparse.Namespace, chosen: list[Site]) -> dict[str, Any]:
    work = args.folder / database
    work.mkdir(parents=True, exist_ok=True)
    url = fresh_database(database, work, "report_to_webhook")
    secret = secrets.token_hex(32)
    tokens = make_platform(url, secret, chosen)
    count = int(args.rate * args.seconds)
    rounds = -(-count // len(chosen))
    if 2 * (rounds + WARM_UP) > RULE["horizon_days"]:  # type: ignore[operator]
        raise SystemExit(f"{count:,} reports on {len(chosen)} sites reach past the rule's "
                         "horizon: give more --sites")  # fmt: skip
    plan = [report_body(n, chosen[n % len(chosen)], 2 * (n // len(chosen))) for n in range(count)]
    warm = [report_body(count + n, chosen[n % len(chosen)], 2 * (rounds + n // len(chosen)))
            for n in range(WARM_UP)]  # fmt: skip
    pin = ("taskset", "-c", args.client_cpus) if args.client_cpus else ()
    receiver = Receiver(work / "received.log", command=pin)
    receiver.up()
    server = start_server(url, secret, args.server_cpus, work / "server.log")
    try:
        register(server, tokens["op-admin"], receiver)
        load(server.url, tokens["kz-duty"], warm, rate=10)
        time.sleep(1)
        load_before, cpu_before = _loadavg(), server.cpu_s()
        seen = load(server.url, tokens["kz-duty"], plan, args.rate)
        cpu = server.cpu_s() - cpu_before
        peak_mb = server.peak_rss_mb()[0]
        written = deliveries_by_incident(url)
        wanted = {d for i in seen.accepted for d in written.get(i, ())}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not wanted <= receiver.received().keys():
            time.sleep(0.1)
        time.sleep(1.0)  # anything sent twice has arrived by now
        load_after = _loadavg()
    finally:
        server.stop()
        receiver.down()
    written = deliveries_by_incident(url)  # with the server stopped: all it wrote
    drop_database(database, "report_to_webhook")
    result = summary(database, seen, written, receiver.received(), cpu, (load_before, load_after))
    return {**result, "server": server.settings, "server_peak_rss_mb": round(peak_mb)}


def summary(
    database: str,
    seen: Sent,
    written: dict[str, list[str]],
    received: dict[str, list[float]],
    cpu_s: float,
    load: tuple[str, str],
) -> dict[str, Any]:
    """The figures of one run: every accepted report's one delivery against the receiver."""
    per_report = [len(written.get(i, ())) for i in seen.accepted]
    mine = {i: written[i][0] for i in seen.accepted if len(written.get(i, ())) == 1}
    from_accepted = arrivals({d: seen.accepted[i] for i, d in mine.items()}, received)
    from_sent = arrivals({d: seen.sent[i] for i, d in mine.items()}, received)
    accepted = len(seen.accepted)
    return {
        "database": database,
        "reports": accepted + len(seen.errors),
        "accepted": accepted,
        "errors": seen.errors[:5],
        "reports_without_one_delivery": sum(n != 1 for n in per_report),
        "deliveries": sum(per_report),
        "lost": from_accepted.lost,
        "doubled": from_accepted.doubled,
        "latency_from_accepted_ms": from_accepted.figures(),
        "latency_from_sent_ms": from_sent.figures(),
        "request_ms": {
            "p50": percentile(seen.request_ms, 0.5),
            "p99": percentile(seen.request_ms, 0.99),
            "max": max(seen.request_ms, default=float("nan")),
        },
        "client_behind_s": round(seen.behind_s, 3),
        "server_cpu_ms_per_report": round(cpu_s * 1000 / max(1, accepted), 2),
        "load": list(load),
    }


def lines(result: dict[str, Any]) -> list[str]:
    lat, sent, req = (result[k] for k in ("latency_from_accepted_ms", "latency_from_sent_ms",
                                          "request_ms"))  # fmt: skip
    return [
        f"{result['database']}: {result['accepted']:,} of {result['reports']:,} reports "
        f"accepted, {result['deliveries']:,} deliveries, "
        f"{result['reports_without_one_delivery']} reports without exactly one; "
        f"lost {result['lost']}, doubled {result['doubled']}",
        f"  accepted -> webhook: p50 {lat['p50']:.1f}  p90 {lat['p90']:.1f}  p99 {lat['p99']:.1f}"
        f"  max {lat['max']:.1f} ms",
        f"  sent -> webhook:     p50 {sent['p50']:.1f}  p99 {sent['p99']:.1f}  "
        f"max {sent['max']:.1f} ms;  POST p50 {req['p50']:.1f}  p99 {req['p99']:.1f}  "
        f"max {req['max']:.1f} ms",
        f"  {result['server']}: CPU {result['server_cpu_ms_per_report']} ms per report, peak "
        f"RSS {result['server_peak_rss_mb']} MB; client at most "
        f"{result['client_behind_s']} s behind; load average {result['load'][0]} -> "
        f"{result['load'][1]}",
        *(f"  error: {e}" for e in result["errors"]),
        *(["  the client fell behind its schedule: these figures measure a starved machine"]
          if result["client_behind_s"] > 0.5 else []),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="reports per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to report")
    parser.add_argument("--sites", type=int, default=30, help="assets the reports are near")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--server-cpus", default="0", help="taskset CPUs of the server ('': any)")
    parser.add_argument("--client-cpus", default="1", help="CPUs of the client and receiver")
    parser.add_argument("--incidents", type=int, default=100_000, help="the bulk rule check's")
    parser.add_argument("--one-at-a-time", type=int, default=5_000, metavar="SAMPLE",
                        help="incidents checked one by one (scaled to the whole)")  # fmt: skip
    parser.add_argument("--folder", type=Path, default=Path("/tmp/corridor-bench-report"))
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args()
    if args.client_cpus:
        os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})
    print(f"{os.cpu_count()} cores, load average {_loadavg()}; {args.rate:g} reports/s for "
          f"{args.seconds:g} s", flush=True)  # fmt: skip
    chosen = sites(args.sites)
    results: dict[str, Any] = {"runs": []}
    for database in ["sqlite", *(["postgresql"] if args.postgres else [])]:
        result = run_one(database, args, chosen)
        results["runs"].append(result)
        print("\n".join(lines(result)), flush=True)
    if args.incidents:
        print(f"bulk rule check, load average {_loadavg()}:", flush=True)
        check = compare(args.incidents, args.one_at_a_time)
        print("\n".join(f"  {line}" for line in check.lines()))
        print(f"  load average after: {_loadavg()}")
        results["rule_check"] = check.__dict__
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
