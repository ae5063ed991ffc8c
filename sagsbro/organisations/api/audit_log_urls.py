from rest_framework.routers import SimpleRouter

from sagsbro.organisations.api.audit_log import AuditEntryViewSet

router = SimpleRouter(trailing_slash=True)
router.register("audit-log", AuditEntryViewSet, basename="audit-entry")
urlpatterns = router.urls
