"""What the roster admins share: scoped, nothing deleted, a note above the list with a link to the office page;
read-only for the rows only the office pages and the services make."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.admin import ReadOnlyAdminMixin, ScopedAdminMixin


def office_link(url: str, text) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, text)


class StaffingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped like every register admin; nothing is deleted (the roster is a record); a note above the list, with a
    link to the office page where the rows are made (`office_page_link`: URL name and link text) when there is one."""

    note: str = ""
    office_page_link: tuple[str, str] | None = None

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {"subtitle": self.changelist_note(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def changelist_note(self) -> SafeString | str:
        if self.office_page_link is None:
            return self.note
        url_name, text = self.office_page_link
        return format_html("{} {}", self.note, office_link(reverse(url_name), text))

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None) -> HttpResponse:
        # The form has already run the model's validation; a service can still refuse when the row changed in the
        # meantime (a vacancy filled by someone else). The transaction is rolled back; say why instead of a 500.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, _("；").join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyStaffingAdmin(ReadOnlyAdminMixin, StaffingAdmin):
    """Made by the office pages and the services only; the admin shows them."""

    note = _("此处只读：请在花名册页面办理。")
    office_page_link = ("staffing-roster", _("打开花名册"))
