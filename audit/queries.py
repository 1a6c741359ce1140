"""Reading the audit trail: the records of a scope (decided by the view through accounts.access),
the filters of the page and the export, and the changes of a record in Vietnamese (audit.labels).

Audit is the lowest app: nothing here imports another app (imports run downward)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import labels
from audit.models import AuditRecord
from config.text import MAX_LENGTH_MESSAGE, reject_control_characters

# The longest text filter (user name, unit name or code, action, object type) accepted.
FILTER_MAX_LENGTH = 150

def visible_records(*, every_record: bool, readable_unit_ids=None, unitless: Q | None = None) -> QuerySet[AuditRecord]:
    """The audit records of a scope, newest first, with user and unit joined.

    `every_record`: also those without a unit (users, organisations, criteria), limited by the
    `unitless` filter when given (a province's administrator: the records its own province's
    accounts made). Records of a unit are limited to `readable_unit_ids` (None: every unit).
    Who gets which scope is the view's decision (accounts.access)."""
    qs = AuditRecord.objects.select_related("user", "unit").order_by("-at", "-id")
    of_units = Q(unit__isnull=False)
    if readable_unit_ids is not None:
        of_units = Q(unit_id__in=readable_unit_ids)
    if not every_record:
        return qs.filter(of_units)
    without_unit = Q(unit__isnull=True) & unitless if unitless is not None else Q(unit__isnull=True)
    return qs.filter(of_units | without_unit)


def parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date only)
        except ValueError:
            continue
    return None


@dataclass
class Filters:
    user: str = ""
    unit: str = ""
    object_type: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    errors: list[str] = field(default_factory=list)

    # Query-string names (Vietnamese, like the rest of the site).
    PARAMS = {"user": "nguoi", "unit": "don_vi", "object_type": "loai", "action": "hanh_dong",
              "date_from": "tu_ngay", "date_to": "den_ngay"}

    @classmethod
    def from_query(cls, data) -> Filters:
        p = cls.PARAMS
        filters = cls()
        for name in ("user", "unit", "object_type", "action"):
            setattr(filters, name, filters._text(data.get(p[name], "")))
        for name in ("date_from", "date_to"):
            raw = data.get(p[name], "").strip()
            if raw:
                day = parse_date(raw)
                if day is None:
                    filters.errors.append(
                        str(_("“%(value)s” is not a date; write it as dd/mm/yyyy.") % {"value": raw})
                    )
                setattr(filters, name, day)
        return filters

    def _text(self, raw: str) -> str:
        """A text filter as typed, or "" (with an error) when too long or with control characters."""
        value = (raw or "").strip()
        if len(value) > FILTER_MAX_LENGTH:
            self.errors.append(str(MAX_LENGTH_MESSAGE % {"limit_value": FILTER_MAX_LENGTH,
                                                         "show_value": len(value)}))
            return ""
        try:
            reject_control_characters(value)
        except ValidationError as exc:
            self.errors.extend(exc.messages)
            return ""
        return value

    def as_form(self) -> dict[str, Any]:
        return {
            "nguoi": self.user, "don_vi": self.unit, "loai": self.object_type,
            "hanh_dong": self.action,
            "tu_ngay": f"{self.date_from:%d/%m/%Y}" if self.date_from else "",
            "den_ngay": f"{self.date_to:%d/%m/%Y}" if self.date_to else "",
        }

    def apply(self, qs: QuerySet[AuditRecord]) -> QuerySet[AuditRecord]:
        if self.user:
            qs = qs.filter(user__username__icontains=self.user)
        if self.unit:
            qs = qs.filter(Q(unit__name__icontains=self.unit) | Q(unit__code__icontains=self.unit))
        if self.object_type:
            qs = qs.filter(object_type=self.object_type)
        if self.action:
            qs = qs.filter(action=self.action)
        tz = timezone.get_current_timezone()
        if self.date_from:
            start = datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=tz)
            qs = qs.filter(at__gte=start)
        if self.date_to:
            end = datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            )
            qs = qs.filter(at__lt=end)
        return qs


def filtered_records(records: QuerySet[AuditRecord], data) -> tuple[QuerySet[AuditRecord], Filters]:
    filters = Filters.from_query(data)
    return filters.apply(records), filters


def choices(values, known: dict, label=str) -> list[tuple[str, str]]:
    """(value, label) pairs for a filter select, sorted by label: the known values and any
    others in use, each labelled by `label(value)`."""
    found = dict.fromkeys(known) | dict.fromkeys(values)
    return sorted(((v, label(v)) for v in found if v), key=lambda pair: pair[1])


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    old: str | None
    new: str | None

    @property
    def text(self) -> str:
        if self.old is None:
            return self.new or "—"
        return f"{self.old} → {self.new if self.new is not None else '—'}"

    @property
    def line(self) -> str:
        return f"{self.label}: {self.text}" if self.label else self.text


def changes(before: Any, after: Any, object_type: str = "") -> list[Change]:
    """The before/after JSON of a record as "field: old → new" rows in Vietnamese (field names,
    choice and level labels, numbers, dates and times through audit.labels). When both sides
    are dicts, only the keys whose value differs; when only one side exists, every key of it."""
    if before is None and after is None:
        return []
    if not isinstance(before, (dict, type(None))) or not isinstance(after, (dict, type(None))):
        return [Change("", "", None if before is None else labels.value_text(object_type, "", before),
                       None if after is None else labels.value_text(object_type, "", after))]
    before, after = before or {}, after or {}
    both = bool(before) and bool(after)
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if both and key in before and key in after and old == new:
            continue
        key = str(key)
        rows.append(Change(
            key, labels.field_label(object_type, key),
            labels.value_text(object_type, key, old) if key in before else None,
            labels.value_text(object_type, key, new) if key in after else None,
        ))
    return rows


def changes_text(record: AuditRecord) -> str:
    """The changes of a record as lines of text (the export's column)."""
    return "\n".join(c.line for c in changes(record.before, record.after, record.object_type))


def as_json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=False)
