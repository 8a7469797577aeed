"""Importing the register from its spreadsheets, all or nothing: every row checked, every problem reported."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rivers import register
from rivers.models import County, Segment, Township, Village, WaterBody
from rivers.register import PLACES, SEGMENTS, WATER_BODIES, ParsedRegister, RegisterError

REGISTER_MODELS = (County, Township, Village, WaterBody, Segment)


class RegisterInvalid(ValidationError):
    """The register was refused; `register_errors` lists every problem, in sheet and row order."""

    def __init__(self, errors: Sequence[RegisterError]) -> None:
        self.register_errors = sorted(errors, key=RegisterError.sort_key)
        super().__init__([str(error) for error in self.register_errors])


@dataclass
class RegisterImportSummary:
    counts: dict[type[models.Model], Counter] = field(
        default_factory=lambda: {model: Counter() for model in REGISTER_MODELS}
    )

    def __str__(self) -> str:
        parts = []
        for model, counter in self.counts.items():
            if counter.total():
                parts.append(
                    _("%(model)s新增%(created)d、更新%(updated)d、未变%(unchanged)d")
                    % {
                        "model": model._meta.verbose_name,
                        "created": counter["created"],
                        "updated": counter["updated"],
                        "unchanged": counter["unchanged"],
                    }
                )
        return _("；").join(parts) or _("没有数据行。")


def register_import(*, files: Sequence[tuple[str, bytes]]) -> RegisterImportSummary:
    """Import register files (name, content): .xlsx with the three sheets, or one .csv per sheet.

    Rows are upserted by code in a transaction, each after `full_clean()`, so that a row can refer to places and
    water bodies defined earlier in the same files. If any row is wrong the transaction is rolled back and
    RegisterInvalid reports every problem: nothing is ever half-imported.
    """
    tables, errors = register.read_files(files)
    if errors:
        # Without a readable layout the rows cannot be checked: report the structure problems first.
        raise RegisterInvalid(errors)
    importer = _Importer(register.parse_tables(tables))
    with transaction.atomic():
        importer.run()
        if importer.errors:
            raise RegisterInvalid(importer.errors)  # leaving the atomic block with it rolls everything back
    return importer.summary


@dataclass
class _Place:
    """A county or township as described by one or more rows of the places sheet."""

    code: str
    row: int
    name: str = ""
    kind: str = ""
    parent: str = ""


# Model field → sheet column key, to show a model error against the column the user filled in.
_COUNTY_COLUMNS = {"code": "county_code", "name": "county_name", "kind": "county_kind"}
_TOWNSHIP_COLUMNS = {"code": "township_code", "name": "township_name", "county": "county_code"}
_VILLAGE_COLUMNS = {"code": "village_code", "name": "village_name", "township": "township_code"}
_WATER_BODY_COLUMNS = {
    **{key: key for key in ("code", "name", "kind", "size_class", "basin", "length_km")},
    "dam_township": "dam_township_code",
}
_SEGMENT_COLUMNS = {
    "code": "code",
    "name": "name",
    "water_body": "water_body_code",
    "township": "township_code",
    "length_km": "length_km",
    "basis": "basis",
    "required_patrollers": "required_patrollers",
    "river_chiefs": "river_chiefs",
    "geometry": "geometry",
}


class _Importer:
    def __init__(self, parsed: ParsedRegister) -> None:
        self.parsed = parsed
        self.errors: list[RegisterError] = list(parsed.errors)
        self.summary = RegisterImportSummary()
        self.dams: list[tuple[int, WaterBody]] = []  # (row, reservoir) whose dam township the files give
        self.known: dict[type[models.Model], dict[str, Any]] = {}
        # Codes whose rows were refused: rows that refer to them are skipped without a second message.
        self.failed: dict[type[models.Model], set[str]] = {model: set() for model in REGISTER_MODELS}
        for values in parsed.failed.get(PLACES, ()):
            self.failed[County].add(values.get("county_code", ""))
            self.failed[Township].add(values.get("township_code", ""))
            self.failed[Village].add(values.get("village_code", ""))
        for values in parsed.failed.get(WATER_BODIES, ()):
            self.failed[WaterBody].add(values.get("code", ""))
        for values in parsed.failed.get(SEGMENTS, ()):
            self.failed[Segment].add(values.get("code", ""))

    def run(self) -> None:
        # The register is small (thousands of rows): load it once instead of a query per referenced code.
        self.known = {
            County: {c.code: c for c in County.objects.all()},
            Township: {t.code: t for t in Township.objects.all()},
            Village: {v.code: v for v in Village.objects.all()},
            WaterBody: {w.code: w for w in WaterBody.objects.all()},
            Segment: {s.code: s for s in Segment.objects.prefetch_related("villages")},
        }
        self.import_places()
        self.import_water_bodies()
        self.import_segments()
        self.check_dams()

    # -- helpers

    def error(self, sheet: str, row: int, message: str, column: str | None = None) -> None:
        header = register.header_of(sheet, column) if column else None
        self.errors.append(RegisterError(self.parsed.sheets[sheet], row, message, header))

    def resolve(self, model: type[models.Model], code: str, sheet: str, row: int, column: str) -> Any:
        """The object a row refers to by code (from these files or the database), or None after reporting."""
        found = self.known[model].get(code)
        if found is None and code not in self.failed[model]:
            message = _("找不到编码为“%(code)s”的%(model)s。") % {"code": code, "model": model._meta.verbose_name}
            self.error(sheet, row, message, column)
        return found

    def save(
        self,
        obj: models.Model,
        *,
        sheet: str,
        row: int,
        columns: dict[str, str],
        before: dict[str, Any] | None,
        extra: dict[str, Any] | None = None,
        valid: bool = True,
    ) -> bool:
        """full_clean() and save `obj`; report its errors against the row and columns otherwise.

        `before` is the snapshot of an existing object (None for a new one); `extra` adds values that are not
        columns of the table (a segment's villages) to the comparison that tells "updated" from "unchanged".
        `valid=False`: the row already has an error; report the model's errors too, but save nothing.
        """
        model = type(obj)
        try:
            obj.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = columns.get(name) if name != NON_FIELD_ERRORS else None
                for message in messages:
                    self.error(sheet, row, message, column)
            valid = False
        if not valid:
            self.failed[model].add(obj.code)
            return False
        if obj.pk is None:
            outcome = "created"
        elif {**_snapshot(obj), **(extra or {})} != before:
            outcome = "updated"
        else:
            outcome = "unchanged"
        if outcome != "unchanged":
            obj.save()
        self.summary.counts[model][outcome] += 1
        self.known[model][obj.code] = obj
        return True

    def existing_or_new(self, model: type[models.Model], code: str) -> tuple[Any, dict[str, Any] | None]:
        obj = self.known[model].get(code)
        if obj is None:
            return model(code=code), None
        return obj, _snapshot(obj)

    # -- sheets

    def import_places(self) -> None:
        counties: dict[str, _Place] = {}
        townships: dict[str, _Place] = {}
        villages: dict[str, tuple[int, str, str]] = {}  # code → (row, township code, name)
        for r in self.parsed.places:
            self.collect(counties, r.row, r.county_code, name=r.county_name, kind=r.county_kind, prefix="county")
            if r.township_code:
                self.collect(
                    townships, r.row, r.township_code, name=r.township_name, parent=r.county_code, prefix="township"
                )
            if r.village_code:
                if r.village_code in villages:
                    message = _("村编码“%(code)s”与第%(row)d行重复。") % {
                        "code": r.village_code,
                        "row": villages[r.village_code][0],
                    }
                    self.error(PLACES, r.row, message, "village_code")
                else:
                    villages[r.village_code] = (r.row, r.township_code, r.village_name)

        for spec in counties.values():
            county, before = self.existing_or_new(County, spec.code)
            county.name = spec.name or county.name
            county.kind = spec.kind or county.kind
            self.save(county, sheet=PLACES, row=spec.row, columns=_COUNTY_COLUMNS, before=before)
        for spec in townships.values():
            county = self.resolve(County, spec.parent, PLACES, spec.row, "county_code")
            if county is None:
                self.failed[Township].add(spec.code)
                continue
            township, before = self.existing_or_new(Township, spec.code)
            township.county = county
            township.name = spec.name or township.name
            self.save(township, sheet=PLACES, row=spec.row, columns=_TOWNSHIP_COLUMNS, before=before)
        for code, (row, township_code, name) in villages.items():
            township = self.resolve(Township, township_code, PLACES, row, "township_code")
            if township is None:
                self.failed[Village].add(code)
                continue
            village, before = self.existing_or_new(Village, code)
            village.township = township
            village.name = name or village.name
            self.save(village, sheet=PLACES, row=row, columns=_VILLAGE_COLUMNS, before=before)

    def collect(self, specs: dict[str, _Place], row: int, code: str, *, prefix: str, **values: str) -> None:
        """Merge one row's description of a county or township; rows that contradict each other are errors."""
        spec = specs.get(code)
        if spec is None:
            specs[code] = _Place(code=code, row=row, **values)
            return
        for attribute, value in values.items():
            if not value:
                continue
            current = getattr(spec, attribute)
            if not current:
                setattr(spec, attribute, value)
                if attribute == "name":
                    spec.row = row  # model errors about the name belong on the row that gave it
            elif current != value:
                column = "county_code" if attribute == "parent" else f"{prefix}_{attribute}"
                message = _("与第%(row)d行对编码“%(code)s”填写的“%(value)s”不一致。") % {
                    "row": spec.row,
                    "code": code,
                    "value": register.label_of(register.COUNTY_KINDS, current) if attribute == "kind" else current,
                }
                self.error(PLACES, row, message, column)

    def import_water_bodies(self) -> None:
        rows_by_code: dict[str, int] = {}
        for r in self.parsed.water_bodies:
            if self.duplicate(rows_by_code, WATER_BODIES, r.row, r.code):
                continue
            body, before = self.existing_or_new(WaterBody, r.code)
            body.name, body.kind, body.size_class, body.basin = r.name, r.kind, r.size_class, r.basin
            body.length_km = r.length_km
            valid = True
            if r.dam_township_code:
                dam = self.resolve(Township, r.dam_township_code, WATER_BODIES, r.row, "dam_township_code")
                valid = dam is not None
                body.dam_township = dam
            elif r.dam_township_code == "":
                body.dam_township = None
            saved = self.save(
                body, sheet=WATER_BODIES, row=r.row, columns=_WATER_BODY_COLUMNS, before=before, valid=valid
            )
            if saved and r.dam_township_code:
                self.dams.append((r.row, body))

    def import_segments(self) -> None:
        rows_by_code: dict[str, int] = {}
        for r in self.parsed.segments:
            if self.duplicate(rows_by_code, SEGMENTS, r.row, r.code):
                continue
            body = self.resolve(WaterBody, r.water_body_code, SEGMENTS, r.row, "water_body_code")
            township = self.resolve(Township, r.township_code, SEGMENTS, r.row, "township_code")
            villages = [self.resolve(Village, code, SEGMENTS, r.row, "village_codes") for code in r.village_codes]
            usable = body is not None and township is not None and None not in villages
            for village in villages:
                if village is not None and township is not None and village.township_id != township.pk:
                    message = _("村“%(village)s”(%(code)s)不属于乡镇“%(township)s”。") % {
                        "village": village.name,
                        "code": village.code,
                        "township": township.name,
                    }
                    self.error(SEGMENTS, r.row, message, "village_codes")
                    usable = False
            if not usable:
                self.failed[Segment].add(r.code)
                continue
            # Checked here and not on the model: the village set is written after the segment row.
            valid = True
            if r.basis == Segment.Basis.VILLAGE and not r.village_codes:
                self.error(SEGMENTS, r.row, _("按村配备的河段必须填写途经村编码。"), "village_codes")
                valid = False
            segment, before = self.existing_or_new(Segment, r.code)
            if before is not None:
                before["villages"] = {v.pk for v in segment.villages.all()}
            segment.name, segment.water_body, segment.township = r.name, body, township
            segment.length_km, segment.basis, segment.required_patrollers = r.length_km, r.basis, r.required_patrollers
            segment.river_chiefs, segment.geometry = r.river_chiefs, r.geometry
            extra = {"villages": {v.pk for v in villages}}
            saved = self.save(
                segment, sheet=SEGMENTS, row=r.row, columns=_SEGMENT_COLUMNS, before=before, extra=extra, valid=valid
            )
            if saved:
                segment.villages.set(villages)

    def check_dams(self) -> None:
        """A dam township given in these files must hold a segment of its reservoir, once the segments are in
        (a file may move a segment and the dam together)."""
        if not self.dams:
            return
        holding = set(
            Segment.objects.filter(water_body__in=[body for _row, body in self.dams]).values_list(
                "water_body_id", "township_id"
            )
        )
        for row, body in self.dams:
            if (body.pk, body.dam_township_id) not in holding:
                message = _("坝址乡镇“%(township)s”内没有该水库的河段。") % {"township": body.dam_township.name}
                self.error(WATER_BODIES, row, message, "dam_township_code")

    def duplicate(self, rows_by_code: dict[str, int], sheet: str, row: int, code: str) -> bool:
        if code in rows_by_code:
            message = _("编码“%(code)s”与第%(row)d行重复。") % {"code": code, "row": rows_by_code[code]}
            self.error(sheet, row, message, "code")
            return True
        rows_by_code[code] = row
        return False


def _snapshot(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
