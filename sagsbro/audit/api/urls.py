from rest_framework.routers import SimpleRouter

from sagsbro.audit.api.views import AuditEntryViewSet

router = SimpleRouter(trailing_slash=True)
router.register("audit-log", AuditEntryViewSet, basename="audit-entry")
urlpatterns = router.urls
