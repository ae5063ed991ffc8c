"""Web pages for cases (the REST API lives under sagsbro/cases/api/)."""

from django.urls import path

from sagsbro.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("sager/<int:pk>/", views.case_detail, name="detail"),
    path("sager/<int:pk>/noter/ny/", views.add_note, name="add-note"),
    path("sager/<int:pk>/handling/<slug:name>/", views.case_action, name="action"),
    path("sager/<int:pk>/<slug:tab>/", views.case_detail, name="detail-tab"),
]
