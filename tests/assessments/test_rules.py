"""The pure assessment rules (SPEC §6, 第九条–第十一条): grades, month outcomes, the dismissal rule (exhaustively,
with Hypothesis against a brute-force reference), suggested scores, and the spot-check draw."""

from collections import Counter
from datetime import date
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import rules
from assessments.rules import CONSECUTIVE_2, YEARLY_3, Candidate, MonthFacts, Outcome

P, F, N = Outcome.PASS, Outcome.FAIL, Outcome.NOT_ASSESSED


def months(start: date, outcomes: str) -> dict[date, Outcome]:
    """ "PF.F" from `start`: P pass, F fail, . not assessed (left out, as the selectors do), one per month."""
    result = {}
    month = start
    for letter in outcomes:
        if letter != ".":
            result[month] = {"P": P, "F": F, "N": N}[letter]
        month = rules.next_month(month)
    return result


def found(outcomes: dict[date, Outcome], consumed=()) -> set[tuple[str, str, tuple[str, ...]]]:
    return {
        (t.rule, rules.month_label(t.trigger_month), tuple(rules.month_label(m) for m in t.months))
        for t in rules.dismissal_triggers(outcomes, consumed=consumed)
    }


# --- grades and the pass mark --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade", "passed"),
    [
        (100, "excellent", True),
        (90, "excellent", True),
        (89, "good", True),
        (75, "good", True),
        (74, "pass", True),
        (60, "pass", True),
        (59, "fail", False),
        (0, "fail", False),
    ],
)
def test_grade_bands_and_pass_mark_at_their_edges(total, grade, passed):
    assert rules.grade(total) == grade
    assert rules.passed(total) is passed


def test_grade_bands_and_pass_mark_follow_the_settings(settings):
    settings.RIVER = {**settings.RIVER, "PASS_MARK": 70, "GRADE_BANDS": {"excellent": 95, "good": 80, "pass": 70}}

    assert rules.grade(94) == "good"
    assert rules.grade(69) == "fail"
    assert rules.passed(69) is False
    assert rules.passed(70) is True


def test_weights_that_do_not_add_up_to_100_are_refused(settings):
    settings.RIVER = {**settings.RIVER, "ASSESSMENT_WEIGHTS": {"appearance": 30, "daily_work": 40, "records": 40}}

    with pytest.raises(ValueError, match="100"):
        rules.weights()


# --- months ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("2026-01", date(2026, 1, 1)),
        ("2025-12", date(2025, 12, 1)),
        ("2026-13", None),
        ("2026-1", None),
        ("26-01-01", None),
        ("2026/01", None),
        ("２０２６-01", None),
        ("", None),
        ("2026-00", None),
    ],
)
def test_months_are_read_as_yyyy_mm_only(raw, month):
    assert rules.parse_month(raw) == month


def test_december_is_followed_by_january_of_the_next_year():
    assert rules.next_month(date(2025, 12, 1)) == date(2026, 1, 1)
    assert rules.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert rules.month_end(date(2024, 2, 1)) == date(2024, 2, 29)


# --- month outcome: county prevails ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("county", "township", "outcome"),
    [
        (True, False, P),  # the county's spot check passes a month the township failed
        (False, True, F),  # and fails one the township passed
        (None, False, F),
        (None, True, P),
        (True, None, P),
        (None, None, N),
    ],
)
def test_the_county_result_prevails_over_the_township_result(county, township, outcome):
    assert rules.month_outcome(county=county, township=township) == outcome


# --- the dismissal rule: examples ------------------------------------------------------------------------------


def test_two_failing_months_in_a_row_trigger_consecutive_2_on_the_second():
    assert found(months(date(2025, 3, 1), "PFF")) == {(CONSECUTIVE_2, "2025-05", ("2025-04", "2025-05"))}


def test_december_and_january_are_consecutive():
    assert found(months(date(2025, 11, 1), "PFF")) == {(CONSECUTIVE_2, "2026-01", ("2025-12", "2026-01"))}


def test_a_month_not_assessed_breaks_the_chain_and_counts_for_nothing():
    assert found(months(date(2025, 3, 1), "F.F")) == set()
    assert found(months(date(2025, 3, 1), "FNF")) == set()


