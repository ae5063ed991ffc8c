"""A real ClamAV daemon for the scanning tests: Debian's `clamd` (package clamav-daemon) as a
child process, started once per test session with a configuration of its own in a temporary
directory. Its only signature is the EICAR test file's (an `.hdb` line: MD5, size, name), so
it starts in seconds without downloading ClamAV's database. It listens on a Unix socket and on
a free TCP port of the loopback, and is stopped after the session."""

import hashlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sagsbro.documents.scanning import ClamdScanner

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
# The anti-virus industry's test file: harmless, detected by every scanner by agreement.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Sagsbro.Test.EICAR"
# Small, so that a stream over it is refused by clamd and the tests see that path too.
STREAM_MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Clamd:
    unix_address: str
    tcp_address: str
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def clamd(tmp_path_factory) -> Iterator[Clamd]:
    if not Path(CLAMD).exists():
        pytest.fail("clamd is not installed (Debian: clamav-daemon; scripts/test installs it)")
    # A short path: a Unix socket's path is limited to about 100 bytes.
    home = Path(tmp_path_factory.mktemp("clamd"))
    database = home / "db"
    database.mkdir()
    (database / "sagsbro-test.hdb").write_text(
        f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{SIGNATURE}\n"  # noqa: S324 - clamd's format
    )
    sock = home / "clamd.sock"
    port = free_port()
    log = home / "clamd.log"
    config = home / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {sock}",
                "TCPAddr 127.0.0.1",
                f"TCPSocket {port}",
                f"DatabaseDirectory {database}",
                f"LogFile {log}",
                f"PidFile {home / 'clamd.pid'}",
                f"StreamMaxLength {STREAM_MAX_BYTES // 1024 // 1024}M",
                "",
            ]
        )
    )
    process = subprocess.Popen(  # noqa: S603 - the installed clamd with our own configuration
        [CLAMD, f"--config-file={config}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    found = Clamd(unix_address=f"unix://{sock}", tcp_address=f"tcp://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + 60
        scanners = [ClamdScanner(found.unix_address), ClamdScanner(found.tcp_address)]
        while not all(scanner.ping() for scanner in scanners):
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text() if log.exists() else ""
                pytest.fail(f"clamd did not start: {text[-2000:]}")
            time.sleep(0.2)
        yield found
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def scanning(clamd, settings) -> Clamd:
    """Uploads scanned by the session's clamd (over its Unix socket)."""
    settings.SAGSBRO_CLAMD_ADDRESS = clamd.unix_address
    return clamd
