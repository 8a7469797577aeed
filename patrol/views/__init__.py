"""The township review page (SPEC §5, §8): a day's or a month's patrol logs of one township with their evidence
flags and photos, who has not logged, the problem reports with the office's buttons, and the .xlsx export.

Offices only (a patroller, village chief or supervisor gets 403); a township office sees its township, a county
office picks one of its townships, the city office any (outside scope → 404).

One module per job: `review_page` (the page of the review that patrol.selectors.review builds for a township and
period), `review_export` (the same review as .xlsx), `problem_actions` (the office's buttons on the problem
reports); `common` holds what they share (the filters of the page and the export); `local_checks` is the page of
the local check items (第八条). URLs name the views imported here.
"""

from patrol.views.local_checks import local_check_create, local_check_list, local_check_retire
from patrol.views.log_detail import log_detail
from patrol.views.problem_actions import problem_transition
from patrol.views.review_export import review_xlsx
from patrol.views.review_page import review

__all__ = [
    "local_check_create",
    "local_check_list",
    "local_check_retire",
    "log_detail",
    "problem_transition",
    "review",
    "review_xlsx",
]
