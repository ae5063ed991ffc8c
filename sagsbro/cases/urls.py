"""Web pages for cases (the REST API lives under sagsbro/cases/api/)."""

from django.urls import path

from sagsbro.cases.web import (
    answer_views,
    case_file_views,
    create_views,
    deadline_views,
    document_views,
    views,
)

app_name = "cases"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("sager/<int:pk>/", views.case_detail, name="detail"),
    path("sager/<int:pk>/noter/ny/", views.add_note, name="add-note"),
    path("sager/<int:pk>/egen-laege/kontakt/", views.record_gp_contact, name="gp-contact"),
    path("sager/<int:pk>/svar/udkast/", answer_views.answer_preview, name="answer-preview"),
    path(
        "sager/<int:pk>/svar/<int:advice_pk>/pdf/igen/",
        answer_views.retry_answer_pdf,
        name="retry-answer-pdf",
    ),
    path("sager/<int:pk>/handling/<slug:name>/", views.case_action, name="action"),
    path(
        "sager/<int:pk>/frister/<slug:kind>/aftal/",
        deadline_views.agree_deadline,
        name="agree-deadline",
    ),
    path("sager/ny/", create_views.create_case, name="create"),
    path("sager/ny/borgersoegning/", create_views.citizen_search, name="citizen-search"),
    path("borgere/ny/", create_views.create_citizen, name="create-citizen"),
    path("sager/<int:pk>/rediger/", create_views.edit_case, name="edit"),
    path("sager/<int:pk>/dokumenter/ny/", create_views.add_case_document, name="add-document"),
    path(
        "sager/<int:pk>/dokumenter/<int:document_pk>/traek-tilbage/",
        document_views.withdraw_document,
        name="withdraw-document",
    ),
    path("sager/<int:pk>/dokumenter/samlet/", case_file_views.case_file, name="case-file"),
    path(
        "sager/<int:pk>/dokumenter/samlet/status/",
        case_file_views.case_file_status,
        name="case-file-status",
    ),
    path(
        "sager/<int:pk>/dokumenter/samlet/igen/",
        case_file_views.case_file_retry,
        name="case-file-retry",
    ),
    path("sager/<int:pk>/samtykke/ny/", create_views.add_consent, name="add-consent"),
    path(
        "sager/<int:pk>/samtykke/<int:consent_pk>/tilbagekald/",
        create_views.withdraw_consent,
        name="withdraw-consent",
    ),
    path("sager/<int:pk>/<slug:tab>/", views.case_detail, name="detail-tab"),
]
