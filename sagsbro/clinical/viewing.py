"""The signed certificate's PDF as an HTTP response, for the API and the pages alike."""

from __future__ import annotations

from django.http import FileResponse

from sagsbro.clinical.models import Certificate
from sagsbro.clinical.pdf import certificate as certificate_pdf
from sagsbro.documents.models import Blob
from sagsbro.documents.viewing import PDF, delivery


def signed_pdf_response(blob: Blob, certificate: Certificate) -> FileResponse:
    """Inline in the browser, with the same headers as a case document's content."""
    served = delivery(certificate_pdf.filename_for(certificate), PDF, f"attest-{certificate.pk}")
    response = FileResponse(blob.file.open("rb"), content_type=served.content_type)
    response["Content-Disposition"] = served.disposition
    response["Content-Security-Policy"] = served.csp
    response["X-Content-Type-Options"] = "nosniff"
    return response
