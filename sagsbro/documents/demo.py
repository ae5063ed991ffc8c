"""Demo data owned by documents: small PDFs attached to the demo cases at the moments a
caseworker or the region would add them. The `demo` app hands `attach` to the case builder."""

from django.utils import timezone

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.documents.rules import CATEGORY_LABELS, Category
from sagsbro.documents.services import add_document
from sagsbro.organisations.demo import CHANNEL

# --- a tiny PDF -----------------------------------------------------------------------------


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def demo_pdf(title: str, lines: list[str] | None = None) -> bytes:
    """A one-page PDF with a title and a few lines of text (Latin-1, Helvetica)."""
    rows = [title, "", *(lines or [])]
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


# --- what is attached when ------------------------------------------------------------------

# Attached by the caseworker when the case is drafted.
ATTACHMENTS = {
    Subtype.REHABILITERINGSTEAM: [Category.FORBEREDENDE_DEL, Category.LAE_265],
    Subtype.LOEBENDE_SAG: [
        Category.INDSATSPLAN,
        Category.COORDINATOR_ADVICE,
        Category.NEW_HEALTH_INFORMATION,
    ],
    Subtype.RET_TIL_SUNDHEDSKOORDINATOR: [Category.INDSATSPLAN, Category.NEW_HEALTH_INFORMATION],
    Subtype.GENFORELAEGGELSE: [Category.CASEWORKER_SUMMARY, Category.DOCUMENTATION],
    Subtype.AABENBAR_FOERTIDSPENSION: [Category.FORBEREDENDE_DEL],
    Subtype.KLINISK_FUNKTION: [Category.LAE_271],
    Subtype.SENIORPENSION: [Category.NEW_HEALTH_INFORMATION],
    Subtype.JOBAFKLARING_4AAR: [],
}

# Attached when the case reaches a step that needs a document: the team's indstilling before
# it is sent, the specialist's certificate before it is delivered.
AT_STEP = {
    "meeting_held": [Category.INDSTILLING],
    "consultation_held": [Category.LAE_275],
}

DOCUMENT_TITLES = {
    Category.FORBEREDENDE_DEL: "Rehabiliteringsplan – forberedende del",
    Category.LAE_265: "LÆ 265 Lægeattest fra egen læge",
    Category.LAE_271: "LÆ 271 Anmodning om speciallægeattest",
    Category.LAE_275: "LÆ 275 Speciallægeattest",
    Category.INDSTILLING: "Rehabiliteringsteamets indstilling",
    Category.INDSATSPLAN: "Indsatsplan for ressourceforløbet",
    Category.COORDINATOR_ADVICE: "Sundhedskoordinators rådgivning fra sidste møde",
    Category.NEW_HEALTH_INFORMATION: "Epikrise fra hospitalet",
    Category.CASEWORKER_SUMMARY: "Resumé siden sidste møde",
    Category.DOCUMENTATION: "Statusnotat fra mentor og praktiksted",
}


def _add(user, case, category):
    title = DOCUMENT_TITLES.get(category, CATEGORY_LABELS[category])
    lines = [
        f"Sag: {case.reference}",
        f"Borger: {case.citizen.name}",
        f"Udarbejdet af: {user.get_full_name()}, {user.organisation_name}",
        f"Dato: {timezone.localdate():%d.%m.%Y}",
    ]
    return add_document(
        user,
        case,
        category=category,
        title=title,
        filename=f"{category}-{case.pk}.pdf",
        content=demo_pdf(title, lines),
        content_type="application/pdf",
        channel=CHANNEL,
    )


def attach(user, case, step):
    """Attach the documents `case` needs at `step` ("drafted", "meeting_held",
    "consultation_held"), as `user`."""
    categories = ATTACHMENTS[Subtype(case.subtype)] if step == "drafted" else AT_STEP[step]
    for category in categories:
        _add(user, case, category)
