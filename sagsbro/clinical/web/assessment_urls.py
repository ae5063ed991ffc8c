"""The pages of klinisk funktion's work on a case, under its tab »Konsultation og attest«."""

from django.urls import path

from sagsbro.clinical.web import assessment_views as v

app_name = "clinical_assessment"

urlpatterns = [
    path("sager/<int:pk>/vurdering/notat/", v.consultation_note, name="note"),
    path(
        "sager/<int:pk>/vurdering/undersoegelser/ny/",
        v.investigation_create,
        name="investigation-create",
    ),
    path(
        "sager/<int:pk>/vurdering/undersoegelser/<int:item>/udfoert/",
        v.investigation_done,
        name="investigation-done",
    ),
    path(
        "sager/<int:pk>/vurdering/journaler/ny/",
        v.record_request_create,
        name="record-request-create",
    ),
    path(
        "sager/<int:pk>/vurdering/journaler/<int:item>/modtaget/",
        v.record_request_received,
        name="record-request-received",
    ),
    path("sager/<int:pk>/vurdering/attest/", v.certificate_edit, name="certificate-edit"),
    path(
        "sager/<int:pk>/vurdering/attest/<int:item>/",
        v.certificate_preview,
        name="certificate-preview",
    ),
    path(
        "sager/<int:pk>/vurdering/attest/<int:item>/underskriv/",
        v.certificate_sign,
        name="certificate-sign",
    ),
    path(
        "sager/<int:pk>/vurdering/attest/<int:item>/pdf/",
        v.certificate_signed_pdf,
        name="certificate-pdf",
    ),
]
