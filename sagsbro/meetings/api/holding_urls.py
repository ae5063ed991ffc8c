"""Routes for holding a meeting day, the indstilling, follow-ups and the letters after the
meeting (included in the meetings app's API URLs)."""

from rest_framework.routers import SimpleRouter

from sagsbro.meetings.api.holding_views import (
    BookingIndstillingViewSet,
    CaseConclusionViewSet,
    FollowUpViewSet,
    MeetingDayHoldingViewSet,
    OutgoingMessageViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("meeting-days", MeetingDayHoldingViewSet, basename="meeting-day-holding")
router.register("bookings", BookingIndstillingViewSet, basename="booking-indstilling")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("cases", CaseConclusionViewSet, basename="case-conclusion")
router.register("outgoing-messages", OutgoingMessageViewSet, basename="outgoing-message")
urlpatterns = router.urls
