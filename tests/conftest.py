import pytest

from tests.personas import make_personas


@pytest.fixture
def people(db):
    return make_personas()


@pytest.fixture(autouse=True)
def _fresh_cache(request, settings):
    """Throttle counters live in the cache; one test's failures must not lock out the next.

    Each test gets its own in-memory cache rather than a flushed Redis: flushing would
    also empty the Celery queue and channel layer that share REDIS_URL's database.
    """
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture(autouse=True)
def _fast_passwords(request, settings):
    # Not for browser tests: their server process was started with the real hashers.
    if request.node.get_closest_marker("e2e") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
