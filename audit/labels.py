"""The Vietnamese reading of an audit record: its action, its object type, the fields of its
before/after and their values (choices, level codes, numbers, dates and times).

Audit is the lowest app (every service writes through it), so it imports no other app: the
labels of choice values are read through Django's app registry from the models named in
`MODEL_OF`, when the app is installed."""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy as P

ACTION_LABELS = {
    "values.record": P("audit action", "Values recorded"),
    "recognition.create": P("audit action", "Recognition recorded"),
    "recognition.revoke": P("audit action", "Recognition revoked"),
    "period.create": P("audit action", "Period created"),
    "unit.group.propose": P("audit action", "Commune group proposed"),
    "unit.group.confirm": P("audit action", "Commune group confirmed"),
    "units.load": P("audit action", "Administrative units loaded"),
    "criteria.load": P("audit action", "Criteria set version loaded"),
    "plan.targets": P("audit action", "Plan targets set"),
    "plan.year_targets": P("audit action", "Criteria targets per year set"),
    "plan.commune_target": P("audit action", "Commune target set"),
    "plan.target.transfer": P("audit action", "Commune target transferred to the successor commune"),
    "plan.items.transfer": P("audit action", "Roadmap items transferred to the successor commune"),
    "plan.item.create": P("audit action", "Roadmap item created"),
    "plan.item.update": P("audit action", "Roadmap item changed"),
    "plan.item.status": P("audit action", "Roadmap item status changed"),
    "plan.item.note": P("audit action", "Progress note added"),
    "plan.task.create": P("audit action", "Task created"),
    "plan.task.status": P("audit action", "Task status changed"),
    "plan.helping": P("audit action", "Helping agency assigned"),
    "plan.support_team.add": P("audit action", "Support team member added"),
    "plan.support_team.remove": P("audit action", "Support team member removed"),
    "plan.visit.create": P("audit action", "Field visit recorded"),
    "reporting.schedule.create": P("audit action", "Report schedule created"),
    "reporting.periods.generate": P("audit action", "Reporting periods generated"),
    "reporting.submission.draft": P("audit action", "Report draft saved"),
    "reporting.submission.submit": P("audit action", "Report submitted"),
    "reporting.submission.withdraw": P("audit action", "Report withdrawn"),
    "reporting.submission.return": P("audit action", "Report returned"),
    "reporting.submission.accept": P("audit action", "Report accepted"),
    "reporting.reminder.send": P("audit action", "Report reminder sent"),
    "reporting.reminder.request": P("audit action", "Report reminders requested from the period page"),
    "notification.read": P("audit action", "Notifications marked as read"),
    "dossier.register": P("audit action", "Recognition dossier registered"),
    "dossier.self_assessment": P("audit action", "Dossier: self-assessment recorded"),
    "dossier.opinions": P("audit action", "Dossier: opinions recorded"),
    "dossier.posting": P("audit action", "Dossier: public posting recorded"),
    "dossier.survey": P("audit action", "Dossier: satisfaction survey recorded"),
    "dossier.appraisal": P("audit action", "Dossier: appraisal recorded"),
    "dossier.decide": P("audit action", "Dossier: decision recorded"),
    "dossier.return": P("audit action", "Dossier returned"),
    "finance.reference": P("audit action", "Finance reference data loaded"),
    "finance.plan": P("audit action", "Capital plan line set"),
    "finance.project.create": P("audit action", "Project created"),
    "finance.project.update": P("audit action", "Project changed"),
    "finance.allocation": P("audit action", "Capital allocated"),
    "finance.allocation.many": P("audit action", "Capital allocated by one decision"),
    "finance.disbursement": P("audit action", "Disbursement recorded"),
    "finance.debt": P("audit action", "Outstanding debt recorded"),
    "finance.repayment": P("audit action", "Debt repayment recorded"),
    "portal.article.create": P("audit action", "Article created"),
    "portal.article.edit": P("audit action", "Article changed"),
    "portal.article.submit": P("audit action", "Article submitted for approval"),
    "portal.article.return": P("audit action", "Article returned"),
    "portal.article.publish": P("audit action", "Article published"),
    "portal.image.add": P("audit action", "Picture added to an article"),
    "portal.document.add": P("audit action", "Document published"),
    "portal.settings": P("audit action", "Public site settings changed"),
    "portal.period.publish": P("audit action", "Period published on the public site"),
    "portal.tamper": P("audit action", "Public figures found altered"),
    "user.create": P("audit action", "User created"),
    "user.update": P("audit action", "User changed"),
    "user.password_reset": P("audit action", "Password reset by an administrator"),
    "user.password_change": P("audit action", "Password changed by the user"),
    "user.password_change_locked": P("audit action", "Password change locked after failed attempts"),
    "user.activate": P("audit action", "User reactivated"),
    "user.deactivate": P("audit action", "User deactivated"),
    "user.2fa_enable": P("audit action", "Two-factor sign-in turned on"),
    "user.2fa_disable": P("audit action", "Two-factor sign-in turned off"),
    "organisation.create": P("audit action", "Organisation created"),
    "organisation.assign": P("audit action", "Criteria assigned to an organisation"),
    "login.locked": P("audit action", "Login locked after failed attempts"),
    "api_token.create": P("audit action", "API token created"),
    "api_token.revoke": P("audit action", "API token revoked"),
    "admin.add": P("audit action", "Added in the administration site"),
    "admin.change": P("audit action", "Changed in the administration site"),
    "admin.delete": P("audit action", "Deleted in the administration site"),
    "ops.restore": P("audit action", "Backup restored"),
    "dossier.revocation_check": P("audit action", "Revocation dossier: revocation check frozen"),
    "dossier.revoke": P("audit action", "Revocation dossier: decision recorded"),
    "dossier.register_revocation": P("audit action", "Revocation dossier registered"),
    "dossier.answer_comment": P("audit action", "Dossier: answer to a comment recorded"),
    "dossier.condition.no_debt": P("audit action", "Dossier: no-debt declaration recorded"),
    "dossier.condition.security": P("audit action", "Dossier: security and order confirmation recorded"),
    "recognition.direct_record": P("audit action", "Recognition recorded directly"),
    "recognition.attach_scan": P("audit action", "Signed scan attached to a decision"),
    "recognition.correct": P("audit action", "Decision typo corrected"),
    "survey.form_default": P("audit action", "Default questionnaire loaded"),
    "survey.form_import": P("audit action", "Questionnaire imported (XLSForm)"),
    "survey.form_satisfaction": P("audit action", "Questionnaire: satisfied answers set"),
    "survey.round_create": P("audit action", "Survey round created"),
    "survey.round_dossier": P("audit action", "Survey round attached to a dossier"),
    "survey.codes": P("audit action", "Household codes generated"),
    "survey.round_close": P("audit action", "Survey round closed"),
    "survey.answers_import": P("audit action", "Survey answers imported"),
    "survey.answer_web": P("audit action", "Survey answer received on the web form"),
    "portal.feedback.submit": P("audit action", "Residents' feedback received"),
    "portal.feedback.publish": P("audit action", "Residents' feedback published"),
    "portal.feedback.answer": P("audit action", "Answer to residents' feedback changed"),
    "portal.feedback.reject": P("audit action", "Residents' feedback rejected"),
    "api.idempotency.purge": P("audit action", "Expired idempotency keys purged"),
}

