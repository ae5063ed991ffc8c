"""Web pages of the working-day calendar (the API lives under sagsbro/workdays/api/)."""

from django.urls import path

from sagsbro.workdays.web import views

app_name = "workdays"

urlpatterns = [
    path("fristberegner/", views.calculator, name="calculator"),
]
