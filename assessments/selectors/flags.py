"""Dismissal flags through the caller's scope, who confirms them, and what an open flag still waits for."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Role
from accounts.scope import scope_filter
from assessments import rules
from assessments.models import Assessment, Correction, DismissalFlag
from assessments.selectors.common import filtered, json_has


def dismissal_flags_visible_to(user) -> QuerySet[DismissalFlag]:
    return scope_filter(DismissalFlag.objects.all(), user, county="county_id", township="township_id")


def dismissal_flag_list(*, user, filters: dict | None = None) -> QuerySet[DismissalFlag]:
    """Filters `status`, `rule` (any of the flag's rules), `township`, `county`, `patroller`. Newest first. One
    query, with the patroller, township, who confirmed and reinstated, the contracts and the vacancy."""
    filters = filters or {}
    lookups = {"status": "status", "township": "township_id", "county": "county_id", "patroller": "patroller_id"}
    qs = filtered(dismissal_flags_visible_to(user), filters, lookups)
    if filters.get("rule"):
        qs = qs.filter(Q(rule=filters["rule"]) | json_has("rules", filters["rule"]))
    return qs.select_related(
        "patroller",
        "township",
        "confirmed_by",
        "reinstated_by",
        "contract",
        "vacancy__segment",
        "reinstated_contract__segment",
    ).order_by("-raised_at", "-id")


def dismissal_flag_get(*, user, pk: int) -> DismissalFlag:
    try:
        return dismissal_flag_list(user=user).get(pk=pk)
    except (DismissalFlag.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def may_dismiss(user, flag: DismissalFlag) -> bool:
    """The township office of the flag's township or the county office above it confirm dismissals (and put back
    a person whose dismissal lost its grounds)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TOWNSHIP_OFFICE:
        return user.township_id == flag.township_id
    return user.role == Role.COUNTY_OFFICE and user.county_id == flag.county_id


class Wait(StrEnum):
    """What a month of an open flag still waits for before the flag may be confirmed (SPEC §6, settled months)."""

    COUNTY_DRAFT = "county_draft"  # the county drew the patroller that month and has not finalized its result
    CORRECTION = "correction"  # a correction of the month waits for its decision
    LATE_LOGS = "late_logs"  # the month's late-log window is still open

    @property
    def label(self) -> str:
        return str(WAIT_LABELS[self])


WAIT_LABELS = {
    Wait.COUNTY_DRAFT: gettext_lazy("等待县级抽考"),
    Wait.CORRECTION: gettext_lazy("等待更正审批"),
    Wait.LATE_LOGS: gettext_lazy("等待日志补报期结束"),
}


@dataclass(frozen=True)
class MonthWait:
    month: date
    wait: Wait

    @property
    def message(self) -> str:
        described = {"month": rules.month_text(self.month)}
        if self.wait == Wait.COUNTY_DRAFT:
            return gettext("%(month)s：县级抽考抽中该巡察员，抽考结果尚未定稿，等待县级抽考。") % described
        if self.wait == Wait.CORRECTION:
            return gettext("%(month)s：有待审批的考核更正申请，等待更正审批。") % described
        last = rules.settles_on(self.month) - timedelta(days=1)
        return gettext("%(month)s：巡查日志可补报至%(last)s，等待补报期结束。") % {
            **described,
            "last": last.isoformat(),
        }


def flag_waits(flags: list[DismissalFlag], *, today: date) -> dict[int, list[MonthWait]]:
    """{flag id: what its months still wait for, oldest month first} for the OPEN flags among `flags` that may not
    be confirmed yet: a month is settled when no county draft of the patroller's month is open, no correction of
    it is pending and its late-log window has closed. Flags that may be confirmed are absent.

    Two queries for any number of flags (none without open flags): the open county drafts and the pending
    corrections of those patrollers in those months."""
    pending_flags = [flag for flag in flags if flag.status == DismissalFlag.Status.OPEN]
    if not pending_flags:
        return {}
    months_of = {flag.pk: sorted({m for m in map(rules.parse_month, flag.months) if m}) for flag in pending_flags}
    patroller_ids = {flag.patroller_id for flag in pending_flags}
    months = {m for ms in months_of.values() for m in ms}
    county_drafts = set(
        Assessment.objects.filter(
            patroller_id__in=patroller_ids,
            month__in=months,
            level=Assessment.Level.COUNTY,
            status=Assessment.Status.DRAFT,
        )
        .order_by()
        .values_list("patroller_id", "month")
    )
    corrections = set(
        Correction.objects.filter(
            status=Correction.Status.PENDING,
            assessment__patroller_id__in=patroller_ids,
            assessment__month__in=months,
        )
        .order_by()
        .values_list("assessment__patroller_id", "assessment__month")
    )
    waits: dict[int, list[MonthWait]] = {}
    for flag in pending_flags:
        found = []
        for month in months_of[flag.pk]:
            if (flag.patroller_id, month) in county_drafts:
                found.append(MonthWait(month, Wait.COUNTY_DRAFT))
            if (flag.patroller_id, month) in corrections:
                found.append(MonthWait(month, Wait.CORRECTION))
            if not rules.is_settled(month, today=today):
                found.append(MonthWait(month, Wait.LATE_LOGS))
        if found:
            waits[flag.pk] = found
    return waits
