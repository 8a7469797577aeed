"""Formula injection (issue 10): every workbook the service produces, with hostile text in every field a user can
write — place and water-body names, patrollers' and users' names, patrol notes, problem assignees and results,
scoring and correction reasons, decisions, supervision reports — holds no formula and no error value: the text is
stored as text (config/xlsx.py), with Excel's quote prefix where it starts like a formula, and numbers stay numbers.
The register export still reads back through the register import, names and all.

The exports: the staffing report (page and `manage.py staffing_report --xlsx`), the roster list, a roster filing,
the patrol review, the monthly sheet, the county spot check, the dismissal flags, a patroller's year, the
corrections, the year's results, the supervision reports, and the register (admin and `manage.py export_register`).
`test_every_export_url_is_walked` fails when a new .xlsx route appears without a row here.
"""

import io
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import User
from assessments import rules
from assessments import services as assessments
from assessments.models import Assessment
from config.xlsx import FORMULA_STARTS
from patrol import services as patrol_services
from patrol.models import ProblemReport
from rivers.models import County, Segment, Township, Village, WaterBody
from rivers.services import register_export, register_import
from staffing import rules as staffing_rules
from staffing.services import roster_file
from tests.factories import ALL_NORMAL, aged, candidate
from tests.factories import hire as contract_for
from tests.rivers.register_files import register_snapshot

pytestmark = pytest.mark.django_db

# What a spreadsheet would run or misread (OWASP: = + - @ tab CR; "#N/A" is an error value to openpyxl; \x01 cannot
# be stored in XML at all). Each ≤ 29 characters, so that a number can follow within a name's 32.
PAYLOADS = [
    '=HYPERLINK("http://x.cn","点")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\x01",
    "#N/A",
]
# The register reads its names back as typed: no surrounding whitespace (the import trims it), no control characters.
REGISTER_PAYLOADS = PAYLOADS[:4]
FAILING = {"appearance": 10, "daily_work": 20, "records": 10}


class Hostile:
    """Distinct hostile texts, the payloads in turn, each with a number so that unique names stay unique."""

    def __init__(self, payloads: list[str]) -> None:
        self.payloads, self.numbers = payloads, count(1)

    def __call__(self) -> str:
        n = next(self.numbers)
        return f"{self.payloads[n % len(self.payloads)]} {n}"


@dataclass
class World:
    texts: dict[str, str]  # what each user-writable field was given
    patroller: object
    first: object  # the first month assessed (failing), with the county's spot check
    second: object  # the second (failing: a dismissal flag), corrected
    yesterday: object
    filing: object


@pytest.fixture
def world(cast, places, segments, river, api, web) -> World:
    register_text, text = Hostile(REGISTER_PAYLOADS), Hostile(PAYLOADS)
    texts = {}

    def rename(model, pk, field: str, key: str, value: str) -> None:
        model.objects.filter(pk=pk).update(**{field: value})
        texts[key] = value

    rename(County, places["county"].pk, "name", "county", register_text())
    rename(County, places["other_county"].pk, "name", "other county", register_text())
    for key in ("township", "neighbour", "far"):
        rename(Township, places[key].pk, "name", key, register_text())
    for key in ("village", "village2", "far_village"):
        rename(Village, places[key].pk, "name", key, register_text())
    rename(WaterBody, river.pk, "name", "river", register_text())
    for key, segment in segments.items():
        rename(Segment, segment.pk, "name", f"segment {key}", register_text())
    Segment.objects.filter(pk=segments["home"].pk).update(river_chiefs=register_text())
    for key in ("township_office", "county_office", "supervisor", "city_office"):
        rename(User, cast[key].pk, "display_name", f"{key} display name", text())
        cast[key].refresh_from_db()
    office, county_office = cast["township_office"], cast["county_office"]

    today = timezone.localdate()
    start = today - timedelta(days=200)
    texts["patroller"] = text()[:32]
    patroller = candidate(
        office, places["village"], name=texts["patroller"], user=cast["patroller"], born=aged(40, start)
    )
    contract_for(patroller, segments["home"], office, start, staffing_rules.contract_max_end(start), today=today)

    # A patrol yesterday with notes, escalating dumping; the office assigns it and records the result.
    yesterday = today - timedelta(days=1)
    texts["notes"] = text()
    body = {
        "client_uuid": "6f1c2a4e-0000-4000-8000-000000000010",
        "date": yesterday.isoformat(),
        "started_at": f"{yesterday.isoformat()}T08:00:00+08:00",
        "ended_at": f"{yesterday.isoformat()}T08:30:00+08:00",
        "segment": segments["home"].pk,
        "checks": {**ALL_NORMAL, "dumping": "problem"},
        "actions": ["stopped", "escalated"],
        "notes": texts["notes"],
    }
    response = api.as_user(cast["patroller"]).post("/api/v1/patrol-logs/", body, format="json")
    assert response.status_code == 201, response.content
    report = ProblemReport.objects.get(log_id=response.json()["id"])
    patrol_services.problem_report_accept(report=report, by=office)
    texts["assignee"], texts["resolution"] = text(), text()
    patrol_services.problem_report_assign(report=report, by=office, deadline=today, assignee=texts["assignee"])
    patrol_services.problem_report_resolve(report=report, by=office, note=texts["resolution"])

    # Two failing months with reasons (a dismissal flag), the county's spot check, a correction it rejects.
    first = rules.next_month(rules.month_start(start))
    second = rules.next_month(first)
    texts["reason"] = text()
    for month in (first, second):
        assessments.assessments_prepare(township=places["township"], month=month, by=office)
        draft = Assessment.objects.get(patroller=patroller, month=month)
        assessments.assessment_update(
            assessment=draft, by=office, scores=FAILING, reasons=dict.fromkeys(FAILING, texts["reason"])
        )
        assessments.assessment_finalize(assessment=draft, by=office, confirm_no_logs=True, reason=texts["reason"])
    assessments.spot_check_draw(county=places["county"], month=first, by=county_office)
    final = Assessment.objects.get(patroller=patroller, month=second, level=Assessment.Level.TOWNSHIP)
    texts["correction reason"], texts["correction part reason"], texts["decision"] = text(), text(), text()
    correction = assessments.correction_request(
        assessment=final,
        by=office,
        scores={"records": 12},
        reasons={"records": texts["correction part reason"]},
        reason=texts["correction reason"],
    )
    assessments.correction_reject(correction=correction, by=county_office, note=texts["decision"])

    # A supervision report by the volunteer, confirmed with a note.
    texts["supervision"], texts["supervision decision"] = text(), text()
    supervision = assessments.supervision_report_file(
        by=cast["supervisor"], patroller=patroller, observed_on=yesterday, text=texts["supervision"]
    )
    assessments.supervision_report_confirm(report=supervision, by=office, note=texts["supervision decision"])

    # The roster filed upward: the workbook is written and stored at filing time.
    filing = roster_file(township=Township.objects.get(pk=places["township"].pk), by=office)
    return World(texts, patroller, first, second, yesterday, filing)