OBJECT_TYPE_LABELS = {
    "unit_period_values": P("audit object", "Values of a commune for a period"),
    "recognition": P("audit object", "Recognition"),
    "period": P("audit object", "Assessment period"),
    "commune_group": P("audit object", "Commune group"),
    "province": P("audit object", "Province"),
    "unit": P("audit object", "Administrative unit"),
    "criteria_set": P("audit object", "Criteria set"),
    "phase": P("audit object", "Plan phase"),
    "commune_target": P("audit object", "Commune target"),
    "roadmap_item": P("audit object", "Roadmap item"),
    "plan_task": P("audit object", "Task"),
    "support_member": P("audit object", "Support team member"),
    "field_visit": P("audit object", "Field visit"),
    "report_schedule": P("audit object", "Report schedule"),
    "submission": P("audit object", "Report"),
    "reminder": P("audit object", "Reminder"),
    "reporting_period": P("audit object", "Reporting period"),
    "dossier": P("audit object", "Recognition dossier"),
    "finance_reference": P("audit object", "Finance reference data"),
    "plan_line": P("audit object", "Capital plan line"),
    "project": P("audit object", "Project"),
    "allocation": P("audit object", "Allocation"),
    "disbursement": P("audit object", "Disbursement"),
    "debt": P("audit object", "Outstanding debt"),
    "portal": P("audit object", "Public site"),
    "portal.article": P("audit object", "Article"),
    "portal.document": P("audit object", "Document"),
    "portal.settings": P("audit object", "Public site settings"),
    "user": P("audit object", "User account"),
    "account": P("audit object", "User account"),
    "address": P("audit object", "Client address"),
    "organisation": P("audit object", "Organisation"),
    "api_token": P("audit object", "API token"),
    "backup": P("audit object", "Backup"),
    "idempotent_request": P("audit object", "API idempotency keys"),
    "portal.feedback": P("audit object", "Residents' feedback"),
    "questionnaire": P("audit object", "Questionnaire"),
    "survey_round": P("audit object", "Survey round"),
}

