"""Every API route under /api/v1/. Each app registers its read-only viewsets here and
adds its write endpoints (one APIView per action) to ``urlpatterns``."""

from rest_framework.routers import DefaultRouter

from performance.api import ReturnViewSet
from priorities.api import ActionViewSet, MeasureViewSet, PlanViewSet, PriorityViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("priorities", PriorityViewSet, basename="priority")
router.register("actions", ActionViewSet, basename="action")
router.register("measures", MeasureViewSet, basename="measure")
router.register("returns", ReturnViewSet, basename="return")

app_name = "api"
urlpatterns = router.urls
