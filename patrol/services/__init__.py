"""Writes of the patrol app. Every function is keyword-only; who may act is decided here and raised as
PermissionDenied (403), bad input as ValidationError keyed by field (400).

One module per job: `logs` (log submission, idempotent, and the log's evidence flags), `photos` (a log's photos,
idempotent, files and rows never out of step), `problems` (the office's moves on problem reports), `local_checks`
(the offices' local check items, 第八条). Callers import
from here.
"""

from patrol.services.local_checks import MANAGING_ROLES, local_check_create, local_check_retire, may_manage
from patrol.services.logs import NON_FIELD, IdempotencyConflict, patrol_log_refresh_flags, patrol_log_submit
from patrol.services.photos import may_add_photo, photo_add, require_may_add_photo
from patrol.services.problems import (
    problem_report_accept,
    problem_report_act,
    problem_report_assign,
    problem_report_close,
    problem_report_reopen,
    problem_report_resolve,
)

__all__ = [
    "MANAGING_ROLES",
    "NON_FIELD",
    "IdempotencyConflict",
    "local_check_create",
    "local_check_retire",
    "may_add_photo",
    "may_manage",
    "patrol_log_refresh_flags",
    "patrol_log_submit",
    "photo_add",
    "problem_report_accept",
    "problem_report_act",
    "problem_report_assign",
    "problem_report_close",
    "problem_report_reopen",
    "problem_report_resolve",
    "require_may_add_photo",
]
