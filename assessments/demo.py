"""Demo assessments, called by `seed_demo` after the patrol logs.

What shows, all through the real services (prepare, draw, score, finalize, correct, confirm reports), so flags,
histories and suggestions are exactly what the offices would get:

- The last two settled months (over, their late-log window closed: "system months"), township level, for every
  patroller of the demo county (金水区, the county with patrol logs): drafts prepared by each township's office,
  finalized at the suggested scores. A township without an office login gets one (`demo_township_<code>`, no
  usable password) to act as.
- Before those, a few "paper" months for the demo township (back to B's first failing month: 2 to 8 months),
  scored from the paper patrol ledger kept before the system (every part far from its zero suggestion carries
  that reason), so that its year results have substance.
- The county spot check of each system month: a recorded draw with a fixed seed, county drafts at the suggested
  scores (one part a little stricter), finalized.
- A story in the demo township, among people the county did not draw:
  · A fails both system months → an OPEN `consecutive_2` flag (with a confirmed supervision report in the last);
  · B fails three non-adjacent months of one calendar year → an OPEN `yearly_3` flag;
  · C fails both system months too, then the county approves a correction of the last → the flag is WITHDRAWN.
- Supervision reports: one confirmed (about A), one rejected (a village chief's), one pending (this month).
- Lazy patrollers of the patrol demo may fail on their suggestions alone and get flags of their own.

Idempotent: once demo patrollers have assessments nothing is written. Deterministic: fixed seeds, people picked
by name order.
"""

import hashlib
import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import Role, User
from assessments import rules, selectors, services
from assessments.models import PARTS, Assessment, DismissalFlag
from patrol.models import PatrolLog
from rivers import demo as register
from rivers.models import County, Township
from staffing.models import Patroller

PAPER_MONTHS = 8
PAPER_REASON = "系统上线前的月份，据纸质巡查台账和现场检查记录评分。"
FAILING = {"appearance": 12, "daily_work": 18, "records": 10}
FAIL_REASONS = {
    "appearance": "乡级河长暗访：河段内垃圾堆积多日无人清理。",
    "daily_work": "多次暗访未见巡河，劝阻、上报均未履行。",
    "records": "巡查记录补记、漏记，问题无照片佐证。",
}
STRICTER_REASON = "县级抽考现场复核，资料整理不够规范。"
NO_LOGS = "本乡镇本月尚未使用系统记录巡查，据纸质巡查台账评分。"


def _rng(*key: object) -> random.Random:
    return random.Random(":".join(["assessments", register.SEED, *map(str, key)]))


def draw_seed(*key: object) -> int:
    """A spot-check seed below 2^52 (JSON-safe), fixed for the county and month."""
    digest = hashlib.sha256(":".join(["spot-check", register.SEED, *map(str, key)]).encode()).hexdigest()
    return int(digest[:13], 16)


def months_back(month: date, count: int) -> list[date]:
    months = [month]
    for _ in range(count - 1):
        months.append(rules.previous_month(months[-1]))
    return list(reversed(months))


def yearly_months(last: date, earliest: date) -> list[date]:
    """Three failing months of one calendar year, two apart (never adjacent, so only the yearly rule fires), from
    `last` back to `earliest`: the latest year that has three of them."""
    candidates = []
    month = last
    while month >= earliest:
        candidates.append(month)
        month = rules.previous_month(rules.previous_month(month))
    for year in sorted({m.year for m in candidates}, reverse=True):
        in_year = [m for m in candidates if m.year == year]
        if len(in_year) >= 3:
            return sorted(in_year[:3])
    return []


def _paper_scores(rng: random.Random, strong: bool) -> dict[str, int]:
    if strong:
        return {"appearance": rng.randint(27, 30), "daily_work": rng.randint(36, 40), "records": rng.randint(26, 30)}
    return {"appearance": rng.randint(22, 28), "daily_work": rng.randint(30, 37), "records": rng.randint(21, 27)}


def _reasons_for(scores: dict[str, int], suggested: dict[str, int], text: dict[str, str] | str) -> dict[str, str]:
    needed = rules.parts_needing_reason(scores, suggested)
    return {part: text if isinstance(text, str) else text[part] for part in needed}


