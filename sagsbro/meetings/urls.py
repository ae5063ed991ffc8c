"""The meetings app's pages (namespace ``meetings``)."""

from django.urls import include, path

from sagsbro.meetings.web import days

app_name = "meetings"

urlpatterns = [
    path("moeder/", days.meeting_list, name="list"),
    path("moeder/serier/ny/", days.series_create, name="series-create"),
    path("moeder/ny/", days.day_create, name="day-create"),
    path("moeder/<int:day_pk>/", days.meeting_day, name="day"),
    path("moeder/<int:day_pk>/rediger/", days.day_edit, name="day-edit"),
    path(
        "sager/<int:pk>/rehabiliteringsteam/booking/",
        days.booking_page,
        name="booking",
    ),
    path("", include("sagsbro.meetings.web.followup_urls")),
    path("", include("sagsbro.meetings.web.coordination_urls")),
    path("", include("sagsbro.meetings.web.holding_urls")),
]
