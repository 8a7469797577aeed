"""Django admin for the register (places, water bodies, segments), with the spreadsheet import and export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedAdminMixin
from accounts.scope import sees_everything
from config import xlsx
from rivers.models import County, Segment, Township, Village, WaterBody
from rivers.services import REGISTER_MODELS, RegisterInvalid, register_export, register_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@admin.register(County)
class CountyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = {"county": "pk", "township": "townships"}
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Township)
class TownshipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = {"county": "county_id", "township": "pk"}
    list_display = ("code", "name", "county")
    list_select_related = ("county",)
    list_filter = (("county", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name", "county__name")


@admin.register(Village)
class VillageAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = {"county": "township__county_id", "township": "township_id", "village": "pk"}
    list_display = ("code", "name", "township", "county")
    list_select_related = ("township__county",)
    list_filter = (("township__county", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name", "township__name")
    autocomplete_fields = ("township",)

    @admin.display(description=_("县(市、区)"), ordering="township__county__code")
    def county(self, village: Village) -> County:
        return village.township.county


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)]


class RegisterImportForm(forms.Form):
    files = MultipleFileField(
        label=_("登记册文件"),
        help_text=_(
            "一个含places、water_bodies、segments工作表的.xlsx文件，或places.csv、water_bodies.csv、segments.csv。"
        ),
    )

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if sum(upload.size for upload in files) > MAX_UPLOAD_BYTES:
            raise ValidationError(_("文件总大小不能超过20MB。"))
        return files


@admin.register(WaterBody)
class WaterBodyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "size_class", "basin", "length_km", "is_demo")
    list_filter = ("kind", "size_class", "basin", "is_demo")
    search_fields = ("code", "name")
    autocomplete_fields = ("dam_township",)

    def scope_queryset(self, queryset: QuerySet, user) -> QuerySet:
        # Water bodies have no place of their own: an office sees those with a segment in its scope.
        if sees_everything(user):
            return queryset
        segments = self.admin_site._registry[Segment].scope_queryset(Segment.objects.all(), user)
        return queryset.filter(Exists(segments.filter(water_body=OuterRef("pk"))))

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="rivers_waterbody_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="rivers_waterbody_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_manage_register": can_manage_register(request.user)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can_manage_register(request.user):
            raise PermissionDenied
        errors: list[str] = []
        form = RegisterImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
            try:
                summary = register_import(files=files)
            except RegisterInvalid as exc:
                errors = exc.messages
            else:
                message = gettext("登记册已导入：%(summary)s") % {"summary": summary}
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:rivers_waterbody_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("导入登记册"),
            "form": form,
            "register_errors": errors,
        }
        return TemplateResponse(request, "admin/rivers/waterbody/import_register.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not can_manage_register(request.user):
            raise PermissionDenied
        response = HttpResponse(content_type=xlsx.CONTENT_TYPE)
        filename = f"register-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        try:
            register_export(output=response)
        except ValidationError as exc:
            self.message_user(request, gettext("；").join(exc.messages), messages.ERROR)
            return redirect("admin:rivers_waterbody_changelist")
        return response


def can_manage_register(user) -> bool:
    """The import writes city-wide rows without a scope check, so it is for staff who see everything and may add
    and change every register model (superusers, or city-office staff given those permissions)."""
    if not (user.is_active and user.is_staff and sees_everything(user)):
        return False
    return user.has_perms(
        f"rivers.{action}_{model._meta.model_name}" for model in REGISTER_MODELS for action in ("add", "change")
    )


@admin.register(Segment)
class SegmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope = {"county": "township__county_id", "township": "township_id", "village": "villages"}
    list_display = (
        "code",
        "name",
        "water_body",
        "township",
        "county",
        "length_km",
        "basis",
        "required_patrollers",
        "river_chiefs",
    )
    list_select_related = ("water_body", "township__county")
    list_filter = ("water_body__kind", "basis", ("township__county", admin.RelatedOnlyFieldListFilter), "is_demo")
    search_fields = ("code", "name", "water_body__code", "water_body__name", "township__name", "river_chiefs")
    autocomplete_fields = ("water_body", "township", "villages")
    fieldsets = (
        (None, {"fields": ("code", "name", "water_body", "township", "villages", "river_chiefs")}),
        (_("配备"), {"fields": ("length_km", "basis", "required_patrollers")}),
        (_("空间范围"), {"fields": ("geometry",)}),
        (None, {"fields": ("is_demo",)}),
    )

    @admin.display(description=_("县(市、区)"), ordering="township__county__code")
    def county(self, segment: Segment) -> County:
        return segment.township.county
