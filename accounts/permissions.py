"""One permission class for role actions: views declare which roles may take which action (403 otherwise)."""

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
        user = request.user
        if not (user and user.is_authenticated):
            return False
        allowed = roles_for(view, request)
        if user.is_superuser:
            return True
        return user.role in allowed


def roles_for(view, request) -> frozenset[str]:
    declared = getattr(view, "roles", None)
    if isinstance(declared, dict):
        action = getattr(view, "action", None) or request.method.lower()
        declared = declared.get(action, declared.get("*"))
    return frozenset(declared or ())
