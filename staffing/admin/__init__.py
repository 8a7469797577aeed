"""Django admin for the roster: office staff look things up in their own scope.

Personal data (SPEC §4): a patroller's ID number and phone — and the birth date, which is exactly the part the
masked ID number hides — are shown in full only to the office that manages the person (and to superusers), in
the lists and in the change form; everyone else sees them masked and can neither search nor filter by them.

Writes go through the services, after the form has run the model's own validation (full_clean): the managing
office changes a patroller's record (`patroller_update`, audited) and an office enters applicants' scores
(`applicant_score`, which re-ranks). Everything else is read-only here — contracts, assignments, vacancies, roster
changes, filings and the audit trail are made on the office pages, which run eligibility and the contract rules.

One module per topic: `patrollers`, `recruitment` (vacancies and applicants), `contracts` (contracts and
assignments), `filing` (roster changes, filings and the audit trail); `common` holds the base classes. Importing
them here registers them (the admin's autodiscovery imports this package).
"""

from staffing.admin import contracts, filing, patrollers, recruitment

__all__ = ["contracts", "filing", "patrollers", "recruitment"]
