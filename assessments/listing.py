"""The commune list's filters and sort orders, in one place: the list page and any export of
"the filtered list" call `filtered_communes` with the same `CommuneFilters`, so both show the
same communes in the same order.

Search ignores diacritics and case ("mu sung" finds "Xã A Mú Sung", "dong" finds "Đồng") and
also looks at the district's name where the list shows districts; names sort in Vietnamese order
(units.collation). Both run in the database, so pagination stays right on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from accounts.access import visible_units
from assessments import queries
from assessments.queries import PeriodContext
from units.collation import search_key
from units.models import Unit, UnitKind

SORTS = {
    "ten": ("sort_name", "code"),
    "-tc": (F("criteria_met").desc(nulls_last=True), "sort_name", "code"),
    "tc": (F("criteria_met").asc(nulls_last=True), "sort_name", "code"),
    "huyen": ("parent__sort_name", "sort_name", "code"),
}
DEFAULT_SORT = "ten"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class CommuneFilters:
    q: str = ""
    district: str = ""  # a district's ref
    level: str = ""  # "cn-<level>", "dat-<level>" or "chua-cn"
    tc_min: int | None = None
    tc_max: int | None = None
    at_risk: bool = False
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params) -> CommuneFilters:
        """From the list's query string (a QueryDict or a dict)."""
        sort = params.get("sap_xep") or DEFAULT_SORT
        return cls(
            q=(params.get("q") or "").strip()[:100],
            district=(params.get("huyen") or "").strip(),
            level=(params.get("muc") or "").strip(),
            tc_min=_int(params.get("tc_min")),
            tc_max=_int(params.get("tc_max")),
            at_risk=params.get("rui_ro") == "1",
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )

    def as_template(self) -> dict:
        return {"q": self.q, "huyen": self.district, "muc": self.level, "tc_min": self.tc_min,
                "tc_max": self.tc_max, "rui_ro": "1" if self.at_risk else "", "sap_xep": self.sort}


def search(qs: QuerySet[Unit], text: str, *, with_district: bool = True) -> QuerySet[Unit]:
    """Units whose name (or district's name) contains the text, diacritics and case aside."""
    key = search_key(text)
    if not key:
        return qs
    condition = Q(search_name__contains=key)
    if with_district:
        condition |= Q(parent__kind=UnitKind.DISTRICT, parent__search_name__contains=key)
    return qs.filter(condition)


def filtered_communes(user, ctx: PeriodContext, province: Unit | None, filters: CommuneFilters,
                      *, area=None) -> QuerySet[Unit]:
    """The programme communes of the period that the user may read, annotated with their
    evaluation (queries.annotated_communes), filtered and sorted as the list page does."""
    # `area` (dashboard.areas.Area): the whole country, a region or a province instead.
    qs = visible_units(user, queries.annotated_communes(ctx, province, area=area))
    qs = search(qs, filters.q)
    if filters.district:
        qs = qs.filter(parent__ref=filters.district)
    level, ranks = filters.level, ctx.level_ranks
    if level.startswith("cn-") and level[3:] in ranks:
        qs = qs.filter(recognised_rank__gte=ranks[level[3:]])
    elif level.startswith("dat-") and level[4:] in ranks:
        qs = qs.filter(level_rank_reached__gte=ranks[level[4:]])
    elif level == "chua-cn":
        qs = qs.filter(recognised_rank=0)
    if filters.tc_min is not None:
        qs = qs.filter(criteria_met__gte=filters.tc_min)
    if filters.tc_max is not None:
        qs = qs.filter(criteria_met__lte=filters.tc_max)
    if filters.at_risk:
        qs = qs.filter(recognised_rank__gt=0, criteria_unmet__gt=0)
    return qs.order_by(*SORTS[filters.sort])
