"""The register spreadsheet: import from .xlsx/.csv (all or nothing, every bad row reported), export, round trip."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from rivers import register
from rivers.models import County, Segment, Township, Village, WaterBody
from rivers.services import RegisterInvalid, register_export, register_import
from tests.rivers.register_files import (
    FORMATS,
    SEGMENTS_HEADER,
    WATER_BODIES_HEADER,
    as_csv,
    as_xlsx,
    bad_register,
    empty_register,
    good_register,
    register_snapshot,
)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_good_register_creates_places_water_bodies_and_segments(fmt):
    summary = register_import(files=FORMATS[fmt](good_register()))

    assert list(County.objects.values_list("code", "name", "kind")) == [
        ("410105", "金水区", "district"),
        ("410122", "中牟县", "county"),
    ]
    assert Township.objects.get(code="410105001").county.code == "410105"
    assert sorted(Village.objects.values_list("code", "township__code")) == [
        ("410105001001", "410105001"),
        ("410105001002", "410105001"),
        ("410122001001", "410122001"),
    ]
    assert WaterBody.objects.get(code="K002").size_class == WaterBody.SizeClass.SMALL_1
    river_segment = Segment.objects.get(code="S1")
    assert river_segment.length_km == Decimal("4.01")
    assert river_segment.basis == Segment.Basis.VILLAGE
    assert sorted(v.code for v in river_segment.villages.all()) == ["410105001001", "410105001002"]
    assert river_segment.geometry["type"] == "LineString"
    assert river_segment.river_chiefs == "张三"
    assert Segment.objects.get(code="S2").required_patrollers == 3
    assert Segment.objects.get(code="S3").basis == Segment.Basis.LENGTH
    assert "河段新增3" in str(summary)


EXPECTED_ERRORS = [
    ("places 第6行“县级名称”", "不一致"),
    ("places 第7行“县级编码”", "必须填写县级编码"),
    ("water_bodies 第6行“流域”", "河流必须填写流域"),
    ("water_bodies 第7行“规模”", "水库必须填写规模"),
    ("water_bodies 第8行“编码”", "与第2行重复"),
    ("water_bodies 第9行“类型”", "“溪流”不是可用的值"),
    ("segments 第5行“长度(公里)”", "最多两位小数"),
    ("segments 第6行“河湖库编码”", "找不到编码为“R999”的河湖库"),
    ("segments 第7行“途经村编码”", "不属于乡镇“丰庆路街道”"),
    ("segments 第8行“核定人数”", "至少为1"),
    ("segments 第8行“空间范围(GeoJSON)”", "坐标必须是"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_register_with_bad_rows_imports_nothing_and_reports_every_row(fmt):
    with pytest.raises(RegisterInvalid) as refused:
        register_import(files=FORMATS[fmt](bad_register()))

    messages = [str(error) for error in refused.value.register_errors]
    assert len(messages) == len(EXPECTED_ERRORS), messages
    for message, (where, reason) in zip(messages, EXPECTED_ERRORS, strict=True):
        assert message.startswith(where + "："), message
        assert reason in message
    # The good rows were not imported either.
    assert register_snapshot() == {"counties": [], "townships": [], "villages": [], "water_bodies": [], "segments": []}


@pytest.mark.django_db
def test_import_command_lists_the_bad_rows_and_exits_with_an_error(tmp_path):
    for name, content in as_csv(bad_register()):
        (tmp_path / name).write_bytes(content)
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="11处错误，未导入任何数据"):
        call_command("import_register", str(tmp_path), stderr=stderr)

    assert "segments 第6行“河湖库编码”：找不到编码为“R999”的河湖库。" in stderr.getvalue()
    assert not Segment.objects.exists()


@pytest.mark.django_db
def test_import_command_reads_csv_files_saved_by_chinese_excel(tmp_path):
    # "CSV" from Excel on Chinese Windows is GB18030, not UTF-8.
    paths = []
    for name, content in as_csv(good_register(), encoding="gb18030"):
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    stdout = io.StringIO()

    call_command("import_register", *paths, stdout=stdout)

    assert Segment.objects.get(code="S1").township.name == "丰庆路街道"
    assert "导入完成" in stdout.getvalue()


@pytest.mark.django_db
def test_lengths_are_kept_as_the_exact_decimals_typed():
    sheets = good_register()
    sheets["segments"] = [
        SEGMENTS_HEADER,
        ["S1", "甲", "R001", "410105001", 4.01, None, None, None, None, None],  # a number cell
        ["S2", "乙", "R001", "410105001", "0.30", None, None, None, None, None],  # a text cell
        ["S3", "丙", "R001", "410105001", "2.010", None, None, None, None, None],  # trailing zero
        ["S4", "丁", "R001", "410105001", 2.01, None, None, None, None, None],
    ]
    register_import(files=as_xlsx(sheets))

    lengths = dict(Segment.objects.values_list("code", "length_km"))
    assert lengths == {"S1": Decimal("4.01"), "S2": Decimal("0.30"), "S3": Decimal("2.01"), "S4": Decimal("2.01")}
    assert WaterBody.objects.get(code="R001").length_km == Decimal("137.00")


def test_a_float_that_is_not_a_whole_hundredth_is_refused_rather_than_rounded():
    # What Excel caches for the formula =0.1+0.2 (openpyxl itself would write it as 0.3).
    cells = dict(zip(register.LAYOUT["segments"], ["S1", "甲", "R001", "410105001", 0.1 + 0.2], strict=False))
    table = register.Table(key="segments", label="segments", source="register.xlsx")
    table.rows.append((2, {column.key: value for column, value in cells.items()}))

    parsed = register.parse_tables({"segments": table})

    assert [str(e) for e in parsed.errors] == ["segments 第2行“长度(公里)”：最多两位小数(精确到0.01公里)。"]


@pytest.mark.django_db
def test_import_updates_rows_by_code_and_leaves_other_rows_alone(segments, places):
    sheets = {
        "segments": [
            SEGMENTS_HEADER,
            ["S-HOME", "贾鲁河丰庆路段(新)", "R001", "410105001", "5.50", "410105001001", "按村", None, "王五", None],
            ["S-FAR", "贾鲁河官渡段", "R001", "410122001", "0.30", "410122001001", "按长度", None, "", None],
        ]
    }

    summary = register_import(files=as_csv(sheets))

    home = Segment.objects.get(code="S-HOME")
    assert (home.pk, home.name, home.length_km, home.river_chiefs) == (
        segments["home"].pk,
        "贾鲁河丰庆路段(新)",
        Decimal("5.50"),
        "王五",
    )
    assert [v.code for v in home.villages.all()] == ["410105001001"]
    assert Segment.objects.get(code="S-NEIGH").length_km == Decimal("2.00")  # not in the file: untouched
    assert Segment.objects.count() == 3
    assert "河段新增0、更新1、未变1" in str(summary)


@pytest.mark.django_db
def test_rows_may_refer_to_places_and_water_bodies_already_in_the_database(segments):
    sheets = {"segments": [SEGMENTS_HEADER, ["S-NEW", "新段", "R001", "410105002", 1, None, None, None, None, None]]}

    register_import(files=as_csv(sheets))

    assert Segment.objects.get(code="S-NEW").township == Township.objects.get(code="410105002")


@pytest.mark.django_db
def test_english_column_keys_are_accepted_as_headers_in_any_order():
    sheets = {
        "water_bodies": [
            ["length_km", "code", "name", "kind", "size_class", "basin"],
            ["12.5", "R009", "七里河", "river", "", "huai_river"],
        ]
    }

    register_import(files=as_csv(sheets))

    assert WaterBody.objects.filter(code="R009", length_km=Decimal("12.50"), basin="huai_river").exists()


@pytest.mark.django_db
def test_a_missing_or_unknown_column_is_reported_on_the_header_row():
    sheets = {"water_bodies": [["编码", "名称", "类型", "备注"], ["R009", "七里河", "河流", "x"]]}

    with pytest.raises(RegisterInvalid) as refused:
        register_import(files=as_xlsx(sheets))

    assert refused.value.messages == [
        "water_bodies 第1行：无法识别的列“备注”。",
        "water_bodies 第1行：缺少列：规模、流域、长度(公里)。",
    ]


@pytest.mark.django_db
def test_a_note_beside_the_table_is_reported_with_the_other_bad_rows():
    sheets = {
        "water_bodies": [
            WATER_BODIES_HEADER,
            ["R001", "贾鲁河", "河流", None, "淮河", 137, "待核实"],
            ["R002", "索须河", "河流", None, None, 20],
        ]
    }

    with pytest.raises(RegisterInvalid) as refused:
        register_import(files=as_xlsx(sheets))

    assert refused.value.messages == [
        "water_bodies 第2行：表头以外的列有内容。",
        "water_bodies 第3行“流域”：河流必须填写流域(黄河或淮河)。",
    ]


@pytest.mark.django_db
def test_a_file_that_is_not_a_register_is_refused():
    with pytest.raises(RegisterInvalid) as refused:
        register_import(files=[("roster.csv", b"a,b\n1,2\n"), ("photo.jpg", b"\xff\xd8")])

    assert len(refused.value.messages) == 2
    assert refused.value.messages[0].startswith("roster.csv：无法判断这是哪张表")
    assert refused.value.messages[1].startswith("photo.jpg：不支持的文件类型")


def test_every_model_choice_has_words_in_the_spreadsheet_layout():
    assert set(register.COUNTY_KINDS) == set(County.Kind.values)
    assert set(register.WATER_BODY_KINDS) == set(WaterBody.Kind.values)
    assert set(register.SIZE_CLASSES) == set(WaterBody.SizeClass.values)
    assert set(register.BASINS) == set(WaterBody.Basin.values)
    assert set(register.BASES) == set(Segment.Basis.values)


@pytest.fixture
def full_register(segments, places):
    """The conftest register plus a county without townships, a lake and a small reservoir with geometry."""
    County.objects.create(code="410171", name="郑东新区", kind=County.Kind.ZONE)
    lake = WaterBody.objects.create(code="L001", name="龙湖", kind=WaterBody.Kind.LAKE)
    reservoir = WaterBody.objects.create(
        code="K001", name="常庄水库", kind=WaterBody.Kind.RESERVOIR, size_class=WaterBody.SizeClass.SMALL_2
    )
    Segment.objects.create(
        code="S-LAKE",
        name="龙湖官渡段",
        water_body=lake,
        township=places["far"],
        required_patrollers=3,
        river_chiefs="李四、王五",
        geometry={"type": "Polygon", "coordinates": [[[113.7, 34.8], [113.72, 34.8], [113.71, 34.81], [113.7, 34.8]]]},
    )
    Segment.objects.create(
        code="S-RES",
        name="常庄水库段",
        water_body=reservoir,
        township=places["neighbour"],
        geometry={"type": "Point", "coordinates": [113.5712345678901, 34.7654321]},
    )
    home = segments["home"]
    home.basis = Segment.Basis.VILLAGE
    home.geometry = {"type": "LineString", "coordinates": [[113.61, 34.75], [113.64, 34.77]]}
    home.save()
    return register_snapshot()


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_reproduces_the_register(full_register, tmp_path):
    path = tmp_path / "register.xlsx"
    call_command("export_register", str(path), stdout=io.StringIO())
    empty_register()

    call_command("import_register", str(path), stdout=io.StringIO())

    assert register_snapshot() == full_register
    assert Segment.objects.get(code="S-HOME").length_km == Decimal("4.01")


@pytest.mark.django_db
def test_importing_an_export_again_changes_nothing(full_register):
    output = io.BytesIO()
    register_export(output=output)

    summary = register_import(files=[("register.xlsx", output.getvalue())])

    assert register_snapshot() == full_register
    assert "新增0、更新0" in str(summary)
    assert "更新0、未变5" in str(summary)  # five segments, all unchanged


@pytest.mark.django_db
def test_export_writes_the_documented_layout(full_register):
    output = io.BytesIO()
    register_export(output=output)

    workbook = openpyxl.load_workbook(io.BytesIO(output.getvalue()))
    assert workbook.sheetnames == ["places", "water_bodies", "segments"]
    assert [c.value for c in workbook["segments"][1]] == SEGMENTS_HEADER
    home = next(row for row in workbook["segments"].iter_rows(values_only=True) if row[0] == "S-HOME")
    assert home[5] == "410105001001、410105001002"
    assert home[6] == "按村"
    places_rows = list(workbook["places"].iter_rows(values_only=True))
    assert ("410171", "郑东新区", "功能区", None, None, None, None) in places_rows


@pytest.mark.django_db
def test_export_refuses_a_geometry_too_long_for_an_excel_cell(segments):
    far = segments["far"]
    far.geometry = {"type": "LineString", "coordinates": [[113.0 + i / 10**6, 34.5] for i in range(3000)]}
    far.save()

    with pytest.raises(ValidationError, match="S-FAR"):
        register_export(output=io.BytesIO())


def test_register_layout_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "register.md").read_text(encoding="utf-8")
    for columns in register.LAYOUT.values():
        for column in columns:
            assert column.header in doc and column.key in doc
