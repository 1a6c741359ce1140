import pytest
from django.utils import translation

from recognition.tests.helpers import world


@pytest.fixture(autouse=True)
def vietnamese():
    """The dossier's messages are asserted in Vietnamese."""
    with translation.override("vi"):
        yield


@pytest.fixture
def setup(criteria_sets):
    return world()
