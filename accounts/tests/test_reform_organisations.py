"""Organisations and scopes after the 2025 reform: forms offer what exists today and refuse a
scope outside the organisation."""

import datetime

import pytest

from accounts import services
from accounts.forms import UserCreateForm
from accounts.models import OrganisationKind, Role
from conftest import make_new_province, make_province

pytestmark = pytest.mark.django_db


def data(organisation, scope=None, **extra):
    return {"username": "nguoi.moi", "full_name": "Người Mới", "email": "", "organisation": organisation.code,
            "role": Role.COMMUNE_OFFICER, "scope_unit": scope.ref if scope else "",
            "password1": "Strong-Pass-2026!x", "password2": "Strong-Pass-2026!x", **extra}


def test_forms_offer_only_organisations_and_units_that_exist_today(settings):
    settings.NTM_PROVINCE_REFS = "10,77-20250701"
    _old, old = make_province(2)
    _new, new = make_new_province(2)
    ended = services.ensure_organisation(code="so-cu", name="Sở cũ", kind=OrganisationKind.AGENCY,
                                         valid_to=datetime.date(2025, 2, 28))
    current = services.ensure_organisation(code="so-moi", name="Sở mới", kind=OrganisationKind.AGENCY,
                                           valid_from=datetime.date(2025, 3, 1))
    form = UserCreateForm()
    offered = set(form.fields["organisation"].queryset)
    assert current in offered and ended not in offered
    units = set(form.fields["scope_unit"].queryset)
    assert set(new) <= units and not (set(old) & units)


def test_a_scope_outside_the_organisation_is_refused(settings):
    settings.NTM_PROVINCE_REFS = "77-20250701"
    _new, new = make_new_province(2)
    commune = services.ensure_organisation(code="xa-0", name="UBND Xã Mới 0", kind=OrganisationKind.COMMUNE,
                                           unit=new[0])
    form = UserCreateForm(data(commune, scope=new[1]))
    assert not form.is_valid()
    assert "Phạm vi phải là đơn vị của tổ chức" in form.errors["scope_unit"][0]
    assert UserCreateForm(data(commune, scope=new[0])).is_valid()
