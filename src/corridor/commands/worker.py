"""``corridor worker``: the delivery worker on its own, until SIGTERM or Ctrl-C."""

from __future__ import annotations

from typing import Annotated

import typer

from corridor.commands.context import current
from corridor.commands.output import note

__all__ = ["worker"]


def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="POSTs under way at once (slow receivers wait side by side)."
        ),
    ] = 16,
    poll_ms: Annotated[
        int, typer.Option(min=1, max=60_000, help="How often to look for new deliveries.")
    ] = 50,
    timeout: Annotated[
        float, typer.Option(min=0.1, max=300, help="Seconds a receiver has to answer.")
    ] = 10.0,
    lease: Annotated[
        float,
        typer.Option(
            help="Seconds a claimed delivery stays this worker's; if it dies, "
            "another sends it after that. At least the timeout + 1 s."
        ),
    ] = 60.0,
    max_attempts: Annotated[
        int, typer.Option(min=1, max=100, help="Attempts before a delivery is dead.")
    ] = 15,
    retry_base: Annotated[
        float, typer.Option(min=0.001, help="Seconds: the first retry waits up to this.")
    ] = 2.0,
    retry_cap: Annotated[
        float, typer.Option(min=0.001, help="Seconds: no retry waits longer than this.")
    ] = 3600.0,
    once: Annotated[
        bool, typer.Option("--once", help="Send what is due now, then stop (for cron).")
    ] = False,
    name: Annotated[
        str | None, typer.Option(help="This worker's name in claims (default host:pid).")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="No line per attempt; only start, errors, stop.")
    ] = False,
) -> None:
    """Send webhook deliveries: claim what is due, POST it signed, retry failures with
    backoff, until SIGTERM or Ctrl-C (the POSTs under way finish first). Several workers
    may share one store; on PostgreSQL they never send one delivery twice.

    Example: corridor worker
    Example: corridor worker --once
    Example: corridor worker --concurrency 32 --poll-ms 20 --quiet
    """
    import signal
    import threading
    from collections import Counter

    from corridor.delivery.backoff import RetryPolicy
    from corridor.delivery.models import Outcome
    from corridor.delivery.worker import Worker, WorkerOptions, outcome_line

    options = WorkerOptions(
        concurrency=concurrency,
        timeout_s=timeout,
        lease_s=lease,
        poll_s=poll_ms / 1000,
        retry=RetryPolicy(base_s=retry_base, cap_s=retry_cap, max_attempts=max_attempts),
    )
    run = current()
    store = run.store()
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def heard(outcome: Outcome) -> None:
        with lock:
            counts[outcome.status.value] += 1
        if not quiet:
            note(outcome_line(outcome), style="")

    from corridor.alerts.escalation import escalation_job

    job = escalation_job(store, run.atlas)
    with Worker(store, name=name, options=options, on_outcome=heard, periodic=job) as delivering:
        if once:
            done = delivering.deliver_due()
            note(f"worker {delivering.name}: {len(done)} attempt(s); " + _summary(counts))
            return
        note(
            f"worker {delivering.name} on {run.where()}: up to {concurrency} at a time, "
            f"looking every {poll_ms} ms, lease {lease:g} s; SIGTERM or Ctrl-C stops it"
        )
        stop = threading.Event()

        def stopping(signum: int, _frame: object) -> None:
            if stop.is_set():
                raise KeyboardInterrupt  # a second Ctrl-C: stop waiting for the POSTs
            note(f"{signal.Signals(signum).name}: finishing the deliveries under way")
            stop.set()

        previous = {s: signal.signal(s, stopping) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            delivering.run(stop)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        note(f"worker {delivering.name} stopped; " + _summary(counts))


def _summary(counts: dict[str, int]) -> str:
    return (
        f"{counts.get('delivered', 0)} delivered, {counts.get('pending', 0)} to retry, "
        f"{counts.get('dead', 0)} dead"
    )
