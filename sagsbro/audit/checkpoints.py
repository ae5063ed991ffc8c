"""Where the sealer's signed checkpoints are kept: outside the database, so that someone who
can rewrite the database cannot also move the checkpoints back. A file store ships with the
product (point it at storage the database's administrators cannot write, e.g. a mounted
write-once bucket); another store (an object store with object lock, a timestamping service)
fills the same interface."""

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sagsbro.audit.rules import Checkpoint


class CheckpointStore(Protocol):
    def append(self, checkpoint: Checkpoint) -> None: ...

    def all(self) -> Iterator[Checkpoint | str]:
        """Every checkpoint in the order written; a line that cannot be read comes back as a
        string describing it, for the verifier to report."""
        ...


class FileCheckpointStore:
    """One append-only JSON-lines file per day, each line a signed checkpoint."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def append(self, checkpoint: Checkpoint) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        day = datetime.datetime.now(datetime.UTC).date().isoformat()
        path = self.directory / f"checkpoints-{day}.jsonl"
        line = (checkpoint.to_json() + "\n").encode()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def all(self) -> Iterator[Checkpoint | str]:
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.glob("checkpoints-*.jsonl")):
            with path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, start=1):
                    if not line.strip():
                        continue
                    try:
                        yield Checkpoint.from_json(line)
                    except (ValueError, KeyError, TypeError):
                        yield f"{path.name} linje {number} kan ikke læses"
