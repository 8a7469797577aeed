"""The patroller admin: personal data in full only for the managing office; edits through `patroller_update`."""

from collections.abc import Callable

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from staffing import rules, selectors, services
from staffing.admin.common import StaffingAdmin, office_link
from staffing.models import Assignment, Patroller

# Fields of a patroller that give away personal data: never searched, filtered or sorted on in the admin.
PERSONAL_FIELDS = frozenset({"id_number", "phone", "birth_date"})


def sees_in_full(user, patroller: Patroller) -> bool:
    """The managing office (谁聘用谁管理) sees ID number, phone and birth date in full; so do superusers."""
    return bool(user.is_active and user.is_superuser) or selectors.manages(user, patroller)


def _column(description, value: Callable[[Patroller], str]) -> Callable[[Patroller], str]:
    @admin.display(description=description)
    def column(patroller: Patroller) -> str:
        return value(patroller)

    return column


@admin.register(Patroller)
class PatrollerAdmin(StaffingAdmin):
    # The same lookups as selectors.patrollers_visible_to (hiring_county is always the roster township's county).
    scope = {"county": "hiring_county_id", "township": "township_id"}
    note = _("身份证号、手机号码和出生日期只对聘用该巡察员的河长办完整显示。登记巡察员、签订合同请使用花名册页面。")
    office_page_link = ("staffing-roster", _("打开花名册"))
    list_display = ("name", "sex", "age", "township", "county", "hiring_level", "status", "segment")
    list_select_related = ("township__county",)
    list_filter = (
        "status",
        "hiring_level",
        ("township", admin.RelatedOnlyFieldListFilter),
        "poverty_relief",
        "is_demo",
    )
    # Names only, never the ID number or phone: a search travels in the URL (?q=) and partial matches enumerate.
    search_fields = ("name",)
    autocomplete_fields = ("residence_village", "user")
    readonly_fields = (
        "masked_id_number",
        "masked_phone",
        "age",
        "birth_date",
        "sex",
        "hiring_level",
        "hiring_county",
        "hiring_township",
        "township",
        "status",
        "segment",
        "office_page",
        "is_demo",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Patroller]:
        active = Assignment.objects.filter(end__isnull=True).select_related("segment")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        )

    def get_list_display(self, request: HttpRequest) -> tuple:
        """The personal columns are worked out per row for this viewer (full only where they manage the person)."""
        user = request.user

        def id_number(patroller: Patroller) -> str:
            full = sees_in_full(user, patroller)
            return patroller.id_number if full else rules.mask_id_number(patroller.id_number)

        def phone(patroller: Patroller) -> str:
            return patroller.phone if sees_in_full(user, patroller) else rules.mask_phone(patroller.phone)

        name, *rest = self.list_display
        return (name, _column(_("身份证号"), id_number), _column(_("手机号码"), phone), *rest)

    def lookup_allowed(self, lookup: str, value, request=None) -> bool:
        # The admin would otherwise accept ?id_number__startswith=… on any local field and answer with a count.
        if lookup.split("__")[0] in PERSONAL_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fieldsets(self, request: HttpRequest, obj: Patroller | None = None) -> list:
        if obj is not None and sees_in_full(request.user, obj):
            person = ("name", "id_number", "phone", "birth_date", "sex")
        else:
            person = ("name", "masked_id_number", "masked_phone", "age", "sex")
        return [
            (None, {"fields": (*person, "residence_village", "user")}),
            (_("本人申报"), {"fields": ("criminal_record", "healthy", "poverty_relief")}),
            (
                _("聘用与状态"),
                {
                    "fields": ("hiring_level", "hiring_county", "hiring_township", "township", "status", "segment"),
                    "description": _("由聘用、合同、辞职和辞退自动记录，请在花名册页面办理。"),
                },
            ),
            (_("记录"), {"fields": ("office_page", "is_demo", "created_at", "updated_at")}),
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registering decides the hiring office from the user: the roster page does it

    def has_change_permission(self, request: HttpRequest, obj: Patroller | None = None) -> bool:
        # Only the managing office may change the record (as in services.patroller_update); others only look.
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or selectors.manages(request.user, obj)

    def save_model(self, request: HttpRequest, obj: Patroller, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.PATROLLER_EDITABLE}
        if data:
            services.patroller_update(patroller=obj, by=request.user, data=data)

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, patroller: Patroller) -> str:
        return rules.mask_id_number(patroller.id_number)

    @admin.display(description=_("手机号码"))
    def masked_phone(self, patroller: Patroller) -> str:
        return rules.mask_phone(patroller.phone)

    @admin.display(description=_("年龄"))
    def age(self, patroller: Patroller) -> int | None:
        return rules.age_on(patroller.birth_date, timezone.localdate()) if patroller.birth_date else None

    @admin.display(description=_("县(市、区)"), ordering="township__county__code")
    def county(self, patroller: Patroller) -> str:
        return patroller.township.county.name

    @admin.display(description=_("当前河段"))
    def segment(self, patroller: Patroller) -> str:
        segment = selectors.current_segment(patroller)
        return segment.name if segment else "—"

    @admin.display(description=_("花名册页面"))
    def office_page(self, patroller: Patroller) -> SafeString:
        return office_link(reverse("staffing-patroller", args=[patroller.pk]), _("查看合同与资格"))
