"""The office's buttons on the review page's problem reports: the same services as the API, then back to the
page. A success says so in a message; a failure goes back to the page with what was typed and the errors in the
session (`FAILED_FORM`), which the page shows in and next to the form that failed (patrol.views.review_page). The
resolution's photos of the fix arrive as files (multipart), not as photo ids."""

from django import forms
from django.conf import settings
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
from patrol import selectors, services
from patrol.models import ProblemReport
from patrol.photos import too_large_message
from patrol.rules import problems as problem_rules

# The session key of the form that failed, read once by the review page.
FAILED_FORM = "patrol_problem_form"
KEPT_FIELDS = ("note", "assignee", "deadline")


class TransitionForm(forms.Form):
    """The fields of every action; the service decides which are required for which action."""

    note = forms.CharField(required=False, max_length=problem_rules.NOTE_MAX_LENGTH, label=gettext_lazy("说明"))
    deadline = forms.DateField(required=False, label=gettext_lazy("办理期限"))
    assignee = forms.CharField(
        required=False, max_length=problem_rules.ASSIGNEE_MAX_LENGTH, label=gettext_lazy("承办单位或人员")
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
    if action not in problem_rules.ACTIONS:
        raise Http404
    report = selectors.problem_report_get(user=request.user, pk=pk)
    if not problem_rules.may_handle(request.user, report):
        raise PermissionDenied
    form = TransitionForm(request.POST)
    back = _back(request, report)
    uploads, upload_errors = _uploads(request)
    if not form.is_valid() or upload_errors:
        return _failed(request, report, action, {**form.errors, **upload_errors}, back)
    try:
        services.problem_report_act(
            report=report, by=request.user, action=action, data={**form.cleaned_data, "uploads": uploads}
        )
    except ValidationError as exc:
        return _failed(
            request, report, action, exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}, back
        )
    messages.success(
        request,
        _("问题“%(category)s”(%(segment)s)：%(action)s完成。")
        % {
            "category": report.category_label,
            "segment": report.segment.name,
            "action": problem_rules.ACTION_LABELS[action],
        },
    )
    return HttpResponseRedirect(back)


def _uploads(request: HttpRequest) -> tuple[list[bytes], dict[str, list[str]]]:
    """The photo files of the fix (`uploads`), each within the photo size limit."""
    files = request.FILES.getlist("uploads")
    if len(files) > problem_rules.MAX_RESOLUTION_UPLOADS:
        message = _("一次最多上传%(max)d张处理结果照片。") % {"max": problem_rules.MAX_RESOLUTION_UPLOADS}
        return [], {"uploads": [message]}
    limit = settings.RIVER["PHOTO_MAX_BYTES"]
    for upload in files:
        if upload.size > limit:
            return [], {"uploads": [too_large_message(limit)]}
    return [upload.read() for upload in files], {}


def _failed(request: HttpRequest, report: ProblemReport, action: str, errors, back: str) -> HttpResponseRedirect:
    """Back to the page, which shows the errors in the form of this report and action with what was typed."""
    request.session[FAILED_FORM] = {
        "report": report.pk,
        "action": action,
        "errors": [str(message) for messages_ in errors.values() for message in messages_],
        "values": {name: request.POST.get(name, "")[: problem_rules.NOTE_MAX_LENGTH] for name in KEPT_FIELDS},
        "had_files": bool(request.FILES.getlist("uploads")),
    }
    return HttpResponseRedirect(back)


def _back(request: HttpRequest, report: ProblemReport) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return f"{reverse('patrol-review')}?{urlencode({'township': report.township_id})}#problems"
