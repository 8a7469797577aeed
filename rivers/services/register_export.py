"""Exporting the whole register to a workbook in the import layout (export → import reproduces it)."""

import json
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from rivers import register
from rivers.models import County, Segment, Township, WaterBody
from rivers.register import PLACES, SEGMENTS, WATER_BODIES


def register_export(*, output: IO[bytes]) -> None:
    """Write the whole register to an .xlsx workbook in the import layout (export → import reproduces it)."""
    register.write_workbook(
        {PLACES: _place_rows(), WATER_BODIES: _water_body_rows(), SEGMENTS: _segment_rows()},
        output,
    )


def _place_rows() -> list[list[Any]]:
    counties = County.objects.prefetch_related(
        Prefetch("townships", queryset=Township.objects.order_by("code").prefetch_related("villages"))
    ).order_by("code")
    rows = []
    for county in counties:
        head = [county.code, county.name, register.label_of(register.COUNTY_KINDS, county.kind)]
        townships = list(county.townships.all())
        if not townships:
            rows.append([*head, "", "", "", ""])
        for township in townships:
            # A row without a village defines the township (also one without villages), then one row per village.
            rows.append([*head, township.code, township.name, "", ""])
            for village in sorted(township.villages.all(), key=lambda v: v.code):
                rows.append([*head, township.code, township.name, village.code, village.name])
    return rows


def _water_body_rows() -> list[list[Any]]:
    return [
        [
            body.code,
            body.name,
            register.label_of(register.WATER_BODY_KINDS, body.kind),
            register.label_of(register.SIZE_CLASSES, body.size_class),
            register.label_of(register.BASINS, body.basin),
            body.length_km,
            body.dam_township.code if body.dam_township else "",
        ]
        for body in WaterBody.objects.select_related("dam_township").order_by("code")
    ]


def _segment_rows() -> list[list[Any]]:
    rows = []
    segments = Segment.objects.select_related("water_body", "township").prefetch_related("villages").order_by("code")
    for segment in segments:
        geometry = json.dumps(segment.geometry, ensure_ascii=False) if segment.geometry is not None else ""
        if len(geometry) > register.EXCEL_CELL_LIMIT:
            raise ValidationError(
                _("河段“%(code)s”的空间范围超过Excel单元格%(limit)d个字符的上限，无法导出。")
                % {"code": segment.code, "limit": register.EXCEL_CELL_LIMIT}
            )
        rows.append(
            [
                segment.code,
                segment.name,
                segment.water_body.code,
                segment.township.code,
                segment.length_km,
                "、".join(sorted(v.code for v in segment.villages.all())),
                register.label_of(register.BASES, segment.basis),
                segment.required_patrollers,
                segment.river_chiefs,
                geometry,
            ]
        )
    return rows
