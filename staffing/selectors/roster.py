"""The roster in scope (SPEC §4): who sees which patrollers, whose personal data in full (谁聘用谁管理), and the
roster of a township on a day."""

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import scope_filter
from config.api import updated_after
from rivers.models import Segment, Township
from staffing import rules
from staffing.models import Assignment, AuditEntry, Patroller
from staffing.selectors.contracts import (
    assignment_in_force_q,
    assignment_on,
)


def manages(user, patroller: Patroller) -> bool:
    """The office that hired the person manages them (谁聘用谁管理): only it sees ID number and phone in full."""
    if not getattr(user, "is_authenticated", False):
        return False
    if patroller.hiring_level == Patroller.HiringLevel.TOWNSHIP:
        return user.role == Role.TOWNSHIP_OFFICE and user.township_id == patroller.hiring_township_id
    return user.role == Role.COUNTY_OFFICE and user.county_id == patroller.hiring_county_id


def may_act_in_township(user, township: Township) -> bool:
    """Township office of `township`, or the county office above it: vacancies, applicants, roster filing."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.TOWNSHIP_OFFICE:
        return user.township_id == township.pk
    return user.role == Role.COUNTY_OFFICE and user.county_id == township.county_id


def id_number_for(user, patroller: Patroller) -> str:
    return patroller.id_number if manages(user, patroller) else rules.mask_id_number(patroller.id_number)


def managing_office(patroller: Patroller) -> str:
    """The office that hired and manages the person, by name ("丰庆路街道河长办"). Needs hiring_township /
    hiring_county loaded (the roster selectors do)."""
    if patroller.hiring_level == Patroller.HiringLevel.TOWNSHIP and patroller.hiring_township is not None:
        return _("%(place)s河长办") % {"place": patroller.hiring_township.name}
    if patroller.hiring_county is not None:
        return _("%(place)s河长办") % {"place": patroller.hiring_county.name}
    return str(_("聘用该巡察员的河长办"))


def masked_because(user, patroller: Patroller) -> str:
    """Why `user` sees the ID number and phone of `patroller` masked, naming the office that manages the person
    ("" when they see them in full)."""
    if manages(user, patroller):
        return ""
    return _("该巡察员由%(office)s聘用和管理（谁聘用谁管理），完整的身份证号和手机号码只有该河长办能看到。") % {
        "office": managing_office(patroller)
    }


def phone_for(user, patroller: Patroller) -> str:
    return patroller.phone if manages(user, patroller) else rules.mask_phone(patroller.phone)


def _active_assignments(queryset=None) -> Prefetch:
    queryset = queryset if queryset is not None else Assignment.objects.filter(end__isnull=True)
    return Prefetch(
        "assignments", queryset=queryset.select_related("segment__water_body"), to_attr="active_assignments"
    )


def patrollers_visible_to(user) -> QuerySet[Patroller]:
    """Offices by place; a village chief the patrollers on segments through their village; a patroller self."""
    own = None
    if user.is_authenticated and user.role == Role.PATROLLER:
        own = Q(user_id=user.pk)
    elif user.is_authenticated and user.role == Role.VILLAGE_CHIEF:
        today = timezone.localdate()
        on_village = Assignment.objects.filter(patroller=OuterRef("pk"), segment__villages=user.village_id).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        own = Q(Exists(on_village))
    # hiring_county is always the county of the roster township, so counties need no join.
    return scope_filter(Patroller.objects.all(), user, county="hiring_county_id", township="township_id", own=own)


def _with_roster_details(queryset: QuerySet[Patroller]) -> QuerySet[Patroller]:
    return queryset.select_related(
        "residence_village", "township__county", "hiring_county", "hiring_township"
    ).prefetch_related(_active_assignments())


def patroller_list(*, user, filters: dict | None = None) -> QuerySet[Patroller]:
    """The roster in scope, two queries whatever its length (rows, then their active assignments)."""
    filters = filters or {}
    qs = patrollers_visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("township"):
        qs = qs.filter(township_id=filters["township"])
    if filters.get("county"):
        qs = qs.filter(hiring_county_id=filters["county"])
    if filters.get("segment"):
        qs = qs.filter(
            Exists(Assignment.objects.filter(patroller=OuterRef("pk"), end__isnull=True, segment_id=filters["segment"]))
        )
    if filters.get("q"):
        # Names only: `q` comes from query strings, which end up in URLs, browser history and access logs, so an
        # ID number is never looked up through it (SPEC §4 personal data).
        qs = qs.filter(name__icontains=filters["q"].strip())
    if filters.get("updated_since"):
        return _with_roster_details(qs.filter(updated_after(filters))).order_by("updated_at", "id")
    return _with_roster_details(qs).order_by("township__code", "name", "id")


def patroller_get(*, user, pk: int) -> Patroller:
    try:
        return _with_roster_details(patrollers_visible_to(user)).get(pk=pk)
    except Patroller.DoesNotExist:
        raise Http404 from None


def current_segment(patroller: Patroller) -> Segment | None:
    """The segment of the active assignment, read from the list prefetched by the roster selectors."""
    assignments = getattr(patroller, "active_assignments", None)
    if assignments is None:
        assignments = list(patroller.assignments.filter(end__isnull=True).select_related("segment__water_body"))
    return assignments[0].segment if assignments else None


def patroller_of(user) -> Patroller | None:
    if not getattr(user, "is_authenticated", False) or user.role != Role.PATROLLER:
        return None
    return Patroller.objects.filter(user=user).first()


def patroller_summary(*, user) -> dict[str, Any] | None:
    """The caller's own patroller record and the segment they patrol today (or their active assignment's), for
    `GET /api/v1/me/`. None for every other role and for a patroller login not linked to a roster record yet."""
    patroller = patroller_of(user)
    if patroller is None:
        return None
    assignment = assignment_on(patroller=patroller, on=timezone.localdate())
    segment = assignment.segment if assignment else current_segment(patroller)
    brief = {"id": segment.pk, "name": segment.name, "water_body": segment.water_body.name} if segment else None
    return {"id": patroller.pk, "name": patroller.name, "segment": brief}


def township_roster(*, township: Township, on: date) -> list[Patroller]:
    """Who is on the township's roster on `on`: each row's `active_assignments` holds the assignment in force
    that day, with its segment and contract."""
    in_force = Assignment.objects.filter(assignment_in_force_q(on))
    return list(
        Patroller.objects.filter(township=township)
        .filter(Exists(in_force.filter(patroller=OuterRef("pk"))))
        .select_related("residence_village", "township")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=in_force.select_related("segment__water_body", "contract"),
                to_attr="active_assignments",
            )
        )
        .order_by("name", "id")
    )


def audit_entries(*, entity: str, entity_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(entity=entity, entity_id=entity_id).select_related("user").order_by("at", "id")
