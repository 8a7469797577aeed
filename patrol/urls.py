"""Routes of the patrol app. `api_urlpatterns` is mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from patrol import api

api_urlpatterns = [
    path("patrol-logs/", api.log_list, name="patrol-log-list"),
    path("patrol-logs/<int:pk>/", api.log_detail, name="patrol-log-detail"),
]

# Pages (the township review) are added here by the later work of issue 4.
urlpatterns: list = []
