"""The dismissal flags (辞退提示, 第九条) as the pages and the workbook show them: what an open flag waits for, and
where the person of a dismissal that lost its grounds may go back."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext as _

from assessments import rules, selectors
from assessments.models import DismissalFlag
from rivers.models import Segment
from staffing.models import Vacancy


@dataclass
class FlagRow:
    flag: DismissalFlag
    months: list[str]
    may_confirm: bool  # open, settled, and this office may confirm it
    waits: list[selectors.MonthWait] = field(default_factory=list)  # why an open flag may not be confirmed yet
    earliest: date | None = None  # the first day it may be confirmed for (the dismissal day's lower bound)
    may_reinstate: bool = False  # unsupported, not reinstated, and this office may put the person back
    segments: list[Segment] = field(default_factory=list)  # where the person may go back (the township's)
    old_post_open: bool = False  # the vacancy the dismissal opened is still open: back on the old segment

    @property
    def rules_text(self) -> str:
        return _("、").join(self.flag.rules_display)


def waiting_first(flags: QuerySet[DismissalFlag]) -> QuerySet[DismissalFlag]:
    """What waits for the office on top: dismissals whose grounds no longer hold (to reinstate), then open flags;
    each group newest first."""
    waiting = Case(
        When(status=DismissalFlag.Status.UNSUPPORTED, reinstated_at__isnull=True, then=Value(0)),
        When(status=DismissalFlag.Status.OPEN, then=Value(1)),
        default=Value(2),
    )
    return flags.order_by(waiting, "-raised_at", "-id")


def _label_text(label: str) -> str:
    month = rules.parse_month(label)
    return rules.month_text(month) if month else label


def flag_rows(user, flags: list[DismissalFlag], *, today: date) -> list[FlagRow]:
    """The flags as the pages show them, with what open ones wait for (2 queries for all of them, none without
    open flags) and the segments where the person of a reinstatable flag may go back (1 query, none without)."""
    waits = selectors.flag_waits(flags, today=today)
    reinstatable = [
        flag
        for flag in flags
        if flag.awaits_reinstatement and flag.contract_id is not None and selectors.may_dismiss(user, flag)
    ]
    segments: dict[int, list[Segment]] = {}
    if reinstatable:
        for segment in (
            Segment.objects.filter(township_id__in={flag.township_id for flag in reinstatable})
            .select_related("water_body")
            .order_by("code", "id")
        ):
            segments.setdefault(segment.township_id, []).append(segment)
    rows = []
    for flag in flags:
        flag_waits = waits.get(flag.pk, [])
        months = sorted(m for m in map(rules.parse_month, flag.months) if m)
        reinstate = flag in reinstatable
        rows.append(
            FlagRow(
                flag=flag,
                months=[_label_text(label) for label in flag.months],
                may_confirm=flag.status == DismissalFlag.Status.OPEN
                and not flag_waits
                and selectors.may_dismiss(user, flag),
                waits=flag_waits,
                earliest=rules.earliest_dismissal_day(months) if months else None,
                may_reinstate=reinstate,
                segments=segments.get(flag.township_id, []) if reinstate else [],
                old_post_open=reinstate and flag.vacancy is not None and flag.vacancy.status == Vacancy.Status.OPEN,
            )
        )
    return rows