def test_three_failing_months_in_a_year_trigger_yearly_3_on_the_third():
    outcomes = months(date(2025, 1, 1), "FPFPPPPPF")

    assert found(outcomes) == {(YEARLY_3, "2025-09", ("2025-01", "2025-03", "2025-09"))}


def test_failing_months_of_two_years_do_not_add_up():
    # Nov and Dec 2025 fail, then Feb 2026: two in one year, one in the next, and no two in a row.
    outcomes = months(date(2025, 10, 1), "PFPPF")
    outcomes[date(2025, 11, 1)] = F
    outcomes[date(2025, 12, 1)] = P

    assert found(outcomes) == set()


def test_a_fourth_failing_month_of_the_year_triggers_again_naming_all_four():
    outcomes = months(date(2025, 1, 1), "FPFPFPF")

    assert found(outcomes) == {
        (YEARLY_3, "2025-05", ("2025-01", "2025-03", "2025-05")),
        (YEARLY_3, "2025-07", ("2025-01", "2025-03", "2025-05", "2025-07")),
    }


def test_both_rules_can_trigger_on_the_same_month():
    assert found(months(date(2025, 1, 1), "FPFF")) == {
        (CONSECUTIVE_2, "2025-04", ("2025-03", "2025-04")),
        (YEARLY_3, "2025-04", ("2025-01", "2025-03", "2025-04")),
    }


# --- the dismissal rule: property-based against a brute-force reference ---------------------------------------


