"""Vacancies (read-only) and applicants (scores entered here, re-ranked by `applicant_score`)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from staffing import selectors, services
from staffing.admin.common import ReadOnlyStaffingAdmin, StaffingAdmin, office_link
from staffing.models import Applicant, Vacancy


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "segment__township__county_id", "township": "segment__township_id"}
    note = _("此处只读：开放、取消空缺岗位和聘用请在空缺岗位页面办理。")
    office_page_link = ("staffing-vacancies", _("打开空缺岗位"))
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
        return office_link(reverse("staffing-vacancy", args=[vacancy.pk]), _("查看排名与聘用"))


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
