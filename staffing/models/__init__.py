"""The patroller roster (SPEC §4): people, yearly contracts, segment assignments, vacancies, roster filing, the
audit trail and the monthly figures.

One module per topic: `patrollers`, `contracts` (contracts and assignments), `recruitment` (vacancies and
applicants), `filing` (roster changes and filings), `audit`, `monthly` (the summaries the overview reads). Every
model is imported here, so that the app registry and the migrations find them where they always were; callers
import from here.
"""

from staffing.models.audit import AuditEntry, AuditRecord
from staffing.models.contracts import Assignment, Contract
from staffing.models.filing import RosterChange, RosterFiling
from staffing.models.monthly import PatrollerMonth, TownshipMonth
from staffing.models.patrollers import Patroller, validate_id_number, validate_phone
from staffing.models.recruitment import Applicant, Vacancy

__all__ = [
    "Applicant",
    "Assignment",
    "AuditEntry",
    "AuditRecord",
    "Contract",
    "Patroller",
    "PatrollerMonth",
    "RosterChange",
    "RosterFiling",
    "TownshipMonth",
    "Vacancy",
    "validate_id_number",
    "validate_phone",
]
