"""Reading the audit trail: who may see which records, the filters of the page and the export,
and the human labels of actions and object types."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import filter_by_unit, scope_for
from accounts.models import Role
from audit.models import AuditRecord
from config.text import MAX_LENGTH_MESSAGE, reject_control_characters

ACTION_LABELS = {
    "values.record": _("Values recorded"),
    "recognition.create": _("Recognition recorded"),
    "recognition.revoke": _("Recognition revoked"),
    "plan.targets": _("Plan targets set"),
    "user.create": _("User created"),
    "user.update": _("User changed"),
    "user.password_reset": _("Password reset by an administrator"),
    "user.password_change": _("Password changed by the user"),
    "user.activate": _("User reactivated"),
    "user.deactivate": _("User deactivated"),
    "organisation.create": _("Organisation created"),
    "organisation.assign": _("Criteria assigned to an organisation"),
    "criteria.load": _("Criteria set version loaded"),
    "login.locked": _("Login locked after failed attempts"),
}

OBJECT_TYPE_LABELS = {
    "unit_period_values": _("Values of a commune for a period"),
    "recognition": _("Recognition"),
    "phase": _("Plan phase"),
    "user": _("User account"),
    "organisation": _("Organisation"),
    "criteria_set": _("Criteria set"),
}

# The longest text filter (user name, unit name or code, action, object type) accepted.
FILTER_MAX_LENGTH = 150

# Roles that see every record, including those without a unit (users, organisations, criteria).
SEE_ALL_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


def can_see_addresses(user) -> bool:
    """Client addresses of the trail are personal data: administrators only (a superuser or the
    province-admin role)."""
    return bool(getattr(user, "is_superuser", False)) or scope_for(user).role == Role.PROVINCE_ADMIN


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(object_type, object_type))


def records_for(user) -> QuerySet[AuditRecord]:
    """The audit records the user may read, newest first, with user and unit joined.

    Province administrators and officers read everything. Other roles read only records of the
    units they can read, never records without a unit. A user without a role gets 403."""
    scope = scope_for(user)
    if scope.role is None:
        raise PermissionDenied
    qs = AuditRecord.objects.select_related("user", "unit").order_by("-at", "-id")
    if scope.role in SEE_ALL_ROLES:
        return qs
    return filter_by_unit(user, qs.filter(unit__isnull=False))


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


def filtered_records(user, data) -> tuple[QuerySet[AuditRecord], Filters]:
    filters = Filters.from_query(data)
    return filters.apply(records_for(user)), filters


def choices(values, labels: dict) -> list[tuple[str, str]]:
    """(value, label) pairs for a filter select: the known values and any others in use."""
    found = dict.fromkeys(labels) | dict.fromkeys(values)
    return sorted(((v, str(labels.get(v, v))) for v in found if v), key=lambda pair: pair[1])


def _compact(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


@dataclass(frozen=True)
class Change:
    key: str
    old: str | None
    new: str | None

    @property
    def text(self) -> str:
        if self.old is None:
            return self.new or "—"
        return f"{self.old} → {self.new if self.new is not None else '—'}"


def changes(before: Any, after: Any) -> list[Change]:
    """The before/after JSON of a record as key: old → new rows. When both sides are dicts, only
    the keys whose value differs; when only one side exists, every key of it."""
    if before is None and after is None:
        return []
    if not isinstance(before, (dict, type(None))) or not isinstance(after, (dict, type(None))):
        return [Change("", None if before is None else _compact(before),
                       None if after is None else _compact(after))]
    before, after = before or {}, after or {}
    both = bool(before) and bool(after)
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if both and key in before and key in after and old == new:
            continue
        rows.append(Change(
            str(key),
            _compact(old) if key in before else None,
            _compact(new) if key in after else None,
        ))
    return rows


def as_json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=False)
