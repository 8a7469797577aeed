"""Routes of the overview. `api_urlpatterns` is mounted under /api/v1/ by config/urls.py, the pages under /overview/."""

from django.urls import path

from overview import api, views

api_urlpatterns = [
    path("overview/", api.OverviewView.as_view(), name="overview-api"),
    path("overview/segments/", api.OverviewSegmentsView.as_view(), name="overview-segments-api"),
]

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("overview.xlsx", views.overview_xlsx, name="overview-xlsx"),
]