# The model whose field choices label the values of an object type's before/after ("app.Model").
MODEL_OF = {
    "submission": "reporting.Submission",
    "report_schedule": "reporting.ReportSchedule",
    "reminder": "reporting.ReminderLog",
    "dossier": "recognition.Dossier",
    "roadmap_item": "planning.RoadmapItem",
    "plan_task": "planning.Task",
    "user": "accounts.Profile",
    "organisation": "accounts.Organisation",
    "project": "finance.Project",
    "portal.article": "portal.Article",
    "portal.document": "portal.Document",
}

FIELD_LABELS = {
    "state": P("audit field", "State"),
    "stage": P("audit field", "Stage"),
    "status": P("audit field", "Status"),
    "level": P("audit field", "Level"),
    "level_code": P("audit field", "Level"),
    "year": P("audit field", "Year"),
    "title": P("audit field", "Title"),
    "name": P("audit field", "Name"),
    "date": P("audit field", "Date"),
    "text": P("audit field", "Text"),
    "note": P("audit field", "Note"),
    "reason": P("audit field", "Reason"),
    "role": P("audit field", "Role"),
    "owner": P("audit field", "Owner"),
    "organisation": P("audit field", "Organisation"),
    "agency": P("audit field", "Helping agency"),
    "unit": P("audit field", "Administrative unit"),
    "username": P("audit field", "Username"),
    "full_name": P("audit field", "Full name"),
    "email": P("audit field", "E-mail"),
    "is_active": P("audit field", "Active"),
    "code": P("audit field", "Code"),
    "kind": P("audit field", "Kind"),
    "frequency": P("audit field", "Frequency"),
    "reporter_level": P("audit field", "Reporting level"),
    "period": P("audit field", "Period"),
    "from": P("audit field", "From"),
    "to": P("audit field", "To"),
    "version": P("audit field", "Version"),
    "file": P("audit field", "File"),
    "summary": P("audit field", "Summary"),
    "items": P("audit field", "Items"),
    "tasks": P("audit field", "Tasks"),
    "outcome": P("audit field", "Outcome"),
    "indicators": P("audit field", "Indicators"),
    "criteria": P("audit field", "Criteria"),
    "target_date": P("audit field", "Target date"),
    "estimated_cost": P("audit field", "Estimated cost"),
    "funding_source": P("audit field", "Funding source"),
    "failures": P("audit field", "Failed attempts"),
    "seconds": P("audit field", "Seconds locked"),
    "decision_number": P("audit field", "Decision number"),
    "decision_date": P("audit field", "Decision date"),
    "issuer": P("audit field", "Issued by"),
    "comment": P("audit field", "Comment"),
    "members": P("audit field", "Members"),
    "findings": P("audit field", "Findings"),
    "due_date": P("audit field", "Due date"),
    "submitted_at": P("audit field", "Submitted at"),
    "amount": P("audit field", "Amount"),
    "sections": P("audit field", "Sections"),
}

