from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("sagsbro.api_urls")),
    path("", include("sagsbro.organisations.urls")),
    path("", include("sagsbro.cases.urls")),
    path("", include("sagsbro.workdays.urls")),
]
