"""Page routes of the assessments app, mounted under /assessments/ by config/urls.py (the API routes are in
urls.py). Names start with "assessments-" so that they never clash with the API's route names."""

from django.urls import path

from assessments import views
from config import web  # noqa: F401 (registers the <id:…> path converter)

urlpatterns = [
    path("sheet/", views.sheet, name="assessments-sheet"),
    path("sheet.xlsx", views.sheet_xlsx, name="assessments-sheet-xlsx"),
    path("spot-checks/", views.spot_check, name="assessments-spot-check"),
    path("spot-checks.xlsx", views.spot_check_xlsx, name="assessments-spot-check-xlsx"),
    path("flags/", views.flag_list, name="assessments-flags"),
    path("flags.xlsx", views.flags_xlsx, name="assessments-flags-xlsx"),
    path("flags/<id:pk>/confirm/", views.flag_confirm, name="assessments-flag-confirm"),
    path("flags/<id:pk>/reinstate/", views.flag_reinstate, name="assessments-flag-reinstate"),
    path("patrollers/<id:pk>/", views.patroller_year, name="assessments-patroller"),
    path("patrollers/<id:pk>.xlsx", views.patroller_year_xlsx, name="assessments-patroller-xlsx"),
    path("corrections/", views.correction_list, name="assessments-corrections"),
    path("corrections.xlsx", views.corrections_xlsx, name="assessments-corrections-xlsx"),
    path("corrections/<id:pk>/<slug:action>/", views.correction_decide, name="assessments-correction-decide"),
    path("results/", views.results, name="assessments-results"),
    path("results.xlsx", views.results_xlsx, name="assessments-results-xlsx"),
    path("supervision/", views.supervision_list, name="assessments-supervision"),
    path("supervision.xlsx", views.supervision_xlsx, name="assessments-supervision-xlsx"),
    path("supervision/new/", views.supervision_new, name="assessments-supervision-new"),
    path("supervision/<id:pk>/photo/", views.supervision_photo, name="assessments-supervision-photo"),
    path("supervision/<id:pk>/<slug:action>/", views.supervision_decide, name="assessments-supervision-decide"),
]
