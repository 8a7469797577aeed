"""Local check items (第八条): a county or township office may add check items of its own to the seven of 第七条.
An item answers either yes/no (the values of the five fixed yes/no checks, `normal`/`problem`) or from a short list
the office names, marking which values are problems. A problem answer to a local item is a problem like any other:
it needs a photo (`evidence_missing`), and an escalated log files it as a problem report. No ORM."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from patrol.rules.checks import CHECKS, MAX_MESSAGES, OK_VALUES, PROBLEM, VALUE_LABELS, YES_NO_VALUES

YES_NO, CHOICE = "yes_no", "choice"
# The kind of each fixed check in the checklist (API): the yes/no ones, and the two with their own lists.
CHECK_KINDS = {code: YES_NO if values == YES_NO_VALUES else CHOICE for code, (_label, values) in CHECKS.items()}

LOCAL_CODE_MAX = 32
LOCAL_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
LOCAL_VALUE = re.compile(r"^[a-z0-9_]{1,32}$")
LOCAL_NAME_MAX = 40
LOCAL_LABEL_MAX = 20
LOCAL_VALUES_MIN, LOCAL_VALUES_MAX = 2, 8


@dataclass(frozen=True)
class AnswerValue:
    """One value a check may be answered with, its label (in the reader's language for fixed vocabularies, as
    the office wrote it for a local list) and whether it is a problem."""

    value: str
    label: str
    problem: bool

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "problem": self.problem}


def fixed_values(code: str) -> list[AnswerValue]:
    """The answer values of a fixed check (第七条), labelled in the active language."""
    return [AnswerValue(v, str(VALUE_LABELS[v]), v not in OK_VALUES) for v in CHECKS[code][1]]


def yes_no_values() -> list[AnswerValue]:
    """The values of a yes/no local item: those of the five fixed yes/no checks."""
    return [AnswerValue(v, str(VALUE_LABELS[v]), v == PROBLEM) for v in YES_NO_VALUES]


def local_values(kind: str, options: Sequence[Mapping[str, Any]]) -> list[AnswerValue]:
    """The answer values of a local item: yes/no, or the office's list (stored as {"value", "label", "problem"})."""
    if kind == YES_NO:
        return yes_no_values()
    return [AnswerValue(str(o["value"]), str(o["label"]), bool(o["problem"])) for o in options]


def normalize_local_options(raw: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The office's list of values for a choice item → ([{"value", "label", "problem"}, …], problems).

    Each option is {"label", "problem"} with an optional stable `value` code; options without one get `v1`, `v2`, …
    by position. Labels are trimmed; blank options (a page's empty rows) are dropped."""
    if not isinstance(raw, (list, tuple)):
        return [], [_("选项必须是列表。")]
    options, problems = [], []
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            problems.append(_("第%(n)d个选项应为包含 label、problem 的对象。") % {"n": n})
            continue
        label = item.get("label")
        label = label.strip() if isinstance(label, str) else ""
        value = item.get("value")
        if not label and not value:
            continue
        problem = item.get("problem", False)
        if not label:
            problems.append(_("第%(n)d个选项缺少名称。") % {"n": n})
        elif len(label) > LOCAL_LABEL_MAX:
            problems.append(_("选项“%(label)s”不能超过%(max)d个字。") % {"label": label, "max": LOCAL_LABEL_MAX})
        if value in (None, ""):
            value = f"v{len(options) + 1}"
        elif not isinstance(value, str) or not LOCAL_VALUE.match(value):
            problems.append(_("选项编码只能由小写字母、数字和下划线组成(第%(n)d个选项)。") % {"n": n})
        if not isinstance(problem, bool):
            problems.append(_("第%(n)d个选项的 problem 应为 true 或 false。") % {"n": n})
        options.append({"value": value, "label": label, "problem": problem is True})
    return options, problems


def local_item_problems(
    *, code: Any, name: str, kind: str, options: Sequence[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """What is wrong with a local item as an office defines it, by field (code, name, kind, values)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(code, str) or not LOCAL_CODE.match(code):
        errors["code"] = [_("编码须以小写字母开头，由2至32个小写字母、数字或下划线组成。")]
    elif code in CHECKS:
        errors["code"] = [_("编码“%(code)s”是第七条固定检查项的编码，请另取一个。") % {"code": code}]
    if not name.strip():
        errors["name"] = [_("请填写检查项名称。")]
    elif len(name.strip()) > LOCAL_NAME_MAX:
        errors["name"] = [_("检查项名称不能超过%(max)d个字。") % {"max": LOCAL_NAME_MAX}]
    if kind not in (YES_NO, CHOICE):
        errors["kind"] = [_("回答方式只能是“是否”或“选项”。")]
    elif kind == YES_NO and options:
        errors["values"] = [_("“是否”类检查项不设选项。")]
    elif kind == CHOICE:
        messages = []
        if not LOCAL_VALUES_MIN <= len(options) <= LOCAL_VALUES_MAX:
            messages.append(_("选项须有%(min)d至%(max)d个。") % {"min": LOCAL_VALUES_MIN, "max": LOCAL_VALUES_MAX})
        values = [o["value"] for o in options]
        labels = [o["label"] for o in options]
        if len(set(values)) != len(values) or len(set(labels)) != len(labels):
            messages.append(_("选项不能重复。"))
        if options and all(o["problem"] for o in options):
            messages.append(_("至少要有一个不算问题的选项(如“正常”)。"))
        if messages:
            errors["values"] = messages
    return errors


class LocalItem(Protocol):
    """What a log's answers are checked against: a local item's code, name and answer values (a LocalCheck row,
    or anything with the same attributes)."""

    code: str
    name: str
    kind: str
    options: Sequence[Mapping[str, Any]]


def local_check_problems(answers: Any, *, items: Sequence[LocalItem]) -> list[str]:
    """What is wrong with a log's `local_checks` ({code: value}) against the local items in force on the log's day
    for its segment: every item answered, from its values, and no other code. Each message names the item."""
    if not isinstance(answers, dict):
        return [_("本地检查项必须是“编码: 结果”的对象。")]
    by_code = {item.code: item for item in items}
    messages = []
    for code in answers:
        if code not in by_code:
            messages.append(_("未知的本地检查项：%(code)s(该日期该河段没有这一项)。") % {"code": code})
    for item in items:
        value = answers.get(item.code)
        allowed = local_values(item.kind, item.options)
        if value is None:
            messages.append(_("缺少本地检查项“%(name)s”(%(code)s)。") % {"name": item.name, "code": item.code})
        elif not isinstance(value, str) or value not in {v.value for v in allowed}:
            messages.append(
                _("本地检查项“%(name)s”(%(code)s)的结果只能是：%(values)s。")
                % {"name": item.name, "code": item.code, "values": _("、").join(v.value for v in allowed)}
            )
    return messages[:MAX_MESSAGES]


def local_problem_codes(answers: Mapping[str, Any], *, items: Iterable[LocalItem]) -> list[str]:
    """The codes of the local items answered with a problem value, in the items' order."""
    codes = []
    for item in items:
        value = answers.get(item.code)
        if any(v.value == value and v.problem for v in local_values(item.kind, item.options)):
            codes.append(item.code)
    return codes
