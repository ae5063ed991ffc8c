"""Real servers for tests (the virus scanner, the S3-compatible store): a child process on a
free port of the loopback, waited for until it answers and stopped afterwards."""

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port of the loopback that is free now (the child binds it soon after)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def child_server(
    command: Sequence[str],
    *,
    name: str,
    ready: Callable[[], bool],
    log: Path,
    output: Path | None = None,
    start_timeout: float = 60,
    stop_timeout: float = 15,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends, once `ready()` says it answers. Its output goes to
    `output` (or nowhere); if it exits or does not answer within `start_timeout` seconds the
    test fails with the end of `log` (where the server writes). Stopped with SIGTERM, killed
    if it has not ended `stop_timeout` seconds later."""
    with contextlib.ExitStack() as files:
        out = files.enter_context(output.open("wb")) if output else subprocess.DEVNULL
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 - a test's own server
    try:
        deadline = time.monotonic() + start_timeout
        while not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace") if log.exists() else ""
                pytest.fail(f"{name} did not start: {text[-2000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
