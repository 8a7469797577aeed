"""The dam township of a reservoir in the register spreadsheet (column 坝址乡镇编码 of water_bodies, optional;
docs/register.md): where a small reservoir split across townships counts its 2 patrollers (docs/staffing.md)."""

import io

import openpyxl
import pytest

from rivers.models import Segment, WaterBody
from rivers.services import RegisterInvalid, register_export, register_import
from tests.rivers.register_files import WATER_BODIES_HEADER, as_csv, as_xlsx, good_register

pytestmark = pytest.mark.django_db

WITH_DAM = [*WATER_BODIES_HEADER, "坝址乡镇编码"]


def with_dam_column(dams: dict[str, object]) -> dict[str, list[list]]:
    """The good register with the dam column; `dams` by water body code (others empty)."""
    sheets = good_register()
    rows = sheets["water_bodies"]
    sheets["water_bodies"] = [WITH_DAM] + [[*row, dams.get(row[0])] for row in rows[1:]]
    return sheets


def test_the_dam_township_is_imported_and_exported_again():
    register_import(files=as_xlsx(with_dam_column({"K002": 410122001})))  # a code typed as a number

    assert WaterBody.objects.get(code="K002").dam_township.code == "410122001"
    output = io.BytesIO()
    register_export(output=output)
    sheet = openpyxl.load_workbook(io.BytesIO(output.getvalue()))["water_bodies"]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "坝址乡镇编码"
    exported = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {"K001": None, "K002": "410122001", "L001": None, "R001": None}


def test_a_file_without_the_column_keeps_the_dam_and_an_empty_cell_clears_it():
    register_import(files=as_csv(with_dam_column({"K002": "410122001"})))

    register_import(files=as_csv(good_register()))  # an older file: no dam column
    assert WaterBody.objects.get(code="K002").dam_township.code == "410122001"

    register_import(files=as_csv(with_dam_column({})))
    assert WaterBody.objects.get(code="K002").dam_township is None


def test_a_dam_township_without_a_segment_of_the_reservoir_is_refused():
    with pytest.raises(RegisterInvalid) as refused:
        register_import(files=as_xlsx(with_dam_column({"K002": "410105001"})))

    assert refused.value.messages == ["water_bodies 第5行“坝址乡镇编码”：坝址乡镇“丰庆路街道”内没有该水库的河段。"]
    assert not WaterBody.objects.exists()


def test_a_dam_on_a_river_or_an_unknown_township_is_refused_on_its_cell():
    with pytest.raises(RegisterInvalid) as refused:
        register_import(files=as_xlsx(with_dam_column({"R001": "410105001", "K002": "999999999"})))

    assert refused.value.messages == [
        "water_bodies 第2行“坝址乡镇编码”：只有水库有坝址。",
        "water_bodies 第5行“坝址乡镇编码”：找不到编码为“999999999”的乡镇(街道)。",
    ]


def test_one_file_may_add_a_segment_and_move_the_dam_there():
    register_import(files=as_xlsx(with_dam_column({"K002": "410122001"})))
    sheets = with_dam_column({"K002": "410105001"})
    sheets["segments"].append(["S4", "丁店水库丰庆路段", "K002", "410105001", None, None, None, None, None, None])

    register_import(files=as_xlsx(sheets))

    body = WaterBody.objects.get(code="K002")
    assert body.dam_township.code == "410105001"
    assert sorted(Segment.objects.filter(water_body=body).values_list("township__code", flat=True)) == [
        "410105001",
        "410122001",
    ]
