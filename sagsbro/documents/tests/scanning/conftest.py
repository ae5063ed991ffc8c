"""A real ClamAV daemon for the scanning tests: Debian's `clamd` (package clamav-daemon) as a
child process, started once per test session with a configuration of its own in a temporary
directory. Its only signature is the EICAR test file's (an `.hdb` line: MD5, size, name), so
it starts in seconds without downloading ClamAV's database. It listens on a Unix socket and on
a free TCP port of the loopback, and is stopped after the session."""

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sagsbro.documents.scanning import ClamdScanner
from sagsbro.documents.tests.servers import child_server, free_port

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
    found = Clamd(unix_address=f"unix://{sock}", tcp_address=f"tcp://127.0.0.1:{port}", log=log)
    scanners = [ClamdScanner(found.unix_address), ClamdScanner(found.tcp_address)]
    with child_server(
        [CLAMD, f"--config-file={config}"],
        name="clamd",
        ready=lambda: all(scanner.ping() for scanner in scanners),
        log=log,
    ):
        yield found


@pytest.fixture
def scanning(clamd, settings) -> Clamd:
    """Uploads scanned by the session's clamd (over its Unix socket)."""
    settings.SAGSBRO_CLAMD_ADDRESS = clamd.unix_address
    return clamd