def reference(outcomes: dict[date, Outcome]) -> set[tuple[str, str, tuple[str, ...]]]:
    """The rule read literally, by enumeration: every pair of failing months one calendar month apart, and every
    three failing months within one calendar year (the latest of them triggers, naming every failing month of
    that year up to it)."""
    failing = sorted(m for m, o in outcomes.items() if o == F)
    expected = set()
    for a, b in combinations(failing, 2):
        if (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1:
            expected.add((CONSECUTIVE_2, rules.month_label(b), (rules.month_label(a), rules.month_label(b))))
    for triple in combinations(failing, 3):
        if len({m.year for m in triple}) == 1:
            last = max(triple)
            named = tuple(rules.month_label(m) for m in failing if m.year == last.year and m <= last)
            expected.add((YEARLY_3, rules.month_label(last), named))
    return expected


outcome_sequences = st.lists(st.sampled_from([P, F, N, None]), min_size=0, max_size=40)


@settings(max_examples=500, deadline=None)
@given(start_year=st.integers(2019, 2030), start_month=st.integers(1, 12), sequence=outcome_sequences)
def test_the_dismissal_rule_matches_the_brute_force_reference(start_year, start_month, sequence):
    # Runs of up to 40 months from any start month cross one to four year boundaries; None = no row at all.
    outcomes = {}
    month = date(start_year, start_month, 1)
    for outcome in sequence:
        if outcome is not None:
            outcomes[month] = outcome
        month = rules.next_month(month)

    assert found(outcomes) == reference(outcomes)


RESULT = st.sampled_from([None, True, False])  # a level's final result that month: none, passed, failed


def literal_reference(results: dict[date, tuple[bool | None, bool | None]], consumed: set[date]) -> set:
    """The rule read literally from the two levels' results: a month fails when the county's result, where there
    is one, else the township's, is a fail (SPEC §6, the county prevails), and a consumed month never counts."""
    outcomes = {}
    for month, (county, township) in results.items():
        prevailing = county if county is not None else township
        if prevailing is not None and month not in consumed:
            outcomes[month] = P if prevailing else F
    return reference(outcomes)


@settings(max_examples=500, deadline=None)
@given(
    start_year=st.integers(2019, 2030),
    start_month=st.integers(1, 12),
    sequence=st.lists(st.tuples(RESULT, RESULT, st.booleans()), min_size=0, max_size=36),
)
def test_the_rule_with_county_precedence_and_consumed_months_matches_the_reference(start_year, start_month, sequence):
    # Each month: (county result, township result, consumed by an earlier confirmed dismissal).
    results, consumed = {}, set()
    month = date(start_year, start_month, 1)
    for county, township, is_consumed in sequence:
        results[month] = (county, township)
        if is_consumed:
            consumed.add(month)
        month = rules.next_month(month)
    outcomes = {m: rules.month_outcome(county=c, township=t) for m, (c, t) in results.items() if (c, t) != (None, None)}

    assert found(outcomes, consumed) == literal_reference(results, consumed)


@settings(max_examples=300, deadline=None)
@given(
    sequence=st.lists(st.sampled_from([P, F, None]), min_size=0, max_size=30),
    day_offset=st.integers(0, 30),
)
def test_judging_a_dismissal_matches_the_reference(sequence, day_offset):
    """One dismissal on a day: it stands exactly when the literal rule, over the months that ended before that day,
    triggers; its months are consumed; the open flag is what the literal rule finds in the other months."""
    outcomes = {}
    month = date(2025, 6, 1)
    for outcome in sequence:
        if outcome is not None:
            outcomes[month] = outcome
        month = rules.next_month(month)
    day = date(2025, 6, 1) + (date(2027, 12, 31) - date(2025, 6, 1)) * day_offset // 30

    judged = rules.judge_dismissals(outcomes, [("d", day)])

    before = reference({m: o for m, o in outcomes.items() if rules.next_month(m) <= day})
    assert (judged.dismissals["d"] is not None) == bool(before)
    consumed = {rules.parse_month(label) for _rule, _trigger, named in before for label in named}
    assert judged.consumed == consumed
    expected_open = reference({m: o for m, o in outcomes.items() if m not in consumed})
    expected_months = {rules.parse_month(label) for _rule, _trigger, named in expected_open for label in named}
    assert (set(judged.open.months) if judged.open else set()) == expected_months
    assert (set(judged.open.rules) if judged.open else set()) == {rule for rule, _t, _n in expected_open}


@settings(max_examples=200, deadline=None)
@given(sequence=outcome_sequences)
def test_turning_a_failing_month_into_a_pass_never_adds_a_trigger(sequence):
    """A correction to a pass can only remove reasons to dismiss (it withdraws flags, never raises them)."""
    outcomes = {}
    month = date(2025, 6, 1)
    for outcome in sequence:
        if outcome is not None:
            outcomes[month] = outcome
        month = rules.next_month(month)
    for failing in [m for m, o in outcomes.items() if o == F]:
        corrected = {**outcomes, failing: P}
        assert {(r, m) for r, m, _ in found(corrected)} <= {(r, m) for r, m, _ in found(outcomes)}


# --- settled months (SPEC §6): logs may arrive LOG_LATE_DAYS days late ------------------------------------------


@pytest.mark.parametrize(
    ("month", "late", "settles"),
    [
        (date(2026, 5, 1), None, date(2026, 6, 4)),  # the default 3 late days: from the 4th of the next month
        (date(2026, 12, 1), None, date(2027, 1, 4)),  # December settles in the next year
        (date(2026, 1, 1), None, date(2026, 2, 4)),
        (date(2026, 5, 1), 0, date(2026, 6, 1)),
        (date(2026, 1, 1), 30, date(2026, 3, 3)),  # a long window reaches past February
    ],
)
def test_a_month_settles_on_day_late_days_plus_one_of_the_next_month(month, late, settles):
    assert rules.settles_on(month, late=late) == settles


def test_a_month_is_settled_from_that_day_on_not_the_day_before():
    may = date(2026, 5, 1)

    assert rules.is_settled(may, today=date(2026, 6, 3)) is False
    assert rules.is_settled(may, today=date(2026, 6, 4)) is True
    assert rules.last_settled_month(date(2026, 6, 3)) == date(2026, 4, 1)
    assert rules.last_settled_month(date(2026, 6, 4)) == may
    assert rules.last_settled_month(date(2027, 1, 2)) == date(2026, 11, 1)


def test_the_late_days_follow_the_setting(settings):
    settings.RIVER = {**settings.RIVER, "LOG_LATE_DAYS": 5}

    assert rules.settles_on(date(2026, 5, 1)) == date(2026, 6, 6)


# --- consumed months, one flag per patroller, dismissals judged again --------------------------------------------


def test_consumed_months_never_count_again():
    outcomes = months(date(2026, 1, 1), "PPFF.FPF")  # March–April dismissed; June and August after a re-hire
    consumed = {date(2026, 3, 1), date(2026, 4, 1)}

    assert found(outcomes) >= {(YEARLY_3, "2026-06", ("2026-03", "2026-04", "2026-06"))}
    assert found(outcomes, consumed) == set()  # June and August are only two of the year
    outcomes[date(2026, 10, 1)] = F
    assert found(outcomes, consumed) == {(YEARLY_3, "2026-10", ("2026-06", "2026-08", "2026-10"))}


def test_a_consumed_month_does_not_chain_with_the_next():
    # Dismissed for March–April on 1 May, hired again in May, May fails: April is consumed.
    outcomes = months(date(2026, 3, 1), "FFF")

    assert found(outcomes, {date(2026, 3, 1), date(2026, 4, 1)}) == set()


def test_the_grounds_of_a_flag_take_every_trigger_together():
    grounds = rules.dismissal_grounds(months(date(2026, 1, 1), "FPFFF"))

    assert grounds.rules == (CONSECUTIVE_2, YEARLY_3)  # consecutive first triggered in April, with yearly_3
    assert grounds.months == tuple(date(2026, m, 1) for m in (1, 3, 4, 5))
    assert grounds.trigger_month == date(2026, 4, 1)
    assert rules.dismissal_grounds(months(date(2026, 1, 1), "FPF")) is None


def test_a_dismissal_stands_only_on_months_that_ended_before_its_day():
    outcomes = months(date(2026, 3, 1), "FF")

    assert rules.dismissal_grounds(outcomes, before=date(2026, 5, 1)).months == (date(2026, 3, 1), date(2026, 4, 1))
    assert rules.dismissal_grounds(outcomes, before=date(2026, 4, 30)) is None
    assert rules.earliest_dismissal_day([date(2026, 3, 1), date(2026, 4, 1)]) == date(2026, 5, 1)
    assert rules.earliest_dismissal_day([date(2026, 12, 1)]) == date(2027, 1, 1)


def test_a_county_pass_leaves_a_confirmed_dismissal_without_grounds():
    before = months(date(2026, 3, 1), "FF")
    after = {**before, date(2026, 4, 1): rules.month_outcome(county=True, township=False)}

    assert rules.judge_dismissals(before, [("d", date(2026, 5, 1))]).dismissals["d"] is not None
    judged = rules.judge_dismissals(after, [("d", date(2026, 5, 1))])
    assert judged.dismissals["d"] is None
    assert judged.consumed == frozenset()
    assert judged.open is None


def test_a_dismissal_still_stands_on_other_failing_months_before_its_day():
    # February failed too (finalized late); the county passes April: February–March still trigger.
    outcomes = {**months(date(2026, 2, 1), "FFP")}

    judged = rules.judge_dismissals(outcomes, [("d", date(2026, 5, 1))])

    assert judged.dismissals["d"].months == (date(2026, 2, 1), date(2026, 3, 1))
    assert judged.open is None  # no second flag for a dismissed person


def test_after_a_dismissal_only_new_failures_raise_the_open_flag():
    outcomes = months(date(2026, 3, 1), "FF.FF")  # March–April dismissed on 1 May; re-hired, June–July fail

    judged = rules.judge_dismissals(outcomes, [("d", date(2026, 5, 1))])

    assert judged.consumed == {date(2026, 3, 1), date(2026, 4, 1)}
    assert judged.open.rules == (CONSECUTIVE_2,)
    assert judged.open.months == (date(2026, 6, 1), date(2026, 7, 1))


# --- ranges and reasons ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "bad"),
    [
        ({"appearance": 30, "daily_work": 40, "records": 30}, set()),
        ({"appearance": 0, "daily_work": 0, "records": 0}, set()),
        ({"appearance": 31, "daily_work": 40, "records": 30}, {"appearance"}),
        ({"appearance": 30, "daily_work": 41, "records": -1}, {"daily_work", "records"}),
        ({"appearance": 20.5, "daily_work": "20", "records": True}, {"appearance", "daily_work", "records"}),
        ({"appearance": 20}, {"daily_work", "records"}),
    ],
)
def test_each_part_is_a_whole_number_from_0_to_its_weight(scores, bad):
    assert set(rules.range_errors(scores)) == bad


