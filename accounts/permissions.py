"""One permission class for role actions: views declare which roles may take which action (403 otherwise)."""

from collections.abc import Collection

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import OFFICE_ROLES, Role

ANY_ROLE = frozenset(Role.values)
OFFICES = frozenset(OFFICE_ROLES)
COUNTY_AND_CITY_OFFICES = frozenset({Role.COUNTY_OFFICE, Role.CITY_OFFICE})
# Village chiefs and volunteer supervisors file supervision reports (第十二条).
REPORTERS = frozenset({Role.VILLAGE_CHIEF, Role.SUPERVISOR})
# Every signed-in user, also one without a role: only for acting on one's own token or session.
ANY_USER = ANY_ROLE | {""}


class RolePermission(BasePermission):
    """Reads `view.roles`: a set of role codes, or a dict from action (or HTTP method) to such a set.

    A view that declares nothing is closed: forgetting the declaration must never open an endpoint.
    """

    message = _("您的角色无权执行此操作。")

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, roles_for(view, request))


def has_role(user, roles: Collection[str]) -> bool:
    """A signed-in user whose role is among `roles` (superusers always): the API's rule, and the pages' through
    config.web.roles_required."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in roles))


def roles_for(view, request) -> frozenset[str]:
    declared = getattr(view, "roles", None)
    if isinstance(declared, dict):
        action = getattr(view, "action", None) or request.method.lower()
        declared = declared.get(action, declared.get("*"))
    return frozenset(declared or ())
