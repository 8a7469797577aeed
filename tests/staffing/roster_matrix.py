"""Rows of the permission matrix (tests/accounts/test_permissions.py) for the roster endpoints of issue 3.

`roster_rows(Row)` builds them with the matrix's own Row class. The objects a row needs are created by its
path (and body) function through the real services, from the cast's fixtures (`get` reads any fixture by name);
a body that names objects is a function of `get` too, evaluated after the path:

    home township office hired 矩阵在岗 (the `patroller` login) on S-HOME, which passes the chief's village;
    矩阵候选 is a candidate of the home township; a vacancy and a filing belong to the home township.
"""

from datetime import date
from decimal import Decimal

from staffing import services
from staffing.models import Applicant, Patroller, RosterFiling, Vacancy
from tests.factories import candidate, hire, id_number

START, END = date(2026, 1, 1), date(2026, 12, 31)

OFFICES = frozenset({"township_office", "other_township_office", "county_office", "other_county_office", "city_office"})
OTHER_OFFICES = frozenset({"other_township_office", "other_county_office"})
HOME_OFFICES = frozenset({"township_office", "county_office", "city_office"})
# Who sees the hired patroller: the offices above them, the chief of a village on their segment, themselves.
SEE_HIRED = HOME_OFFICES | {"village_chief", "patroller"}


def _office(get):
    return get("cast")["township_office"]


def hired(get) -> Patroller:
    existing = Patroller.objects.filter(name="矩阵在岗").first()
    if existing is not None:
        return existing
    cast, places, segments = get("cast"), get("places"), get("segments")
    person = candidate(
        _office(get),
        places["village"],
        born=date(1980, 5, 5),
        name="矩阵在岗",
        phone="13800000001",
        user=cast["patroller"],
    )
    hire(person, segments["home"], _office(get), START, END)
    return person


def waiting(get) -> Patroller:
    existing = Patroller.objects.filter(name="矩阵候选").first()
    if existing is not None:
        return existing
    return candidate(
        _office(get), get("places")["village"], born=date(1982, 6, 6), name="矩阵候选", phone="13800000002"
    )


def vacancy(get) -> Vacancy:
    existing = Vacancy.objects.first()
    if existing is not None:
        return existing
    return services.vacancy_open(segment=get("segments")["home"], reason=Vacancy.Reason.BELOW_STANDARD, by=_office(get))


def applicant(get) -> Applicant:
    return Applicant.objects.first() or services.applicant_add(
        vacancy=vacancy(get),
        patroller=waiting(get),
        by=_office(get),
        exam_score=Decimal("80"),
        interview_score=Decimal("85"),
    )


def filing(get) -> RosterFiling:
    hired(get)
    return RosterFiling.objects.first() or services.roster_file(township=get("places")["township"], by=_office(get))


def roster_rows(Row) -> list:  # the matrix passes its Row class: no circular import
    return [
        Row(
            "the roster",
            "patroller-list",
            lambda get: "/api/v1/patrollers/",
            allowed=OFFICES | {"village_chief", "patroller"},
        ),
        Row(
            "register a candidate on the home township's roster",
            "patroller-list",
            lambda get: "/api/v1/patrollers/",
            allowed=frozenset({"township_office", "county_office"}),
            hidden=OTHER_OFFICES,
            method="post",
            ok=201,
            data=lambda get: {
                "name": "新候选",
                "id_number": id_number(date(1983, 7, 7)),
                "phone": "13800000003",
                "residence_village": get("places")["village"].pk,
                "township": get("places")["township"].pk,
            },
        ),
        Row(
            "a hired patroller of the home township",
            "patroller-detail",
            lambda get: f"/api/v1/patrollers/{hired(get).pk}/",
            allowed=SEE_HIRED,
            hidden=OTHER_OFFICES,
        ),
        Row(
            "edit a patroller: the hiring office only",
            "patroller-detail",
            lambda get: f"/api/v1/patrollers/{hired(get).pk}/",
            allowed=frozenset({"township_office"}),
            hidden=OTHER_OFFICES,
            method="patch",
            data={"name": "改名"},
        ),
        Row(
            "a patroller's contracts",
            "patroller-contracts",
            lambda get: f"/api/v1/patrollers/{hired(get).pk}/contracts/",
            allowed=SEE_HIRED,
            hidden=OTHER_OFFICES,
        ),
        Row(
            "eligibility of a patroller (offices)",
            "patroller-eligibility",
            lambda get: (
                f"/api/v1/patrollers/{hired(get).pk}/eligibility/?start=2027-01-01&segment={get('segments')['home'].pk}"
            ),
            allowed=HOME_OFFICES,
            hidden=OTHER_OFFICES,
        ),
        Row(
            "resignation: the hiring office only",
            "patroller-resign",
            lambda get: f"/api/v1/patrollers/{hired(get).pk}/resign/",
            allowed=frozenset({"township_office"}),
            hidden=OTHER_OFFICES,
            method="post",
            data={"date": "2026-06-30", "reason": "外出务工"},
        ),
        Row("vacancies", "vacancy-list", lambda get: "/api/v1/vacancies/", allowed=OFFICES),
        Row(
            "a vacancy of the home township with its ranking",
            "vacancy-detail",
            lambda get: f"/api/v1/vacancies/{vacancy(get).pk}/",
            allowed=HOME_OFFICES,
            hidden=OTHER_OFFICES,
        ),
        Row(
            "add an applicant to a vacancy",
            "vacancy-applicants",
            lambda get: f"/api/v1/vacancies/{vacancy(get).pk}/applicants/",
            allowed=frozenset({"township_office", "county_office"}),
            hidden=OTHER_OFFICES,
            method="post",
            ok=201,
            data=lambda get: {"patroller": waiting(get).pk, "exam_score": "80.5", "interview_score": "82"},
        ),
        Row(
            "hire an applicant: the office that manages the candidate",
            "vacancy-hire",
            lambda get: f"/api/v1/vacancies/{vacancy(get).pk}/hire/",
            allowed=frozenset({"township_office"}),
            hidden=OTHER_OFFICES,
            method="post",
            ok=201,
            data=lambda get: {"applicant": applicant(get).pk, "start": "2026-07-01", "end": "2027-06-30"},
        ),
        Row(
            "cancel a vacancy",
            "vacancy-cancel",
            lambda get: f"/api/v1/vacancies/{vacancy(get).pk}/cancel/",
            allowed=frozenset({"township_office", "county_office"}),
            hidden=OTHER_OFFICES,
            method="post",
        ),
        Row(
            "roster changes", "roster-change-list", lambda get: "/api/v1/roster-changes/?unfiled=true", allowed=OFFICES
        ),
        Row("roster filings", "roster-filing-list", lambda get: "/api/v1/roster-filings/", allowed=OFFICES),
        Row(
            "a filing of the home township",
            "roster-filing-detail",
            lambda get: f"/api/v1/roster-filings/{filing(get).pk}/",
            allowed=HOME_OFFICES,
            hidden=OTHER_OFFICES,
        ),
        Row(
            "file the home township's roster",
            "roster-filing-list",
            lambda get: "/api/v1/roster-filings/",
            allowed=frozenset({"township_office", "county_office"}),
            hidden=OTHER_OFFICES,
            method="post",
            ok=201,
            data=lambda get: {"township": hired(get).township_id},  # the hire left a change to file
        ),
    ]
