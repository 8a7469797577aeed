"""What every roster write shares: the acting user, saving with validation, the patroller lock, the audit trail,
the two authorisation checks ("whoever hires, manages"; the township's office or its county's) and opening a
vacancy (by hand, below standard, or when a contract ends early)."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from rivers.models import Segment, Township
from staffing import selectors
from staffing.models import AuditEntry, Patroller, Vacancy

NON_FIELD = "non_field_errors"


def lock(patroller: Patroller) -> Patroller:
    """Lock the patroller row for the rest of the transaction (a no-op on SQLite, whose writes are serialised)."""
    return Patroller.objects.select_for_update().select_related("township").get(pk=patroller.pk)


def actor(user) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def save(obj) -> None:
    obj.full_clean()
    obj.save()


def audit(*, entity: str, entity_id: int, action: str, by, old=None, new=None, reason: str = "") -> None:
    AuditEntry.objects.create(
        entity=entity, entity_id=entity_id, action=action, user=actor(by), old=old, new=new, reason=reason
    )


def require_manager(by, patroller: Patroller) -> None:
    if not selectors.manages(by, patroller):
        raise PermissionDenied(_("只有聘用该巡察员的河长办可以执行此操作(谁聘用谁管理)。"))


def require_township_office(by, township: Township) -> None:
    if not selectors.may_act_in_township(by, township):
        raise PermissionDenied(_("只有该乡镇(街道)或所在县(市、区)的河长办可以执行此操作。"))


def vacancy_create(*, segment: Segment, reason: str, opened_on: date, by, vacated_by=None) -> Vacancy:
    vacancy = Vacancy(segment=segment, reason=reason, opened_on=opened_on, vacated_by=vacated_by, opened_by=actor(by))
    save(vacancy)
    return vacancy
