"""API routes of the rivers app, mounted under /api/v1/ by config/urls.py (the places are edited in the admin)."""

from config.api import viewset_routes
from rivers.api import WaterBodyViewSet

api_urlpatterns = viewset_routes(("water-bodies", WaterBodyViewSet, "water-body"))
