"""Django admin for assessments: office staff look things up in their own scope, read-only.

Scores, finalizations, corrections, dismissals and supervision decisions change only through the services (the
office pages and the API), which check the reason rule, finality and who may act, and keep every change.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from assessments.models import (
    Assessment,
    AssessmentChange,
    Correction,
    DismissalFlag,
    SpotCheckDraw,
    SupervisionReport,
)


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Scoped, and read-only: the services change these rows."""


class AssessmentChangeInline(admin.TabularInline):
    model = AssessmentChange
    extra = 0
    can_delete = False
    fields = ["at", "action", "user", "old", "new", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("变更记录")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyScopedAdmin):
    scope = {"county": "county_id", "township": "township_id"}
    list_display = ["patroller", "month", "level", "township", "total", "grade", "passed", "status"]
    list_filter = ["level", "status", "grade", "month"]
    list_select_related = ["patroller", "township"]
    search_fields = ["patroller__name"]
    date_hierarchy = "month"
    inlines = [AssessmentChangeInline]


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyScopedAdmin):
    scope = {"county": "assessment__county_id", "township": "assessment__township_id"}
    list_display = ["assessment", "status", "requested_by", "requested_at", "approver", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["assessment", "requested_by", "decided_by"]


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(ReadOnlyScopedAdmin):
    scope = {"county": "county_id", "township": "county__townships"}
    list_display = ["county", "month", "population", "seed", "drawn_by", "drawn_at"]
    list_select_related = ["county", "drawn_by"]


@admin.register(DismissalFlag)
class DismissalFlagAdmin(ReadOnlyScopedAdmin):
    scope = {"county": "county_id", "township": "township_id"}
    list_display = ["patroller", "rules", "trigger_month", "months", "status", "dismissed_on", "township", "raised_at"]
    list_filter = ["status", "rule"]
    list_select_related = ["patroller", "township"]
    search_fields = ["patroller__name"]


@admin.register(SupervisionReport)
class SupervisionReportAdmin(ReadOnlyScopedAdmin):
    scope = {"county": "county_id", "township": "township_id"}
    list_display = ["patroller", "observed_on", "reporter", "status", "township", "created_at"]
    list_filter = ["status"]
    list_select_related = ["patroller", "reporter", "township"]
    search_fields = ["patroller__name"]
