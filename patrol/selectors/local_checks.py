"""Local check items (第八条: 县级可以增加地方职责): the offices add items to the seven checks of 第七条 for their
area, and retire them; phones fetch the checklist of a place and day; a log's answers are checked against it.

Who: a township office keeps its township's items, a county office the county-wide ones (they apply in every
township of the county); the city office sees all and keeps none. Every change is recorded on the item (who, when)
and in the audit trail (staffing.AuditEntry, entity `local_check`).

When: an item applies from its start day until the day before it is retired, and both days are tomorrow at the
earliest. So a day's checklist never changes once the day has begun: the checklist a phone fetched in the morning
holds for the whole day, every log of a day is judged against the same items, and no log already stored for a day
lacks an item in force that day because the item came later. Logs dated before an item's start never need it.

Problems: a local item answered with a problem value (`problem` of yes/no items, the values the office marked for
list items) counts like a problem of a fixed check: the log needs a photo of it (else `evidence_missing`), the
photo may be tagged with the item's code, and an escalated log files it as a problem report of the township.
The monthly suggested scores still count the seven fixed checks only (README, "Local check items").
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from accounts.scope import require_place_in_scope, sees_everything
from config.web import id_or_404
from patrol import rules
from patrol.models import LocalCheck, PatrolLog
from patrol.selectors.logs import duty_on
from rivers.models import County, Township

UPCOMING, IN_FORCE, RETIRED = "upcoming", "in_force", "retired"


def _today() -> date:
    return timezone.localdate(timezone=rules.LOCAL_TZ)


def tomorrow(today: date | None = None) -> date:
    """The first day a new item, or the retirement of one, may take effect."""
    return (today or _today()) + timedelta(days=1)


def in_force_q(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(retired_on__isnull=True) | Q(retired_on__gt=on))


def status_of(item: LocalCheck, *, today: date) -> str:
    if item.starts_on > today:
        return UPCOMING
    if item.retired_on is not None and item.retired_on <= today:
        return RETIRED
    return IN_FORCE


def local_checks_visible_to(user) -> QuerySet[LocalCheck]:
    """The city office every item; a county office its county's (county-wide and its townships'); a township office
    its township's and the county-wide items that apply to it; nobody else any (they read the checklist)."""
    items = LocalCheck.objects.all()
    if sees_everything(user):
        return items
    role = getattr(user, "role", "")
    if role == Role.COUNTY_OFFICE:
        return items.filter(county_id=user.county_id)
    if role == Role.TOWNSHIP_OFFICE:
        return items.filter(Q(township_id=user.township_id) | Q(township__isnull=True, county_id=user.county_id))
    return items.none()


def _loaded(items: QuerySet[LocalCheck]) -> QuerySet[LocalCheck]:
    return items.select_related("county", "township", "created_by", "retired_by")


def local_check_list(*, user, filters: dict | None = None, today: date | None = None) -> QuerySet[LocalCheck]:
    """Items in scope, county-wide first, then by township, start and id. `filters`: county, township (ids; a
    township's list holds the county-wide items that apply to it), status (upcoming / in_force / retired)."""
    filters = filters or {}
    today = today or _today()
    items = local_checks_visible_to(user)
    if filters.get("county") is not None:
        items = items.filter(county_id=filters["county"])
    if filters.get("township") is not None:
        items = items.filter(
            Q(township_id=filters["township"])
            | Q(
                township__isnull=True, county_id__in=Township.objects.filter(pk=filters["township"]).values("county_id")
            )
        )
    status = filters.get("status")
    if status == UPCOMING:
        items = items.filter(starts_on__gt=today)
    elif status == IN_FORCE:
        items = items.filter(in_force_q(today))
    elif status == RETIRED:
        items = items.filter(retired_on__lte=today)
    return _loaded(items).order_by("county__code", F("township__code").asc(nulls_first=True), "starts_on", "id")


def local_check_get(*, user, pk: int) -> LocalCheck:
    try:
        return _loaded(local_checks_visible_to(user)).get(pk=id_or_404(pk))
    except LocalCheck.DoesNotExist:
        raise Http404 from None


# The items in force on a day (params: the area's ids, then the day twice), county-wide first, each with the names of
# its county and township. The tables are the models' (patrol.LocalCheck, rivers.County, rivers.Township).
_ITEMS_IN_FORCE = (
    "SELECT item.*, county.name AS county_name, township.name AS township_name "
    "FROM patrol_localcheck item JOIN rivers_county county ON county.id = item.county_id "
    "LEFT JOIN rivers_township township ON township.id = item.township_id "
    "WHERE {area} AND item.starts_on <= %s AND (item.retired_on IS NULL OR item.retired_on > %s) "
    "ORDER BY item.township_id IS NOT NULL, item.starts_on, item.id"
)
_OF_TOWNSHIP = _ITEMS_IN_FORCE.replace(
    "{area}",
    "(item.township_id = %s OR (item.township_id IS NULL "
    "AND item.county_id = (SELECT county_id FROM rivers_township WHERE id = %s)))",
)
_OF_COUNTY = _ITEMS_IN_FORCE.replace("{area}", "(item.township_id IS NULL AND item.county_id = %s)")