# Level codes of every criteria family.
LEVEL_LABELS = {
    "ntm": _("New rural area"), "nang-cao": _("Advanced new rural area"),
    "kieu-mau": _("Model new rural area"), "hien-dai": _("Modern new rural area"),
}

LEVEL_KEYS = {"level", "level_code", "target_level"}
# Integers that are years or identifiers, never grouped in thousands.
PLAIN_INTEGER_KEYS = {"year", "version", "organisation", "user", "period", "from_year", "to_year"}

_LEVEL_YEAR = re.compile(r"^([a-z-]+):(\d{4})$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def object_type_label(object_type: str) -> str:
    label = OBJECT_TYPE_LABELS.get(object_type)
    if label is None:
        model = _model(object_type)  # "app.model" of the administration site's records
        label = model._meta.verbose_name if model is not None else object_type
    return str(label)


def level_label(code: str) -> str:
    return str(LEVEL_LABELS.get(code, code))


def _model(label: str):
    if label.count(".") != 1:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


@functools.lru_cache(maxsize=512)
def _field(object_type: str, key: str):
    """The model field (with choices or a translated name) behind a key of an object type."""
    model = _model(MODEL_OF.get(object_type, ""))
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except Exception:  # noqa: BLE001 (FieldDoesNotExist and the like: no label then)
        return None
    return field if getattr(field, "concrete", False) else None


def field_label(object_type: str, key: str) -> str:
    """The Vietnamese name of a before/after key ("state" → "Trạng thái"; "nang-cao:2025" →
    "Nông thôn mới nâng cao 2025"); an unknown key (an indicator code) as it is."""
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    match = _LEVEL_YEAR.match(key)
    if match and match.group(1) in LEVEL_LABELS:
        return f"{level_label(match.group(1))} {match.group(2)}"
    field = _field(object_type, key)
    if field is not None and isinstance(getattr(field, "verbose_name", None), Promise):
        return str(field.verbose_name)
    return key


def group_number(value: int | Decimal | float) -> str:
    """1234567.5 → "1.234.567,5" (Vietnamese separators)."""
    if isinstance(value, float):
        try:
            value = Decimal(repr(value))
        except InvalidOperation:
            return str(value)
    sign = "-" if value < 0 else ""
    text = str(abs(value)) if isinstance(value, int) else format(abs(value), "f")
    whole, _dot, fraction = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def value_text(object_type: str, key: str, value: Any) -> str:
    """A before/after value as a reader expects it: the label of a choice or a level, a number
    with Vietnamese separators, a date dd/mm/yyyy, a time dd/mm/yyyy HH:MM in Vietnam, ✓/✗,
    lists joined by commas, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, int) and (key in PLAIN_INTEGER_KEYS or key.endswith("_id")):
            return str(value)
        return group_number(value)
    if isinstance(value, list):
        return ", ".join(value_text(object_type, key, v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(object_type, str(k))}: {value_text(object_type, str(k), v)}"
                         for k, v in value.items()) or "—"
    text = str(value)
    if key in LEVEL_KEYS and text in LEVEL_LABELS:
        return level_label(text)
    field = _field(object_type, key)
    if getattr(field, "choices", None):
        for choice, label in field.flatchoices:
            if str(choice) == text:
                return str(label)
    if _ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%d/%m/%Y %H:%M}"
    if _ISO_DATE.match(text):
        try:
            return f"{datetime.date.fromisoformat(text):%d/%m/%Y}"
        except ValueError:
            return text
    return text
