"""While Redis (the cache in production) restarts, nobody is locked out of a call or a login."""

from django.test import Client

from tests.personas import PASSWORD, current_code, session_with_link

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_a_victim_can_still_open_the_link_when_the_cache_is_down(people, settings):
    _, _, token = session_with_link(people.alice)
    settings.CACHES = DEAD_REDIS
    response = Client().get(f"/j/{token}")
    assert response.status_code == 302
    assert response["Location"] == "/v/"


def test_a_specialist_can_still_sign_in_when_the_cache_is_down(people, settings):
    settings.CACHES = DEAD_REDIS
    client = Client()
    response = client.post(
        "/login/", {"username": "alice", "password": PASSWORD, "otp_token": current_code(people.alice)}
    )
    assert response.status_code == 302
    assert client.get("/cases/").status_code == 200
