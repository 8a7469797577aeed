"""The office's buttons on the review page's problem reports: the same services as the API, then back to the
page with a message."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import OFFICES
from config.web import parse_id, roles_required
from patrol import problems
from patrol.models import ProblemReport


class TransitionForm(forms.Form):
    """The fields of every action; the service decides which are required for which action."""

    note = forms.CharField(required=False, max_length=problems.NOTE_MAX_LENGTH, label=gettext_lazy("说明"))
    deadline = forms.DateField(required=False, label=gettext_lazy("办理期限"))
    assignee = forms.CharField(
        required=False, max_length=problems.ASSIGNEE_MAX_LENGTH, label=gettext_lazy("承办单位或人员")
    )
    photos = forms.CharField(required=False, label=gettext_lazy("处理结果照片编号"))

    def clean_photos(self) -> list[int]:
        raw = self.cleaned_data.get("photos") or ""
        ids = []
        for part in raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
            if not part:
                continue
            photo = parse_id(part)
            if photo is None:
                raise ValidationError(_("照片编号应为数字，多个编号用逗号分隔。"))
            ids.append(photo)
        return ids


@roles_required(OFFICES)
@require_POST
def problem_transition(request: HttpRequest, pk: int, action: str) -> HttpResponseRedirect:
    """The buttons of the review page: the same services as the API, then back to the page."""
    if action not in problems.ACTIONS:
        raise Http404
    report = problems.problem_report_get(user=request.user, pk=pk)
    if not problems.may_handle(request.user, report):
        raise PermissionDenied
    form = TransitionForm(request.POST)
    back = _back(request, report)
    if not form.is_valid():
        messages.error(request, _messages_of(form.errors))
        return HttpResponseRedirect(back)
    try:
        problems.problem_report_act(report=report, by=request.user, action=action, data=form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}))
    else:
        messages.success(
            request,
            _("问题“%(category)s”(%(segment)s)：%(action)s完成。")
            % {
                "category": report.category_label,
                "segment": report.segment.name,
                "action": problems.ACTION_LABELS[action],
            },
        )
    return HttpResponseRedirect(back)


def _messages_of(errors) -> str:
    return " ".join(str(message) for messages_ in errors.values() for message in messages_)


def _back(request: HttpRequest, report: ProblemReport) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return f"{reverse('patrol-review')}?{urlencode({'township': report.township_id})}#problems"
