"""Web pages for cases (the REST API lives under sagsbro/cases/api/)."""

from django.urls import path

from sagsbro.cases import create_views, views

app_name = "cases"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("sager/<int:pk>/", views.case_detail, name="detail"),
    path("sager/<int:pk>/noter/ny/", views.add_note, name="add-note"),
    path("sager/<int:pk>/handling/<slug:name>/", views.case_action, name="action"),
    path("sager/ny/", create_views.create_case, name="create"),
    path("borgere/ny/", create_views.create_citizen, name="create-citizen"),
    path("sager/<int:pk>/rediger/", create_views.edit_case, name="edit"),
    path("sager/<int:pk>/dokumenter/ny/", create_views.add_case_document, name="add-document"),
    path("sager/<int:pk>/samtykke/ny/", create_views.add_consent, name="add-consent"),
    path(
        "sager/<int:pk>/samtykke/<int:consent_pk>/tilbagekald/",
        create_views.withdraw_consent,
        name="withdraw-consent",
    ),
    path("sager/<int:pk>/<slug:tab>/", views.case_detail, name="detail-tab"),
]
