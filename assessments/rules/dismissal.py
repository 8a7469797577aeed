"""The dismissal rule (第九条) over a patroller's month outcomes: 2 consecutive calendar months, or 3 in a calendar
year, with the months an earlier confirmed dismissal consumed left out, and whether a confirmed dismissal still
stands."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from assessments.rules.months import next_month, previous_month
from assessments.rules.scores import Outcome

CONSECUTIVE_2 = "consecutive_2"
YEARLY_3 = "yearly_3"


@dataclass(frozen=True, order=True)
class Trigger:
    """One reason to dismiss: the rule, the month whose outcome completed it and every month that made it."""

    rule: str
    trigger_month: date
    months: tuple[date, ...]


def dismissal_triggers(outcomes: Mapping[date, Outcome], *, consumed: Collection[date] = ()) -> list[Trigger]:
    """Every way the month outcomes of one patroller trigger dismissal (第九条), ordered by month then rule.

    - `consecutive_2`: a failing month whose previous calendar month also failed (December → January counts);
      a month not assessed sits between two failures and breaks the chain.
    - `yearly_3`: a failing month that is the third (or later) failing month of its calendar year, counting
      months under an earlier contract; the months named are that year's failing months up to it.

    Months not in `outcomes` are not assessed. `consumed` months (those that caused a confirmed dismissal) never
    count again: they are left out as if not assessed. Keys must be the 1st of their month.
    """
    failing = sorted(month for month, outcome in outcomes.items() if outcome == Outcome.FAIL and month not in consumed)
    failing_set = set(failing)
    triggers: list[Trigger] = []
    per_year: dict[int, list[date]] = {}
    for month in failing:
        before = previous_month(month)
        if before in failing_set:
            triggers.append(Trigger(CONSECUTIVE_2, month, (before, month)))
        this_year = per_year.setdefault(month.year, [])
        this_year.append(month)
        if len(this_year) >= 3:
            triggers.append(Trigger(YEARLY_3, month, tuple(this_year)))
    return sorted(triggers, key=lambda t: (t.trigger_month, t.rule))


@dataclass(frozen=True)
class Grounds:
    """What one dismissal flag stands on: every trigger of the patroller taken together (one flag per patroller).

    `rules` in the order they first triggered (the first is the flag's `rule`), `months` every month named by any
    of the triggers, oldest first, and `trigger_month` the month whose outcome first completed a rule."""

    rules: tuple[str, ...]
    months: tuple[date, ...]
    trigger_month: date


def grounds_of(triggers: Sequence[Trigger]) -> Grounds | None:
    """The triggers (as dismissal_triggers orders them) taken together; None when there is none."""
    if not triggers:
        return None
    ordered = sorted(triggers, key=lambda t: (t.trigger_month, t.rule))
    found_rules: list[str] = []
    for trigger in ordered:
        if trigger.rule not in found_rules:
            found_rules.append(trigger.rule)
    months = sorted({month for trigger in ordered for month in trigger.months})
    return Grounds(tuple(found_rules), tuple(months), ordered[0].trigger_month)


def dismissal_grounds(
    outcomes: Mapping[date, Outcome], *, consumed: Collection[date] = (), before: date | None = None
) -> Grounds | None:
    """The dismissal rule over the outcomes, consumed months left out; with `before`, only the months that ended
    before that day count (a dismissal on a day stands on the months before it)."""
    if before is not None:
        outcomes = {month: outcome for month, outcome in outcomes.items() if next_month(month) <= before}
    return grounds_of(dismissal_triggers(outcomes, consumed=consumed))


@dataclass(frozen=True)
class Judged:
    """The dismissal rule over a patroller's history (judge_dismissals)."""

    # {dismissal key: its grounds today, or None when they no longer hold (the dismissal is `unsupported`)}
    dismissals: dict
    # the months that caused the dismissals that still stand: they never count again
    consumed: frozenset[date]
    # the grounds of the patroller's one open flag (None: nothing to flag)
    open: Grounds | None


def judge_dismissals(outcomes: Mapping[date, Outcome], dismissals: Sequence[tuple[object, date]]) -> Judged:
    """Judge a patroller's dismissals and what remains to flag, from the month outcomes as they stand now.

    `dismissals`: (key, dismissal day) of every dismissal not undone by a reinstatement. Taken in the order of
    their days, each one stands when the rule, over the months that ended before its day and were not consumed by
    an earlier dismissal that stands, still triggers; its grounds are then what triggers (the months it consumes).
    A dismissal whose grounds a later county result or correction removed stands on nothing (None). What the
    remaining months (not consumed) trigger is the open flag's grounds.
    """
    consumed: set[date] = set()
    judged: dict = {}
    for key, day in sorted(dismissals, key=lambda item: item[1]):
        grounds = dismissal_grounds(outcomes, consumed=consumed, before=day)
        judged[key] = grounds
        if grounds is not None:
            consumed.update(grounds.months)
    return Judged(judged, frozenset(consumed), dismissal_grounds(outcomes, consumed=consumed))


def earliest_dismissal_day(months: Iterable[date]) -> date:
    """A dismissal takes effect at the earliest on the day after its last failing month ends."""
    return next_month(max(months))
