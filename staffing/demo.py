"""The demo roster: patrollers, contracts and assignments on the demo register, called by seed_demo.

Every staffing status of SPEC §3 appears in the demo city: most segments meet their standard, some are below it
(allowed local adjustment), some below the binding floor, and lakes/reservoirs with no number set stay
undetermined whatever their staff. Every person has a valid synthetic ID number (correct GB 11643 check digit)
and was 35–50 周岁 on their contract start. All current contracts run for this calendar year; about half are
renewals of last year's (most in the demo township, so that its assessment story finds people under contract in
every month of the last year, whatever the season). The demo township also gets recent hires and a resignation
that are not filed yet, an older filing, and two open vacancies with ranked applicants (one tie broken by
poverty relief).

Idempotent: once demo patrollers exist, nothing is written. Fast: a few thousand rows through bulk_create.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from rivers import demo as register
from rivers.models import Segment, Township, Village, WaterBody
from staffing import rules, selectors
from staffing.models import Applicant, Assignment, Contract, Patroller, RosterChange, RosterFiling, Vacancy

# Two-character given names, read two at a time.
GIVEN_NAMES_TEXT = (
    "建国秀英志强桂兰海燕国庆红梅建华玉兰德胜文静卫东丽娟振华春花保国淑珍明亮凤英永刚俊杰慧敏长青金凤宝山雪梅新民翠萍"
)
GIVEN_NAMES = [GIVEN_NAMES_TEXT[i : i + 2] for i in range(0, len(GIVEN_NAMES_TEXT), 2)]

DEMO_PATROLLERS = ("demo_patroller", "demo_patroller2")
# The share of renewals: the demo township's assessment story (assessments.demo) needs several people under
# contract last year too, also in January, when the months it assesses are last year's.
RENEWAL_SHARE, DEMO_TOWNSHIP_RENEWAL_SHARE = 0.5, 0.85


@dataclass
class _Person:
    segment: Segment
    renewal: bool
    start: date
    hiring_county_level: bool = False
    user: User | None = None
    name: str = ""
    contracts: list[Contract] = field(default_factory=list)


def _rng(*key: object) -> random.Random:
    return random.Random(":".join(["roster", register.SEED, *map(str, key)]))


class _Ids:
    """Synthetic but valid resident ID numbers: county region code, birth date, sequence, check character."""

    def __init__(self) -> None:
        self.used: set[str] = set(Patroller.objects.values_list("id_number", flat=True))

    def make(self, region: str, born: date, *, male: bool, rng: random.Random) -> str:
        region = (
            region if len(region) == 6 and region.isdigit() and region[:2] in rules.ID_NUMBER_PROVINCES else "410100"
        )
        while True:
            sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)  # the 17th digit: odd for men
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = first17 + rules.id_check_char(first17)
            if number not in self.used:
                self.used.add(number)
                return number


def _birth_date(rng: random.Random, start: date, low: int = 36, high: int = 49) -> date:
    """A birthday that makes the person `low`–`high` 周岁 on `start`."""
    return rules.anniversary(start, -rng.randint(low, high)) - timedelta(days=rng.randint(0, 360))


def _target(segment: Segment, rng: random.Random) -> int:
    """How many patrollers a segment gets: mostly its standard, sometimes less (below standard or floor)."""
    req = selectors.requirement_of(segment, segment.village_count)
    if not req.determined:
        return rng.choice([0, 1, 2])
    roll = rng.random()
    if roll < 0.10:
        return req.floor - 1
    if roll < 0.30 and req.standard > req.floor:
        return rng.randint(req.floor, req.standard - 1)
    return req.standard


def _force_every_status(segments: list[Segment], targets: dict[int, int]) -> None:
    """Make sure below_floor, below_standard and meets_standard each appear at least once."""
    wanted = {rules.Status.BELOW_FLOOR, rules.Status.BELOW_STANDARD, rules.Status.MEETS_STANDARD}
    present = {rules.status(selectors.requirement_of(s, s.village_count), targets[s.pk]) for s in segments}
    for status in wanted - present:
        for segment in segments:
            req = selectors.requirement_of(segment, segment.village_count)
            if not req.determined:
                continue
            if status == rules.Status.BELOW_FLOOR:
                targets[segment.pk] = req.floor - 1
            elif status == rules.Status.BELOW_STANDARD and req.standard > req.floor:
                targets[segment.pk] = req.floor
            elif status == rules.Status.MEETS_STANDARD:
                targets[segment.pk] = req.standard
            else:
                continue
            break


def _not_a_river_line(segment: Segment) -> bool:
    geometry = segment.geometry or {}
    return not (
        segment.water_body.kind == WaterBody.Kind.RIVER and geometry.get("type") in ("LineString", "MultiLineString")
    )


def seed_roster(*, stdout, password: str) -> None:
    """Add the demo roster once. `password` is unused: the demo logins are seed_demo's."""
    if Patroller.objects.filter(is_demo=True).exists():
        stdout.write("演示花名册已存在，未作改动。")
        return
    today = timezone.localdate()
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    last_start, last_end = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)

    segments = list(
        Segment.objects.filter(is_demo=True)
        .select_related("water_body", "township__county")
        .annotate(village_count=Count("villages"))
        .order_by("code")
    )
    if not segments:
        return
    villages: dict[int, list[int]] = {}
    for pk, township_id in Village.objects.values_list("pk", "township_id").order_by("code"):
        villages.setdefault(township_id, []).append(pk)
    segment_villages: dict[int, list[int]] = {}
    for segment_id, village_id in Segment.villages.through.objects.filter(segment__in=segments).values_list(
        "segment_id", "village_id"
    ):
        segment_villages.setdefault(segment_id, []).append(village_id)

    targets = {segment.pk: _target(segment, _rng("target", segment.code)) for segment in segments}
    _force_every_status(segments, targets)

    # The two demo patroller logins get a post on a segment of their own township (through the demo village
    # chief's village for demo_patroller, so that the chief sees them).
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_PATROLLERS).select_related("township")}
    demo_village = Village.objects.filter(code=register.DEMO_VILLAGE_CODE).first()
    reserved: dict[int, list[User]] = {}
    for username in DEMO_PATROLLERS:
        user = users.get(username)
        if user is None or user.township_id is None:
            continue
        own = [s for s in segments if s.township_id == user.township_id]
        if not own:
            continue
        through_village = [s for s in own if demo_village and demo_village.pk in segment_villages.get(s.pk, [])]
        # A river stretch with a drawn line first: the phone app draws it, and the track's coverage is measured
        # against a line (a lake's polygon has none).
        segment = sorted(through_village or own, key=_not_a_river_line)[0]
        reserved.setdefault(segment.pk, []).append(user)
        targets[segment.pk] = max(targets[segment.pk], len(reserved[segment.pk]))

    people: list[_Person] = []
    for segment in segments:
        rng = _rng("people", segment.code)
        logins = reserved.get(segment.pk, [])
        share = DEMO_TOWNSHIP_RENEWAL_SHARE if segment.township.code == register.DEMO_TOWNSHIP_CODE else RENEWAL_SHARE
        for index in range(targets[segment.pk]):
            user = logins[index] if index < len(logins) else None
            people.append(
                _Person(
                    segment=segment,
                    renewal=rng.random() < share,
                    start=year_start,
                    hiring_county_level=rng.random() < 0.15 and user is None,
                    user=user,
                )
            )

    ids = _Ids()
    patrollers: list[Patroller] = []
    for number, person in enumerate(people):
        rng = _rng("person", person.segment.code, number)
        township = person.segment.township
        first_start = last_start if person.renewal else person.start
        born = _birth_date(rng, first_start)
        male = rng.random() < 0.7
        if person.user is not None:
            person.name = (person.user.display_name or person.user.username).split("(")[0]
        else:
            person.name = rng.choice(register.SURNAMES) + rng.choice(GIVEN_NAMES)
        local = segment_villages.get(person.segment.pk) or villages.get(township.pk) or []
        patrollers.append(
            Patroller(
                name=person.name,
                id_number=ids.make(township.county.code, born, male=male, rng=rng),
                birth_date=born,
                sex=Patroller.Sex.MALE if male else Patroller.Sex.FEMALE,
                phone=f"13{rng.randrange(10**9):09d}",
                residence_village_id=rng.choice(local),
                criminal_record=False,
                healthy=True,
                poverty_relief=rng.random() < 0.1,
                hiring_level=Patroller.HiringLevel.COUNTY
                if person.hiring_county_level
                else Patroller.HiringLevel.TOWNSHIP,
                hiring_county_id=township.county_id,
                hiring_township_id=None if person.hiring_county_level else township.pk,
                township_id=township.pk,
                status=Patroller.Status.ACTIVE,
                user=person.user,
                is_demo=True,
            )
        )
    Patroller.objects.bulk_create(patrollers, batch_size=500)

    # Last year's contracts first, so that this year's renewals can point at them.
    previous = [
        Contract(patroller=p, segment=person.segment, start=last_start, end=last_end, status=Contract.Status.ENDED)
        for p, person in zip(patrollers, people, strict=True)
        if person.renewal
    ]
    Contract.objects.bulk_create(previous, batch_size=500)
    previous_of = {c.patroller_id: c for c in previous}
    current = [
        Contract(
            patroller=p,
            segment=person.segment,
            start=person.start,
            end=year_end,
            previous=previous_of.get(p.pk),
            status=Contract.Status.ACTIVE,
            origin=Contract.Origin.RENEWAL if p.pk in previous_of else Contract.Origin.EXISTING_RECORD,
        )
        for p, person in zip(patrollers, people, strict=True)
    ]
    Contract.objects.bulk_create(current, batch_size=500)
    Assignment.objects.bulk_create(
        [
            Assignment(patroller_id=c.patroller_id, segment_id=c.segment_id, contract=c, start=c.start, end=c.end)
            for c in previous
        ]
        + [
            Assignment(patroller_id=c.patroller_id, segment_id=c.segment_id, contract=c, start=c.start) for c in current
        ],
        batch_size=500,
    )

    demo_township = Township.objects.filter(code=register.DEMO_TOWNSHIP_CODE).first()
    if demo_township is not None:
        _demo_township_story(demo_township, today=today, villages=villages, ids=ids)
    stdout.write(f"演示花名册：{len(patrollers)}名巡察员，{len(previous) + len(current)}份合同。")


