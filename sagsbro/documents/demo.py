"""Demo data owned by documents: the small PDFs the demo cases carry. Which documents a case
carries at which step is the cases' demo's (`cases.demo.attach`)."""

import datetime

from django.utils import timezone

from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.documents.services import DocumentUpload

# --- a tiny PDF -----------------------------------------------------------------------------


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_pdf(title: str, lines: list[str] | None = None, *, scanned: bool = False) -> bytes:
    """A one-page PDF with a title and a few lines of text (Latin-1, Helvetica). `scanned`
    gives other bytes with the same text, as a copy scanned and OCRed again would have."""
    rows = [title, "", *(lines or [])]
    if scanned:
        parts = ["BT", "/F1 11 Tf", "70 736 Td", "15 TL"]
    else:
        parts = ["BT", "/F1 12 Tf", "72 740 Td", "16 TL"]
    for row in rows:
        parts.append(f"({_pdf_escape(row)}) Tj T*")
    parts.append("ET")
    stream = "\n".join(parts).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n".encode()
    )
    return bytes(out)


# --- the demo documents ----------------------------------------------------------------------

DOCUMENT_TITLES = {
    Category.FORBEREDENDE_DEL: "Rehabiliteringsplan – forberedende del",
    Category.LAE_265: "LÆ 265 Lægeattest fra egen læge",
    Category.LAE_271: "LÆ 271 Anmodning om speciallægeattest",
    Category.LAE_275: "LÆ 275 Speciallægeattest",
    Category.INDSTILLING: "Rehabiliteringsteamets indstilling",
    Category.INDSATSPLAN: "Indsatsplan for ressourceforløbet",
    Category.COORDINATOR_ADVICE: "Sundhedskoordinators rådgivning fra sidste møde",
    Category.FORWARDED_COORDINATOR_ADVICE: "Sundhedskoordinators rådgivning fra sidste møde",
    Category.NEW_HEALTH_INFORMATION: "Epikrise fra hospitalet",
    Category.CASEWORKER_SUMMARY: "Resumé siden sidste møde",
    Category.DOCUMENTATION: "Statusnotat fra mentor og praktiksted",
}


# How many days before it is attached each kind of document is dated, so the case file's
# order by document date shows something real: the GP's certificate some weeks old, the
# hospital's discharge letter older, the plan older still.
DAYS_BEFORE_ATTACHING = {
    Category.FORBEREDENDE_DEL: 3,
    Category.LAE_265: 24,
    Category.LAE_271: 1,
    Category.LAE_275: 0,
    Category.INDSTILLING: 0,
    Category.INDSATSPLAN: 62,
    Category.FORWARDED_COORDINATOR_ADVICE: 95,
    Category.NEW_HEALTH_INFORMATION: 41,
    Category.CASEWORKER_SUMMARY: 2,
    Category.DOCUMENTATION: 12,
}

HOSPITALS = {
    "751": "Aarhus Universitetshospital, Ortopædkirurgi",
}
DEFAULT_HOSPITAL = "Hvidovre Hospital, Ortopædkirurgisk Afdeling"


def demo_author(user, case, category: Category) -> str:
    """Who wrote a demo document: the citizen's GP for LÆ 265, a hospital for the discharge
    letter, the region's klinisk funktion for its advice, otherwise the uploader's own
    organisation."""
    if category == Category.LAE_265:
        gp = case.citizen.general_practitioner
        return f"Praktiserende læge {gp.get_full_name()}" if gp else "Egen læge"
    if category == Category.NEW_HEALTH_INFORMATION:
        return HOSPITALS.get(case.municipality.code, DEFAULT_HOSPITAL)
    if category == Category.FORWARDED_COORDINATOR_ADVICE:
        return case.region.klinisk_funktion_name
    return str(user.organisation_name)


def demo_upload(user, case, category: Category, *, scanned: bool = False) -> DocumentUpload:
    """A small PDF of `category` on `case` by `user`, as
    ``cases.services.documents.add_case_document`` takes it (which documents a case carries
    when is the cases' demo's to say), with a plausible date and author. `scanned`: the same
    document scanned again (other bytes, the same text), which the case file flags as a
    duplicate."""
    title = DOCUMENT_TITLES.get(category, CATEGORY_LABELS[category])
    dated = timezone.localdate() - datetime.timedelta(days=DAYS_BEFORE_ATTACHING.get(category, 0))
    author = demo_author(user, case, category)
    lines = [
        f"Sag: {case.reference}",
        f"Borger: {case.citizen.name}",
        f"Udarbejdet af: {author}",
        f"Dato: {dated:%d.%m.%Y}",
    ]
    return {
        "category": category,
        "title": f"{title} (scannet igen)" if scanned else title,
        "filename": f"{category}-{case.pk}{'-scan' if scanned else ''}.pdf",
        "content": demo_pdf(title, lines, scanned=scanned),
        "document_date": dated,
        "author_organisation": author,
    }
