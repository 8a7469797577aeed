"""Patrollers on a township roster: registering a person (status candidate) and changing their record."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from rivers.models import Township, Village
from staffing import rules
from staffing.models import Patroller
from staffing.services.common import audit, lock, require_manager, save


def _hiring_office(by, township: Township | None) -> tuple[str, int, int | None, Township]:
    """(level, hiring county id, hiring township id, roster township) for a hire by `by`'s office."""
    role = getattr(by, "role", None)
    if role == Role.TOWNSHIP_OFFICE:
        if township is not None and township.pk != by.township_id:
            raise ValidationError({"township": [_("乡级河长办只能登记本乡镇(街道)的巡察员。")]})
        own = Township.objects.get(pk=by.township_id)
        return Patroller.HiringLevel.TOWNSHIP, own.county_id, own.pk, own
    if role == Role.COUNTY_OFFICE:
        if township is None:
            raise ValidationError({"township": [_("请选择巡察员所属的乡镇(街道)。")]})
        if township.county_id != by.county_id:
            raise ValidationError({"township": [_("该乡镇(街道)不在本县(市、区)。")]})
        return Patroller.HiringLevel.COUNTY, by.county_id, None, township
    raise PermissionDenied(_("巡察员由县、乡两级河长办聘用(第五条)。"))


@transaction.atomic
def patroller_create(
    *,
    by,
    name: str,
    id_number: str,
    phone: str,
    residence_village: Village,
    township: Township | None = None,
    criminal_record: bool = False,
    healthy: bool = True,
    poverty_relief: bool = False,
    user=None,
) -> Patroller:
    """Register a person (status candidate) on a township roster, hired and managed by `by`'s office."""
    level, county_id, township_id, roster = _hiring_office(by, township)
    patroller = Patroller(
        name=name.strip(),
        id_number=rules.normalize_id_number(id_number),
        phone=phone.strip(),
        residence_village=residence_village,
        criminal_record=criminal_record,
        healthy=healthy,
        poverty_relief=poverty_relief,
        hiring_level=level,
        hiring_county_id=county_id,
        hiring_township_id=township_id,
        township=roster,
        user=user,
    )
    save(patroller)
    audit(entity="patroller", entity_id=patroller.pk, action="create", by=by, new=_patroller_snapshot(patroller))
    return patroller


PATROLLER_EDITABLE = frozenset(
    {"name", "id_number", "phone", "residence_village", "criminal_record", "healthy", "poverty_relief", "user"}
)
_PERSONAL = frozenset({"id_number", "phone"})


def _patroller_snapshot(patroller: Patroller) -> dict[str, Any]:
    """Audit values without personal data: ID number and phone are recorded as changed, never as values."""
    return {
        "name": patroller.name,
        "residence_village": patroller.residence_village_id,
        "criminal_record": patroller.criminal_record,
        "healthy": patroller.healthy,
        "poverty_relief": patroller.poverty_relief,
        "township": patroller.township_id,
        "status": patroller.status,
        "user": patroller.user_id,
    }


@transaction.atomic
def patroller_update(*, patroller: Patroller, by, data: dict[str, Any]) -> Patroller:
    """Change a patroller's record (managing office only); `township` only for county hires not on duty."""
    patroller = lock(patroller)
    require_manager(by, patroller)
    unknown = set(data) - PATROLLER_EDITABLE - {"township"}
    if unknown:
        raise ValidationError({key: [_("该项不能修改。")] for key in sorted(unknown)})
    old = _patroller_snapshot(patroller)
    if "township" in data and data["township"].pk != patroller.township_id:
        if patroller.hiring_level == Patroller.HiringLevel.TOWNSHIP:
            raise ValidationError({"township": [_("乡级聘用的巡察员不能调往其他乡镇(街道)。")]})
        if patroller.assignments.filter(end__isnull=True).exists():
            raise ValidationError({"township": [_("在岗巡察员不能调整所属乡镇(街道)，请先结束当前合同。")]})
        patroller.township = data["township"]
    for key in PATROLLER_EDITABLE & set(data):
        value = data[key]
        if key == "id_number":
            value = rules.normalize_id_number(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(patroller, key, value)
    save(patroller)
    changed_personal = sorted(key for key in _PERSONAL & set(data))
    new = _patroller_snapshot(patroller)
    if new != old or changed_personal:
        audit(
            entity="patroller",
            entity_id=patroller.pk,
            action="update",
            by=by,
            old=old,
            new={**new, "personal_data_changed": changed_personal},
        )
    return patroller
