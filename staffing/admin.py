"""Django admin for the roster (issue 3): office staff look things up in their own scope.

Personal data (SPEC §4): a patroller's ID number and phone — and the birth date, which is exactly the part the
masked ID number hides — are shown in full only to the office that manages the person (and to superusers), in
the lists and in the change form; everyone else sees them masked and can neither search nor filter by them.

Writes go through the services, after the form has run the model's own validation (full_clean): the managing
office changes a patroller's record (`patroller_update`, audited) and an office enters applicants' scores
(`applicant_score`, which re-ranks). Everything else is read-only here — contracts, assignments, vacancies, roster
changes, filings and the audit trail are made on the office pages, which run eligibility and the contract rules.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedAdminMixin
from accounts.scope import sees_everything
from staffing import rules, selectors, services
from staffing.models import Applicant, Assignment, AuditEntry, Contract, Patroller, RosterChange, RosterFiling, Vacancy

# Fields of a patroller that give away personal data: never searched, filtered or sorted on in the admin.
PERSONAL_FIELDS = frozenset({"id_number", "phone", "birth_date"})


def sees_in_full(user, patroller: Patroller) -> bool:
    """The managing office (谁聘用谁管理) sees ID number, phone and birth date in full; so do superusers."""
    return bool(user.is_active and user.is_superuser) or selectors.manages(user, patroller)


def _office_link(url: str, text) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, text)


class StaffingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped like every register admin; nothing is deleted (the roster is a record); a note above the list."""

    note: str = ""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {"subtitle": self.changelist_note(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changelist_note(self) -> SafeString | str:
        return self.note

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None) -> HttpResponse:
        # The form has already run the model's validation; a service can still refuse when the row changed in the
        # meantime (a vacancy filled by someone else). The transaction is rolled back; say why instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, _("；").join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyStaffingAdmin(StaffingAdmin):
    """Made by the office pages and the services only; the admin shows them."""

    note = _("此处只读：请在花名册页面办理。")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_note(self) -> SafeString:
        return format_html("{} {}", self.note, _office_link(reverse("staffing-roster"), _("打开花名册")))


# --- patrollers -------------------------------------------------------------------------------------------------


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

    def changelist_note(self) -> SafeString:
        return format_html("{} {}", self.note, _office_link(reverse("staffing-roster"), _("打开花名册")))

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
        return _office_link(reverse("staffing-patroller", args=[patroller.pk]), _("查看合同与资格"))


# --- recruitment ------------------------------------------------------------------------------------------------


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "segment__township__county_id", "township": "segment__township_id"}
    note = _("此处只读：开放、取消空缺岗位和聘用请在空缺岗位页面办理。")
    list_display = (
        "segment",
        "township",
        "opened_on",
        "reason",
        "status",
        "vacated_by",
        "filled_by",
        "filled_on",
        "applicant_count",
    )
    list_select_related = ("segment__township", "vacated_by", "filled_by")
    list_filter = ("status", "reason", ("segment__township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("segment__name", "segment__code")
    fields = (
        "segment",
        "opened_on",
        "reason",
        "status",
        "vacated_by",
        "filled_by",
        "filled_on",
        "opened_by_name",
        "applicant_count",
        "office_page",
    )

    def changelist_note(self) -> SafeString:
        return format_html("{} {}", self.note, _office_link(reverse("staffing-vacancies"), _("打开空缺岗位")))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vacancy]:
        return super().get_queryset(request).annotate(applicant_count=Count("applicants"))

    @admin.display(description=_("乡镇(街道)"), ordering="segment__township__code")
    def township(self, vacancy: Vacancy) -> str:
        return vacancy.segment.township.name

    @admin.display(description=_("应聘人数"), ordering="applicant_count")
    def applicant_count(self, vacancy: Vacancy) -> int:
        return vacancy.applicant_count

    @admin.display(description=_("开放人"))
    def opened_by_name(self, vacancy: Vacancy) -> str:
        return str(vacancy.opened_by or "—")

    @admin.display(description=_("空缺岗位页面"))
    def office_page(self, vacancy: Vacancy) -> SafeString:
        return _office_link(reverse("staffing-vacancy", args=[vacancy.pk]), _("查看排名与聘用"))


@admin.register(Applicant)
class ApplicantAdmin(StaffingAdmin):
    scope = {"county": "vacancy__segment__township__county_id", "township": "vacancy__segment__township_id"}
    note = _("可在此录入笔试、面试成绩(保存后自动重新排名)；报名和聘用请在空缺岗位页面办理。")
    list_display = ("patroller", "vacancy", "township", "exam_score", "interview_score", "total", "rank", "poverty")
    list_select_related = ("patroller", "vacancy__segment__township")
    list_filter = ("vacancy__status", ("vacancy__segment__township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("patroller__name", "vacancy__segment__name")
    fields = ("vacancy", "patroller", "poverty", "exam_score", "interview_score", "total", "rank", "created_at")
    readonly_fields = ("vacancy", "patroller", "poverty", "total", "rank", "created_at")

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name in ("exam_score", "interview_score"):
            # Next to the field, as on the vacancy page, rather than the bare name of the check constraint.
            kwargs.update(min_value=0, max_value=100)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applying checks the roster township and status: the vacancy page does it

    def has_change_permission(self, request: HttpRequest, obj: Applicant | None = None) -> bool:
        # As services.applicant_score: the township office or its county office, while the vacancy is open.
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        vacancy = obj.vacancy
        return vacancy.status == Vacancy.Status.OPEN and selectors.may_act_in_township(
            request.user, vacancy.segment.township
        )

    def save_model(self, request: HttpRequest, obj: Applicant, form, change: bool) -> None:
        if form.changed_data:
            services.applicant_score(
                applicant=obj,
                by=request.user,
                exam_score=form.cleaned_data["exam_score"],
                interview_score=form.cleaned_data["interview_score"],
            )

    @admin.display(description=_("乡镇(街道)"), ordering="vacancy__segment__township__code")
    def township(self, applicant: Applicant) -> str:
        return applicant.vacancy.segment.township.name

    @admin.display(description=_("扶贫对象"), boolean=True)
    def poverty(self, applicant: Applicant) -> bool:
        return applicant.patroller.poverty_relief


# --- contracts and assignments ----------------------------------------------------------------------------------


@admin.register(Contract)
class ContractAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "patroller__hiring_county_id", "township": "patroller__township_id"}
    note = _("此处只读：签订管护合同要先审查资格(第四条)和一年一聘的期限，请在巡察员的花名册页面办理。")
    list_display = ("patroller", "segment", "township", "start", "end", "status", "terminated_on")
    list_select_related = ("patroller", "segment__township")
    list_filter = ("status", ("segment__township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("patroller__name", "segment__name")
    fields = (
        "patroller",
        "segment",
        "start",
        "end",
        "previous",
        "status",
        "terminated_on",
        "termination_reason",
        "created_by_name",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("乡镇(街道)"), ordering="segment__township__code")
    def township(self, contract: Contract) -> str:
        return contract.segment.township.name

    @admin.display(description=_("签订人"))
    def created_by_name(self, contract: Contract) -> str:
        return str(contract.created_by or "—")


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "patroller__hiring_county_id", "township": "patroller__township_id"}
    list_display = ("patroller", "segment", "township", "start", "end", "contract_period")
    list_select_related = ("patroller", "segment__township", "contract")
    list_filter = (("end", admin.EmptyFieldListFilter), ("segment__township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("patroller__name", "segment__name")
    fields = ("patroller", "segment", "contract", "start", "end", "created_at")

    @admin.display(description=_("乡镇(街道)"), ordering="segment__township__code")
    def township(self, assignment: Assignment) -> str:
        return assignment.segment.township.name

    @admin.display(description=_("合同期限"))
    def contract_period(self, assignment: Assignment) -> str:
        contract = assignment.contract
        return f"{contract.start:%Y-%m-%d}–{contract.last_day:%Y-%m-%d}"


# --- roster filing and the audit trail --------------------------------------------------------------------------


@admin.register(RosterChange)
class RosterChangeAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "township__county_id", "township": "township_id"}
    note = _("此处只读：花名册变动由聘用、续聘、辞职、辞退和合同期满自动记录，请在花名册变动页面备案。")
    list_display = ("date", "kind", "patroller", "township", "filed", "created_by_name")
    list_select_related = ("patroller", "township", "created_by")
    list_filter = ("kind", ("filing", admin.EmptyFieldListFilter), ("township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("patroller__name",)
    fields = ("township", "kind", "patroller", "contract", "date", "filing", "created_by_name", "created_at")

    def changelist_note(self) -> SafeString:
        return format_html("{} {}", self.note, _office_link(reverse("staffing-roster-changes"), _("打开花名册变动")))

    @admin.display(description=_("已备案"), boolean=True)
    def filed(self, change: RosterChange) -> bool:
        return change.filing_id is not None

    @admin.display(description=_("操作人"))
    def created_by_name(self, change: RosterChange) -> str:
        return str(change.created_by or "—")


@admin.register(RosterFiling)
class RosterFilingAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "township__county_id", "township": "township_id"}
    note = _("此处只读：备案请在花名册变动页面办理。")
    list_display = ("township", "filed_at", "filed_by", "change_count", "download")
    list_select_related = ("township", "filed_by")
    list_filter = (("township", admin.RelatedOnlyFieldListFilter),)
    # The stored workbook is offered through the office page's download (scope-checked), never as a media URL.
    fields = ("township", "filed_at", "filed_by", "change_count", "download")

    def changelist_note(self) -> SafeString:
        return format_html("{} {}", self.note, _office_link(reverse("staffing-roster-changes"), _("打开花名册变动")))

    @admin.display(description=_("花名册文件"))
    def download(self, filing: RosterFiling) -> SafeString:
        return _office_link(reverse("staffing-roster-filing-xlsx", args=[filing.pk]), _("下载.xlsx"))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyStaffingAdmin):
    note = _("此处只读：重要变更(合同、巡察员信息)的记录，不含身份证号和手机号码。")
    list_display = ("at", "entity", "entity_id", "action", "user", "reason")
    list_select_related = ("user",)
    list_filter = ("entity", "action")
    fields = ("at", "entity", "entity_id", "action", "user", "old", "new", "reason")

    def changelist_note(self) -> str:
        return self.note

    def scope_queryset(self, queryset: QuerySet, user) -> QuerySet:
        # Entries point at their object by type and id: visible with the patroller or contract they are about.
        if sees_everything(user):
            return queryset
        registry = self.admin_site._registry
        patrollers = registry[Patroller].scope_queryset(Patroller.objects.all(), user)
        contracts = registry[Contract].scope_queryset(Contract.objects.all(), user)
        return queryset.filter(
            Q(entity="patroller", entity_id__in=patrollers.values("pk"))
            | Q(entity="contract", entity_id__in=contracts.values("pk"))
        )