@dataclass(frozen=True)
class Export:
    name: str
    who: str  # a member of the cast, or "admin" (a superuser)
    url: object  # World → URL
    shows: tuple[str, ...]  # keys of World.texts whose text must appear in some cell


def month(day) -> str:
    return f"{day:%Y-%m}"


EXPORTS = [
    Export(
        "staffing report",
        "county_office",
        lambda w: "/staffing/report.xlsx",
        ("county", "township", "neighbour", "segment home", "river"),
    ),
    Export("roster list", "township_office", lambda w: "/staffing/patrollers.xlsx", ("patroller", "village")),
    Export(
        "roster filing",
        "township_office",
        lambda w: f"/staffing/roster/filings/{w.filing.pk}.xlsx",
        ("patroller", "village", "segment home", "river"),
    ),
    Export(
        "patrol review",
        "township_office",
        lambda w: f"/patrol/review.xlsx?month={month(w.yesterday)}",
        ("patroller", "segment home", "notes", "assignee", "resolution"),
    ),
    Export(
        "monthly sheet",
        "township_office",
        lambda w: f"/assessments/sheet.xlsx?month={month(w.second)}",
        ("patroller", "reason", "township_office display name", "county", "township"),
    ),
    Export(
        "county spot check",
        "county_office",
        lambda w: f"/assessments/spot-checks.xlsx?month={month(w.first)}",
        ("patroller", "township", "county_office display name", "county"),
    ),
    Export("dismissal flags", "township_office", lambda w: "/assessments/flags.xlsx", ("patroller", "township")),
    Export(
        "a patroller's year",
        "township_office",
        lambda w: f"/assessments/patrollers/{w.patroller.pk}.xlsx?year={w.second.year}",
        ("patroller",),
    ),
    Export(
        "corrections",
        "county_office",
        lambda w: "/assessments/corrections.xlsx",
        (
            "patroller",
            "correction reason",
            "correction part reason",
            "decision",
            "township_office display name",
            "county_office display name",
        ),
    ),
    Export(
        "year results",
        "county_office",
        lambda w: f"/assessments/results.xlsx?year={w.second.year}",
        ("patroller", "township", "county"),
    ),
    Export(
        "supervision reports",
        "township_office",
        lambda w: "/assessments/supervision.xlsx",
        ("patroller", "supervision", "supervision decision", "supervisor display name"),
    ),
    Export(
        "overview of the township",
        "township_office",
        lambda w: f"/overview/overview.xlsx?month={month(w.second)}",
        ("patroller", "township"),
    ),
    Export(
        "overview of the county",
        "county_office",
        lambda w: f"/overview/overview.xlsx?month={month(w.second)}",
        ("county", "township", "neighbour"),
    ),
    Export(
        "the register (admin)",
        "admin",
        lambda w: "/admin/rivers/waterbody/export/",
        ("county", "far", "village", "river", "segment home", "segment far"),
    ),
]


