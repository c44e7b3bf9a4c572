"""GET /healthz: 200 when the database and the channel layer answer, 503 naming what is down."""

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _channel_layer() -> None:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    probe = {"type": "health.probe", "id": uuid.uuid4().hex}
    async_to_sync(layer.send)(channel, probe)
    if async_to_sync(layer.receive)(channel) != probe:
        raise RuntimeError("channel layer returned something else")


CHECKS = {"database": _database, "channel_layer": _channel_layer}


def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"down: {type(exc).__name__}"
    down = [name for name, result in results.items() if result != "ok"]
    body = {"status": "down" if down else "ok", "checks": results, "down": down}
    return JsonResponse(body, status=503 if down else 200, headers={"Cache-Control": "no-store"})
