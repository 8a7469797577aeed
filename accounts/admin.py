"""Django admin for users, the mixin that scopes every register admin for office staff (SPEC §1), and the one that
makes an admin read-only."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminPasswordChangeForm, admin_acting_user
from accounts.models import Role, User
from accounts.scope import scope_filter, sees_everything

admin.site.site_header = _("河湖(库)巡察员管理系统")
admin.site.site_title = _("河湖(库)巡察员管理系统")
admin.site.index_title = _("系统管理")


class ScopedAdminMixin:
    """Staff who are not superusers (nor the city office) see, open and choose only the rows in their scope.

    `scope` holds the lookups from the model to the place ids, exactly as `scope_filter` takes them. Foreign-key
    and many-to-many choices follow the scope of the related model's own admin, so that a county office picks
    only its own townships and villages. A staff user without an office role sees nothing.
    """

    scope: dict[str, str | None] = {}

    def own_rows(self, user) -> Q | None:
        """Rows a patroller or supervisor may see as their own; none by default."""
        return None

    def scope_queryset(self, queryset: QuerySet, user) -> QuerySet:
        return scope_filter(queryset, user, **self.scope, own=self.own_rows(user))

    def get_queryset(self, request) -> QuerySet:
        return self.scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scope_choices(self, db_field, request, kwargs: dict[str, Any]) -> None:
        if "queryset" in kwargs or sees_everything(request.user):
            return
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, ScopedAdminMixin):
            choices = db_field.related_model._default_manager.using(kwargs.get("using"))
            kwargs["queryset"] = related_admin.scope_queryset(choices.all(), request.user)


class ReadOnlyAdminMixin:
    """Rows that only the office pages and the services make and change: the admin shows them, nothing more."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def assignable_roles(user) -> list[str]:
    """Roles a staff user may give: never one that sees more than their own (no escalation through the admin)."""
    if sees_everything(user):
        return list(Role.values)
    if user.role == Role.COUNTY_OFFICE:
        return [role for role in Role.values if role != Role.CITY_OFFICE]
    if user.role == Role.TOWNSHIP_OFFICE:
        return [role for role in Role.values if role not in (Role.CITY_OFFICE, Role.COUNTY_OFFICE)]
    return []


class _PlaceFromBelow:
    """Fill the township from the village and the county from the township, as the scope needs all three."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("village") and not cleaned.get("township"):
            cleaned["township"] = cleaned["village"].township
        if cleaned.get("township") and not cleaned.get("county"):
            cleaned["county"] = cleaned["township"].county
        return cleaned


class UserPlaceChangeForm(_PlaceFromBelow, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class UserPlaceCreationForm(_PlaceFromBelow, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)


PLACE_FIELDS = ("role", "display_name", "county", "township", "village")


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    scope = {"county": "county_id", "township": "township_id", "village": "village_id"}
    form = UserPlaceChangeForm
    add_form = UserPlaceCreationForm
    change_password_form = AdminPasswordChangeForm  # saves through accounts.services: every device signed out
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("角色与所属地"), {"fields": PLACE_FIELDS}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("角色与所属地"), {"classes": ("wide",), "fields": PLACE_FIELDS}),
    )
    list_display = ("username", "display_name", "role", "county", "township", "village", "is_staff", "is_active")
    list_select_related = ("county", "township", "village")
    list_filter = ("role", "is_staff", "is_active", ("county", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    autocomplete_fields = ("township", "village")

    def own_rows(self, user) -> Q | None:
        return Q(pk=user.pk)

    def user_change_password(self, request, id, form_url=""):
        acting = admin_acting_user.set(request.user)  # who changes the password, for the audit record
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            admin_acting_user.reset(acting)

    def get_queryset(self, request) -> QuerySet:
        users = super().get_queryset(request)
        if not request.user.is_superuser:
            users = users.filter(is_superuser=False)  # a superuser is out of every office's reach
        return users

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        # Only a superuser hands out admin access and permissions: an office could otherwise widen its own scope.
        return (*readonly, "is_staff", "is_superuser", "groups", "user_permissions")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            allowed = assignable_roles(request.user)
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in Role.choices if value in allowed
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
