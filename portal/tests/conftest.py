import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public pages and feedback counters do not pass from one test to the next."""
    cache.clear()
    yield
    cache.clear()
