from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # /healthz/ and /readyz/ (the load balancer's probes) are answered before any URL is
    # resolved, by sagsbro.core.health.HealthProbeMiddleware.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the installed sidecar package; its start-up script is loaded from a URL
    # (the split view) so the page keeps the site's CSP, which allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/v1/", include("sagsbro.api_urls")),
    path("", include("sagsbro.organisations.urls")),
    path("", include("sagsbro.cases.web.agreement_urls")),
    path("", include("sagsbro.cases.urls")),
    path("", include("sagsbro.meetings.urls")),
    path("", include("sagsbro.documents.urls")),
    path("", include("sagsbro.workdays.urls")),
    path("", include("sagsbro.clinical.web.price_urls")),
    path("", include("sagsbro.clinical.web.referral_urls")),
    path("", include("sagsbro.clinical.web.assessment_urls")),
]

# Under /api/ an unknown URL or a refused request answers in the API's error body (JSON).
handler400 = "sagsbro.core.api.bad_request"
handler404 = "sagsbro.core.api.page_not_found"
handler500 = "sagsbro.core.api.server_error"
