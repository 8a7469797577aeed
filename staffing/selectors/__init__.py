"""Reads for staffing (SPEC §3–§4): who is assigned where, the roster in scope, eligibility, vacancies, filings and
the staffing report.

One module per topic: `contracts` (the one "in force" rule, who holds which segment on a day, a patroller's
contracts), `roster` (the patrollers a user may see and whose personal data in full), `hiring` (第四条 eligibility
and the notes on a hire), `recruitment` (vacancies and their ranked applicants), `filing` (roster changes and their
filing, 备案), `report` (the staffing report) and `figures` (its sums per place for the overview). Callers import
from here.
"""

from staffing.selectors.contracts import (
    actual_patrollers,
    assignment_in_force_q,
    assignment_on,
    contract_covers_q,
    contract_in_force,
    contract_in_force_q,
    contracts_in_force_between,
    contracts_of,
    segment_ids_assigned_to,
)
from staffing.selectors.figures import staffing_figures
from staffing.selectors.filing import roster_changes, roster_filings, unfiled_changes
from staffing.selectors.hiring import eligibility, eligibility_notices, is_excellent_incumbent, recent_dismissals
from staffing.selectors.recruitment import (
    applicants_ranked_above,
    recruitment_weights,
    vacancies_visible_to,
    vacancy_get,
    vacancy_history,
    vacancy_list,
    vacancy_ranking,
    why_not_hireable,
)
from staffing.selectors.report import (
    PlaceTotals,
    ReservoirLine,
    SegmentLine,
    StaffingReport,
    Totals,
    city_staffing_report,
    requirement_of,
    staffing_report,
)
from staffing.selectors.roster import (
    current_segment,
    id_number_for,
    manages,
    managing_office,
    masked_because,
    may_act_in_township,
    patroller_get,
    patroller_list,
    patroller_of,
    patroller_summary,
    patrollers_visible_to,
    phone_for,
    township_roster,
)

__all__ = [
    "PlaceTotals",
    "ReservoirLine",
    "SegmentLine",
    "StaffingReport",
    "Totals",
    "actual_patrollers",
    "applicants_ranked_above",
    "assignment_in_force_q",
    "assignment_on",
    "city_staffing_report",
    "contract_covers_q",
    "contract_in_force",
    "contract_in_force_q",
    "contracts_in_force_between",
    "contracts_of",
    "current_segment",
    "eligibility",
    "eligibility_notices",
    "id_number_for",
    "is_excellent_incumbent",
    "manages",
    "managing_office",
    "masked_because",
    "may_act_in_township",
    "patroller_get",
    "patroller_list",
    "patroller_of",
    "patroller_summary",
    "patrollers_visible_to",
    "phone_for",
    "recent_dismissals",
    "recruitment_weights",
    "requirement_of",
    "roster_changes",
    "roster_filings",
    "segment_ids_assigned_to",
    "staffing_figures",
    "staffing_report",
    "township_roster",
    "unfiled_changes",
    "vacancies_visible_to",
    "vacancy_get",
    "vacancy_history",
    "vacancy_list",
    "vacancy_ranking",
    "why_not_hireable",
]
