"""Roster changes, filings and the audit trail, read-only."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.scope import sees_everything
from staffing.admin.common import ReadOnlyStaffingAdmin, office_link
from staffing.models import AuditEntry, Contract, Patroller, RosterChange, RosterFiling


@admin.register(RosterChange)
class RosterChangeAdmin(ReadOnlyStaffingAdmin):
    scope = {"county": "township__county_id", "township": "township_id"}
    note = _("此处只读：花名册变动由聘用、续聘、辞职、辞退和合同期满自动记录，请在花名册变动页面备案。")
    office_page_link = ("staffing-roster-changes", _("打开花名册变动"))
    list_display = ("date", "kind", "patroller", "township", "filed", "created_by_name")
    list_select_related = ("patroller", "township", "created_by")
    list_filter = ("kind", ("filing", admin.EmptyFieldListFilter), ("township", admin.RelatedOnlyFieldListFilter))
    search_fields = ("patroller__name",)
    fields = ("township", "kind", "patroller", "contract", "date", "filing", "created_by_name", "created_at")

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
    office_page_link = ("staffing-roster-changes", _("打开花名册变动"))
    list_display = ("township", "filed_at", "filed_by", "change_count", "download")
    list_select_related = ("township", "filed_by")
    list_filter = (("township", admin.RelatedOnlyFieldListFilter),)
    # The stored workbook is offered through the office page's download (scope-checked), never as a media URL.
    fields = ("township", "filed_at", "filed_by", "change_count", "download")

    @admin.display(description=_("花名册文件"))
    def download(self, filing: RosterFiling) -> SafeString:
        return office_link(reverse("staffing-roster-filing-xlsx", args=[filing.pk]), _("下载.xlsx"))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyStaffingAdmin):
    note = _("此处只读：重要变更(合同、巡察员信息)的记录，不含身份证号和手机号码。")
    office_page_link = None
    list_display = ("at", "entity", "entity_id", "action", "user", "reason")
    list_select_related = ("user",)
    list_filter = ("entity", "action")
    fields = ("at", "entity", "entity_id", "action", "user", "old", "new", "reason")

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
