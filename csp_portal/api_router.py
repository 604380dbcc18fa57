"""Every API route under /api/v1/. Each app registers its read-only viewsets here and
adds its write endpoints (one APIView per action) to ``urlpatterns``."""

from rest_framework.routers import DefaultRouter

from performance.api import ReturnViewSet

router = DefaultRouter()
router.register("returns", ReturnViewSet, basename="return")

app_name = "api"
urlpatterns = router.urls
