"""Forms of the roster pages. They only parse what a person typed: every rule is checked by the services,
whose ValidationError messages `config.web.add_service_errors` puts next to the fields they name."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rivers.models import Segment, Township, Village
from staffing.models import Applicant, Patroller, validate_id_number, validate_phone
from staffing.rules import contract_max_end

# The failure codes of 第四条 that the services raise as error keys (SPEC §4), with their headings.
ELIGIBILITY_CODES = {
    "age": _("年龄"),
    "residence": _("本地常住"),
    "criminal_record": _("刑事处罚"),
    "health": _("身体健康"),
}


def eligibility_failures_of(error: ValidationError) -> list[tuple[str, str, list[str]]]:
    """The (code, heading, messages) of the eligibility failures inside a service's ValidationError."""
    if not hasattr(error, "error_dict"):
        return []
    found = error.message_dict
    return [(code, str(label), found[code]) for code, label in ELIGIBILITY_CODES.items() if code in found]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TownshipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Township) -> str:
        return f"{obj.county.name} · {obj.name}"


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return f"{obj.township.name} · {obj.name}"


class SegmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Segment) -> str:
        return _("%(segment)s（%(water_body)s）") % {"segment": obj.name, "water_body": obj.water_body.name}


class RosterFilterForm(forms.Form):
    """The roster list filters; places outside the user's scope are simply not among the choices."""

    q = forms.CharField(required=False, max_length=32, label=_("姓名"))
    status = forms.ChoiceField(required=False, label=_("状态"))
    township = TownshipChoiceField(queryset=Township.objects.none(), required=False, label=_("乡镇(街道)"))
    segment = SegmentChoiceField(queryset=Segment.objects.none(), required=False, label=_("河段"))

    def __init__(self, data, *, townships: QuerySet[Township], segments: QuerySet[Segment]) -> None:
        super().__init__(data)
        self.fields["status"].choices = [("", _("全部状态")), *Patroller.Status.choices]
        self.fields["township"].queryset = townships
        self.fields["township"].empty_label = _("全部乡镇(街道)")
        self.fields["segment"].queryset = segments
        self.fields["segment"].empty_label = _("全部河段")

    def selector_filters(self) -> dict:
        """The valid filters as `selectors.patroller_list` takes them; invalid ones are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters: dict = {}
        if data.get("q"):
            filters["q"] = data["q"].strip()
        if data.get("status"):
            filters["status"] = data["status"]
        if data.get("township"):
            filters["township"] = data["township"].pk
        if data.get("segment"):
            filters["segment"] = data["segment"].pk
        return filters


class PatrollerCreateForm(forms.Form):
    name = forms.CharField(max_length=32, label=_("姓名"))
    # The model's own validators (GB 11643 check digit, 11-digit mobile): the error shows at once, by the field.
    id_number = forms.CharField(
        max_length=24,
        validators=[validate_id_number],
        label=_("身份证号"),
        help_text=_("18位，末位可为X；出生日期和性别由身份证号自动得出。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        max_length=16,
        validators=[validate_phone],
        label=_("手机号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    residence_village = VillageChoiceField(queryset=Village.objects.none(), label=_("常住村(社区)"))
    township = TownshipChoiceField(
        queryset=Township.objects.none(), required=False, label=_("所属乡镇(花名册)"), help_text=_("县级聘用时必填。")
    )
    criminal_record = forms.BooleanField(required=False, label=_("受过刑事处罚(本人申报)"))
    healthy = forms.BooleanField(required=False, initial=True, label=_("身体健康(本人申报)"))
    poverty_relief = forms.BooleanField(required=False, label=_("扶贫对象"))

    def __init__(self, data=None, *, villages: QuerySet[Village], townships: QuerySet[Township] | None = None) -> None:
        super().__init__(data)
        self.fields["residence_village"].queryset = villages
        if townships is None:
            del self.fields["township"]  # a township office hires onto its own roster
        else:
            self.fields["township"].queryset = townships
            self.fields["township"].required = True


class EligibilityForm(forms.Form):
    """Read-only check: would this person be eligible for a contract on that segment from that day?"""

    start = forms.DateField(label=_("合同开始日期"), widget=DateInput())
    segment = SegmentChoiceField(queryset=Segment.objects.none(), label=_("河段"))

    def __init__(self, data=None, *, segments: QuerySet[Segment], initial: dict | None = None) -> None:
        super().__init__(data, initial=initial, prefix="check")
        self.fields["segment"].queryset = segments


class ContractForm(forms.Form):
    segment = SegmentChoiceField(queryset=Segment.objects.none(), label=_("河段"))
    start = forms.DateField(label=_("开始日期"), widget=DateInput())
    end = forms.DateField(label=_("结束日期"), widget=DateInput(), help_text=_("每年一聘：最长一年。"))

    def __init__(self, data=None, *, segments: QuerySet[Segment], initial: dict | None = None) -> None:
        super().__init__(data, initial=initial)
        self.fields["segment"].queryset = segments


class ResignForm(forms.Form):
    date = forms.DateField(
        label=_("辞职日期"), widget=DateInput(), help_text=_("自该日起不再在岗，最后在岗日为前一天。")
    )
    reason = forms.CharField(required=False, max_length=500, label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, initial: dict | None = None) -> None:
        super().__init__(data, initial=initial)


SCORE_FIELD = {"required": False, "min_value": 0, "max_value": 100, "max_digits": 5, "decimal_places": 2}


class PatrollerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Patroller) -> str:
        mark = _("（扶贫对象）") if obj.poverty_relief else ""
        return f"{obj.name}{mark} · {obj.get_status_display()}"


class ApplicantAddForm(forms.Form):
    patroller = PatrollerChoiceField(queryset=Patroller.objects.none(), label=_("应聘人员"))
    exam_score = forms.DecimalField(label=_("笔试成绩"), **SCORE_FIELD)
    interview_score = forms.DecimalField(label=_("面试成绩"), **SCORE_FIELD)

    def __init__(self, data=None, *, patrollers: QuerySet[Patroller]) -> None:
        super().__init__(data, prefix="add")
        self.fields["patroller"].queryset = patrollers


class ApplicantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Applicant) -> str:
        return obj.patroller.name


class ApplicantScoreForm(forms.Form):
    applicant = ApplicantChoiceField(queryset=Applicant.objects.none(), label=_("应聘人员"))
    exam_score = forms.DecimalField(label=_("笔试成绩"), **SCORE_FIELD)
    interview_score = forms.DecimalField(label=_("面试成绩"), **SCORE_FIELD)

    def __init__(self, data=None, *, applicants: QuerySet[Applicant]) -> None:
        super().__init__(data, prefix="score")
        self.fields["applicant"].queryset = applicants


class HireForm(forms.Form):
    """The contract dates, and a reason for each applicant ranked above the one hired (第六条 择优): the service
    asks for those who could have been hired; the others are passed over with the system's reason."""

    start = forms.DateField(label=_("合同开始日期"), widget=DateInput())
    end = forms.DateField(label=_("合同结束日期"), widget=DateInput(), help_text=_("每年一聘：最长一年。"))

    def __init__(self, data=None, *, initial: dict | None = None, ranked_above=()) -> None:
        super().__init__(data, initial=initial)
        for other in ranked_above:
            self.fields[f"reason_{other.pk}"] = forms.CharField(
                required=False,
                max_length=500,
                label=_("未聘用排名第%(rank)d的%(name)s的理由") % {"rank": other.rank, "name": other.patroller.name},
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def passed_over(self) -> dict[int, str]:
        """{applicant id: reason} as typed (blank ones left out)."""
        return {
            int(name.removeprefix("reason_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason_") and value.strip()
        }

    def add_passed_over_errors(self, error: ValidationError) -> None:
        """The service's `passed_over` errors next to the reason field of the applicant each one names."""
        for item in getattr(error, "error_dict", {}).get("passed_over", []):
            field = f"reason_{(item.params or {}).get('applicant')}"
            self.add_error(field if field in self.fields else None, item.messages)


class VacancyFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label=_("状态"))
    township = TownshipChoiceField(queryset=Township.objects.none(), required=False, label=_("乡镇(街道)"))

    def __init__(self, data, *, townships: QuerySet[Township], statuses: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["status"].choices = [("", _("全部状态")), *statuses]
        self.fields["township"].queryset = townships
        self.fields["township"].empty_label = _("全部乡镇(街道)")

    def selector_filters(self, *, default_status: str) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters: dict = {}
        # Without any filter the office sees what needs doing: the open vacancies.
        status = data.get("status") if self.is_bound and "status" in self.data else default_status
        if status:
            filters["status"] = status
        if data.get("township"):
            filters["township"] = data["township"].pk
        return filters


class TownshipPickForm(forms.Form):
    township = TownshipChoiceField(queryset=Township.objects.none(), required=False, label=_("乡镇(街道)"))

    def __init__(self, data, *, townships: QuerySet[Township]) -> None:
        super().__init__(data)
        self.fields["township"].queryset = townships
        self.fields["township"].empty_label = _("全部乡镇(街道)")

    def chosen_township(self) -> Township | None:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("township")


def default_contract_dates(*, latest_end: date | None, today: date) -> tuple[date, date]:
    """A renewal starts the day after the latest contract ends; a first contract (or a late one) today.
    Either runs the longest term allowed, one year."""
    start = today
    if latest_end is not None and latest_end + timedelta(days=1) >= today:
        start = latest_end + timedelta(days=1)
    return start, contract_max_end(start)
