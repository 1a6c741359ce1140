"""Read models for the pages: a constant number of queries whatever the number of communes."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from assessments.catalog import base_set, family_on
from assessments.models import Evaluation, IndicatorValue, Period, Recognition
from criteria import engine
from criteria.ordering import natural_key
from criteria.queries import catalog_versions, current_catalog, spec_for_version
from units.models import AttributeName, Unit, UnitAttribute, UnitKind


def province_on(day: datetime.date) -> Unit | None:
    refs = [r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()]
    return Unit.objects.valid_on(day).filter(kind=UnitKind.PROVINCE, ref__in=refs).first()


def national_deployment() -> bool:
    """NTM_PROVINCE_REFS left empty: the deployment covers every province (a ministry's), and
    the programme communes are those of the whole country."""
    return not settings.NTM_PROVINCE_REFS.strip(" ,")


def programme_communes(day: datetime.date, province: Unit | None = None, *, area=None) -> QuerySet[Unit]:
    """Communes (xã) of the province that take part in the programme on the day. With `area`
    (dashboard.areas.Area), those of its provinces instead: every province when it covers the
    whole country."""
    units = Unit.objects.valid_on(day)
    if area is not None:
        if area.province_ids is not None:
            ids = list(area.province_ids)
            units = units.filter(Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
    else:
        province = province or province_on(day)
        if province is not None:
            units = units.under(province)
        elif not national_deployment():
            return Unit.objects.none()
    in_programme = UnitAttribute.objects.valid_on(day).filter(
        unit=OuterRef("pk"), name=AttributeName.IN_PROGRAMME, value="1"
    )
    return (
        units
        .filter(kind=UnitKind.COMMUNE)
        .filter(Exists(in_programme))
        .select_related("parent")
    )


def active_recognition_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}decision_date__lte": day}) & (
        Q(**{f"{prefix}revocation__isnull": True})
        | Q(**{f"{prefix}revocation__decision_date__gt": day})
    )


def recognitions_on(unit_ids, day: datetime.date) -> dict[int, Recognition]:
    """The highest recognition in force on the day, per unit (one query)."""
    best: dict[int, Recognition] = {}
    for rec in Recognition.objects.filter(unit_id__in=unit_ids).filter(active_recognition_q(day)):
        current = best.get(rec.unit_id)
        if current is None or rec.level_rank > current.level_rank:
            best[rec.unit_id] = rec
    return best


def _evaluated() -> QuerySet[Period]:
    # EXISTS: one index probe per period, not a join with every evaluation of the country.
    return Period.objects.filter(Exists(Evaluation.objects.filter(period=OuterRef("pk"))))


def latest_period() -> Period | None:
    """The period with evaluations whose as_of date is the latest (a year after its half)."""
    return _evaluated().order_by("-as_of", "-start").first()


def evaluated_periods() -> QuerySet[Period]:
    """Periods with stored evaluations, for the period pickers (oldest first)."""
    return _evaluated().order_by("as_of", "start")


NO_REVOCATION_RULE = (
    "Chưa có quy định thu hồi quyết định công nhận cho bộ tiêu chí này: QĐ 18/2022/QĐ-TTg gắn với "
    "bộ tiêu chí 2021-2025 và văn bản thay thế cho giai đoạn 2026-2030 chưa được tìm thấy "
    "(shared/domain/criteria-sources.md §5); hệ thống không tính trường hợp thu hồi."
)


@dataclass
class CommuneStatus:
    unit: Unit
    criteria_met: int | None
    criteria_unmet: int | None
    criteria_missing: int | None
    criteria_total: int | None
    level_reached: str
    criteria_status: dict
    recognition: Recognition | None
    revocation: engine.RevocationCheck | None = None

    @property
    def recognised(self) -> bool:
        return self.recognition is not None

    @property
    def failing(self) -> list[str]:
        return [code for code, status in self.criteria_status.items() if status == "unmet"]

    @property
    def at_risk(self) -> bool:
        """Recognised but failing at least one criterion now."""
        return self.recognised and bool(self.criteria_unmet)

    @property
    def revocable(self) -> bool:
        return self.revocation is not None and self.revocation.rule_met

    @property
    def meets_but_unrecognised(self) -> bool:
        return not self.recognised and bool(self.level_reached)


@dataclass
class PeriodContext:
    period: Period
    family: str | None
    base_set: object | None
    spec: object | None
    level_names: dict[str, str] = field(default_factory=dict)
    level_ranks: dict[str, int] = field(default_factory=dict)
    key_criteria: list[str] = field(default_factory=list)
    criterion_names: dict[str, str] = field(default_factory=dict)
    # The sets of the family by level code: (set id, current version id, spec).
    level_sets: dict[str, tuple[int, int, object]] = field(default_factory=dict)

    def revocation_spec(self, level_code: str):
        """The set whose revocation rule applies to a commune recognised at the level: the
        level's own set in this family, else the base set."""
        found = self.level_sets.get(level_code)
        return found[2] if found else self.spec

    @property
    def revocation_rule(self) -> str:
        """Which revocation rule applies in this period, with its source."""
        if self.spec is None:
            return ""
        if self.spec.revocation is None:
            return NO_REVOCATION_RULE
        return self.spec.revocation.note or "QĐ 18/2022/QĐ-TTg"


def recognition_counts_for(rec: Recognition, level_code: str, rank: int, family: str | None) -> bool:
    """Whether a recognition in force counts toward a level of the period's family: by rank
    within the same family; from another family's decision (a 2021-2025 recognition in 2026),
    any recognition counts toward the first level and otherwise only the same level code."""
    if not rec.family or rec.family == family:
        return rec.level_rank >= rank
    return rank <= 1 or rec.level_code == level_code


def period_context(period: Period) -> PeriodContext:
    family = family_on(period.as_of)
    if family is None:
        return PeriodContext(period, None, None, None)
    versions = catalog_versions(family)
    catalog = {code: spec_for_version(v) for code, v in versions.items()}
    base = base_set(family)
    spec = catalog.get(base.code) if base else None
    ctx = PeriodContext(period, family, base, spec)
    for s in sorted(catalog.values(), key=lambda s: s.level.rank):
        ctx.level_names[s.level.code] = s.level.name
        ctx.level_ranks[s.level.code] = s.level.rank
        version = versions.get(s.code)
        if version is not None:
            ctx.level_sets[s.level.code] = (version.criteria_set_id, version.pk, s)
    if spec is not None:
        ctx.criterion_names = {c.code: c.name for g in spec.groups for c in g.criteria}
        if spec.revocation is not None:
            ctx.key_criteria = list(spec.revocation.key_criteria)
    return ctx


def commune_statuses(ctx: PeriodContext, units: list[Unit]) -> list[CommuneStatus]:
    """Status of each unit for the period: two queries for any number of units."""
    unit_ids = [u.pk for u in units]
    evaluations = {}
    if ctx.base_set is not None:
        evaluations = {
            row["unit_id"]: row
            for row in Evaluation.objects.filter(
                unit_id__in=unit_ids, period=ctx.period, version=ctx.base_set.current_version_id
            ).values(
                "unit_id",
                "criteria_met",
                "criteria_unmet",
                "criteria_missing",
                "criteria_total",
                "level_reached",
                "criteria_status",
            )
        }
    recognitions = recognitions_on(unit_ids, ctx.period.as_of)
    # Communes recognised at a higher level of this family are checked against that level's set.
    higher = {
        ctx.level_sets[rec.level_code][1]: uid
        for uid, rec in recognitions.items()
        if rec.family == ctx.family and rec.level_code in ctx.level_sets
        and ctx.level_sets[rec.level_code][1] != (ctx.base_set.current_version_id if ctx.base_set else None)
    }
    level_rows = {}
    if higher:
        level_rows = {
            (row["unit_id"], row["version_id"]): row
            for row in Evaluation.objects.filter(
                period=ctx.period, version_id__in={v for v in higher},
                unit_id__in=[uid for uid, rec in recognitions.items()],
            ).values("unit_id", "version_id", "criteria_total", "criteria_missing", "criteria_status")
        }
    statuses = []
    for unit in units:
        row = evaluations.get(unit.pk, {})
        status = CommuneStatus(
            unit=unit,
            criteria_met=row.get("criteria_met"),
            criteria_unmet=row.get("criteria_unmet"),
            criteria_missing=row.get("criteria_missing"),
            criteria_total=row.get("criteria_total"),
            level_reached=row.get("level_reached", ""),
            criteria_status=row.get("criteria_status") or {},
            recognition=recognitions.get(unit.pk),
        )
        if status.recognised and row:
            status.revocation = _revocation(ctx, status, level_rows)
        statuses.append(status)
    return statuses


def _revocation(ctx: PeriodContext, status: CommuneStatus, level_rows: dict):
    """The QĐ 18/2022 check with the set of the level the commune is recognised at; None when
    that set states no revocation rule (2026-2030)."""
    rec = status.recognition
    spec = ctx.revocation_spec(rec.level_code) if rec.family == ctx.family else ctx.spec
    if spec is None or spec.revocation is None:
        return None
    counts = {"criteria_status": status.criteria_status, "criteria_total": status.criteria_total,
              "criteria_missing": status.criteria_missing}
    if spec is not ctx.spec:
        counts = level_rows.get((status.unit.pk, ctx.level_sets[rec.level_code][1]))
        if counts is None:
            return None
    unmet = [code for code, st in (counts["criteria_status"] or {}).items() if st == "unmet"]
    check = engine.revocation_check_counts(
        unmet_codes=unmet,
        total=counts["criteria_total"] or 0,
        key_criteria=spec.revocation.key_criteria,
        missing=counts["criteria_missing"] or 0,
        names={c.code: c.name for g in spec.groups for c in g.criteria},
    )
    if spec is not ctx.spec:
        check = dataclasses.replace(check, explanation=f"Theo {spec.name}: {check.explanation}")
    return check


def _indicator_places(family: str) -> dict[str, tuple[int, str, str]]:
    """indicator code -> (set rank, set level code, label) in a family, the lowest set first (an
    indicator shared by several sets belongs to the lowest)."""
    places: dict[str, tuple[int, str, str]] = {}
    for spec in sorted(current_catalog(family).values(), key=lambda s: s.level.rank):
        for group in spec.groups:
            for criterion in group.criteria:
                for ind in criterion.indicators:
                    places.setdefault(ind.code, (spec.level.rank, spec.level.code, ind.label or ind.code))
    return places


def value_history(unit: Unit, limit: int = 200) -> list[IndicatorValue]:
    """The unit's recorded values, newest period first; in a period grouped by criteria set (each
    row carries `set_level` and its `label`: "2.1" of the base set and "2.1" of the advanced set
    are two indicators) and in natural order (1.1, 2.1, 10.1), newest record first. At most
    `limit` rows; one query plus the catalog of each family met."""
    rows = list(
        IndicatorValue.objects.filter(unit=unit)
        .select_related("period", "recorded_by")
        .order_by("-period__start", "-recorded_at", "-id")[:limit]
    )
    places = {family: _indicator_places(family) for family in {v.family for v in rows}}
    for v in rows:
        rank, v.set_level, v.label = places[v.family].get(v.indicator, (99, "", v.indicator))
        v.set_rank = rank
    rows.sort(key=lambda v: (-v.period.start.toordinal(), v.set_rank, natural_key(v.label),
                             natural_key(v.indicator), -v.recorded_at.timestamp(), -v.pk))
    return rows


def annotated_communes(ctx: PeriodContext, province: Unit | None = None, *, area=None) -> QuerySet[Unit]:
    """Programme communes with their base-set evaluation and recognised rank as columns, so
    lists can filter, sort and paginate in the database. `area`: see programme_communes."""
    from django.db.models import Case, F, IntegerField, Subquery, Value, When
    from django.db.models.functions import Coalesce

    qs = programme_communes(ctx.period.as_of, province, area=area)
    if ctx.base_set is None:
        return qs.none()
    evaluation = Evaluation.objects.filter(
        unit=OuterRef("pk"), period=ctx.period, version=ctx.base_set.current_version_id
    )
    # The rank a recognition counts for in this family (recognition_counts_for, in SQL).
    counted = Case(
        When(Q(family=ctx.family) | Q(family=""), then=F("level_rank")),
        *[When(level_code=code, then=Value(r)) for code, r in ctx.level_ranks.items()],
        default=Value(1),
        output_field=IntegerField(),
    )
    rank = (
        Recognition.objects.filter(unit=OuterRef("pk"))
        .filter(active_recognition_q(ctx.period.as_of))
        .annotate(counted=counted)
        .order_by("-counted")
        .values("counted")[:1]
    )
    return qs.annotate(
        criteria_met=Subquery(evaluation.values("criteria_met")[:1]),
        criteria_unmet=Subquery(evaluation.values("criteria_unmet")[:1]),
        level_rank_reached=Coalesce(Subquery(evaluation.values("level_rank")[:1]), 0),
        recognised_rank=Coalesce(Subquery(rank, output_field=IntegerField()), 0),
    )


def districts_of(province: Unit | None, day: datetime.date) -> QuerySet[Unit]:
    if province is None:
        return Unit.objects.none()
    return Unit.objects.valid_on(day).filter(parent=province, kind=UnitKind.DISTRICT).order_by("sort_name")


def explained_results(unit: Unit, period: Period, evaluations: list[Evaluation]) -> list:
    """(evaluation, engine.SetResult with explanations) for a unit's stored evaluations.

    Stored evaluations keep statuses only; the sentences are rebuilt here with the SAME criteria
    set versions and the unit's current values (an evaluation is recomputed whenever a value
    changes, so these are the values it used). Two queries."""
    from criteria.queries import spec_for_version
    from units.queries import attributes_on

    if not evaluations:
        return []
    catalog = {e.criteria_set.code: spec_for_version(e.version) for e in evaluations}
    base = min(catalog.values(), key=lambda s: s.level.rank)
    attribute = AttributeName.GROUP if base.threshold_by == "group" else AttributeName.REGION
    key = attributes_on([unit.pk], attribute, period.as_of).get(unit.pk, "")
    values = {
        code: boolean if number is None else number
        for code, number, boolean in IndicatorValue.objects.filter(
            unit=unit, period=period, family=base.family, is_current=True
        ).values_list("indicator", "number", "boolean")
    }
    family = engine.evaluate_sets(catalog, list(catalog), engine.Context(key=key, on_date=period.as_of), values)
    results = [(e, family.results[e.criteria_set.code]) for e in evaluations]
    for _evaluation, result in results:
        # In numeric order (1, 2, …, 19), not in the order the set's groups list them.
        result.criteria = sorted(result.criteria, key=lambda c: natural_key(c.code))
    return results


@dataclass
class KeyStatus:
    """The region or commune group that chooses a commune's thresholds in a period."""

    kind: str  # "region" or "group"
    key: str
    name: str
    source: str = ""
    missing: str = ""
    proposal: str = ""


def group_status(unit: Unit, period: Period) -> KeyStatus | None:
    """Which key (region for 2021-2025, commune group for 2026-2030) the unit's thresholds use
    in the period, or a sentence naming what is missing. Three queries."""
    from units.groups import facts_of, propose
    from units.models import CommuneGroup

    family = family_on(period.as_of)
    base = base_set(family) if family else None
    if base is None:
        return None
    spec = current_catalog(family).get(base.code)
    kind = "group" if base.threshold_by == "group" else "region"
    attribute = AttributeName.GROUP if kind == "group" else AttributeName.REGION
    row = (UnitAttribute.objects.valid_on(period.as_of).filter(unit=unit, name=attribute)
           .order_by("-valid_from").first())
    names = {k.code: k.name for k in spec.keys} if spec else {}
    if row is not None:
        return KeyStatus(kind, row.value, names.get(row.value, row.value), source=row.source)
    if kind == "region":
        return KeyStatus(kind, "", "", missing="Xã chưa có vùng kinh tế - xã hội nên chưa xác định được ngưỡng.")
    record = CommuneGroup.objects.filter(unit=unit).order_by("-valid_from", "-recorded_at").first()
    if record is None:
        missing = ("Xã chưa có nhóm xã (QĐ 51/2025/QĐ-TTg) được xác nhận và chưa có số liệu để đề xuất: "
                   "cần tỷ trọng nông nghiệp, việc liền kề hoặc định hướng đô thị và khu vực vùng đồng bào "
                   "dân tộc thiểu số và miền núi.")
        return KeyStatus(kind, "", "", missing=missing)
    proposal = propose(facts_of(record))
    missing = "Xã chưa có nhóm xã (QĐ 51/2025/QĐ-TTg) được tỉnh xác nhận nên chưa xác định được ngưỡng."
    return KeyStatus(kind, "", "", missing=missing, proposal=proposal.sentence)


@dataclass
class GroupRow:
    unit: Unit
    group: str
    valid_from: datetime.date | None
    decision: str
    facts: object
    proposal: object
    illustrative: bool
    decision_record: object = None


def group_rows(units: list[Unit], day: datetime.date) -> list[GroupRow]:
    """Each commune's group in force on the day and the latest facts with the rule's proposal
    (two queries whatever the number of communes)."""
    from units.groups import facts_of, propose
    from units.models import CommuneGroup
    from units.queries import attributes_on

    ids = [u.pk for u in units]
    confirmed = {}
    latest = {}
    for record in CommuneGroup.objects.filter(unit_id__in=ids).order_by("valid_from", "recorded_at"):
        latest[record.unit_id] = record
        if record.group and record.valid_from <= day:
            confirmed[record.unit_id] = record
    in_force = attributes_on(ids, AttributeName.GROUP, day)
    rows = []
    for unit in units:
        record, last = confirmed.get(unit.pk), latest.get(unit.pk)
        facts = facts_of(last)
        rows.append(GroupRow(
            unit=unit, group=in_force.get(unit.pk, ""),
            valid_from=record.valid_from if record else None,
            decision=f"{record.decision_number} ({record.decision_date:%d/%m/%Y})" if record and record.decision_date else "",
            facts=facts, proposal=propose(facts), illustrative=bool(last and last.illustrative),
            decision_record=record,
        ))
    return rows
