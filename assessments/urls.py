"""API routes of the assessments app, included under /api/v1/ by config/urls.py (pages: page_urls.py)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from assessments.api import (
    AssessmentViewSet,
    CorrectionViewSet,
    DismissalFlagViewSet,
    SpotCheckViewSet,
    SupervisionReportViewSet,
)
from assessments.api_my_month import my_month_view

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
router.register("dismissal-flags", DismissalFlagViewSet, basename="dismissal-flag")
router.register("corrections", CorrectionViewSet, basename="correction")
router.register("supervision-reports", SupervisionReportViewSet, basename="supervision-report")

api_urlpatterns = [
    path("me/month/", my_month_view, name="me-month"),
    *router.urls,
]
