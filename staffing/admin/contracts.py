"""Contracts and assignments, read-only: they are signed on the office pages, which run the eligibility and
contract rules."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from staffing.admin.common import ReadOnlyStaffingAdmin
from staffing.models import Assignment, Contract


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
