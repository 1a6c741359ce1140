"""The province a province-wide role is bound to, as the ids of the units it may read.

A database may hold every province of the country (`load_units --all`, `setup_demo --scale
national`), and a province may host the system for its neighbours, so a province-wide role
(administrator, officer, agency officer, viewer of a province) is bound to its own province:

- the province of its scope (`Profile.scope`: the scope unit, else the organisation's unit;
  a district or a commune counts as the province above it);
- every province linked to it by lineage across the 1/7/2025 reform, followed both ways to the
  end (old Lào Cai -> new Lào Cai -> old Lào Cai and Yên Bái): today's province reads the history
  of every commune it absorbed, and a user whose organisation still points at the old province
  (the demo's agency until 2025, the demo's viewer) reads today's province. There are no
  province-level lineage rows (units.loaders links communes only), so provinces are linked when
  one of their units is linked to one of the other's;
- every unit under those provinces (old map: province > district > commune; new map: province >
  commune).

Why the organisation's unit and not NTM_PROVINCE_REFS: the setting names the province the pages
of the deployment show ("10,15-20250701": old and new Lào Cai), not who may read what. The demo's
coordination office belongs to new Lào Cai (15-20250701), its agency of 2021-2025 to old Lào Cai
(10), and both reach the same three provinces by lineage, Yên Bái included, which the setting
does not name (its history is now Lào Cai's). A neighbour hosted by the deployment has its own
organisations, so its users are bound to their own province and never to the host's. A read-all
role whose organisation has no unit is a national office: unbounded (accounts.access).

The province pages (dashboard, targets, groups, reports, portal) show the deployment's province:
they are open to a bounded user only when its bound holds every province NTM_PROVINCE_REFS names
that the database holds (`Bound.holds_deployment`), never in a national deployment (the setting
empty: the pages would show the whole country); a hosted neighbour's users work through the
commune pages, lists, exports and the API, which all filter by the bound.

Cost: the bound is kept in Django's cache per province, keyed by the highest unit id and the
highest lineage id, which the profile query of accounts.access reads in the same round trip
(`version_annotations`): a request whose bound is cached costs no query of its own. Loading
units (`load_units`, `setup_demo`, from any process) adds units or lineage rows, so the key
changes and the next request computes the bound again: one query per lineage hop (two or three),
one for the unit ids and one for the deployment's provinces, whatever the number of communes
(the key also holds NTM_PROVINCE_REFS). What a new key does not see: an
existing unit moved to another parent, or a lineage row deleted, with nothing added (the loader
does neither; the admin is read-only): such an entry lives TIMEOUT seconds. Loads that commit
out of id order can leave a bound narrower than the data until the next load or the timeout;
narrower only ever refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce

from units.models import Unit, UnitKind, UnitLineage

TIMEOUT = 3600
# Two reforms' worth of hops; the 2025 reform needs three queries at most (old -> new -> old).
MAX_HOPS = 6


def under(unit: Unit) -> set[int]:
    """The unit and every unit below it (province > district > commune)."""
    ids = {unit.pk}
    ids.update(
        Unit.objects.filter(Q(parent=unit) | Q(parent__parent=unit)).values_list("pk", flat=True)
    )
    return ids


def with_predecessors(unit: Unit) -> set[int]:
    """The unit and the units it was formed from, back to the first (a commune's history)."""
    ids = {unit.pk}
    frontier = {unit.pk}
    # Lineage chains are short (one reform at a time); follow them to the end.
    while frontier:
        previous = set(
            UnitLineage.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)
        ) - ids
        ids |= previous
        frontier = previous
    return ids


def version_annotations() -> dict:
    """Annotations for the profile query: the highest unit and lineage ids (index lookups)."""
    return {
        "units_version": Subquery(Unit.objects.order_by("-pk").values("pk")[:1]),
        "lineage_version": Subquery(UnitLineage.objects.order_by("-pk").values("pk")[:1]),
    }


def province_of(unit: Unit) -> Unit:
    """The province above a unit (the unit itself for a province); parents should be joined."""
    while unit.kind != UnitKind.PROVINCE and unit.parent_id is not None:
        unit = unit.parent
    return unit


def _under_q(province_ids) -> Q:
    # The grandchildren through a subquery on parent_id, not a join on the parent (which made
    # PostgreSQL merge-join the whole unit table: 38 -> 3 ms per hop on the national map).
    children = Unit.objects.filter(parent_id__in=province_ids).values("pk")
    return Q(pk__in=province_ids) | Q(parent_id__in=province_ids) | Q(parent_id__in=children)


def _province_expression(side: str) -> Coalesce:
    # The province of a linked unit: its grandparent (old commune), else its parent (new
    # commune, district), else itself (a province).
    return Coalesce(f"{side}__parent__parent", f"{side}__parent", side)


def _linked_provinces(province_ids: set[int]) -> set[int]:
    """Provinces with a unit linked by lineage to a unit of these provinces (one query)."""
    units = Unit.objects.filter(_under_q(province_ids)).values("pk")
    pairs = (
        UnitLineage.objects.filter(Q(predecessor_id__in=units) | Q(successor_id__in=units))
        .values_list(_province_expression("predecessor"), _province_expression("successor"))
        .order_by().distinct()
    )
    return {pk for pair in pairs for pk in pair}


@dataclass(frozen=True)
class Bound:
    unit_ids: frozenset[int]
    # Whether the deployment's provinces (NTM_PROVINCE_REFS, both maps) are in the bound: the
    # province pages show them, so only such a user may open them.
    holds_deployment: bool


def _deployment_refs() -> set[str]:
    return {r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()}


def compute_bound(province_id: int) -> Bound:
    """The bound of the province (uncached)."""
    provinces = {province_id}
    frontier = {province_id}
    for _hop in range(MAX_HOPS):
        frontier = _linked_provinces(frontier) - provinces
        if not frontier:
            break
        provinces |= frontier
    ids = frozenset(Unit.objects.filter(_under_q(provinces)).values_list("pk", flat=True))
    refs = _deployment_refs()
    if not refs:  # a national deployment: the province pages would show every province
        return Bound(ids, False)
    # Every configured province in the database (the pages may show any of them, by date) must
    # be in the bound; none loaded yet: the pages show no province at all.
    deployment = set(Unit.objects.filter(kind=UnitKind.PROVINCE, ref__in=refs).values_list("pk", flat=True))
    return Bound(ids, deployment <= provinces)


def province_bound(province: Unit, version: tuple) -> Bound:
    """The bound of the province, from the cache when no unit or lineage was added since."""
    key = "ntm:bound:{}:{}:{}:{}".format(province.pk, *version, ",".join(sorted(_deployment_refs())))
    found = cache.get(key)
    if found is None:
        found = compute_bound(province.pk)
        cache.set(key, found, TIMEOUT)
    return found
