"""Background tasks that try again when a failure is transient.

Django's tasks framework runs a task once: an exception ends it FAILED. A task made with
`retrying_task` catches the database errors that pass by themselves (a locked SQLite file, a
PostgreSQL deadlock or serialisation failure, a dropped connection) and queues itself again,
to run after an exponentially growing pause, with its attempt number in the keyword
argument `attempt`. The attempt that handed over ends SUCCESSFUL with no return value and a
warning in the worker's log; only the last attempt's failure, or any other error, ends the
task FAILED, for people to see and start again.
"""

import datetime
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connection
from django.tasks import Task, task
from django.utils import timezone

from sagsbro.core.errors import TransientError

logger = logging.getLogger("sagsbro.tasks")

ATTEMPTS = 5
FIRST_PAUSE = datetime.timedelta(seconds=2)

# Errors that say nothing about the task's input: the database was busy or unreachable, or a
# service the task needs was briefly down.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    TransientError,
)


def pause_before(attempt: int, first: datetime.timedelta = FIRST_PAUSE) -> datetime.timedelta:
    """The pause before `attempt` (2, 3, …): the first pause, doubled for each attempt after."""
    return first * 2 ** (attempt - 2)


def retrying_task(
    *,
    attempts: int = ATTEMPTS,
    first_pause: datetime.timedelta = FIRST_PAUSE,
    on_give_up: Callable[..., Any] | None = None,
) -> Callable[[Callable[..., Any]], Task]:
    """Like `@task`, and queued again (up to `attempts` runs in all) on a transient error.
    `on_give_up`, called with the task's arguments when the last attempt still meets a
    transient error, records the lasting state (the task then ends FAILED)."""

    def decorate(func: Callable[..., Any]) -> Task:
        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except TRANSIENT_ERRORS as error:
                if attempt >= attempts:
                    if on_give_up is not None:
                        on_give_up(*args, **kwargs)
                    raise
                pause = pause_before(attempt + 1, first_pause)
                if not connection.in_atomic_block:
                    # A dropped connection is replaced before the retry is queued.
                    connection.close_if_unusable_or_obsolete()
                retry = the_task.using(run_after=timezone.now() + pause)
                retry.enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning(
                    "Task %s attempt %d of %d hit a transient error (%s); queued again in %s s",
                    the_task.module_path,
                    attempt,
                    attempts,
                    type(error).__name__,
                    int(pause.total_seconds()),
                )
                return None

        the_task: Task = task(run)
        return the_task

    return decorate
