import pytest

from units.loaders import load_province
from units.models import Unit, UnitAttribute, UnitLineage


def _wipe():
    UnitLineage.objects.all().delete()
    UnitAttribute.objects.all().delete()
    # parent is PROTECT: delete from the leaves up.
    Unit.objects.filter(parent__parent__isnull=False).delete()
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, request):
    """Load the old provinces named by the module's LOAD_CODES once for the whole module."""
    codes = getattr(request.module, "LOAD_CODES", ("10",))
    with django_db_blocker.unblock():
        reports = [load_province(code) for code in codes]
    yield reports
    with django_db_blocker.unblock():
        _wipe()
