"""Files written to storage belong to the transaction that wrote them.

Storage is not transactional: a file saved inside a transaction that then fails (a database
error, a refusal after the bytes were stored, an outer step such as an idempotency record
failing) would stay behind without its row. Code that saves a file calls `note_written_file`;
`files_atomic()` is `transaction.atomic()` that deletes those files if its block fails. A
nested block that succeeds hands its files to the enclosing block, which deletes them if it
fails in turn. Files committed earlier are never touched.
"""

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from django.core.files.storage import default_storage
from django.db import transaction

# Files written under the innermost `files_atomic` block, to remove if it fails.
_written_files: ContextVar[list[str] | None] = ContextVar("written_files", default=None)


def note_written_file(name: str) -> None:
    written = _written_files.get()
    if written is not None:
        written.append(name)


@contextlib.contextmanager
def files_atomic() -> Iterator[None]:
    """`transaction.atomic()` that removes the storage files written inside it if it fails."""
    written: list[str] = []
    token = _written_files.set(written)
    try:
        with transaction.atomic():
            try:
                yield
            except BaseException:
                # Still inside the transaction: a concurrent writer of the same file waits on
                # this one's uncommitted row, so it cannot reuse the file meanwhile.
                for name in written:
                    default_storage.delete(name)
                raise
    finally:
        _written_files.reset(token)
    outer = _written_files.get()
    if outer is not None:
        # Committed only as part of the enclosing block: it removes them if it fails.
        outer.extend(written)


def files_atomic_service[**P, R](func: Callable[P, R]) -> Callable[P, R]:
    """A service run inside `files_atomic()`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with files_atomic():
            return func(*args, **kwargs)

    return wrapper
