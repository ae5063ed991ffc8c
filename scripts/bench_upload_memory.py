"""Send a 1 GB upload to the real server and print how much its memory grew.

    .venv/bin/python scripts/bench_upload_memory.py [--gigabytes 1]

Starts `manage.py runserver` on a free port with the demo settings on a throwaway SQLite
database and document store (a temporary folder), creates a caseworker and a draft case, logs
in through the log-in page and posts a multipart body announced as 1 GB to
/api/v1/documents/, streamed from a generator (never built in memory). The server must answer
413 before reading the body, and its resident memory (RSS, sampled every 20 ms by psutil) must
grow by less than 50 MB. A small real PDF is uploaded afterwards to show uploads still work.
Exit status 0 when both hold.
"""

import argparse
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MB = 1024 * 1024
BOUNDARY = "sagsbro-bench-boundary"

SETTINGS = """
from sagsbro.settings.demo import *  # noqa: F403

DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": {db!r},
    "OPTIONS": {{"timeout": 20, "transaction_mode": "IMMEDIATE"}},
}}}}
MEDIA_ROOT = {media!r}
"""

BOOTSTRAP = """
import datetime
from sagsbro.cases.services import create_case
from sagsbro.organisations.models import Citizen, Municipality, User
from sagsbro.organisations.roles import Role
from sagsbro.organisations.services import load_reference_data

load_reference_data()
municipality = Municipality.objects.get(code="101")
user = User.objects.create_user(
    username="bench_caseworker", password="bench-password-1", first_name="Bench",
    last_name="Caseworker", role=Role.CASEWORKER, municipality=municipality,
)
citizen = Citizen.objects.create(
    cpr="0101801234", birth_date=datetime.date(1980, 1, 1), name="Borger Bench",
    municipality=municipality,
)
case = create_case(user, subtype="loebende_sag", citizen=citizen)
print(f"CASE={case.pk}")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:1])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_for(url: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


class RssSampler(threading.Thread):
    """The peak resident memory of a process, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


def body_parts(case: int, size: int) -> tuple[bytes, bytes, int]:
    """The multipart head and tail around a file part of `size` bytes, and the total length."""
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="case"\r\n\r\n'
        f"{case}\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="category"\r\n\r\n'
        "lae_265\r\n"
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="stor.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail, len(head) + size + len(tail)


def file_bytes(size: int):
    """`size` bytes of a PDF-looking file, one megabyte at a time."""
    chunk = b"%PDF-1.4\n" + b"0" * (MB - 9)
    sent = 0
    while sent < size:
        piece = chunk[: min(MB, size - sent)]
        sent += len(piece)
        yield piece
        chunk = b"0" * MB


def post_streamed(port: int, path: str, headers: dict[str, str], body, length: int):
    """POST `body` (an iterator of bytes) over a raw socket and keep sending, as a careless
    client would, until the server closes the connection. Returns the first answer's status
    line and body, the bytes sent before that answer arrived and the bytes sent in all."""
    sock = socket.create_connection(("127.0.0.1", port))
    request = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}"]
    request += [f"{name}: {value}" for name, value in headers.items()]
    sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode())
    sent = 0
    answered_after: int | None = None
    answer = b""
    try:
        for chunk in body:
            if answered_after is None and select.select([sock], [], [], 0)[0]:
                answered_after = sent
                # Read the answer now: the connection may be reset once the server closes it.
                answer += sock.recv(65536)
            sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        sock.settimeout(5)
        while True:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    first = answer.split(b"HTTP/1.1 ")[1] if b"HTTP/1.1 " in answer else b""
    status_line, _, rest = first.partition(b"\r\n")
    head, _, first_body = rest.partition(b"\r\n\r\n")
    announced = re.search(rb"(?i)content-length: *(\d+)", head)
    if announced:
        first_body = first_body[: int(announced.group(1))]
    return (
        status_line.decode(errors="replace"),
        first_body[:200].decode(errors="replace"),
        answered_after if answered_after is not None else sent,
        sent,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    options = parser.parse_args()
    size = int(options.gigabytes * 1024 * MB)

    with tempfile.TemporaryDirectory(prefix="sagsbro-bench-") as tmp:
        folder = Path(tmp)
        (folder / "bench_settings.py").write_text(
            SETTINGS.format(db=str(folder / "bench.sqlite3"), media=str(folder / "media"))
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        }
        env.pop("DATABASE_URL", None)
        run(["migrate", "--no-input", "-v0"], env)
        case = int(re.search(r"CASE=(\d+)", run(["shell", "-c", BOOTSTRAP], env)).group(1))

        port = free_port()
        log = open(folder / "server.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            if not wait_for(f"{base}/login/"):
                log.flush()
                sys.exit(
                    "the server did not start:\n" + (folder / "server.log").read_text()[-3000:]
                )
            session = requests.Session()
            session.get(f"{base}/login/")
            login = session.post(
                f"{base}/login/",
                data={"username": "bench_caseworker", "password": "bench-password-1"},
                headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": base},
                allow_redirects=False,
            )
            if login.status_code != 302:
                sys.exit(f"log-in failed: {login.status_code}")
            cookies = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
            headers = {
                "Cookie": cookies,
                "X-CSRFToken": session.cookies["csrftoken"],
                "Referer": base,
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            }

            # Warm up the server (imports, templates) so the figure is the upload's alone.
            session.get(
                f"{base}/api/v1/documents/", headers={"X-CSRFToken": headers["X-CSRFToken"]}
            )
            time.sleep(0.5)
            sampler = RssSampler(server.pid)
            before = sampler.peak
            sampler.start()
            head, tail, length = body_parts(case, size)
            started = time.monotonic()
            status, body, before_answer, sent = post_streamed(
                port,
                "/api/v1/documents/",
                headers,
                (part for parts in ([head], file_bytes(size), [tail]) for part in parts),
                length,
            )
            elapsed = time.monotonic() - started
            time.sleep(0.5)  # anything read late would show up now
            peak = sampler.stop()
            growth = (peak - before) / MB

            small = session.post(
                f"{base}/api/v1/documents/",
                data={"case": case, "category": "lae_265"},
                files={"file": ("attest.pdf", _small_pdf(), "application/pdf")},
                headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": base},
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()

    refused = status.startswith("413")
    print(f"body announced:        {length / MB:,.0f} MB (Content-Length {length})")
    print(f"server answered:       {status or '(no answer)'}")
    print(f"answer:                {body.strip()}")
    print(f"body sent before then: {before_answer / MB:,.1f} MB")
    print(f"body sent in all:      {sent / MB:,.1f} MB in {elapsed:.2f} s, until the server closed")
    print(f"server RSS before:     {before / MB:,.1f} MB")
    print(f"server RSS peak:       {peak / MB:,.1f} MB")
    print(f"server RSS growth:     {growth:,.1f} MB (limit 50 MB)")
    print(f"small PDF afterwards:  {small.status_code}")
    ok = refused and growth < 50 and small.status_code == 201
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def _small_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
