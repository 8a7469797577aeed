"""API routes of the rivers app, mounted under /api/v1/ by config/urls.py (the places are edited in the admin)."""

from rest_framework.routers import DefaultRouter

from rivers.api import WaterBodyViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("water-bodies", WaterBodyViewSet, basename="water-body")

api_urlpatterns = [*router.urls]