@pytest.mark.parametrize(("score", "needs"), [(10, False), (9, True), (30, False), (20, False)])
def test_a_part_more_than_10_points_from_its_suggestion_needs_a_reason(score, needs):
    suggested = {"appearance": 20, "daily_work": 30, "records": 20}
    scores = {**suggested, "appearance": score}

    assert ("appearance" in rules.parts_needing_reason(scores, suggested)) is needs
    assert ("appearance" in rules.missing_reason_errors(scores, suggested, {})) is needs
    assert rules.missing_reason_errors(scores, suggested, {"appearance": "现场检查发现垃圾未清理"}) == {}
    assert ("appearance" in rules.missing_reason_errors(scores, suggested, {"appearance": "   "})) is needs


# --- suggested scores ------------------------------------------------------------------------------------------


def test_a_full_month_of_clean_patrols_suggests_full_marks():
    facts = MonthFacts(days_under_contract=30, days_patrolled=30, logs=30)

    suggestion = rules.suggest(facts)

    assert suggestion.parts == {"appearance": 30, "daily_work": 40, "records": 30}
    assert set(suggestion.explanation) == {"appearance", "daily_work", "records"}
    assert "巡查天数30/30" in suggestion.explanation["daily_work"]


def test_a_month_without_logs_suggests_nothing():
    suggestion = rules.suggest(MonthFacts(days_under_contract=31))

    assert suggestion.parts == {"appearance": 0, "daily_work": 0, "records": 0}
    assert "没有巡查记录" in suggestion.explanation["records"]


