"""Virus scanning of uploads, before anything is stored.

`scan_upload` is the last step of `documents.services.inspect_upload`, so every accepted upload
and every converted PDF passes through it. With `settings.SAGSBRO_CLAMD_ADDRESS` empty (the
demo) nothing is scanned. Otherwise the bytes are streamed to ClamAV's clamd in chunks
(`zINSTREAM`), never read whole into memory; a virus found, a scanner that does not answer or
one that cannot scan the file all refuse the upload: nothing is stored unscanned.

The scanner sits behind `Scanner` (`scan(chunks) -> ScanResult`), so another engine can take
clamd's place. Refusals are logged with the signature's name, the file's size and SHA-256, never
its content or name; the request's log line carries who sent it.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.files.base import File

from sagsbro.core.errors import ServiceError

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
# clamd reads each chunk's length as a 4-byte unsigned integer; keep the chunks moderate.
MAX_FRAME_BYTES = 256 * 1024
CONNECT_TIMEOUT_SECONDS = 5.0
# A reply is "stream: OK", "stream: <signature> FOUND" or "<reason> ERROR"; a longer one is
# not clamd.
MAX_REPLY_BYTES = 4096

VIRUS_FOUND = "Filen indeholder virus ({signature}) og kan ikke vedhæftes."
SCANNER_UNAVAILABLE = "Virusscanningen svarer ikke. Prøv igen om lidt."
SCAN_FAILED = "Filen kunne ikke virusscannes og kan derfor ikke vedhæftes."


@dataclass(frozen=True)
class ScanResult:
    """What a scanner found: clean, a signature's name, or an error it reports."""

    clean: bool
    signature: str = ""
    error: str = ""


class ScannerUnavailable(Exception):
    """The scanner could not be reached, or stopped answering."""


class Scanner(Protocol):
    def scan(self, chunks: Iterable[bytes]) -> ScanResult: ...


class ClamdScanner:
    """A client of clamd's INSTREAM command over a Unix socket or TCP.

    `address` is "unix:///path/to/clamd.ctl" or "tcp://host:3310". clamd refuses a stream longer
    than its `StreamMaxLength` (25 MB by default; set it above the upload limit)."""

    def __init__(self, address: str, *, timeout: float = 60.0) -> None:
        self.address = address
        self.timeout = timeout
        parts = urlsplit(address)
        if parts.scheme == "unix" and parts.path:
            self._family = socket.AF_UNIX
            self._target: str | tuple[str, int] = parts.path
        elif parts.scheme == "tcp" and parts.hostname and parts.port:
            self._family = socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET
            self._target = (parts.hostname, parts.port)
        else:
            raise ValueError(
                "The clamd address must be unix:///path/to/socket or tcp://host:port, "
                f"not {address!r}."
            )

    def _connect(self) -> socket.socket:
        try:
            if isinstance(self._target, tuple):
                conn = socket.create_connection(self._target, timeout=CONNECT_TIMEOUT_SECONDS)
            else:
                conn = socket.socket(self._family, socket.SOCK_STREAM)
                conn.settimeout(CONNECT_TIMEOUT_SECONDS)
                try:
                    conn.connect(self._target)
                except OSError:
                    conn.close()
                    raise
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error
        conn.settimeout(self.timeout)
        return conn

    def ping(self) -> bool:
        """Whether clamd answers PONG."""
        try:
            with self._connect() as conn:
                conn.sendall(b"zPING\0")
                return _reply(conn) == "PONG"
        except (ScannerUnavailable, OSError):
            return False

    def scan(self, chunks: Iterable[bytes]) -> ScanResult:
        with self._connect() as conn:
            try:
                conn.sendall(b"zINSTREAM\0")
                for frame in _frames(chunks):
                    conn.sendall(struct.pack("!L", len(frame)) + frame)
                conn.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd closes the stream early when it exceeds StreamMaxLength and says so;
                # its reply below tells why.
                pass
            except OSError as error:
                raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error
            try:
                reply = _reply(conn)
            except OSError as error:
                raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error
        return parse_reply(reply)


def _frames(chunks: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        for start in range(0, len(chunk), MAX_FRAME_BYTES):
            yield chunk[start : start + MAX_FRAME_BYTES]


def _reply(conn: socket.socket) -> str:
    """clamd's answer to a z-command: text up to a NUL byte (or the end of the connection)."""
    received = bytearray()
    while b"\0" not in received and len(received) < MAX_REPLY_BYTES:
        data = conn.recv(MAX_REPLY_BYTES)
        if not data:
            break
        received += data
    if not received:
        raise ConnectionResetError("clamd closed the connection without an answer")
    return received.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def parse_reply(reply: str) -> ScanResult:
    """clamd's INSTREAM reply as a result: "stream: OK", "stream: Name FOUND", "... ERROR"."""
    _, _, verdict = reply.partition(": ") if reply.startswith("stream: ") else ("", "", reply)
    if verdict == "OK":
        return ScanResult(clean=True)
    if verdict.endswith(" FOUND"):
        return ScanResult(clean=False, signature=verdict.removesuffix(" FOUND").strip())
    return ScanResult(clean=False, error=reply[:200] or "empty reply")


@checks.register()
def check_clamd_address(**kwargs: object) -> list[checks.CheckMessage]:
    """A misspelt SAGSBRO_CLAMD_ADDRESS stops the server at start (`manage.py check`), rather
    than failing every upload."""
    address = settings.SAGSBRO_CLAMD_ADDRESS
    if not address:
        return []
    try:
        ClamdScanner(address)
    except ValueError as error:
        return [checks.Error(str(error), id="sagsbro.E001")]
    return []


def configured_scanner() -> Scanner | None:
    """The scanner the settings name, or None when scanning is off (the demo)."""
    address = settings.SAGSBRO_CLAMD_ADDRESS
    if not address:
        return None
    return ClamdScanner(address, timeout=settings.SAGSBRO_CLAMD_TIMEOUT_SECONDS)


def scan_upload(content: File[bytes], scanner: Scanner | None = None) -> None:
    """Refuse the upload (ServiceError on `file`) unless the scanner finds it clean; nothing
    happens when scanning is off. Leaves `content` at its start."""
    scanner = scanner if scanner is not None else configured_scanner()
    if scanner is None:
        return
    digest = hashlib.sha256()
    size = 0

    def chunks() -> Iterator[bytes]:
        nonlocal size
        content.seek(0)
        for chunk in content.chunks(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            yield chunk

    try:
        result = scanner.scan(chunks())
    except ScannerUnavailable as error:
        logger.error("Upload refused: the virus scanner did not answer (%s)", error)
        raise ServiceError(
            "scanner_unavailable",
            SCANNER_UNAVAILABLE,
            fields={"file": [SCANNER_UNAVAILABLE]},
            status=503,
        ) from error
    finally:
        content.seek(0)
    if result.clean:
        return
    if result.signature:
        logger.warning(
            "Upload refused: virus %s found (%d bytes, sha256 %s)",
            result.signature,
            size,
            digest.hexdigest(),
        )
        # The signature's name comes from the scanner's database: shown, but kept short and
        # printable.
        signature = "".join(ch for ch in result.signature if ch.isprintable())[:100]
        message = VIRUS_FOUND.format(signature=signature)
        raise ServiceError(
            "virus_found", "Dokumentet kunne ikke gemmes.", fields={"file": [message]}
        )
    logger.error("Upload refused: the virus scanner could not scan it (%s)", result.error)
    raise ServiceError("scan_failed", SCAN_FAILED, fields={"file": [SCAN_FAILED]})
