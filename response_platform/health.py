"""GET /healthz: 200 when the database and the channel layer answer, 503 naming what is down.

Load balancers and orchestrators call it over plain HTTP with an internal host
name and no login, so HealthzMiddleware answers it ahead of the HTTPS
redirect, the ALLOWED_HOSTS check and the staff login.
"""

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

# A probe that hangs is worse than one that fails: the orchestrator's own timeout
# would hide which dependency is down. redis-py also retries a refused connection.
CHANNEL_LAYER_TIMEOUT = 3.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


async def _round_trip() -> None:
    async with asyncio.timeout(CHANNEL_LAYER_TIMEOUT):
        layer = get_channel_layer()
        channel = await layer.new_channel()
        probe = {"type": "health.probe", "id": uuid.uuid4().hex}
        await layer.send(channel, probe)
        if await layer.receive(channel) != probe:
            raise RuntimeError("channel layer returned something else")


def _channel_layer() -> None:
    # One event loop for the whole round trip: channels_redis keeps its connections per loop.
    async_to_sync(_round_trip)()


CHECKS = {"database": _database, "channel_layer": _channel_layer}


def healthz(request) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "down"; the class name says why without leaking detail
            results[name] = f"down: {type(exc).__name__}"
    down = [name for name, result in results.items() if result != "ok"]
    body = {"status": "down" if down else "ok", "checks": results, "down": down}
    return JsonResponse(body, status=503 if down else 200, headers={"Cache-Control": "no-store"})


class HealthzMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)
