"""Writes of the local check items (第八条; patrol.selectors.local_checks says who keeps which items and when they
apply): an office adds an item for its area, or retires one. Every change is recorded on the item (who, when) and in
the audit trail (staffing.AuditEntry, entity `local_check`)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from patrol import rules
from patrol.models import LocalCheck
from rivers.models import County, Township
from staffing.services.common import audit

# Roles that keep items (each for its own area).
MANAGING_ROLES = frozenset({Role.TOWNSHIP_OFFICE, Role.COUNTY_OFFICE})
ENTITY = "local_check"


def _area_of_office(by) -> tuple[County, Township | None]:
    """The area a caller keeps items for: a township office its township, a county office its county."""
    role = getattr(by, "role", "")
    if role == Role.TOWNSHIP_OFFICE and by.township_id:
        township = Township.objects.select_related("county").get(pk=by.township_id)
        return township.county, township
    if role == Role.COUNTY_OFFICE and by.county_id:
        return County.objects.get(pk=by.county_id), None
    raise PermissionDenied(_("只有乡级或县级河长办可以管理本地检查项。"))


def may_manage(user, item: LocalCheck) -> bool:
    """A township office its township's items, a county office its county-wide ones."""
    role = getattr(user, "role", "")
    if role == Role.TOWNSHIP_OFFICE:
        return item.township_id is not None and item.township_id == user.township_id
    if role == Role.COUNTY_OFFICE:
        return item.township_id is None and item.county_id == user.county_id
    return False


def _snapshot(item: LocalCheck) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "options": item.options,
        "starts_on": item.starts_on.isoformat(),
        "retired_on": item.retired_on.isoformat() if item.retired_on else None,
    }


def _code_taken(county: County, code: str) -> bool:
    return LocalCheck.objects.filter(county=county, code=code).exists()


@transaction.atomic
def local_check_create(
    *,
    by,
    code: str,
    name: str,
    kind: str,
    options: Iterable[dict[str, Any]] = (),
    starts_on: date,
    retired_on: date | None = None,
    today: date | None = None,
) -> LocalCheck:
    """Add a local item for the caller's area (a township office: its township; a county office: county-wide).

    Rules (ValidationError keyed by field): a code of 2–32 lower-case letters, digits or underscores, not a fixed
    check's and not used before in the county; a name; yes/no, or a list of 2–8 values with at least one that is
    not a problem; starting tomorrow at the earliest; an end (first day no longer in force) not before the start.
    """
    county, township = _area_of_office(by)
    today = today or timezone.localdate(timezone=rules.LOCAL_TZ)
    name = (name or "").strip()
    values, option_problems = rules.normalize_local_options(list(options or []))
    errors = rules.local_item_problems(code=code, name=name, kind=kind, options=values)
    if option_problems:
        errors.setdefault("values", []).extend(option_problems)
    if "code" not in errors and _code_taken(county, code):
        errors["code"] = [_("编码“%(code)s”已在%(county)s使用过。") % {"code": code, "county": county.name}]
    if starts_on <= today:
        errors["starts_on"] = [_("启用日期最早为明天：当天的检查清单在当天开始后不再改变。")]
    if retired_on is not None and retired_on < starts_on:
        errors["retired_on"] = [_("停用日期不能早于启用日期。")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    item = LocalCheck(
        county=county,
        township=township,
        code=code,
        name=name,
        kind=kind,
        options=values if kind == rules.CHOICE else [],
        starts_on=starts_on,
        retired_on=retired_on,
        created_by=by,
        retired_by=by if retired_on else None,
        retired_at=now if retired_on else None,
    )
    item.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:
        # Two offices of the county took the same code at the same moment.
        raise ValidationError(
            {"code": [_("编码“%(code)s”已在%(county)s使用过。") % {"code": code, "county": county.name}]}
        ) from None
    audit(entity=ENTITY, entity_id=item.pk, action="create", by=by, new=_snapshot(item))
    return item


@transaction.atomic
def local_check_retire(
    *, item: LocalCheck, by, retired_on: date, reason: str = "", today: date | None = None
) -> LocalCheck:
    """Stop using an item from `retired_on` (the first day it no longer applies): tomorrow at the earliest, not
    before its start (retiring on its start day means it never applies). An item already retired may not be
    changed; a retirement still ahead may be moved (to tomorrow at the earliest). The item and the answers given to
    it are kept. Raises PermissionDenied unless `by` keeps the item."""
    if not may_manage(by, item):
        raise PermissionDenied(_("只有添加该检查项的河长办可以停用它。"))
    today = today or timezone.localdate(timezone=rules.LOCAL_TZ)
    item = LocalCheck.objects.select_for_update().get(pk=item.pk)
    errors: dict[str, list[str]] = {}
    if item.retired_on is not None and item.retired_on <= today:
        errors["retired_on"] = [_("该检查项已于%(day)s停用。") % {"day": item.retired_on.isoformat()}]
    elif retired_on <= today:
        errors["retired_on"] = [_("停用日期最早为明天：当天的检查清单在当天开始后不再改变。")]
    elif retired_on < item.starts_on:
        errors["retired_on"] = [_("停用日期不能早于启用日期。")]
    reason = (reason or "").strip()
    if len(reason) > 500:
        errors["reason"] = [_("原因不能超过%(max)d个字。") % {"max": 500}]
    if errors:
        raise ValidationError(errors)
    old = _snapshot(item)
    item.retired_on = retired_on
    item.retired_by = by
    item.retired_at = timezone.now()
    item.retire_reason = reason
    item.full_clean(validate_unique=False, validate_constraints=False)
    item.save(update_fields=["retired_on", "retired_by", "retired_at", "retire_reason"])
    audit(entity=ENTITY, entity_id=item.pk, action="retire", by=by, old=old, new=_snapshot(item), reason=reason)
    return item
