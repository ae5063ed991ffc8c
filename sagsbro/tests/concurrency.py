"""Running two calls at the same moment in tests of what simultaneous users do."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import OperationalError, connections


def run_at_once(*calls: Callable[[], object]) -> list[object]:
    """Start ``calls`` in threads released together and return, in the order they finished,
    what each returned or raised. Each thread has its own database connection and closes it.

    The tests' in-memory SQLite answers "table is locked" at once where a database file waits
    for the other writer (busy timeout), so such an answer is waited out here; on PostgreSQL
    the rows' locks make the second call wait by themselves."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(200):
                try:
                    outcomes.append(call())
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
        except Exception as exc:  # noqa: BLE001 - the caller's assertion names it
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
