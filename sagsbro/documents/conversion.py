"""A PDF to read for every document that is not one (Word, spreadsheet, OpenDocument, image,
text), made in the background by `documents.tasks.convert_document`, never on the web worker.

Office files and text go through LibreOffice (`soffice --headless --convert-to pdf`), each run
with a fresh profile in a temporary directory of its own and in its own process group, which
is killed as a whole at the time limit (`SAGSBRO_CONVERSION_TIMEOUT_SECONDS`). The profile
switches macros off and links from updating, so a document cannot run code or fetch anything
while it is converted. Images are put on an A4 page by img2pdf (a JPEG is embedded as it is,
without decoding it).

The PDF made is judged as an upload is (`services.inspect_upload`: a clean, readable PDF, and
the virus scan when one is configured) before it is stored as a blob like any other. A
conversion that fails or runs out of time leaves `conversion_status` "failed" with a Danish
reason that names no content; the original is kept and can still be downloaded.

Two workers may run the same conversion (a task queued again while the first still runs): the
result is written in a short transaction that locks the document and finds it still
"pending", so only the first writes anything. The conversion itself runs outside any
transaction: on SQLite a transaction holds the database's one write lock.
"""

from __future__ import annotations

import codecs
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File

from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, record
from sagsbro.core.errors import ServiceError, TransientError
from sagsbro.documents.fingerprint import text_fingerprint
from sagsbro.documents.models import Document
from sagsbro.documents.rules import CONVERTED_KINDS, FileKind, image_refusal, image_too_large
from sagsbro.documents.services import CHUNK_BYTES, blob_files_block, inspect_upload, store_blob

if TYPE_CHECKING:
    from sagsbro.documents.models import Blob

logger = logging.getLogger("sagsbro.documents.conversion")

# Document.conversion_status
NOT_NEEDED = "not_needed"
PENDING = "pending"
DONE = "done"
FAILED = "failed"

CONVERSION_FAILED = "Dokumentet kunne ikke konverteres til PDF. Det kan hentes, som det er."
CONVERSION_INVALID = (
    "Konverteringen gav ikke en PDF, der kan vises. Dokumentet kan hentes, som det er."
)
CONVERSION_VIRUS = (
    "PDF-udgaven af dokumentet blev afvist af virusscanningen og vises ikke. "
    "Kontakt den, der har tilføjet dokumentet."
)
CONVERSION_SCANNER_DOWN = (
    "Virusscanningen svarede ikke, så PDF-udgaven blev ikke lavet. "
    "Dokumentet kan hentes, som det er, eller tilføjes igen senere."
)
CONVERTER_MISSING = (
    "Serveren kan ikke konvertere dokumenter til PDF lige nu. Dokumentet kan hentes, som det er."
)

# What LibreOffice is given, by type: the input file's extension and, for text, the import
# filter (UTF-8, as the text is re-encoded to it first).
_OFFICE_EXTENSIONS = {
    FileKind.DOCX: ".docx",
    FileKind.XLSX: ".xlsx",
    FileKind.ODT: ".odt",
    FileKind.ODS: ".ods",
    FileKind.TEXT: ".txt",
}
_TEXT_FILTER = "Text (encoded):UTF8,LF,,,"

# The fresh profile's settings: no macros at all, no links updated when a document is loaded
# (Writer: 0 = never; Calc: 1 = never), no referrer sent for links.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">
<prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update">
<prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""

# An A4 page with a 10 mm margin; an image larger than that is shrunk to fit, turned to
# landscape when it is wider than tall.
_A4 = (210.0, 297.0)
_MARGIN_MM = 10.0


