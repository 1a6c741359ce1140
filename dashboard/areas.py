"""What the dashboard and the commune list cover: the whole country, a socio-economic region or
one province, on the map of the period shown.

Only users allowed to pick (accounts.access.can_pick_area) choose; everyone else sees the
deployment's own province (assessments.queries.province_on), as before national data existed.
Regions are the 7 socio-economic regions of QĐ 318/QĐ-TTg as units/data/regions.json assigns
them to the 63 provinces before 1/7/2025; a province of today's map takes the region of the
former province whose code it kept (every one of the 34 kept one).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.access import can_pick_area
from assessments.queries import province_on
from units import data_files
from units.models import Unit, UnitKind

COUNTRY = "ca-nuoc"
REGION_PREFIX = "vung-"
PROVINCE_PREFIX = "tinh-"
PARAM = "pham-vi"


@dataclass(frozen=True)
class Area:
    key: str  # "ca-nuoc", "vung-tdmnpb", "tinh-10"
    kind: str  # "country", "region" or "province"
    name: str
    # The provinces covered; None: every province of the map on the day.
    province_ids: tuple[int, ...] | None
    province: Unit | None = None
    # The deployment's own province (its phase plan, its history on today's map).
    is_home: bool = False

    @property
    def is_province(self) -> bool:
        return self.kind == "province"


def region_names() -> dict[str, str]:
    return dict(data_files.regions()["regions"])


def region_of(province: Unit) -> str:
    return data_files.regions()["provinces"].get(province.code, {}).get("region", "")


def provinces_on(day: datetime.date) -> list[Unit]:
    """The provinces of the map on the day, by name (one query)."""
    return list(Unit.objects.valid_on(day).filter(kind=UnitKind.PROVINCE).order_by("name"))


def province_area(province: Unit | None) -> Area:
    if province is None:
        return Area(PROVINCE_PREFIX, "province", _("Province"), (), None)
    return Area(PROVINCE_PREFIX + province.ref, "province", province.name, (province.pk,), province)


def _area(key: str, provinces: list[Unit]) -> Area | None:
    if key == COUNTRY:
        return Area(COUNTRY, "country", _("Whole country"), None)
    if key.startswith(REGION_PREFIX):
        code = key[len(REGION_PREFIX):]
        name = region_names().get(code)
        if name is None:
            return None
        ids = tuple(p.pk for p in provinces if region_of(p) == code)
        return Area(key, "region", _("Region: %(name)s") % {"name": name}, ids)
    if key.startswith(PROVINCE_PREFIX):
        ref = key[len(PROVINCE_PREFIX):]
        found = next((p for p in provinces if p.ref == ref), None)
        return province_area(found) if found is not None else None
    return None


@dataclass
class AreaChoice:
    key: str
    label: str
    group: str  # "" for the country, "region" or "province"


def resolve_area(user, day: datetime.date, key: str | None) -> tuple[Area, list[AreaChoice]]:
    """The area to show and, for users who may pick, the choices (empty otherwise). Users who
    may not pick always get the deployment's province; an unknown key gives the default (the
    deployment's province if one is configured on the day, else the whole country)."""
    if not can_pick_area(user):
        home = province_on(day)
        return dataclasses.replace(province_area(home), is_home=home is not None), []
    provinces = provinces_on(day)
    # province_on(day) without a query of its own: the configured province among these.
    refs = [r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()]
    home = next((p for p in sorted(provinces, key=lambda p: (p.code, p.valid_from or day)) if p.ref in refs), None)
    area = _area(key or "", provinces) if key else None
    if area is None:
        area = province_area(home) if home is not None else _area(COUNTRY, provinces)
    if area.province is not None and area.province == home:
        area = dataclasses.replace(area, is_home=True)
    present = {region_of(p) for p in provinces}
    choices = [AreaChoice(COUNTRY, _("Whole country"), "")]
    choices += [AreaChoice(REGION_PREFIX + code, name, "region")
                for code, name in region_names().items() if code in present]
    choices += [AreaChoice(PROVINCE_PREFIX + p.ref, p.name, "province") for p in provinces]
    return area, choices
