"""Writes of commune groups (QĐ 51/2025/QĐ-TTg): proposals from facts, confirmations by the
province, each audited; a confirmation writes the unit's `group` attribute and re-evaluates the
commune's periods that the group decides. The rule itself is units.groups.propose (pure)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import IndicatorValue, Period
from assessments.services import evaluate_units
from audit import services as audit
from criteria.models import CriteriaSet
from units.groups import GROUP_NAMES, GROUPS, Facts, facts_of, propose
from units.models import AttributeName, CommuneGroup, Unit, UnitAttribute, UnitKind


class GroupRejected(ValueError):
    """A group write refused, with the Vietnamese reason."""


def _facts_json(facts: Facts) -> dict:
    return {
        "agriculture_share": None if facts.agriculture_share is None else str(facts.agriculture_share),
        "near_urban": facts.near_urban, "new_urban": facts.new_urban, "ethnic_area": facts.ethnic_area,
    }


def _check_unit(unit: Unit, valid_from: datetime.date) -> None:
    if unit.kind != UnitKind.COMMUNE:
        raise GroupRejected(_("Commune groups apply to communes (xã) only."))
    if not unit.is_valid_on(valid_from):
        raise GroupRejected(
            _("%(unit)s does not exist on %(day)s: a group can only start while the commune exists.")
            % {"unit": unit.name, "day": valid_from.strftime("%d/%m/%Y")})


def _check_facts(facts: Facts) -> None:
    share = facts.agriculture_share
    if share is not None and not (Decimal(0) <= share <= Decimal(100)):
        raise GroupRejected(_("The share of agriculture must be between 0 and 100%."))


@transaction.atomic
def propose_group(unit: Unit, *, valid_from: datetime.date, facts: Facts, user=None,
                  ip_address: str | None = None, note: str = "", illustrative: bool = False) -> CommuneGroup:
    """Record the facts of a commune and the group the rule proposes (not yet in force)."""
    _check_unit(unit, valid_from)
    _check_facts(facts)
    proposal = propose(facts)
    record = CommuneGroup.objects.create(
        unit=unit, valid_from=valid_from, agriculture_share=facts.agriculture_share,
        near_urban=facts.near_urban, new_urban=facts.new_urban, ethnic_area=facts.ethnic_area,
        proposed=proposal.group, note=note, illustrative=illustrative,
        recorded_at=timezone.now(), recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record(action="unit.group.propose", object_type="commune_group", object_id=record.pk,
                 user=user, unit=unit, ip_address=ip_address,
                 after={**_facts_json(facts), "proposed": proposal.group, "valid_from": valid_from.isoformat(),
                        "why": proposal.sentence})
    return record


@transaction.atomic
def confirm_group(unit: Unit, *, valid_from: datetime.date, group: str, decision_number: str,
                  decision_date: datetime.date, facts: Facts | None = None, user=None,
                  ip_address: str | None = None, note: str = "", illustrative: bool = False,
                  today: datetime.date | None = None) -> CommuneGroup:
    """Put a group in force for the commune from valid_from, by the decision named; re-evaluate
    the commune's periods from that day whose criteria are keyed by group."""
    today = today or timezone.localdate()
    _check_unit(unit, valid_from)
    if group not in GROUPS:
        raise GroupRejected(_("Unknown commune group “%(group)s”.") % {"group": group})
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise GroupRejected(_("Enter the number of the decision that sets the group."))
    if len(decision_number) > 100 or len(note) > 1000:
        raise GroupRejected(_("The decision number is limited to 100 characters and the note to 1,000."))
    if decision_date > today:
        raise GroupRejected(_("The decision date cannot be in the future."))
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    later = UnitAttribute.objects.filter(unit=unit, name=AttributeName.GROUP, valid_from__gte=valid_from)
    if later.exists():
        raise GroupRejected(
            _("A group is already confirmed from %(day)s or later; record a decision starting after it.")
            % {"day": later.order_by("valid_from").first().valid_from.strftime("%d/%m/%Y")})
    pending = (CommuneGroup.objects.filter(unit=unit, group="").order_by("-recorded_at").first())
    if facts is None:
        facts = facts_of(pending)
    _check_facts(facts)
    proposal = propose(facts)
    if proposal.group and proposal.group != group and not note.strip():
        raise GroupRejected(
            _("The facts give %(proposed)s; confirming %(group)s needs a reason in the note.")
            % {"proposed": GROUP_NAMES[proposal.group], "group": GROUP_NAMES[group]})
    now = timezone.now()
    recorder = user if getattr(user, "is_authenticated", False) else None
    values = dict(
        valid_from=valid_from, agriculture_share=facts.agriculture_share, near_urban=facts.near_urban,
        new_urban=facts.new_urban, ethnic_area=facts.ethnic_area, proposed=proposal.group, group=group,
        decision_number=decision_number, decision_date=decision_date, note=note,
        illustrative=illustrative, confirmed_at=now, confirmed_by=recorder,
    )
    if pending is not None and pending.valid_from == valid_from:
        for key, value in values.items():
            setattr(pending, key, value)
        pending.save()
        record = pending
    else:
        record = CommuneGroup.objects.create(unit=unit, recorded_at=now, recorded_by=recorder, **values)
    UnitAttribute.objects.filter(
        unit=unit, name=AttributeName.GROUP, valid_from__lt=valid_from
    ).filter(valid_to__isnull=True).update(valid_to=valid_from - datetime.timedelta(days=1))
    source = f"{decision_number} ({decision_date:%d/%m/%Y})" + (" — minh họa" if illustrative else "")
    UnitAttribute.objects.create(unit=unit, name=AttributeName.GROUP, value=group,
                                 valid_from=valid_from, valid_to=unit.valid_to, source=source[:300])
    audit.record(action="unit.group.confirm", object_type="commune_group", object_id=record.pk,
                 user=user, unit=unit, ip_address=ip_address, reason=note,
                 after={**_facts_json(facts), "proposed": proposal.group, "group": group,
                        "valid_from": valid_from.isoformat(), "decision": decision_number,
                        "decision_date": decision_date.isoformat()})
    reevaluate_grouped(unit, valid_from)
    return record


def reevaluate_grouped(unit: Unit, since: datetime.date) -> int:
    """Re-evaluate the unit's periods from `since` whose family is keyed by group."""
    grouped = set(CriteriaSet.objects.filter(threshold_by="group").values_list("family", flat=True))
    periods = Period.objects.filter(
        as_of__gte=since, pk__in=IndicatorValue.objects.filter(
            unit=unit, family__in=grouped, is_current=True).values("period_id"))
    count = 0
    for period in periods:
        evaluate_units([unit], period)
        count += 1
    return count
