"""The office page of the local check items (本地检查项, 第八条): the items of the caller's scope with their state,
adding one for the office's own area, and retiring one. Offices only (403 for other roles); the rules, who keeps
which item and the audit trail are the service's (patrol.local_checks)."""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import OFFICES
from accounts.scope import require_place_in_scope
from config.web import add_service_errors, id_field, message_form_errors, message_service_error, roles_required
from patrol import rules, services
from patrol.models import LocalCheck
from patrol.selectors import local_checks
from rivers.selectors import townships_visible_to
from staffing.forms import DateInput

ITEMS_PER_PAGE = 100
STATUS_LABELS = {
    local_checks.UPCOMING: gettext_lazy("未启用"),
    local_checks.IN_FORCE: gettext_lazy("使用中"),
    local_checks.RETIRED: gettext_lazy("已停用"),
}


class FilterForm(forms.Form):
    township = id_field(gettext_lazy("乡镇(街道)"))
    status = forms.ChoiceField(required=False, choices=[("", "")], label=gettext_lazy("状态"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部")), *STATUS_LABELS.items()]


class LocalCheckForm(forms.Form):
    """What an office types to add an item; the rows of values matter only for a list item."""

    name = forms.CharField(
        max_length=rules.LOCAL_NAME_MAX, label=gettext_lazy("检查项名称"), help_text=gettext_lazy("如：非法采砂")
    )
    code = forms.CharField(
        max_length=rules.LOCAL_CODE_MAX,
        label=gettext_lazy("编码"),
        help_text=gettext_lazy("手机提交日志时使用，添加后不能更改：小写字母开头，字母、数字、下划线，如 sand_mining"),
    )
    kind = forms.ChoiceField(
        choices=LocalCheck.Kind.choices,
        initial=rules.YES_NO,
        label=gettext_lazy("回答方式"),
        help_text=gettext_lazy("“是否”：正常 / 有问题；“选项”：下面填写的选项"),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("启用日期"), widget=DateInput(), help_text=gettext_lazy("最早为明天")
    )
    retired_on = forms.DateField(
        required=False,
        label=gettext_lazy("停用日期"),
        widget=DateInput(),
        help_text=gettext_lazy("不再适用的第一天，可不填"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, rules.LOCAL_VALUES_MAX + 1):
            label = _("选项%(n)d") % {"n": n}
            self.fields[f"label_{n}"] = forms.CharField(
                required=False,
                max_length=rules.LOCAL_LABEL_MAX,
                label=label,
                widget=forms.TextInput(attrs={"placeholder": label, "aria-label": label}),
            )
            self.fields[f"problem_{n}"] = forms.BooleanField(required=False, label=_("算问题"))

    def option_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"label_{n}"], self[f"problem_{n}"]) for n in range(1, rules.LOCAL_VALUES_MAX + 1)]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "code", "kind", "starts_on", "retired_on")]

    def options(self) -> list[dict]:
        data = self.cleaned_data
        rows = (
            {"label": data.get(f"label_{n}") or "", "problem": bool(data.get(f"problem_{n}"))}
            for n in range(1, rules.LOCAL_VALUES_MAX + 1)
        )
        return [row for row in rows if row["label"].strip()]


class RetireForm(forms.Form):
    retired_on = forms.DateField(
        label=gettext_lazy("停用日期"), widget=DateInput(), help_text=gettext_lazy("不再适用的第一天，最早为明天")
    )
    reason = forms.CharField(required=False, max_length=500, label=gettext_lazy("原因"))


def _row(user, item: LocalCheck, today: date) -> dict:
    status = local_checks.status_of(item, today=today)
    keeps = services.may_manage(user, item) and status != local_checks.RETIRED
    first = max(local_checks.tomorrow(today), item.starts_on)
    return {
        "item": item,
        "area": local_checks.area_of(item),
        "values": item.values,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "retire_form": RetireForm(initial={"retired_on": first}, auto_id=f"retire{item.pk}_%s") if keeps else None,
    }


def _page(request: HttpRequest, *, form: LocalCheckForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    filters = FilterForm(request.GET)
    filters.is_valid()  # an invalid field is shown and left out; the valid ones still apply
    values = filters.cleaned_data
    township = values.get("township") if user.role != Role.TOWNSHIP_OFFICE else None
    require_place_in_scope(user, township_id=township)
    items = local_checks.local_check_list(
        user=user, filters={"township": township, "status": values.get("status") or None}, today=today
    )
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    keeps = user.role in services.MANAGING_ROLES
    if form is None and keeps:
        form = LocalCheckForm(initial={"starts_on": local_checks.tomorrow(today)})
    query = {key: value for key, value in (("township", township), ("status", values.get("status"))) if value}
    context = {
        "filters": filters,
        "page": page,
        "rows": [_row(user, item, today) for item in page.object_list],
        "townships": [] if user.role == Role.TOWNSHIP_OFFICE else list(townships_visible_to(user)),
        "form": form,
        "area_name": _area_name(user),
        "page_query": urlencode(query),
        "fixed_checks": _("、").join(str(label) for label, _values in rules.CHECKS.values()),
    }
    return render(request, "patrol/local_checks.html", context, status=status)


def _area_name(user) -> str:
    if user.role == Role.TOWNSHIP_OFFICE and user.township_id:
        return user.township.name
    if user.role == Role.COUNTY_OFFICE and user.county_id:
        return _("%(county)s全县(市、区)") % {"county": user.county.name}
    return ""


@roles_required(OFFICES)
def local_check_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@roles_required(OFFICES)
@require_POST
def local_check_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in services.MANAGING_ROLES:
        raise PermissionDenied
    form = LocalCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.local_check_create(
                by=user,
                code=data["code"].strip(),
                name=data["name"],
                kind=data["kind"],
                options=form.options() if data["kind"] == rules.CHOICE else [],
                starts_on=data["starts_on"],
                retired_on=data.get("retired_on"),
            )
        except ValidationError as error:
            add_service_errors(form, error)  # the list's messages (`values`) go above the form
        else:
            messages.success(
                request,
                _("已添加本地检查项“%(name)s”，%(day)s起适用。")
                % {"name": item.name, "day": item.starts_on.isoformat()},
            )
            return HttpResponseRedirect(reverse("patrol-local-checks"))
    return _page(request, form=form, status=400)


@roles_required(OFFICES)
@require_POST
def local_check_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = local_checks.local_check_get(user=user, pk=pk)
    if not services.may_manage(user, item):
        raise PermissionDenied
    form = RetireForm(request.POST)
    if not form.is_valid():
        message_form_errors(request, form)
        return HttpResponseRedirect(reverse("patrol-local-checks"))
    try:
        services.local_check_retire(item=item, by=user, **form.cleaned_data)
    except ValidationError as error:
        message_service_error(request, error)
    else:
        messages.success(
            request,
            _("本地检查项“%(name)s”将于%(day)s起停用。")
            % {"name": item.name, "day": form.cleaned_data["retired_on"].isoformat()},
        )
    return HttpResponseRedirect(reverse("patrol-local-checks"))