def test_days_patrolled_are_counted_against_days_under_contract_only():
    # Hired on the 16th of a 30-day month and patrolled every day since: full daily work.
    suggestion = rules.suggest(MonthFacts(days_under_contract=15, days_patrolled=15, logs=15))

    assert suggestion.parts["daily_work"] == 40


def test_confirmed_supervision_reports_and_late_escalations_lower_daily_work():
    facts = MonthFacts(
        days_under_contract=30,
        days_patrolled=30,
        logs=30,
        escalations=3,
        escalations_on_time=1,
        supervision_confirmed=2,
    )

    suggestion = rules.suggest(facts)

    assert suggestion.parts["daily_work"] == 40 - 2 * 5 - 2 * 2
    assert "监督报告2件" in suggestion.explanation["daily_work"]
    assert "未及时上报2次" in suggestion.explanation["daily_work"]


def test_daily_work_never_goes_below_zero():
    facts = MonthFacts(days_under_contract=30, days_patrolled=3, logs=3, supervision_confirmed=9)

    assert rules.suggest(facts).parts["daily_work"] == 0


def test_problems_left_without_action_lower_the_appearance_score():
    facts = MonthFacts(days_under_contract=30, days_patrolled=30, days_unhandled=6, logs=30)

    suggestion = rules.suggest(facts)

    assert suggestion.parts["appearance"] == 24
    assert "未处置6天" in suggestion.explanation["appearance"]


def test_flagged_logs_and_problems_without_photos_lower_the_records_score():
    facts = MonthFacts(
        days_under_contract=30,
        days_patrolled=20,
        logs=20,
        logs_flagged=10,
        problem_logs=4,
        problem_logs_with_evidence=1,
    )

    # (10/20 + 1/4) / 2 × 30 = 11.25 → 11
    assert rules.suggest(facts).parts["records"] == 11


