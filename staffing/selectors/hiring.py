"""Who may be hired (第四条): eligibility for a contract, and the notes on a hire that do not block it."""

from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# The roster's one read of a higher app: a renewing incumbent's age limit depends on their assessed months
# (第四条(二)). assessments.outcomes reads only assessment rows, never this module, so nothing loops back.
from assessments.outcomes import is_excellent
from rivers.models import Segment, Township, Village
from staffing import rules
from staffing.models import Contract, Patroller, RosterChange


def is_excellent_incumbent(patroller: Patroller, on: date) -> bool:
    """Whether a renewing incumbent performed excellently (第四条(二)): they may then be hired up to 55.

    SPEC §4: no failing month and an average final score ≥ 85 over the previous 12 assessed months, which the
    monthly assessments answer (`assessments.outcomes.is_excellent`, the roster's one read of a higher app).
    """
    return is_excellent(patroller=patroller, on=on)


def eligibility(*, patroller: Patroller, segment: Segment, start: date) -> list[tuple[str, str]]:
    """The 第四条 failures of `patroller` for a contract on `segment` from `start`; empty when eligible."""
    renewing = (
        patroller.contracts.filter(end=start - timedelta(days=1)).exclude(status=Contract.Status.TERMINATED).exists()
    )
    village = Village.objects.select_related("township").get(pk=patroller.residence_village_id)
    segment_county_id = Township.objects.values_list("county_id", flat=True).get(pk=segment.township_id)
    return rules.eligibility_failures(
        birth_date=patroller.birth_date,
        on=start,
        criminal_record=patroller.criminal_record,
        healthy=patroller.healthy,
        residence_township_id=village.township_id,
        residence_county_id=village.township.county_id,
        segment_township_id=segment.township_id,
        segment_county_id=segment_county_id,
        residence_scope=settings.RIVER.get("RESIDENCE_SCOPE", rules.RESIDENCE_TOWNSHIP),
        excellent_incumbent=renewing and is_excellent_incumbent(patroller, start),
    )


def recent_dismissals(*, patroller_ids: list[int], on: date) -> dict[int, date]:
    """{patroller id: their latest dismissal day} for those dismissed within the 12 months up to `on`
    (`rules.dismissed_recently`). One query."""
    if not patroller_ids:
        return {}
    rows = RosterChange.objects.filter(
        patroller_id__in=patroller_ids,
        kind=RosterChange.Kind.DISMISSAL,
        date__gte=rules.anniversary(on, -1),
        date__lte=on,
    ).values_list("patroller_id", "date")
    found: dict[int, date] = {}
    for patroller_id, day in rows:
        if rules.dismissed_recently(dismissed_on=day, on=on):
            found[patroller_id] = max(day, found.get(patroller_id, day))
    return found


def previously_dismissed_message(day: date) -> str:
    return str(_("该人员于%(day)s被辞退(近12个月内)，请在聘用前核实原因。")) % {"day": day.isoformat()}


def eligibility_notices(*, patroller: Patroller, start: date) -> list[tuple[str, str]]:
    """Notes on a hire from `start` that do not block it, as (code, message): `previously_dismissed` for someone
    dismissed within the 12 months before the start (SPEC §4 with 第六条 择优: the office weighs it)."""
    dismissed = recent_dismissals(patroller_ids=[patroller.pk], on=start).get(patroller.pk)
    return [("previously_dismissed", previously_dismissed_message(dismissed))] if dismissed else []
