"""Shared test helpers: a small province built with the same functions the app uses."""

import copy
import datetime

import pytest
from django.conf import settings

PRE_TO = datetime.date(2025, 6, 30)


def pytest_configure(config):
    # The production hasher (PBKDF2, a million rounds) costs ~0.3 s per user created or logged
    # in; tests check who may do what, not the hasher's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _memoize_criteria_yaml()
    # Rolled-back test data reuses ids: a version-keyed dashboard cache would outlive its data.
    settings.NTM_DASHBOARD_CACHE = False
    # Tests run without `collectstatic` (the production server test runs it); pytest resets the
    # warning filters the settings set, so WhiteNoise's missing-STATIC_ROOT warning is named here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def _memoize_criteria_yaml():
    """Parse each distinct criteria file text once per test process.

    Most tests load the shipped criteria sets (`criteria_sets`), and the pure-Python YAML parser
    spends ~0.3 s per load on the same five files. The cache is keyed on the exact text and the
    file name (errors name the file); a text that fails to parse is never cached, so every
    syntax-error test still runs the real parser, and each caller gets its own deep copy.
    """
    from criteria import loader

    parse = loader._parse_yaml
    cache = {}

    def parse_once(text, name):
        key = (text, name)
        if key not in cache:
            cache[key] = parse(text, name)
        return copy.deepcopy(cache[key])

    loader._parse_yaml = parse_once


def make_province(n_communes: int, *, ref: str = "10", region: str = "tdmnpb", districts: int = 2):
    """A pre-reform province with districts and n programme communes (and one ward)."""
    from units.models import AttributeName, Unit, UnitAttribute, UnitKind

    province = Unit.objects.create(ref=ref, code=ref, kind=UnitKind.PROVINCE, name="Tỉnh Thử", valid_to=PRE_TO)
    dists = [
        Unit.objects.create(ref=f"{ref}{i:01d}D", code=f"{ref}{i}", kind=UnitKind.DISTRICT,
                            name=f"Huyện Số {i}", parent=province, valid_to=PRE_TO)
        for i in range(districts)
    ]
    communes = []
    attrs = []
    for i in range(n_communes):
        code = f"9{ref}{i:03d}"
        unit = Unit.objects.create(ref=code, code=code, kind=UnitKind.COMMUNE, name=f"Xã Thử {i:03d}",
                                   parent=dists[i % districts], valid_to=PRE_TO)
        communes.append(unit)
        attrs.append(UnitAttribute(unit=unit, name=AttributeName.REGION, value=region))
        attrs.append(UnitAttribute(unit=unit, name=AttributeName.IN_PROGRAMME, value="1"))
    ward = Unit.objects.create(ref=f"8{ref}000", code=f"8{ref}000", kind=UnitKind.WARD,
                               name="Phường Thử", parent=dists[0], valid_to=PRE_TO)
    attrs.append(UnitAttribute(unit=ward, name=AttributeName.IN_PROGRAMME, value="0"))
    UnitAttribute.objects.bulk_create(attrs)
    return province, communes


@pytest.fixture
def criteria_sets(db):
    from criteria.services import sync_sets

    return sync_sets(settings.NTM_CRITERIA_DIR)


@pytest.fixture
def officer(db, django_user_model):
    return django_user_model.objects.create_user(
        "officer", password="x-Strong-Pass-2025", is_superuser=True, is_staff=True
    )


@pytest.fixture
def outsider(db, django_user_model):
    return django_user_model.objects.create_user("outsider", password="x-Strong-Pass-2025")


REFORM_DAY = datetime.date(2025, 7, 1)


def make_new_province(n_communes: int, *, ref: str = "77", groups=("nhom-1", "nhom-2", "nhom-3"),
                      predecessors=None):
    """A province of today's map (from 1/7/2025, no districts) with n programme communes, each in
    the commune group groups[i % len(groups)] ("" = none confirmed); `predecessors` maps a
    commune index to old units merged into it."""
    from units.models import AttributeName, LineageKind, Unit, UnitAttribute, UnitKind, UnitLineage

    province = Unit.objects.create(ref=f"{ref}-20250701", code=ref, kind=UnitKind.PROVINCE,
                                   name="Tỉnh Mới", valid_from=REFORM_DAY)
    communes, attrs = [], []
    for i in range(n_communes):
        code = f"7{ref}{i:03d}"
        unit = Unit.objects.create(ref=f"{code}-20250701", code=code, kind=UnitKind.COMMUNE,
                                   name=f"Xã Mới {i:03d}", parent=province, valid_from=REFORM_DAY)
        communes.append(unit)
        attrs.append(UnitAttribute(unit=unit, name=AttributeName.IN_PROGRAMME, value="1", valid_from=REFORM_DAY))
        group = groups[i % len(groups)] if groups else ""
        if group:
            attrs.append(UnitAttribute(unit=unit, name=AttributeName.GROUP, value=group,
                                       valid_from=datetime.date(2026, 2, 15), source="test"))
    UnitAttribute.objects.bulk_create(attrs)
    for index, olds in (predecessors or {}).items():
        for old in olds:
            UnitLineage.objects.create(predecessor=old, successor=communes[index], kind=LineageKind.MERGE,
                                       date=REFORM_DAY)
    return province, communes


@pytest.fixture(autouse=True)
def _objects_unfrozen_after_each_test():
    """`import_values` freezes the garbage collector's objects on its way out (its process ends
    next); run in-process by a test, that would leak into whichever test the same worker runs
    next (test_excel_support checks the freeze count). Give them back after every test."""
    import gc

    yield
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public pages (portal/cache.py), rate-limit and login counters do not pass from one
    test to the next in the same worker (the cache outlives the test's rolled-back transaction)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Uploaded files written by tests go to a temporary folder, never to ./data/media (and
    parallel workers do not share one)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