class ConversionFailed(Exception):
    """A conversion that cannot succeed: `reason` is the Danish text kept on the document,
    `code` what the log says (no content, no names)."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(code)
        self.reason = reason
        self.code = code


def give_up_conversion(document_id: int) -> None:
    """The virus scanner stayed unreachable through every attempt: say so on the document."""
    document = Document.objects.select_related("case", "uploaded_by").filter(pk=document_id)
    found = document.first()
    if found is not None:
        _fail(found, ConversionFailed(CONVERSION_SCANNER_DOWN, "scanner-unavailable"))


def needs_conversion(content_type: str) -> bool:
    return content_type in CONVERTED_KINDS


def timeout_seconds() -> float:
    return float(getattr(settings, "SAGSBRO_CONVERSION_TIMEOUT_SECONDS", 60))


def timeout_reason(seconds: float) -> str:
    shown = f"{seconds:g}".replace(".", ",")
    return (
        f"Dokumentet kunne ikke konverteres til PDF inden for {shown} sekunder. "
        "Det kan hentes, som det er."
    )


# --- the conversion itself ------------------------------------------------------------------


def _copy_original(blob: Blob, target: Path) -> None:
    with blob.file.open("rb") as stored, target.open("wb") as out:
        for chunk in stored.chunks(CHUNK_BYTES):
            out.write(chunk)


def _text_as_utf8(path: Path) -> None:
    """Text was accepted as UTF-8 or Windows-1252 (`rules.looks_like_text`); LibreOffice is
    told UTF-8, so Windows-1252 text is re-encoded first, in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return
    except UnicodeDecodeError:
        pass
    recoded = path.with_name("recoded" + path.suffix)
    with (
        path.open("r", encoding="cp1252", errors="replace", newline="") as source,
        recoded.open("w", encoding="utf-8", newline="") as out,
    ):
        while text := source.read(CHUNK_BYTES):
            out.write(text)
    recoded.replace(path)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the process's whole group: `soffice` starts `soffice.bin` as a child, which would
    otherwise keep running (and keep its profile busy) after its parent is gone."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_libreoffice(source: Path, work: Path, timeout: float, *, text: bool = False) -> Path:
    """Convert `source` to PDF with LibreOffice in `work`; the PDF's path, or
    ConversionFailed. The process group is gone when this returns, whatever happened."""
    program = shutil.which("soffice")
    if program is None:
        raise ConversionFailed(CONVERTER_MISSING, "soffice-missing")
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS)
    out = work / "out"
    out.mkdir()
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nodefault",
        "--nofirststartwizard",
        "--nolockcheck",
        "--nologo",
        "--norestore",
    ]
    if text:
        command.append(f"--infilter={_TEXT_FILTER}")
    command += ["--convert-to", "pdf", "--outdir", str(out), str(source)]
    # A home of its own, so nothing is written to the worker's home directory.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",
    }
    process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=work,
        env=env,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.wait()
        raise ConversionFailed(timeout_reason(timeout), "timeout") from None
    except BaseException:
        _kill_group(process)
        process.wait()
        raise
    # soffice has exited; anything it left running in its group goes too.
    _kill_group(process)
    result = out / (source.stem + ".pdf")
    if process.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
        raise ConversionFailed(CONVERSION_FAILED, f"soffice-exit-{process.returncode}")
    return result


def image_to_pdf(source: Path, work: Path) -> Path:
    """An image on an A4 page. Images with transparency are flattened onto white first
    (PDF images carry no alpha channel as img2pdf writes them)."""
    import img2pdf
    from PIL import Image

    layout = img2pdf.get_layout_fun(
        pagesize=(img2pdf.mm_to_pt(_A4[0]), img2pdf.mm_to_pt(_A4[1])),
        border=(img2pdf.mm_to_pt(_MARGIN_MM), img2pdf.mm_to_pt(_MARGIN_MM)),
        fit=img2pdf.FitMode.shrink,
        auto_orient=True,
    )
    # Checked again here (the upload was checked too): decoding takes memory by the pixel.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as header:
                width, height = header.size
    except Image.DecompressionBombError as error:
        raise ConversionFailed(image_too_large("for mange pixel"), "image-too-large") from error
    too_large = image_refusal(width, height)
    if too_large is not None:
        raise ConversionFailed(too_large, "image-too-large")
    result = work / "out.pdf"
    try:
        pdf = img2pdf.convert(str(source), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    except img2pdf.AlphaChannelError:
        flattened = work / "flattened.png"
        with Image.open(source) as image:
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, "white")
            background.paste(rgba, mask=rgba.getchannel("A"))
            background.save(flattened)
        pdf = img2pdf.convert(str(flattened), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)
    result.write_bytes(pdf)
    return result


