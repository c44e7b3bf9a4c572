"""An ASGI application that reports the garbage collector's settings of the process serving it.

tests/test_server_process.py serves it with `python -m response_platform.serve`, the
production entry point, to see what that entry point did to the process.
"""

import gc
import json


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    body = json.dumps({"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
