"""Writes to the roster (SPEC §4): patrollers, contracts and assignments, vacancies and applicants, filings.

Every function is atomic, validates with full_clean() before saving and locks the patroller row first, so two
requests about the same person (two offices clicking "hire" at once) run one after the other and the second one
sees what the first did. Authorisation that follows from the roster itself ("whoever hires, manages") is checked
here, once, and raises PermissionDenied; the API and the pages turn it into 403.

One module per job: `patrollers` (registering and editing a person), `contracts` (contracts and assignments:
signing, ending early, expiring), `reinstatement` (undoing an early end whose grounds proved unfounded),
`recruitment` (vacancies and their applicants), `filing` (filing roster changes upward, 备案); `common` holds what
they share. Callers import from here.
"""

from staffing.services.common import NON_FIELD
from staffing.services.contracts import (
    Termination,
    contract_create,
    contract_terminate,
    contracts_expire,
    patroller_resign,
)
from staffing.services.filing import roster_file
from staffing.services.patrollers import PATROLLER_EDITABLE, patroller_create, patroller_update
from staffing.services.recruitment import (
    applicant_add,
    applicant_hire,
    applicant_rank,
    applicant_score,
    vacancies_open_below_standard,
    vacancy_cancel,
    vacancy_open,
)
from staffing.services.reinstatement import Reinstatement, contract_reinstate

__all__ = [
    "NON_FIELD",
    "PATROLLER_EDITABLE",
    "Reinstatement",
    "Termination",
    "applicant_add",
    "applicant_hire",
    "applicant_rank",
    "applicant_score",
    "contract_create",
    "contract_reinstate",
    "contract_terminate",
    "contracts_expire",
    "patroller_create",
    "patroller_resign",
    "patroller_update",
    "roster_file",
    "vacancies_open_below_standard",
    "vacancy_cancel",
    "vacancy_open",
]
