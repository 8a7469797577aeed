"""The county spot check (县级每月抽考): the sample size and the seeded, risk-weighted draw."""

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from assessments.rules.common import setting
from assessments.rules.suggestions import MonthFacts, share_of


def spot_check_size(*, population: int, townships: int, share: Decimal | None = None) -> int:
    """At least `share` (10%) of the county's active patrollers rounded up, at least one per township that has
    any, never more than there are."""
    share = Decimal(str(setting("SPOT_CHECK_SHARE", Decimal("0.10")))) if share is None else Decimal(str(share))
    if population <= 0:
        return 0
    by_share = int((share * population).to_integral_value(rounding=ROUND_CEILING))
    return min(population, max(by_share, townships, 1))


def risk_weight(facts: MonthFacts) -> Decimal:
    """How strongly the draw favours a patroller (SPEC §6 risk signals), from 1 (no signal) up to 8:
    + 2 × the share of contract days without a log (low coverage),
    + 2 × the share of logs with evidence flags,
    + 1 per supervision complaint not rejected, at most 3."""
    missed = Decimal(1) - share_of(min(facts.days_patrolled, facts.days_under_contract), facts.days_under_contract)
    if facts.days_under_contract == 0:
        missed = Decimal(0)
    flagged = share_of(facts.logs_flagged, facts.logs)
    weight = Decimal(1) + 2 * missed + 2 * flagged + min(facts.complaints, 3)
    return weight.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Candidate:
    patroller: int
    township: int
    weight: Decimal


def weighted_draw(candidates: Iterable[Candidate], *, size: int, seed: int) -> list[int]:
    """A seeded draw without replacement that favours heavier weights (Efraimidis–Spirakis: each candidate gets
    the key u^(1/weight) for u uniform in (0, 1), drawn in patroller-id order; the largest keys win).

    The best key of every township is taken first (at least one per township), then the best remaining keys up
    to `size`. Same candidates, size and seed → the same patrollers in the same order.
    """
    ordered = sorted(candidates, key=lambda c: c.patroller)
    rng = random.Random(seed)
    keyed = []
    for candidate in ordered:
        u = rng.random() or math.ulp(0.0)
        weight = float(candidate.weight) if candidate.weight > 0 else math.ulp(1.0)
        keyed.append((u ** (1.0 / weight), candidate))
    by_key = sorted(keyed, key=lambda kc: (-kc[0], kc[1].patroller))
    chosen: list[Candidate] = []
    seen_townships: set[int] = set()
    for _key, candidate in by_key:
        if candidate.township not in seen_townships:
            seen_townships.add(candidate.township)
            chosen.append(candidate)
    chosen_ids = {c.patroller for c in chosen}
    for _key, candidate in by_key:
        if len(chosen) >= size:
            break
        if candidate.patroller not in chosen_ids:
            chosen.append(candidate)
            chosen_ids.add(candidate.patroller)
    rank = {c.patroller: i for i, (_k, c) in enumerate(by_key)}
    return [c.patroller for c in sorted(chosen, key=lambda c: rank[c.patroller])]