@dataclass
class Findings:
    like_formulas: int  # text cells starting like a formula, each stored as quote-prefixed text
    numbers: int
    texts: list[str]


def inspect(content: bytes) -> Findings:
    """Open a workbook and check every cell: no formula, no error value, no control character; quote prefix on
    text that starts like a formula."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = Findings(0, 0, [])
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                assert cell.data_type not in ("f", "e"), where
                if isinstance(cell.value, str):
                    found.texts.append(cell.value)
                    assert "\x01" not in cell.value, where
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.quotePrefix, where
                        found.like_formulas += 1
                elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    found.numbers += 1
    return found


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored(text: str) -> str:
    """The text as the workbook holds it: control characters replaced, surrounding whitespace trimmed by the
    services that store free text; a carriage return read back from XML as a line feed."""
    return text.replace("\x01", "\ufffd").strip()


def shown(found: Findings, text: str) -> bool:
    return any(stored(text) in value.replace("\n", "\r") or stored(text) in value for value in found.texts)


@pytest.mark.parametrize("export", EXPORTS, ids=[e.name for e in EXPORTS])
def test_no_cell_of_any_export_is_a_formula_whatever_users_wrote(world, export, web, cast, admin_user):
    client = web(admin_user if export.who == "admin" else cast[export.who])

    response = client.get(export.url(world))

    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    found = inspect(body(response))
    assert found.like_formulas > 0, "the hostile texts never reached this export"
    missing = [key for key in export.shows if not shown(found, world.texts[key])]
    assert not missing, f"not in the workbook: {missing}"


def test_numbers_stay_numbers(world, web, cast):
    """Scores, counts and ages are numeric cells (sums and filters work), not text."""
    office = web(cast["township_office"])
    sheet = openpyxl.load_workbook(io.BytesIO(body(office.get(f"/assessments/sheet.xlsx?month={month(world.second)}"))))
    sheet = sheet.active
    patroller_row = next(row for row in sheet.iter_rows(min_row=3) if row[1].value == stored(world.texts["patroller"]))
    numbers = [cell.value for cell in patroller_row[2:9]]
    assert numbers == [0, 10, 0, 20, 0, 10, 40]  # suggested and final of the three parts, the total
    assert all(cell.data_type == "n" for cell in patroller_row[2:9])

    roster = openpyxl.load_workbook(io.BytesIO(body(office.get("/staffing/patrollers.xlsx"))))
    ages = [row[2] for row in roster.active.iter_rows(min_row=3)]
    assert ages and all(cell.data_type == "n" and isinstance(cell.value, int) for cell in ages)


def test_the_command_line_exports_hold_no_formula_either(world, tmp_path):
    call_command("staffing_report", "--xlsx", str(tmp_path / "staffing.xlsx"), stdout=io.StringIO())
    call_command("export_register", str(tmp_path / "register.xlsx"), stdout=io.StringIO())

    for name in ("staffing.xlsx", "register.xlsx"):
        found = inspect((tmp_path / name).read_bytes())
        assert found.like_formulas > 0, name


def test_the_register_export_reads_back_through_the_import_names_and_all(world):
    before = register_snapshot()
    output = io.BytesIO()
    register_export(output=output)

    summary = register_import(files=[("register.xlsx", output.getvalue())])

    assert register_snapshot() == before
    assert "新增0、更新0" in str(summary)
    assert County.objects.get(pk=County.objects.order_by("pk").first().pk).name == world.texts["county"]


def _xlsx_routes(patterns, prefix: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _xlsx_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and ".xlsx" in str(pattern.pattern):
            names.add(pattern.name)
    return names


def test_every_export_url_is_walked():
    from django.urls import resolve

    walked = set()
    fake = World({}, type("P", (), {"pk": 1})(), *(timezone.localdate(),) * 3, type("F", (), {"pk": 1})())
    for export in EXPORTS:
        walked.add(resolve(export.url(fake).split("?")[0]).url_name)
    assert _xlsx_routes(get_resolver().url_patterns) <= walked


def test_a_cell_replaces_what_xml_cannot_hold_and_stops_at_excels_limit():
    from openpyxl import Workbook

    from config.xlsx import MAX_CELL_CHARS, append, workbook_bytes

    book = Workbook()
    append(book.active, ["a\x01b\ud800c", "=" + "x" * (MAX_CELL_CHARS + 10), 7, 2.5, None, True])

    row = next(openpyxl.load_workbook(io.BytesIO(workbook_bytes(book))).active.iter_rows())
    assert row[0].value == "a\ufffdb\ufffdc"
    assert len(row[1].value) == MAX_CELL_CHARS and row[1].data_type == "s" and row[1].quotePrefix
    assert [cell.value for cell in row[2:]] == [7, 2.5, None, True]