def test_half_points_round_half_up():
    # 40 × 29/30 = 38.67 → 39; appearance 30 × 1/2 = 15; records 30 × (1 + 1/2)/2 = 22.5 → 23
    facts = MonthFacts(
        days_under_contract=30,
        days_patrolled=29,
        days_unhandled=14,
        logs=2,
        problem_logs=2,
        problem_logs_with_evidence=1,
    )

    assert rules.suggest(facts).parts == {"appearance": 15, "daily_work": 39, "records": 23}


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(1, 31),
    patrolled=st.integers(0, 31),
    unhandled=st.integers(0, 31),
    logs=st.integers(0, 80),
    flagged=st.integers(0, 80),
    problems=st.integers(0, 80),
    evidence=st.integers(0, 80),
    escalations=st.integers(0, 20),
    on_time=st.integers(0, 20),
    confirmed=st.integers(0, 10),
)
def test_suggestions_always_lie_within_the_weights(
    days, patrolled, unhandled, logs, flagged, problems, evidence, escalations, on_time, confirmed
):
    facts = MonthFacts(
        days_under_contract=days,
        days_patrolled=min(patrolled, days),
        days_unhandled=min(unhandled, patrolled),
        logs=logs,
        logs_flagged=min(flagged, logs),
        problem_logs=min(problems, logs),
        problem_logs_with_evidence=min(evidence, problems, logs),
        escalations=escalations,
        escalations_on_time=min(on_time, escalations),
        supervision_confirmed=confirmed,
    )

    parts = rules.suggest(facts).parts

    assert rules.range_errors(parts) == {}


# --- spot checks -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "townships", "size"),
    [(0, 0, 0), (1, 1, 1), (9, 1, 1), (10, 1, 1), (11, 1, 2), (30, 1, 3), (30, 5, 5), (31, 2, 4), (3, 5, 3)],
)
def test_the_sample_is_10_percent_rounded_up_and_at_least_one_per_township(population, townships, size):
    assert rules.spot_check_size(population=population, townships=townships) == size


def test_the_share_is_a_setting(settings):
    settings.RIVER = {**settings.RIVER, "SPOT_CHECK_SHARE": Decimal("0.25")}

    assert rules.spot_check_size(population=10, townships=1) == 3


def candidates(count: int, townships: int = 3) -> list[Candidate]:
    return [Candidate(patroller=i + 1, township=i % townships, weight=Decimal(1)) for i in range(count)]


def test_the_same_seed_draws_the_same_patrollers_in_the_same_order():
    pool = candidates(40)

    first = rules.weighted_draw(pool, size=6, seed=12345)

    assert first == rules.weighted_draw(list(reversed(pool)), size=6, seed=12345)
    assert len(first) == len(set(first)) == 6
    assert rules.weighted_draw(pool, size=6, seed=54321) != first


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**52), count=st.integers(1, 60), townships=st.integers(1, 8))
def test_every_township_is_in_the_sample(seed, count, townships):
    pool = candidates(count, townships)
    size = rules.spot_check_size(population=len(pool), townships=len({c.township for c in pool}))

    drawn = rules.weighted_draw(pool, size=size, seed=seed)

    assert len(drawn) == size
    assert {c.township for c in pool if c.patroller in drawn} == {c.township for c in pool}


def test_risky_patrollers_are_drawn_more_often():
    pool = [Candidate(i, 0, Decimal(8) if i <= 5 else Decimal(1)) for i in range(1, 51)]
    counts = Counter()
    for seed in range(400):
        counts.update(rules.weighted_draw(pool, size=5, seed=seed))

    risky = sum(counts[i] for i in range(1, 6)) / 5
    others = sum(counts[i] for i in range(6, 51)) / 45
    assert risky > 3 * others


def test_risk_weight_grows_with_missed_days_flags_and_complaints():
    calm = MonthFacts(days_under_contract=30, days_patrolled=30, logs=30)
    risky = MonthFacts(days_under_contract=30, days_patrolled=15, logs=15, logs_flagged=15, complaints=5)

    assert rules.risk_weight(calm) == Decimal(1)
    assert rules.risk_weight(risky) == Decimal(1) + 1 + 2 + 3


# --- excellent incumbents --------------------------------------------------------------------------------------


def row(month: int, total: int, year: int = 2025) -> tuple[date, int, bool]:
    return (date(year, month, 1), total, total >= 60)


def test_excellent_needs_an_average_of_85_and_no_failing_month_over_the_last_12():
    assert rules.is_excellent([row(m, 85) for m in range(1, 13)])
    assert not rules.is_excellent([row(m, 84) for m in range(1, 13)])
    assert not rules.is_excellent([*(row(m, 95) for m in range(1, 12)), row(12, 59)])
    assert not rules.is_excellent([])


def test_only_the_latest_12_assessed_months_count():
    older_fail = [row(1, 40, 2024)]
    recent = [row(m, 90) for m in range(1, 13)]

    assert rules.is_excellent(older_fail + recent)
