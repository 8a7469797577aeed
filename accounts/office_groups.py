"""The office groups of the admin (乡级河长办, 县级河长办, 市河长办): which admin pages each level may use.

The groups are applied by `office_groups_sync()` — run by `manage.py sync_office_groups` and by `seed_demo` —
rather than by a data migration. Permissions are only created after `migrate` (post_migrate), so a migration
would have to create them itself from the historical models, and it would freeze the table below at the day it
was written; the sync creates any missing permissions first, can run again after every deploy, and checks that
every permission named here exists, so a renamed model fails loudly instead of silently granting less.

What the admin lets a group member do is narrowed further per row: office staff only ever see their own scope
(`accounts.admin.ScopedAdminMixin`), and the roster admin lets only the managing office change a patroller.
"""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.models import Role, User

# Group names are data, stored as written (not translated): they must not change with the active language.
OFFICE_GROUPS: dict[str, str] = {
    Role.TOWNSHIP_OFFICE: "乡级河长办",
    Role.COUNTY_OFFICE: "县级河长办",
    Role.CITY_OFFICE: "市河长办",
}

REGISTER = ("rivers.county", "rivers.township", "rivers.village", "rivers.waterbody", "rivers.segment")
ROSTER = (
    "staffing.patroller",
    "staffing.contract",
    "staffing.assignment",
    "staffing.vacancy",
    "staffing.applicant",
    "staffing.rosterchange",
    "staffing.rosterfiling",
    "staffing.auditentry",
)


def _perms(action: str, *models: str) -> frozenset[str]:
    """The permission names 'app.action_model' of the given 'app.model's."""
    return frozenset(f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models)


# Every office looks at the register, the roster, the local check items and the users of its scope, and keeps the
# login accounts of its people (the user admin never lets an office give a role above its own).
_EVERY_OFFICE = (
    _perms("view", "accounts.user", *REGISTER, *ROSTER, "patrol.localcheck")
    | _perms("add", "accounts.user")
    | _perms("change", "accounts.user")
)
# The township keeps its segments (village basis, river chiefs) and its roster: the patroller records it manages
# and the applicants' scores. Contracts, assignments and filings are made on the office pages, never in the admin.
_TOWNSHIP = _EVERY_OFFICE | _perms("change", "rivers.segment", "staffing.patroller", "staffing.applicant")
# The county also keeps its townships and villages and adds segments; it hires county-level patrollers.
_COUNTY = (
    _TOWNSHIP
    | _perms("add", "rivers.segment", "rivers.village")
    | _perms("change", "rivers.township", "rivers.village")
)
# The city keeps the whole register (this is what the register import/export needs); it manages no patroller.
_CITY = _EVERY_OFFICE | _perms("add", *REGISTER) | _perms("change", *REGISTER)

GROUP_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.TOWNSHIP_OFFICE: _TOWNSHIP,
    Role.COUNTY_OFFICE: _COUNTY,
    Role.CITY_OFFICE: _CITY,
}


def _permissions_by_name() -> dict[str, Permission]:
    labels = sorted({name.split(".")[0] for names in GROUP_PERMISSIONS.values() for name in names})
    for label in labels:
        # Normally done by post_migrate already; cheap when nothing is missing.
        create_permissions(apps.get_app_config(label), verbosity=0)
    found = Permission.objects.filter(content_type__app_label__in=labels).select_related("content_type")
    return {f"{perm.content_type.app_label}.{perm.codename}": perm for perm in found}


@transaction.atomic
def office_groups_sync(*, users: Iterable[User] = ()) -> dict[str, Group]:
    """Create the three office groups with exactly the permissions above, and put each of `users` in the group of
    their role (office staff) and in no other office group. Idempotent: a second run writes nothing."""
    permissions = _permissions_by_name()
    missing = sorted(set().union(*GROUP_PERMISSIONS.values()) - permissions.keys())
    if missing:
        raise ImproperlyConfigured(f"office groups name unknown permissions: {', '.join(missing)}")
    groups: dict[str, Group] = {}
    for role, name in OFFICE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set([permissions[perm] for perm in sorted(GROUP_PERMISSIONS[role])])
        groups[role] = group
    office_ids = {group.pk for group in groups.values()}
    for user in users:
        wanted = {groups[user.role].pk} if user.is_staff and user.role in groups else set()
        have = set(user.groups.filter(pk__in=office_ids).values_list("pk", flat=True))
        if have - wanted:
            user.groups.remove(*(have - wanted))
        if wanted - have:
            user.groups.add(*(wanted - have))
    return groups
