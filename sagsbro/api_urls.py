"""Every API endpoint under /api/v1/, gathered from the apps' routers."""

from django.urls import include, path

urlpatterns = [
    path("", include("sagsbro.workdays.api.urls")),
    path("", include("sagsbro.organisations.api.urls")),
    path("", include("sagsbro.cases.api.urls")),
    path("", include("sagsbro.meetings.api.followup_urls")),
    path("", include("sagsbro.meetings.api.urls")),
    path("", include("sagsbro.meetings.api.holding_urls")),
    path("", include("sagsbro.clinical.api.assessment_urls")),
    path("", include("sagsbro.clinical.api.referral_urls")),
    path("", include("sagsbro.clinical.api.price_urls")),
    path("", include("sagsbro.organisations.api.audit_log_urls")),
]
