import pytest

from tests.personas import make_personas
from tests.sockets import close_every_connection


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


@pytest.fixture(autouse=True)
def _close_left_over_connections():
    """No database connection outlives the test that opened it, whatever thread or task opened it.

    See close_every_connection: on SQLite a left-over connection turned a later test's
    read of the database file plus a worker's exit into "disk I/O error" for the rest of the run.
    """
    yield
    close_every_connection()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """Let the test database be dropped at the end of the run.

    Sockets tested in-process run their ORM calls on executor threads whose
    connections Django's teardown never sees; on PostgreSQL one left open stops
    DROP DATABASE. Runs before django_db_setup's own teardown (fixtures unwind in reverse).
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
