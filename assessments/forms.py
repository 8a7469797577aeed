"""Forms of the assessment pages. They only parse what a person typed: every rule (ranges, the reason far from a
suggestion, who may act) is the services', whose ValidationError messages the pages show where they belong."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments import rules
from assessments.models import PARTS, Correction, DismissalFlag, SupervisionReport
from config.web import TownshipOrWholeCountyField, id_field, parse_id
from rivers.models import Segment
from staffing.models import Patroller

REASON_MAX_LENGTH = 1000  # the services refuse longer reasons
NOTE_MAX_LENGTH = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthField(forms.CharField):
    """ "YYYY-MM" (what `<input type="month">` sends) → the 1st of that month."""

    default_error_messages = {"invalid": _("月份格式应为 YYYY-MM。")}

    def to_python(self, value) -> date | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = rules.parse_month(value)
        if month is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class SheetFilters(forms.Form):
    month = MonthField(required=False, label=_("月份"))
    township = TownshipOrWholeCountyField(label=_("乡镇(街道)"))


class SpotCheckFilters(forms.Form):
    month = MonthField(required=False, label=_("月份"))
    county = id_field(_("县(市、区)"))


class FlagFilters(forms.Form):
    status = forms.ChoiceField(required=False, label=_("状态"))
    rule = forms.ChoiceField(required=False, label=_("规则"))
    township = id_field(_("乡镇(街道)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *DismissalFlag.Status.choices]
        self.fields["rule"].choices = [("", _("全部规则")), *DismissalFlag.Rule.choices]


class YearFilters(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("年度"))
    county = id_field(_("县(市、区)"))
    township = id_field(_("乡镇(街道)"))


class SupervisionFilters(forms.Form):
    status = forms.ChoiceField(required=False, label=_("状态"))
    month = MonthField(required=False, label=_("月份"))
    township = id_field(_("乡镇(街道)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *SupervisionReport.Status.choices]


class CorrectionFilters(forms.Form):
    status = forms.ChoiceField(required=False, label=_("状态"))
    month = MonthField(required=False, label=_("考核月份"))
    township = id_field(_("乡镇(街道)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态")), *Correction.Status.choices]


class PatrollerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Patroller) -> str:
        # The segment tells the reporter which patroller is which (two may share a name).
        segment = getattr(obj, "segment_name", None)
        return f"{obj.name}（{segment}）" if segment else obj.name


class SupervisionReportForm(forms.Form):
    """A village chief or volunteer supervisor files a report (第十二条); whom they may name is the service's rule
    (the choices are the same selector's people, so a tampered value is refused twice)."""

    patroller = PatrollerChoiceField(queryset=Patroller.objects.none(), label=_("巡察员"))
    observed_on = forms.DateField(label=_("发现日期"), widget=DateInput())
    text = forms.CharField(
        label=_("情况说明"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("何时何地看到了什么，例如：连续三天未见巡河、河面垃圾无人清理。"),
    )
    photo = forms.FileField(
        required=False,
        label=_("现场照片"),
        help_text=_("可选：拍一张现场照片(JPEG 或 PNG)。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def __init__(self, *args, patrollers: QuerySet[Patroller], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patroller"].queryset = patrollers
        self.fields["patroller"].empty_label = _("请选择")


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, label=_("核实意见"))


class DismissalConfirmForm(forms.Form):
    date = forms.DateField(required=False, label=_("辞退日期"), widget=DateInput())
    reason = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, label=_("说明"))


class DismissalReinstateForm(forms.Form):
    """Where the person goes back (empty: the old segment, while its vacancy is open) and why; the rules are the
    service's."""

    segment = forms.ModelChoiceField(queryset=Segment.objects.none(), required=False, label=_("河段"))
    reason = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, label=_("说明"))

    def __init__(self, *args, township_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.filter(township_id=township_id)


class FinalizeConfirmForm(forms.Form):
    """The confirm step of "finalize all" for a month in which the township recorded no patrol log."""

    confirm_no_logs = forms.BooleanField(required=False, label=_("确认本月没有巡查记录，仍然定稿"))
    no_logs_reason = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, label=_("理由"))


# --- the scoring inputs of the sheet and the spot-check page -------------------------------------------------------


def score_field(pk: int, part: str) -> str:
    return f"s-{pk}-{part}"


def reason_field(pk: int, part: str) -> str:
    return f"r-{pk}-{part}"


def posted_rows(data) -> set[int]:
    """The assessments the submitted page showed with inputs (hidden `row` fields)."""
    return {pk for pk in map(parse_id, data.getlist("row")) if pk is not None}


def posted_scores(data, pk: int) -> tuple[dict[str, object], dict[str, str]]:
    """One row's typed parts and reasons. A whole number becomes an int; anything else is passed on as typed, so
    that the service's range rule answers it with its own message."""
    scores: dict[str, object] = {}
    reasons: dict[str, str] = {}
    for part in PARTS:
        raw = (data.get(score_field(pk, part)) or "").strip()
        scores[part] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else raw
        reasons[part] = (data.get(reason_field(pk, part)) or "").strip()[: REASON_MAX_LENGTH + 1]
    return scores, reasons