def _office_for(township: Township, home: Township, home_office: User) -> User:
    """The township office to act as: the demo login for the demo township, a demo account elsewhere."""
    if township.pk == home.pk:
        return home_office
    user, created = User.objects.get_or_create(
        username=f"demo_township_{township.code}",
        defaults={
            "role": Role.TOWNSHIP_OFFICE,
            "display_name": f"{township.name}河长办(演示)",
            "county_id": township.county_id,
            "township": township,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _score(assessment: Assessment, office: User, scores: dict[str, int], reasons) -> Assessment:
    return services.assessment_update(
        assessment=assessment,
        by=office,
        scores=scores,
        reasons=_reasons_for(scores, assessment.suggested, reasons),
    )


def seed_assessments(*, stdout) -> None:
    """Add the demo assessments once (see the module docstring)."""
    if Assessment.objects.filter(patroller__is_demo=True).exists():
        stdout.write("演示考核已存在，未作改动。")
        return
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    county = County.objects.filter(code=register.DEMO_COUNTY_CODE).first()
    home = Township.objects.filter(code=register.DEMO_TOWNSHIP_CODE).first()
    needed = ("demo_township", "demo_county", "demo_supervisor", "demo_village_chief")
    if county is None or home is None or any(name not in users for name in needed):
        stdout.write("缺少演示县区或演示账号，未生成演示考核。")
        return
    if not Patroller.objects.filter(is_demo=True, township__county=county).exists():
        stdout.write("演示县区没有巡察员，未生成演示考核。")
        return
    with transaction.atomic():
        summary = _seed(county, home, users)
    stdout.write(
        f"演示考核：{summary['finals']}条定稿考评(其中县级抽考{summary['county']}条)，"
        f"辞退提示{summary['open']}条待确认、{summary['withdrawn']}条已撤销，监督报告{summary['reports']}份。"
    )


def _seed(county: County, home: Township, users: dict[str, User]) -> dict[str, int]:
    today = timezone.localdate()
    last = rules.last_settled_month(today)  # finalized months must be settled (their late-log window closed)
    system = months_back(last, 2)
    # Paper months: back to the first of B's three failing months (searched over the PAPER_MONTHS before the
    # system months), so that the yearly rule can fire in any season; at least two.
    before_system = rules.previous_month(system[0])
    yearly = yearly_months(system[-1], months_back(before_system, PAPER_MONTHS)[0])
    paper = months_back(before_system, 2)
    while yearly and paper[0] > yearly[0]:
        paper.insert(0, rules.previous_month(paper[0]))
    first_log = PatrolLog.objects.filter(segment__township__county=county).aggregate(first=Min("date"))["first"]

    def logged(month: date) -> bool:
        """A month the patrol logs cover from its first day: its suggestions stand on their own."""
        return first_log is not None and first_log <= month

    home_office, county_office = users["demo_township"], users["demo_county"]
    townships = list(Township.objects.filter(county=county).order_by("code"))
    offices = {t.pk: _office_for(t, home, home_office) for t in townships}

    # 1. Drafts: the paper months of the demo township, the system months of every township; the county draws.
    for month in paper:
        services.assessments_prepare(township=home, month=month, by=home_office)
    for month in system:
        for township in townships:
            try:
                services.assessments_prepare(township=township, month=month, by=offices[township.pk])
            except ValidationError:
                continue  # nobody under contract there that month: no sheet to make
    drawn: dict[date, set[int]] = {}
    for month in system:
        result = services.spot_check_draw(
            county=county, month=month, by=county_office, seed=draw_seed(county.code, month)
        )
        drawn[month] = set(result.draw.patrollers)

    drafts = {
        (a.patroller_id, a.month): a
        for a in Assessment.objects.filter(township=home, level=Assessment.Level.TOWNSHIP).select_related("patroller")
    }
    story = _story(home, drafts, drawn=drawn, system=system, paper=paper)

    # 2. Supervision reports, decided before the month is scored (a decision refreshes the drafts' suggestions).
    reports = _reports(users, story=story, system=system, today=today)

    # 3. Township scores: paper months from the ledger, system months at the suggestion, the story's fails.
    failing = {(pk, month) for pk, months in story.get("fails", {}).items() for month in months}
    for a in Assessment.objects.filter(
        county=county, level=Assessment.Level.TOWNSHIP, status=Assessment.Status.DRAFT
    ).select_related("patroller"):
        office = offices[a.township_id]
        if (a.patroller_id, a.month) in failing:
            _score(a, office, FAILING, FAIL_REASONS)
        elif a.month in paper or not logged(a.month):
            strong = _rng("strong", a.patroller.id_number).random() < 0.4
            _score(a, office, _paper_scores(_rng("paper", a.patroller.id_number, a.month), strong), PAPER_REASON)

    # 4. Finalize, oldest month first: the dismissal rule runs on each finalization.
    drafts_left = Assessment.objects.filter(county=county, status=Assessment.Status.DRAFT)
    for number, a in enumerate(drafts_left.order_by("month", "-level", "pk")):
        if a.level == Assessment.Level.COUNTY:
            office = county_office
            if not logged(a.month):
                scores = _paper_scores(_rng("county", a.patroller.id_number, a.month), strong=False)
                a = _score(a, office, scores, PAPER_REASON)
            elif number % 3 == 0 and a.records >= 3 and a.total - 3 >= rules.pass_mark() + 10:
                # The county is a little stricter on some records (within the gap: no reason needed).
                a = _score(a, office, {**a.scores, "records": a.records - 3}, STRICTER_REASON)
        else:
            office = offices[a.township_id]
        # A month kept on paper has no log in the system: the office confirms it (its reason goes in the history).
        services.assessment_finalize(
            assessment=a, by=office, confirm_no_logs=True, reason=PAPER_REASON if not logged(a.month) else NO_LOGS
        )

    # 5. C's last month is corrected on review: the county approves, C's flag is withdrawn.
    if "corrected" in story:
        assessment = Assessment.objects.get(
            patroller_id=story["corrected"], month=system[-1], level=Assessment.Level.TOWNSHIP
        )
        correction = services.correction_request(
            assessment=assessment,
            by=home_office,
            scores=assessment.suggested,
            reasons=dict.fromkeys(PARTS, ""),
            reason="复核后更正：当月巡查记录齐全，暗访当日本人因病请假并已报备，原评分有误。",
        )
        services.correction_approve(correction=correction, by=county_office, note="经核实，同意更正。")

    flags = DismissalFlag.objects.filter(county=county)
    return {
        "finals": Assessment.objects.filter(county=county, status=Assessment.Status.FINAL).count(),
        "county": Assessment.objects.filter(county=county, level=Assessment.Level.COUNTY).count(),
        "open": flags.filter(status=DismissalFlag.Status.OPEN).count(),
        "withdrawn": flags.filter(status=DismissalFlag.Status.WITHDRAWN).count(),
        "reports": reports,
    }


def _story(home: Township, drafts: dict, *, drawn: dict[date, set[int]], system: list[date], paper: list[date]) -> dict:
    """Pick A (consecutive_2), B (yearly_3) and C (withdrawn after a correction) in the demo township: active
    people without a demo login, not drawn by the county in a month they are to fail (its result would prevail),
    with drafts in their months and suggestions that pass where they are meant to pass."""
    people = sorted(
        {a.patroller for a in drafts.values()},
        key=lambda p: (p.name, p.pk),
    )
    people = [p for p in people if p.user_id is None and p.status == Patroller.Status.ACTIVE]

    def undrawn(person: Patroller, months: list[date]) -> bool:
        return not any(person.pk in drawn.get(m, ()) for m in months)

    def has(person: Patroller, months: list[date]) -> bool:
        return all((person.pk, m) in drafts for m in months)

    def suggestion_passes(person: Patroller, month: date) -> bool:
        return rules.passed(sum(drafts[(person.pk, month)].suggested.values()))

    story: dict = {"fails": {}}
    taken: set[int] = set()
    a = next((p for p in people if has(p, system) and undrawn(p, system)), None)
    if a is not None:
        story["fails"][a.pk] = list(system)
        story["consecutive"] = a.pk
        taken.add(a.pk)
    c = next(
        (
            p
            for p in people
            if p.pk not in taken and has(p, system) and undrawn(p, system) and suggestion_passes(p, system[-1])
        ),
        None,
    )
    if c is not None:
        story["fails"][c.pk] = list(system)
        story["corrected"] = c.pk
        taken.add(c.pk)
    months = yearly_months(system[-1], paper[0])
    if months:
        span = [m for m in paper + system if months[0] <= m <= months[-1]]
        passing_system = [m for m in system if m not in months]
        b = next(
            (
                p
                for p in people
                if p.pk not in taken
                and has(p, span + passing_system)
                and undrawn(p, months)
                and all(suggestion_passes(p, m) for m in passing_system)
            ),
            None,
        )
        if b is not None:
            story["fails"][b.pk] = months
            story["yearly"] = b.pk
    return story


def _reports(users: dict[str, User], *, story: dict, system: list[date], today: date) -> int:
    """A confirmed report about A in the last system month, a village chief's rejected one, one pending today."""
    supervisor, chief, office = users["demo_supervisor"], users["demo_village_chief"], users["demo_township"]
    filed = 0
    if "consecutive" in story:
        report = services.supervision_report_file(
            by=supervisor,
            patroller=Patroller.objects.get(pk=story["consecutive"]),
            observed_on=system[-1] + timedelta(days=9),
            text="上午九点到十一点沿河段往返查看，未见巡察员巡河；桥下垃圾堆积，群众反映已有一周无人清理。",
        )
        services.supervision_report_confirm(report=report, by=office, note="经乡河长办暗访核实，情况属实。")
        filed += 1
    reportable = list(selectors.reportable_patrollers(chief).order_by("name", "id"))
    if reportable:
        report = services.supervision_report_file(
            by=chief,
            patroller=reportable[0],
            observed_on=system[0] + timedelta(days=14),
            text="傍晚路过河段，河面有漂浮物，怀疑当天没有巡河保洁。",
        )
        services.supervision_report_reject(
            report=report, by=office, note="当日有完整巡查轨迹和保洁照片，漂浮物为傍晚上游来水冲下，不属实。"
        )
        filed += 1
    others = [
        p
        for p in selectors.reportable_patrollers(supervisor).order_by("name", "id")
        if p.pk != story.get("consecutive")
    ]
    if others:
        services.supervision_report_file(
            by=supervisor,
            patroller=others[0],
            observed_on=today,
            text="河长公示牌被风刮倒两天，巡察员未上报维修。",
        )
        filed += 1
    return filed
