import pytest

from tests.personas import make_personas


@pytest.fixture
def people(db):
    return make_personas()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; one test's failures must not lock out the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
