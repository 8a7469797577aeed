"""The county's monthly spot-check draw (SPEC §6)."""

import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from assessments import rules, selectors
from assessments.models import Assessment, SpotCheckDraw
from assessments.services.common import acting_user, refuse_future_month
from assessments.services.common import today as local_today
from assessments.services.drafts import upsert_drafts
from assessments.services.prepare import refresh_drafts
from rivers.models import County


@dataclass
class Drawn:
    draw: SpotCheckDraw
    assessments: list[Assessment]
    created: bool


@transaction.atomic
def spot_check_draw(*, county: County, month: date, by, seed: int | None = None, today: date | None = None) -> Drawn:
    """The county's sample for `month` (SPEC §6): at least SPOT_CHECK_SHARE of its patrollers under contract
    that month (rounded up) and at least one per township that has any, drawn at random with a recorded seed,
    favouring risk signals (rules.risk_weight). Creates county-level drafts for the sample.

    The risk weights are the whole month's: a month is drawn from the 1st of the next month on (400 under `month`
    before), so the recorded weights and seed reproduce the sample for good. Drawing the same month again answers
    the recorded sample (created=False; so does a concurrent second draw) and refreshes its drafts' suggestions
    from the current facts.
    """
    if not (getattr(by, "role", None) == Role.COUNTY_OFFICE and by.county_id == county.pk):
        raise PermissionDenied(_("只有本县(市、区)河长办可以抽取本县的抽考名单。"))
    today = today or local_today()
    refuse_future_month(month, on=today)
    if today < rules.next_month(month):
        raise ValidationError(
            {
                "month": [
                    _("%(month)s结束后(%(day)s起)才能抽取该月的抽考名单：抽取权重按整月的巡查数据计算。")
                    % {"month": rules.month_text(month), "day": rules.next_month(month).isoformat()}
                ]
            }
        )
    # Concurrent draws of one county queue here: the second finds the first's record.
    County.objects.select_for_update().filter(pk=county.pk).first()
    existing = SpotCheckDraw.objects.filter(county=county, month=month).first()
    if existing is not None:
        return _again(existing, by=by, today=today)

    rows = selectors.month_facts(month=month, through=today, county_id=county.pk)
    candidates = [rules.Candidate(row.patroller_id, row.township_id, rules.risk_weight(row.facts)) for row in rows]
    size = rules.spot_check_size(population=len(candidates), townships=len({c.township for c in candidates}))
    seed = secrets.randbits(52) if seed is None else seed
    drawn_ids = rules.weighted_draw(candidates, size=size, seed=seed)
    draw = SpotCheckDraw(
        county=county,
        month=month,
        seed=seed,
        patrollers=drawn_ids,
        weights={str(c.patroller): {"township": c.township, "weight": str(c.weight)} for c in candidates},
        population=len(candidates),
        drawn_by=acting_user(by),
    )
    draw.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            draw.save()
    except IntegrityError:
        return _again(SpotCheckDraw.objects.get(county=county, month=month), by=by, today=today)
    chosen = set(drawn_ids)
    upsert_drafts(
        level=Assessment.Level.COUNTY, month=month, rows=[row for row in rows if row.patroller_id in chosen], by=by
    )
    return Drawn(draw=draw, assessments=_drawn_assessments(draw), created=True)


def _again(draw: SpotCheckDraw, *, by, today: date) -> Drawn:
    """The recorded sample, its drafts refreshed from the current facts (the suggestion of every draft follows the
    facts until it is final)."""
    refresh_drafts(month=draw.month, patroller_ids=list(draw.patrollers), by=by, through=today)
    return Drawn(draw=draw, assessments=_drawn_assessments(draw), created=False)


def _drawn_assessments(draw: SpotCheckDraw) -> list[Assessment]:
    found = {
        a.patroller_id: a
        for a in Assessment.objects.filter(
            patroller_id__in=draw.patrollers, month=draw.month, level=Assessment.Level.COUNTY
        ).select_related("patroller", "township", "county", "finalized_by")
    }
    return [found[pk] for pk in draw.patrollers if pk in found]
