"""Pages for the offices: the staffing report (SPEC §3) and its .xlsx download, and the roster pages.

- `report`: 巡察员配备情况, the staffing report of a place inside the caller's scope, and its .xlsx.
- `patrollers`: the roster list and .xlsx, a patroller's page, contracts and renewals, resignation, new candidates.
- `vacancies`: vacancies and their ranking, applicants and their scores, hiring one.
- `filing`: the roster changes not yet filed, filing them upward (备案), and each filing's workbook.
- `register`: 河湖登记, the register's segments in scope (a patroller's own).
- `common`: what the roster pages share.

Thin on purpose: scope comes from the staffing selectors (404 outside it), rules and role checks from the staffing
services (ValidationError shown in the form, PermissionDenied → 403). The urls import the views from here.
"""

from staffing.views.filing import roster_changes, roster_file, roster_filing_download
from staffing.views.patrollers import (
    patroller_contract,
    patroller_create,
    patroller_detail,
    patroller_resign,
    patroller_revoke_devices,
    roster_list,
    roster_xlsx,
)
from staffing.views.register import register
from staffing.views.report import staffing_report, staffing_report_xlsx
from staffing.views.vacancies import (
    vacancy_applicant_add,
    vacancy_applicant_score,
    vacancy_detail,
    vacancy_hire,
    vacancy_list,
    vacancy_open_below_standard,
)

__all__ = [
    "patroller_contract",
    "patroller_create",
    "patroller_detail",
    "patroller_resign",
    "patroller_revoke_devices",
    "register",
    "roster_changes",
    "roster_file",
    "roster_filing_download",
    "roster_list",
    "roster_xlsx",
    "staffing_report",
    "staffing_report_xlsx",
    "vacancy_applicant_add",
    "vacancy_applicant_score",
    "vacancy_detail",
    "vacancy_hire",
    "vacancy_list",
    "vacancy_open_below_standard",
]
