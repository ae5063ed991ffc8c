"""The routes of klinisk funktion's work on a case (consultation, investigations, record
requests, the structured certificate), included in the API's URLs."""

from rest_framework.routers import SimpleRouter

from sagsbro.clinical.api.assessment_views import ClinicalAssessmentViewSet

router = SimpleRouter(trailing_slash=True)
router.register("cases", ClinicalAssessmentViewSet, basename="case-clinical")
urlpatterns = router.urls
