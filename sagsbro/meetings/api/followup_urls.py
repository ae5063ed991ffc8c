"""The ressourceforløb follow-up's API routes, included in the meetings app's API URLs."""

from rest_framework.routers import SimpleRouter

from sagsbro.meetings.api.followup_views import DueGenforelaeggelseViewSet, ForloebFollowUpViewSet

router = SimpleRouter(trailing_slash=True)
router.register("cases", ForloebFollowUpViewSet, basename="case-ressourceforloeb")
router.register("genforelaeggelse-due", DueGenforelaeggelseViewSet, basename="genforelaeggelse-due")
urlpatterns = router.urls
