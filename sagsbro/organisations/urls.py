"""Logging in and out of the web pages, and the user's API tokens (the agreements' pages are
in cases)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from sagsbro.organisations.web import views

urlpatterns = [
    path("login/", views.SagsbroLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("mine-api-noegler/", views.ApiTokensView.as_view(), name="api-tokens"),
]
