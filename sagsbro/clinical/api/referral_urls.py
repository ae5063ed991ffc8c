"""The routes of referrals, specialists and the consultation calendar, included in the API's
URLs."""

from rest_framework.routers import SimpleRouter

from sagsbro.clinical.api import referral_views as v

router = SimpleRouter(trailing_slash=True)
router.register("referrals", v.ReferralViewSet, basename="referral")
router.register("specialties", v.SpecialtyViewSet, basename="specialty")
router.register("specialists", v.SpecialistViewSet, basename="specialist")
router.register("consultation-places", v.ConsultationPlaceViewSet, basename="consultation-place")
router.register("consultation-slots", v.ConsultationSlotViewSet, basename="consultation-slot")
urlpatterns = router.urls
