"""The staffing API (API.md): the staffing report, the roster, vacancies, roster changes and filings, the caller.

One module per topic: `report` (the staffing report, SPEC §3), `patrollers` (the roster, contracts, eligibility,
resignation, and the caller's own record and segments), `recruitment` (vacancies and applicants), `filing` (roster
changes and filings); `common` holds what they share. The URLconf imports the views from here.
"""

from staffing.api.filing import RosterChangeViewSet, RosterFilingViewSet
from staffing.api.patrollers import MeView, PatrollerViewSet, SegmentViewSet
from staffing.api.recruitment import VacancyViewSet
from staffing.api.report import StaffingReportView

__all__ = [
    "MeView",
    "PatrollerViewSet",
    "RosterChangeViewSet",
    "RosterFilingViewSet",
    "SegmentViewSet",
    "StaffingReportView",
    "VacancyViewSet",
]
