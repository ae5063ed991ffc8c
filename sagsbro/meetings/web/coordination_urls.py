"""The meeting day page's coordinator, screening, team and agenda-PDF posts (namespace
``meetings``, included from meetings/urls.py)."""

from django.urls import path

from sagsbro.meetings.web import coordination

urlpatterns = [
    path(
        "moeder/<int:day_pk>/koordinator/",
        coordination.assign_coordinator,
        name="day-coordinator",
    ),
    path("moeder/<int:day_pk>/aflys/", coordination.cancel_day, name="day-cancel"),
    path(
        "moeder/<int:day_pk>/screening/<int:booking_pk>/",
        coordination.screen,
        name="day-screening",
    ),
    path("moeder/<int:day_pk>/hold/", coordination.set_team, name="day-team"),
    path(
        "moeder/<int:day_pk>/dagsorden.pdf",
        coordination.agenda_pdf_download,
        name="day-agenda-pdf",
    ),
]
