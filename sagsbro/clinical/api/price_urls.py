from rest_framework.routers import SimpleRouter

from sagsbro.clinical.api.price_views import (
    AssessmentCostViewSet,
    PriceAverageViewSet,
    PriceIndexViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("assessment-costs", AssessmentCostViewSet, basename="assessment-cost")
router.register("price-index", PriceIndexViewSet, basename="price-index")
router.register("price-averages", PriceAverageViewSet, basename="price-average")
urlpatterns = router.urls
