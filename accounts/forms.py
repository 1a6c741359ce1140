"""Forms of the user-management pages. They parse and check input; accounts.services writes."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.access import scope_for
from accounts.models import Organisation, Role
from config.text import TextFieldsMixin
from units.models import COMMUNE_LEVEL_KINDS, Unit, UnitKind

User = get_user_model()


def province_refs() -> list[str]:
    return [r.strip() for r in settings.NTM_PROVINCE_REFS.split(",") if r.strip()]


def scope_units(day: datetime.date | None = None, current: Unit | None = None):
    """The units a role may be scoped to: the province, its districts and its communes valid on
    the day (today by default), plus the unit a user is scoped to now."""
    day = day or timezone.localdate()
    refs = province_refs()
    condition = Q(pk__in=Unit.objects.valid_on(day).filter(
        Q(ref__in=refs) | Q(parent__ref__in=refs) | Q(parent__parent__ref__in=refs),
        kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT, *COMMUNE_LEVEL_KINDS],
    ).values("pk"))
    if current is not None:
        condition |= Q(pk=current.pk)
    return Unit.objects.filter(condition).select_related("parent").order_by("kind", "parent__sort_name", "sort_name")


def organisations(current: Organisation | None = None, day: datetime.date | None = None):
    """Active organisations that exist on the day (today by default), plus the current one."""
    day = day or timezone.localdate()
    condition = (Q(is_active=True) & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                 & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))
    if current is not None:
        condition |= Q(pk=current.pk)
    return Organisation.objects.filter(condition).order_by("kind", "name")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        if obj.parent_id and obj.kind != UnitKind.DISTRICT and obj.parent.kind == UnitKind.DISTRICT:
            return f"{obj.name} — {obj.parent.name} ({obj.code})"
        return f"{obj.name} ({obj.code})"


class PasswordPairMixin:
    """Two password fields that must match and pass Django's validators."""

    def _check_passwords(self, user) -> None:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if not first or not second:
            return
        if first != second:
            self.add_error("password2", _("The two passwords do not match."))
            return
        try:
            password_validation.validate_password(first, user)
        except forms.ValidationError as exc:
            self.add_error("password1", [_translated(e) for e in exc.error_list])


def _translated(error: forms.ValidationError) -> forms.ValidationError:
    """Django 5.2 changed the wording of the too-short message and its Vietnamese catalogue
    does not have the new one yet: say it in our own words."""
    if error.code == "password_too_short" and error.params:
        n = error.params["min_length"]
        return forms.ValidationError(
            ngettext("This password is too short: it must have at least %(n)d character.",
                     "This password is too short: it must have at least %(n)d characters.", n)
            % {"n": n},
            code=error.code,
        )
    return error


def _password_fields():
    return (
        forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password"}),
            help_text=password_validation.password_validators_help_text_html()),
        forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password"})),
    )


class ProfileFieldsForm(TextFieldsMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                          to_field_name="code")
    # A new account starts with the least privilege; the administrator raises it knowingly.
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)
    scope_unit = UnitChoiceField(
        label=_("Scope"), queryset=Unit.objects.none(), to_field_name="ref", required=False,
        empty_label=_("The organisation's unit"),
        help_text=_("Where the role applies. Leave empty to use the organisation's unit."),
    )

    def __init__(self, *args, current_organisation=None, current_scope=None, day=None, requester=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day or timezone.localdate()
        self.current_organisation, self.current_scope = current_organisation, current_scope
        organisation_qs = organisations(current_organisation, self.day)
        unit_qs = scope_units(self.day, current_scope)
        # An administrator bound to a province (accounts.bounds) assigns its own province's
        # organisations and units only; never one without a unit (a national account).
        readable = scope_for(requester).readable if requester is not None else None
        if readable is not None:
            organisation_qs = organisation_qs.filter(unit_id__in=readable)
            unit_qs = unit_qs.filter(pk__in=readable)
        self.fields["organisation"].queryset = organisation_qs
        self.fields["scope_unit"].queryset = unit_qs

    def clean(self):
        cleaned = super().clean()
        organisation, scope = cleaned.get("organisation"), cleaned.get("scope_unit")
        if organisation is None:
            return cleaned
        changed = organisation != self.current_organisation or scope != self.current_scope
        if changed and not organisation.is_valid_on(self.day):
            self.add_error("organisation", _("This organisation no longer exists (until %(day)s).")
                           % {"day": organisation.valid_to.strftime("%d/%m/%Y")})
        home = organisation.unit
        if (changed and scope is not None and home is not None and scope != home
                and scope.parent_id != home.pk and not (scope.parent and scope.parent.parent_id == home.pk)):
            self.add_error("scope_unit", _("The scope must be the organisation's unit or a unit within it "
                                           "(%(unit)s).") % {"unit": home.name})
        return cleaned


class UserCreateForm(PasswordPairMixin, ProfileFieldsForm):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use only letters, digits and the characters . @ + - _")},
    )
    password1, password2 = _password_fields()

    field_order = ["username", "full_name", "email", "organisation", "role", "scope_unit",
                   "password1", "password2"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        full_name = cleaned.get("full_name", "")
        first, _sep, last = full_name.strip().rpartition(" ")
        candidate = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""),
                         first_name=first, last_name=last)
        self._check_passwords(candidate)
        return cleaned


class UserEditForm(ProfileFieldsForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_for(cls, user) -> dict:
        profile = getattr(user, "profile", None)
        return {
            "full_name": user.get_full_name(),
            "email": user.email,
            "organisation": profile.organisation.code if profile else None,
            "role": profile.role if profile else None,
            "scope_unit": profile.scope_unit.ref if profile and profile.scope_unit else None,
        }


class SetPasswordForm(PasswordPairMixin, forms.Form):
    password1, password2 = _password_fields()
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        self._check_passwords(self.user)
        return cleaned


class ActivationForm(TextFieldsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class UserFilterForm(TextFieldsMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=150)
    vai_tro = forms.ChoiceField(label=_("Role"), required=False,
                                choices=[("", _("All")), *Role.choices])
    to_chuc = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                     queryset=Organisation.objects.order_by("kind", "name"),
                                     to_field_name="code", empty_label=_("All"))
    trang_thai = forms.ChoiceField(label=_("Account status"), required=False, choices=[
        ("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))])

    def __init__(self, *args, requester=None, **kwargs):
        super().__init__(*args, **kwargs)
        readable = scope_for(requester).readable if requester is not None else None
        if readable is not None:  # the organisations of the administrator's province only
            self.fields["to_chuc"].queryset = self.fields["to_chuc"].queryset.filter(unit_id__in=readable)

    def apply(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q)
                           | Q(last_name__icontains=q) | Q(email__icontains=q))
        if data["vai_tro"]:
            qs = qs.filter(profile__role=data["vai_tro"])
        if data["to_chuc"]:
            qs = qs.filter(profile__organisation=data["to_chuc"])
        if data["trang_thai"]:
            qs = qs.filter(is_active=data["trang_thai"] == "1")
        return qs
