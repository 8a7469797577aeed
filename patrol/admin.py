"""Django admin for the patrol app: office staff look up the local check items (第八条) of their scope, read-only.

Items are added and retired on the office pages (本地检查项) and through the API, whose service checks who keeps the
item, that changes take effect from tomorrow, and records who did what and when.
"""

from django.contrib import admin

from accounts.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from patrol.models import LocalCheck


@admin.register(LocalCheck)
class LocalCheckAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    # A township office sees its township's items; county-wide items are listed on its office page.
    scope = {"county": "county_id", "township": "township_id"}
    list_display = ["name", "code", "kind", "county", "township", "starts_on", "retired_on", "created_by"]
    list_filter = ["kind", "county"]
    list_select_related = ["county", "township", "created_by"]
    search_fields = ["name", "code"]
    readonly_fields = [field.name for field in LocalCheck._meta.fields]
