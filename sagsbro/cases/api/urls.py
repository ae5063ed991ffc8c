from django.urls import re_path
from rest_framework.routers import SimpleRouter

from sagsbro.cases.api.agreement_views import AgreementViewSet
from sagsbro.cases.api.case_file_views import CombinedCaseFileView
from sagsbro.cases.api.document_views import DocumentViewSet
from sagsbro.cases.api.views import CaseViewSet, ConsentViewSet, TreatmentRelationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("cases", CaseViewSet, basename="case")
router.register("consents", ConsentViewSet, basename="consent")
router.register("treatment-relations", TreatmentRelationViewSet, basename="treatment-relation")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = [
    re_path(
        r"^cases/(?P<pk>[0-9]+)/documents/combined/$",
        CombinedCaseFileView.as_view(),
        name="case-documents-combined",
    ),
    *router.urls,
]
