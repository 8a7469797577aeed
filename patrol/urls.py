"""Routes of the patrol app. `api_urlpatterns` is mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from config import web  # noqa: F401 (registers the <id:…> path converter)
from config.api import viewset_routes
from patrol import views
from patrol.api import local_checks, logs, photos, problems
from patrol.views import mobile

routes = viewset_routes(
    ("problem-reports", problems.ProblemReportViewSet, "problem-report"),
    ("local-checks", local_checks.LocalCheckViewSet, "local-check"),
)

api_urlpatterns = [
    path("patrol-logs/", logs.log_list, name="patrol-log-list"),
    path("patrol-logs/<id:pk>/", logs.log_detail, name="patrol-log-detail"),
    path("patrol-logs/<id:pk>/photos/", photos.photo_upload, name="patrol-photo-upload"),
    path("photos/<id:pk>/thumbnail/", photos.photo_thumbnail, name="patrol-photo-thumbnail"),
    path("photos/<id:pk>/large/", photos.photo_large, name="patrol-photo-large"),
    path("resolution-photos/<id:pk>/thumbnail/", photos.resolution_thumbnail, name="patrol-resolution-thumbnail"),
    path("resolution-photos/<id:pk>/large/", photos.resolution_large, name="patrol-resolution-large"),
    path("checklist/", local_checks.checklist, name="checklist"),
    *routes,
]

# Pages (the township review, the local check items), mounted under /patrol/ by config/urls.py.
urlpatterns = [
    path("review/", views.review, name="patrol-review"),
    path("review.xlsx", views.review_xlsx, name="patrol-review-xlsx"),
    path("logs/<id:pk>/", views.log_detail, name="patrol-log-page"),
    path("problems/<id:pk>/<slug:action>/", views.problem_transition, name="patrol-problem-transition"),
    path("local-checks/", views.local_check_list, name="patrol-local-checks"),
    path("local-checks/new/", views.local_check_create, name="patrol-local-check-new"),
    path("local-checks/<id:pk>/retire/", views.local_check_retire, name="patrol-local-check-retire"),
]

# The patroller's phone app, mounted under /m/ by config/urls.py (the service worker's scope is /m/).
mobile_urlpatterns = [
    path("", mobile.app, name="mobile-app"),
    path("sw.js", mobile.service_worker, name="mobile-sw"),
    path("manifest.webmanifest", mobile.manifest, name="mobile-manifest"),
    path("token/", mobile.session_token, name="mobile-token"),
]