def items_in_force(*, on: date, township_id: int | None = None, county_id: int | None = None) -> list[LocalCheck]:
    """The local items in force on `on` for a township (its own and its county's county-wide ones) or, with a
    county only, the county-wide ones; county-wide first, each part by start and id; each with its county and
    township (names only) loaded. One query.

    Written out in SQL: it runs on every log submission, where Django compiling the equivalent queryset (an OR, a
    subquery, two joins) took several times as long as the query itself, about a tenth of the whole submission
    (docs/benchmarks.md). The "in force" rule is the one of `in_force_q` and `LocalCheck.in_force_on`.
    """
    if township_id is not None:
        items = list(LocalCheck.objects.raw(_OF_TOWNSHIP, [township_id, township_id, on, on]))
    elif county_id is not None:
        items = list(LocalCheck.objects.raw(_OF_COUNTY, [county_id, on, on]))
    else:
        return []
    for item in items:
        item.county = County(pk=item.county_id, name=item.county_name)
        if item.township_id is not None:
            item.township = Township(pk=item.township_id, county_id=item.county_id, name=item.township_name)
    return items


def items_by_code(*, county_id: int) -> dict[str, LocalCheck]:
    """Every item of a county ever defined (retired ones too), by code: what the answers stored on its logs mean.
    One query."""
    return {item.code: item for item in LocalCheck.objects.filter(county_id=county_id)}


def log_local_problems(log: PatrolLog) -> list[str]:
    """The local items the stored log answered with a problem (no query when it answered none)."""
    if not log.local_checks:
        return []
    items = LocalCheck.objects.filter(
        code__in=list(log.local_checks),
        county_id__in=Township.objects.filter(segments=log.segment_id).values("county_id"),
    ).order_by("township_id", "starts_on", "id")
    return rules.local_problem_codes(log.local_checks, items=list(items))


@dataclass
class LocalAnswer:
    """One answer of a log to a local item, as a reviewer reads it."""

    code: str
    name: str
    value: str
    label: str
    problem: bool


def local_answers(log: PatrolLog, items: dict[str, LocalCheck]) -> list[LocalAnswer]:
    """The log's local answers in words, given the county's items by code (`items_by_code`)."""
    answers = []
    for code, value in (log.local_checks or {}).items():
        item = items.get(code)
        found = next((v for v in item.values if v.value == value), None) if item else None
        answers.append(
            LocalAnswer(
                code=code,
                name=item.name if item else code,
                value=value,
                label=found.label if found else str(value),
                problem=bool(found and found.problem),
            )
        )
    order = {code: n for n, code in enumerate(items)}
    return sorted(answers, key=lambda answer: order.get(answer.code, len(order)))


# --- the checklist ---------------------------------------------------------------------------------------------


def area_of(item: LocalCheck) -> dict[str, Any]:
    if item.township_id is not None:
        return {"level": "township", "id": item.township_id, "name": item.township.name}
    return {"level": "county", "id": item.county_id, "name": item.county.name}


def checklist(*, on: date, items: Sequence[LocalCheck]) -> dict[str, Any]:
    """The checklist of a place and day (API.md, GET /api/v1/checklist/): the seven fixed checks of 第七条 in their
    order, then the local items; and the actions. Fixed labels in the active language."""
    checks: list[dict[str, Any]] = [
        {
            "code": code,
            "name": str(label),
            "local": False,
            "kind": rules.CHECK_KINDS[code],
            "values": [value.as_json() for value in rules.fixed_values(code)],
        }
        for code, (label, _values) in rules.CHECKS.items()
    ]
    checks += [
        {
            "code": item.code,
            "name": item.name,
            "local": True,
            "kind": item.kind,
            "area": area_of(item),
            "values": [value.as_json() for value in item.values],
        }
        for item in items
    ]
    return {
        "date": on.isoformat(),
        "checks": checks,
        "actions": [{"value": code, "label": str(label)} for code, label in rules.ACTIONS.items()],
    }


def checklist_place(user, *, on: date, township_id: int | None, county_id: int | None) -> dict[str, int | None]:
    """Whose checklist a caller gets: a patroller their segment's township on that day (none without a duty that
    day: the fixed checks only); a village chief their village's township; a township office its township; a
    county office a township of its county (`?township=`) or its county-wide items; the city office any township
    or county it names (none: the fixed checks only). A place named outside the caller's scope is 404."""
    require_place_in_scope(user, county_id=county_id, township_id=township_id)
    role = user.role
    if role == Role.PATROLLER:
        duty = duty_on(user=user, on=on)
        return {"township": duty.segment.township_id if duty else None, "county": None}
    if role == Role.VILLAGE_CHIEF:
        return {"township": user.township_id, "county": None}
    if role == Role.TOWNSHIP_OFFICE:
        return {"township": user.township_id, "county": None}
    if township_id is not None:
        return {"township": township_id, "county": None}
    if role == Role.COUNTY_OFFICE:
        return {"township": None, "county": user.county_id}
    return {"township": None, "county": county_id}
