from django.urls import path
from rest_framework.routers import SimpleRouter

from sagsbro.organisations.api.tokens import ApiTokenViewSet, TokenView
from sagsbro.organisations.api.views import (
    CitizenViewSet,
    MeView,
    MunicipalityViewSet,
    RegionViewSet,
)

router = SimpleRouter(trailing_slash=True)
router.register("regions", RegionViewSet, basename="region")
router.register("municipalities", MunicipalityViewSet, basename="municipality")
router.register("citizens", CitizenViewSet, basename="citizen")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    *router.urls,
]
