"""The meetings app's API routes: meeting series, meeting days and their agendas, and
booking a case onto a meeting."""

from rest_framework.routers import SimpleRouter

from sagsbro.meetings.api.day_views import (
    CaseBookingViewSet,
    MeetingDayViewSet,
    MeetingSeriesViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("meeting-series", MeetingSeriesViewSet, basename="meeting-series")
router.register("meeting-days", MeetingDayViewSet, basename="meeting-day")
router.register("cases", CaseBookingViewSet, basename="case-booking")
urlpatterns = router.urls
