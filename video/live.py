"""Pushes to open pages over the channel layer.

The channel layer delivers at most once and loses messages across a Redis
restart, so a push is only ever a hint: pages resynchronise from the database
on reconnect. A push that fails is logged and never breaks the caller.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def call_group(session_id) -> str:
    """Everyone connected to the session's socket (victim and staff)."""
    return f"session.{session_id}"


def staff_group(session_id) -> str:
    """Staff only: timeline events and SMS statuses."""
    return f"session.{session_id}.staff"


def push(group: str, message: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception as exc:  # the layer is a convenience; the database is the record
        log.warning("live push to %s failed: %s", group.split(".")[0], type(exc).__name__)