def _demo_township_story(township: Township, *, today: date, villages: dict[int, list[int]], ids: _Ids) -> None:
    """A filed past, recent unfiled changes and open vacancies with ranked applicants in the demo township."""
    office = User.objects.filter(username="demo_township").first()
    if office is None:
        return
    segments = list(Segment.objects.filter(township=township, is_demo=True).order_by("code"))
    staff = list(
        Patroller.objects.filter(township=township, is_demo=True, user__isnull=True, status=Patroller.Status.ACTIVE)
        .prefetch_related("contracts")
        .order_by("pk")
    )
    if not segments or len(staff) < 4:
        return
    year_start = date(today.year, 1, 1)
    recent = max(year_start, today.replace(day=1))
    leaver = staff[0]
    joiners = [
        p for p in staff[1:] if rules.age_on(p.birth_date, recent) <= rules.AGE_MAX and len(p.contracts.all()) == 1
    ][:2]
    others = [p for p in staff[1:] if p not in joiners]

    # The hires and renewals of January were filed in the first week of the year.
    january = []
    for patroller in others[:6]:
        contract = max(patroller.contracts.all(), key=lambda c: c.start)
        kind = RosterChange.Kind.RENEWAL if contract.previous_id else RosterChange.Kind.HIRE
        january.append(
            RosterChange(
                township=township, kind=kind, patroller=patroller, contract=contract, date=year_start, created_by=office
            )
        )
    filed_at = timezone.make_aware(datetime.combine(min(today, year_start + timedelta(days=4)), time(10, 0)))
    filing = RosterFiling.objects.create(
        township=township, filed_at=filed_at, filed_by=office, change_count=len(january)
    )
    for change in january:
        change.filing = filing
    RosterChange.objects.bulk_create(january)

    # Not filed yet: a resignation three weeks ago and two hires this month.
    contract = max(leaver.contracts.all(), key=lambda c: c.start)
    # The day of the resignation; the last day on duty was the day before (rules.last_day_in_force).
    left_on = max(year_start, contract.start, today - timedelta(days=20)) + timedelta(days=1)
    contract.status, contract.terminated_on, contract.termination_reason = "terminated", left_on, "个人原因辞职"
    contract.save()
    leaver.assignments.filter(end__isnull=True).update(end=left_on - timedelta(days=1))
    leaver.status = Patroller.Status.RESIGNED
    leaver.save()
    RosterChange.objects.create(
        township=township,
        kind=RosterChange.Kind.RESIGNATION,
        patroller=leaver,
        contract=contract,
        date=left_on,
        created_by=office,
    )
    resignation = Vacancy.objects.create(
        segment=contract.segment,
        opened_on=left_on,
        reason=Vacancy.Reason.RESIGNATION,
        vacated_by=leaver,
        opened_by=office,
    )
    # Two people joined this month: their contract (a new hire, not a renewal) starts on its first day.
    for patroller in joiners:
        contract = max(patroller.contracts.all(), key=lambda c: c.start)
        contract.start, contract.previous, contract.origin = recent, None, Contract.Origin.EXISTING_RECORD
        contract.save()
        contract.assignments.update(start=recent)
        RosterChange.objects.create(
            township=township,
            kind=RosterChange.Kind.HIRE,
            patroller=patroller,
            contract=contract,
            date=recent,
            created_by=office,
        )

    # Applicants: candidates on the demo township roster with exam and interview scores.
    rng = _rng("applicants", township.code)
    local = villages.get(township.pk, [])
    elsewhere = [pk for township_id, pks in villages.items() if township_id != township.pk for pk in pks]

    def candidate(name: str, *, poverty: bool, local_resident: bool = True) -> Patroller:
        born = _birth_date(rng, today, 36, 48)
        male = rng.random() < 0.6
        return Patroller.objects.create(
            name=name,
            id_number=ids.make(township.county.code, born, male=male, rng=rng),
            birth_date=born,
            sex=Patroller.Sex.MALE if male else Patroller.Sex.FEMALE,
            phone=f"15{rng.randrange(10**9):09d}",
            residence_village_id=rng.choice(local if local_resident or not elsewhere else elsewhere),
            poverty_relief=poverty,
            hiring_level=Patroller.HiringLevel.TOWNSHIP,
            hiring_county_id=township.county_id,
            hiring_township=township,
            township=township,
            is_demo=True,
        )

    scores = [
        (candidate("周凤英", poverty=False), Decimal("84.00"), Decimal("89.00")),  # 86.50
        (candidate("吴保国", poverty=True), Decimal("88.00"), Decimal("85.00")),  # 86.50, wins the tie
        (candidate("郑晓燕", poverty=False), Decimal("78.00"), Decimal("82.00")),  # 80.00
        (candidate("冯立新", poverty=False, local_resident=False), Decimal("90.00"), None),  # interview pending
    ]
    _applicants(resignation, scores)

    report = selectors.city_staffing_report(on=today, township=township)
    short = [line.segment for line in report.lines if line.status == rules.Status.BELOW_STANDARD]
    below = Vacancy.objects.create(
        segment=(short or segments)[0], opened_on=today, reason=Vacancy.Reason.BELOW_STANDARD, opened_by=office
    )
    _applicants(
        below,
        [
            (candidate("何春花", poverty=False), Decimal("75.50"), Decimal("80.00")),
            (candidate("高明亮", poverty=False), Decimal("82.00"), Decimal("79.00")),
        ],
    )


def _applicants(vacancy: Vacancy, scores: list[tuple[Patroller, Decimal, Decimal | None]]) -> None:
    rows = [
        Applicant(
            vacancy=vacancy,
            patroller=patroller,
            exam_score=exam,
            interview_score=interview,
            total=rules.applicant_total(exam, interview),
        )
        for patroller, exam, interview in scores
    ]
    ranks = rules.rank_applicants((index, row.total, row.patroller.poverty_relief) for index, row in enumerate(rows))
    for index, row in enumerate(rows):
        row.rank = ranks[index]
    Applicant.objects.bulk_create(rows)
