"""Writes for monthly assessments, spot checks, corrections, dismissal flags and supervision reports (SPEC §6–§7).

Every function is keyword-only and atomic. Who may act is decided here once and raised as PermissionDenied (403);
bad input as ValidationError with Chinese messages (400). Writes that touch one patroller's outcomes lock the
patroller row first, so two finalizations of the same person run one after the other and the second one sees the
first's result when it evaluates the dismissal rule.

One module per job: `prepare` (drafts of a month, by township or for the whole city) on `drafts` (the writing of
drafts), `scoring` (scores and finalization, one draft or a page of them), `dismissals` (the dismissal rule and
its flags), `spot_checks`, `corrections`, `supervision`; `common` holds what they share. Callers import from here.
"""

from assessments.services.common import NON_FIELD
from assessments.services.corrections import (
    Approved,
    correction_approve,
    correction_reject,
    correction_request,
    may_request_correction,
)
from assessments.services.dismissals import Dismissed, FlagChanges, Reinstated, dismissal_confirm, dismissal_reinstate
from assessments.services.drafts import CHANGE_COPY_COLUMNS, COPY_FROM, DRAFT_COPY_COLUMNS
from assessments.services.prepare import (
    PREPARE_CHUNK,
    PreparedMonth,
    assessments_prepare,
    assessments_prepare_month,
    refresh_drafts,
)
from assessments.services.scoring import Applied, Finalized, assessment_finalize, assessment_update, assessments_apply
from assessments.services.spot_checks import Drawn, spot_check_draw
from assessments.services.supervision import (
    supervision_report_confirm,
    supervision_report_file,
    supervision_report_reject,
)

__all__ = [
    "CHANGE_COPY_COLUMNS",
    "COPY_FROM",
    "DRAFT_COPY_COLUMNS",
    "NON_FIELD",
    "PREPARE_CHUNK",
    "Applied",
    "Approved",
    "Dismissed",
    "Drawn",
    "Finalized",
    "FlagChanges",
    "PreparedMonth",
    "Reinstated",
    "assessment_finalize",
    "assessment_update",
    "assessments_apply",
    "assessments_prepare",
    "assessments_prepare_month",
    "correction_approve",
    "correction_reject",
    "correction_request",
    "dismissal_confirm",
    "dismissal_reinstate",
    "may_request_correction",
    "refresh_drafts",
    "spot_check_draw",
    "supervision_report_confirm",
    "supervision_report_file",
    "supervision_report_reject",
]
