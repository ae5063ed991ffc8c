"""Logging in and out of the web pages; the collaboration agreements."""

from django.contrib.auth import views as auth_views
from django.urls import path

from sagsbro.organisations.web import agreement_views, views

urlpatterns = [
    path("login/", views.SagsbroLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("samarbejdsaftaler/", agreement_views.agreement_list, name="agreement-list"),
    path(
        "samarbejdsaftaler/kommune/<int:pk>/",
        agreement_views.agreement_detail,
        name="agreement-detail",
    ),
]
