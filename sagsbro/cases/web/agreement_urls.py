"""The collaboration agreements' pages, without a namespace (their names are unchanged)."""

from django.urls import path

from sagsbro.cases.web import agreement_views

urlpatterns = [
    path("samarbejdsaftaler/", agreement_views.agreement_list, name="agreement-list"),
    path(
        "samarbejdsaftaler/kommune/<int:pk>/",
        agreement_views.agreement_detail,
        name="agreement-detail",
    ),
]