def to_pdf(blob: Blob, content_type: str, work: Path, timeout: float) -> Path:
    """The PDF made from a stored original of `content_type`, written in `work`."""
    kind = FileKind(content_type)
    if kind in (FileKind.PNG, FileKind.JPEG):
        source = work / ("original.png" if kind == FileKind.PNG else "original.jpg")
        _copy_original(blob, source)
        return image_to_pdf(source, work)
    extension = _OFFICE_EXTENSIONS.get(kind)
    if extension is None:
        raise ConversionFailed(CONVERSION_FAILED, "unknown-type")
    source = work / f"dokument{extension}"
    _copy_original(blob, source)
    if kind == FileKind.TEXT:
        _text_as_utf8(source)
    return run_libreoffice(source, work, timeout, text=kind == FileKind.TEXT)


# --- the task's work: convert, check, store ------------------------------------------------


def convert_document_now(document_id: int) -> str:
    """Make the document's PDF rendition if it is still pending; return its conversion
    status afterwards."""
    document = Document.objects.select_related("blob", "case", "uploaded_by").get(pk=document_id)
    if document.conversion_status != PENDING:
        return document.conversion_status
    timeout = timeout_seconds()
    with tempfile.TemporaryDirectory(prefix="sagsbro-conversion-") as directory:
        work = Path(directory)
        try:
            pdf_path = to_pdf(document.blob, document.content_type, work, timeout)
        except ConversionFailed as failure:
            return _fail(document, failure)
        except Exception as error:  # noqa: BLE001 - a hostile file may break a converter
            return _fail(document, ConversionFailed(CONVERSION_FAILED, type(error).__name__))
        with pdf_path.open("rb") as handle:
            rendition = File(handle, name="rendition.pdf")
            try:
                inspection = inspect_upload(rendition)
            except ServiceError as refusal:
                if refusal.code == "scanner_unavailable":
                    # Tried again later by the task; never stored unscanned.
                    raise TransientError("virus scanner unavailable") from refusal
                if refusal.code == "virus_found":
                    return _fail(document, ConversionFailed(CONVERSION_VIRUS, "virus-found"))
                return _fail(document, ConversionFailed(CONVERSION_INVALID, "invalid-pdf"))
            if inspection.content_type != FileKind.PDF:
                return _fail(document, ConversionFailed(CONVERSION_INVALID, "not-pdf"))
            text_sha256 = text_fingerprint(handle)
            return _finish(document, rendition, inspection.pages, text_sha256)


def _subject(document: Document) -> Subject:
    return Subject("document", document.pk, document.case_id, document.case.citizen_id)


def _finish(document: Document, rendition: File[bytes], pages: int | None, text: str) -> str:
    # Removes the rendition's blob file again if this transaction fails.
    with blob_files_block():
        # The document's row only: locking the joined rows too would hold the uploader's row
        # while the audit entry waits for the audit chain.
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.conversion_status != PENDING:
            return locked.conversion_status
        locked.rendition = store_blob(rendition)
        locked.pages = pages
        locked.text_sha256 = text
        locked.conversion_status = DONE
        locked.conversion_error = ""
        locked.save(
            update_fields=[
                "rendition",
                "pages",
                "text_sha256",
                "conversion_status",
                "conversion_error",
            ]
        )
        record(
            document.uploaded_by,
            AuditEntry.Action.UPDATE,
            _subject(document),
            detail="pdf-rendition",
            channel="task",
        )
        # The list's thumbnail is drawn from the rendition (imported here: the tasks module
        # imports this one).
        from sagsbro.documents.tasks import enqueue_thumbnail

        enqueue_thumbnail(locked)
    return DONE


def _fail(document: Document, failure: ConversionFailed) -> str:
    # The id and a code only: a file name or a converter's message may carry health text.
    logger.warning("Document %s was not converted to PDF: %s", document.pk, failure.code)
    with blob_files_block():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.conversion_status != PENDING:
            return locked.conversion_status
        locked.conversion_status = FAILED
        locked.conversion_error = failure.reason[:300]
        locked.save(update_fields=["conversion_status", "conversion_error"])
        record(
            document.uploaded_by,
            AuditEntry.Action.UPDATE,
            _subject(document),
            detail="pdf-rendition failed",
            channel="task",
        )
    return FAILED
