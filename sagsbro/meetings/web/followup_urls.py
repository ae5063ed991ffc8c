"""The ressourceforløb follow-up's pages, included in the meetings app's URLs (namespace
``meetings``)."""

from django.urls import path

from sagsbro.meetings.web import followup

urlpatterns = [
    path(
        "sager/<int:pk>/rehabiliteringsteam/ressourceforloeb/",
        followup.record_forloeb,
        name="record-forloeb",
    ),
    path(
        "sager/<int:pk>/rehabiliteringsteam/genforelaeggelse/",
        followup.reopen_for_meeting,
        name="reopen-for-meeting",
    ),
]
