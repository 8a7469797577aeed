"""API routes of the assessments app, included under /api/v1/ by config/urls.py (pages: page_urls.py)."""

from django.urls import path

from assessments.api import (
    AssessmentViewSet,
    CorrectionViewSet,
    DismissalFlagViewSet,
    SpotCheckViewSet,
    SupervisionReportViewSet,
)
from assessments.api_my_month import my_month_view
from config.api import viewset_routes

routes = viewset_routes(
    ("assessments", AssessmentViewSet, "assessment"),
    ("spot-checks", SpotCheckViewSet, "spot-check"),
    ("dismissal-flags", DismissalFlagViewSet, "dismissal-flag"),
    ("corrections", CorrectionViewSet, "correction"),
    ("supervision-reports", SupervisionReportViewSet, "supervision-report"),
)

api_urlpatterns = [
    path("me/month/", my_month_view, name="me-month"),
    *routes,
]
