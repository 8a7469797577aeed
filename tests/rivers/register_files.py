"""The register spreadsheets of the rivers tests: a good one, a bad one, either as .xlsx or .csv files, and a
snapshot of everything the register holds."""

import csv
import io

import openpyxl

from rivers.models import County, Segment, Township, Village, WaterBody

PLACES_HEADER = ["县级编码", "县级名称", "县级类型", "乡镇编码", "乡镇名称", "村编码", "村名称"]
WATER_BODIES_HEADER = ["编码", "名称", "类型", "规模", "流域", "长度(公里)"]
SEGMENTS_HEADER = [
    "编码",
    "名称",
    "河湖库编码",
    "乡镇编码",
    "长度(公里)",
    "途经村编码",
    "配备依据",
    "核定人数",
    "河长",
    "空间范围(GeoJSON)",
]
LINE = '{"type": "LineString", "coordinates": [[113.61, 34.75], [113.64, 34.77]]}'


def good_register() -> dict[str, list[list]]:
    return {
        "places": [
            PLACES_HEADER,
            ["410105", "金水区", "市辖区", "410105001", "丰庆路街道", None, None],
            ["410105", "金水区", "市辖区", "410105001", "丰庆路街道", "410105001001", "柳林村"],
            [410105, None, None, 410105001, None, 410105001002, "毛庄村"],  # codes typed as numbers
            ["410122", "中牟县", "县", "410122001", "官渡镇", "410122001001", "官渡村"],
        ],
        "water_bodies": [
            WATER_BODIES_HEADER,
            ["R001", "贾鲁河", "河流", None, "淮河", 137],
            ["L001", "龙湖", "湖泊", None, None, None],
            ["K001", "常庄水库", "水库", "中型", "黄河", None],
            ["K002", "丁店水库", "reservoir", "small_1", None, None],
        ],
        "segments": [
            SEGMENTS_HEADER,
            [
                "S1",
                "贾鲁河丰庆路段",
                "R001",
                "410105001",
                4.01,
                "410105001001、410105001002",
                "按村",
                None,
                "张三",
                LINE,
            ],
            ["S2", "龙湖中牟段", "L001", "410122001", None, None, None, 3, "李四", None],
            ["S3", "丁店水库段", "K002", "410122001", None, "410122001001", "length", None, "", None],
        ],
    }


def as_xlsx(sheets: dict[str, list[list]]) -> list[tuple[str, bytes]]:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return [("register.xlsx", output.getvalue())]


def as_csv(sheets: dict[str, list[list]], encoding: str = "utf-8-sig") -> list[tuple[str, bytes]]:
    files = []
    for title, rows in sheets.items():
        text = io.StringIO(newline="")
        csv.writer(text).writerows([["" if v is None else v for v in row] for row in rows])
        files.append((f"{title}.csv", text.getvalue().encode(encoding)))
    return files


FORMATS = {"xlsx": as_xlsx, "csv": as_csv}


def register_snapshot() -> dict[str, list]:
    """Everything the register holds, by code (ids differ between databases)."""
    segments = Segment.objects.with_register().order_by("code")
    return {
        "counties": list(County.objects.order_by("code").values_list("code", "name", "kind")),
        "townships": list(Township.objects.order_by("code").values_list("code", "name", "county__code")),
        "villages": list(Village.objects.order_by("code").values_list("code", "name", "township__code")),
        "water_bodies": list(
            WaterBody.objects.order_by("code").values_list("code", "name", "kind", "size_class", "basin", "length_km")
        ),
        "segments": [
            (
                s.code,
                s.name,
                s.water_body.code,
                s.township.code,
                s.length_km,
                sorted(v.code for v in s.villages.all()),
                s.basis,
                s.required_patrollers,
                s.river_chiefs,
                s.geometry,
            )
            for s in segments
        ],
    }


def empty_register() -> None:
    Segment.objects.all().delete()
    Village.objects.all().delete()
    Township.objects.all().delete()
    WaterBody.objects.all().delete()
    County.objects.all().delete()


def bad_register() -> dict[str, list[list]]:
    sheets = good_register()
    sheets["places"] += [
        ["410105", "二七区", None, "410105002", "杨金路街道", None, None],  # row 6: another name for 410105
        [None, None, None, "410105003", "无县乡镇", None, None],  # row 7: no county code
    ]
    sheets["water_bodies"] += [
        ["R002", "索须河", "河流", None, None, 20],  # row 6: a river needs its basin
        ["K003", "尖岗水库", "水库", None, "淮河", None],  # row 7: a reservoir needs its size class
        ["R001", "贾鲁河", "河流", None, "淮河", 137],  # row 8: R001 again
        ["X001", "某溪", "溪流", None, None, None],  # row 9: no such kind
    ]
    sheets["segments"] += [
        ["S4", "贾鲁河甲段", "R001", "410105001", "4.005", None, None, None, None, None],  # row 5: thousandths
        ["S5", "无名河段", "R999", "410105001", 1, None, None, None, None, None],  # row 6: unknown water body
        ["S6", "贾鲁河乙段", "R001", "410105001", 1, "410122001001", None, None, None, None],  # row 7: far village
        ["S7", "龙湖乙段", "L001", "410122001", None, None, None, 0, None, '{"type": "Point"}'],  # row 8: two faults
    ]
    return sheets
