"""/healthz: what a load balancer's probe sees when everything is up, and when one dependency is down."""

import json
import socket

import pytest
from django.test import Client

from response_platform.lib import channel_layer
from tests.production import daphne, get, production_env

DEAD_REDIS_LAYER = {"default": {"BACKEND": channel_layer.BACKEND, "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}


def probe() -> tuple[int, dict, str]:
    response = Client().get("/healthz")
    return response.status_code, response.json(), response["Cache-Control"]


def test_an_anonymous_probe_gets_200_and_a_json_report_nobody_caches(db):
    status, body, cache_control = probe()
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "channel_layer": "ok"}, "down": []}
    assert "no-store" in cache_control


def test_it_answers_503_naming_the_channel_layer_when_redis_refuses(db, settings):
    settings.CHANNEL_LAYERS = DEAD_REDIS_LAYER
    status, body, cache_control = probe()
    assert status == 503
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["database"] == "ok"
    assert "no-store" in cache_control


@pytest.mark.timeout(30)
def test_a_redis_that_accepts_but_never_answers_is_reported_down_instead_of_hanging_the_probe(db, settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nothing ever replies
        host, port = silent.getsockname()
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": channel_layer.BACKEND,
                "CONFIG": {"hosts": [f"redis://{host}:{port}/0"]},
            }
        }
        status, body, _ = probe()
    assert status == 503
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["channel_layer"] == "down: TimeoutError"


def test_in_production_a_plain_http_probe_on_an_internal_host_name_is_answered_not_redirected():
    with daphne(production_env()) as port:
        health = get(port, "/healthz", host="web:8000")
        page = get(port, "/login/", host="respond.example.test")
    assert health.status == 200, health.body
    assert json.loads(health.body)["status"] == "ok"
    assert health.getheader("Cache-Control") == "no-store"
    # Everything else still goes to HTTPS.
    assert page.status == 301
    assert page.getheader("Location") == "https://respond.example.test/login/"


def test_in_production_it_answers_503_naming_the_database_when_postgres_is_unreachable():
    # Nothing listens on port 1: the connection is refused at once, and the test database is untouched.
    env = production_env(DATABASE_URL="postgres://response@127.0.0.1:1/response")
    with daphne(env) as port:
        health = get(port, "/healthz", host="web:8000")
    assert health.status == 503
    body = json.loads(health.body)
    assert "database" in body["down"]
    assert body["checks"]["database"].startswith("down: ")
