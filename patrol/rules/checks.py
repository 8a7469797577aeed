"""The log's fixed checks and actions (第七条, API.md): their vocabularies and what is wrong with a submitted
`checks`, `actions` or `notes`. No ORM."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NORMAL, PROBLEM = "normal", "problem"
YES_NO_VALUES = (NORMAL, PROBLEM)

# The seven checks of 第七条(一): code → (label, allowed values in display order).
CHECKS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "sewage_outfall": (gettext_lazy("入河排污"), YES_NO_VALUES),
    "dumping": (gettext_lazy("倾倒垃圾渣土"), YES_NO_VALUES),
    "reclamation": (gettext_lazy("河道围垦"), YES_NO_VALUES),
    "illegal_building": (gettext_lazy("乱占乱建"), YES_NO_VALUES),
    "illegal_fishing": (gettext_lazy("非法电毒炸鱼"), YES_NO_VALUES),
    "surface_cleanliness": (gettext_lazy("水面清洁程度"), ("clean", "fair", "floating_debris", "dirty")),
    "signboard": (gettext_lazy("河长公示牌"), ("intact", "damaged", "missing")),
}
CHECK_CHOICES = [(code, label) for code, (label, _values) in CHECKS.items()]

# Values that are fine; every other value is a problem that needs a photo (SPEC §5).
OK_VALUES = frozenset({"normal", "clean", "fair", "intact"})

VALUE_LABELS = {
    "normal": gettext_lazy("正常"),
    "problem": gettext_lazy("有问题"),
    "clean": gettext_lazy("清洁"),
    "fair": gettext_lazy("较清洁"),
    "floating_debris": gettext_lazy("有漂浮物"),
    "dirty": gettext_lazy("脏乱"),
    "intact": gettext_lazy("完好"),
    "damaged": gettext_lazy("破损"),
    "missing": gettext_lazy("缺失"),
}

ESCALATED = "escalated"
MEDIATION = "mediation"  # 第七条: 配合做好涉水纠纷调解
# The actions of 第七条 in the order API.md lists them (and logs store them).
ACTIONS: dict[str, Any] = {
    "stopped": gettext_lazy("现场制止"),
    ESCALATED: gettext_lazy("上报"),
    "cleaned": gettext_lazy("保洁"),
    "assisted_enforcement": gettext_lazy("配合执法"),
    MEDIATION: gettext_lazy("配合涉水纠纷调解"),
    "outreach": gettext_lazy("宣传"),
}

ACTION_CODES = list(ACTIONS)

# Most problems reported about one field (a 20 000-point track could otherwise answer 20 000 lines).
MAX_MESSAGES = 5


def problem_checks(checks: Mapping[str, str]) -> list[str]:
    """The check codes whose value is a problem, in vocabulary order."""
    return [code for code in CHECKS if code in checks and checks[code] not in OK_VALUES]


def check_problems(checks: Any) -> list[str]:
    """What is wrong with a submitted `checks` object: all seven codes, each with a value of its vocabulary."""
    if not isinstance(checks, dict):
        return [_("检查结果必须是“检查项: 结果”的对象。")]
    messages = []
    for code in checks:
        if code not in CHECKS:
            messages.append(_("未知的检查项：%(code)s。") % {"code": code})
    for code, (label, values) in CHECKS.items():
        value = checks.get(code)
        if value is None:
            messages.append(_("缺少检查项“%(label)s”(%(code)s)。") % {"label": label, "code": code})
        elif value not in values:
            messages.append(
                _("检查项“%(label)s”的结果只能是：%(values)s。") % {"label": label, "values": _("、").join(values)}
            )
    return messages[:MAX_MESSAGES]


def normalize_actions(actions: Any) -> tuple[list[str], list[str]]:
    """(action codes in vocabulary order without repeats, problems); the order a phone sends them in is noise."""
    if not isinstance(actions, list):
        return [], [_("处置措施必须是列表。")]
    unknown = [a for a in actions if not isinstance(a, str) or a not in ACTIONS]
    if unknown:
        return [], [_("未知的处置措施：%(codes)s。") % {"codes": _("、").join(str(a) for a in unknown[:MAX_MESSAGES])}]
    return [code for code in ACTIONS if code in actions], []


def escalation_problem(
    *, actions: Sequence[str], checks: Mapping[str, str], local_problems: Sequence[str] = ()
) -> str | None:
    """An escalation (上报) reports the problems found (fixed or local); with none there is nothing to report."""
    if ESCALATED in actions and not problem_checks(checks) and not local_problems:
        return _("选择“上报”时，至少要有一项检查结果为问题。")
    return None


def notes_problem(notes: str, *, max_length: int) -> str | None:
    if len(notes) > max_length:
        return _("备注不能超过%(max)d个字。") % {"max": max_length}
