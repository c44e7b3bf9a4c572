"""Sockets that only watch: the server says "this part of your page changed", the page refetches it.

Pages built on this (the case page, the service portal) never receive data over the
socket, only the name of a panel to reload through an ordinary, permission-checked
HTTP request. A lost hint (the channel layer delivers at most once and forgets
everything when Redis restarts) costs nothing but a delay: pages also reload their
panels every few seconds while visible, and after every reconnect.
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from video.live import push

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
# 1013 "Try Again Later": the page reconnects with backoff.
CLOSE_TRY_AGAIN = 1013


def panel_changed(group: str, panel: str) -> None:
    """Tell every page watching `group` to reload `panel`. Never raises."""
    push(group, {"type": "panel.changed", "panel": panel})


class WatchConsumer(AsyncWebsocketConsumer):
    """Subclasses say which group a user may watch; everything else is shared.

    `group_for(user, **url_kwargs)` runs in a thread (it may use the ORM) and
    returns the group name, or None to refuse the socket.
    """

    def group_for(self, user, **url_kwargs) -> str | None:
        raise NotImplementedError

    def user_from_scope(self):
        from response_platform.accounts.sockets import verified_user_from_scope

        return verified_user_from_scope(self.scope)

    async def connect(self):
        self.group = None
        self.user_id = None
        self.watchdog = None
        try:
            self.group = await database_sync_to_async(self._group)()
        except Exception as exc:
            log.error("watch socket: access check failed: %s", type(exc).__name__)
            await self.close(CLOSE_TRY_AGAIN)
            return
        # Accepted first, so a refused page sees 4403 and stops retrying.
        await self.accept()
        if self.group is None:
            await self.close(CLOSE_FORBIDDEN)
            return
        try:
            await self._join_groups()
        except Exception as exc:
            log.warning("watch socket: channel layer unavailable: %s", type(exc).__name__)
            self.group = None
            await self.close(CLOSE_TRY_AGAIN)
            return
        self.watchdog = asyncio.create_task(self._recheck_forever())

    async def _join_groups(self) -> None:
        from response_platform.accounts.sockets import user_group

        await self.channel_layer.group_add(self.group, self.channel_name)
        # Disabling the user closes this socket at once (user_disabled below).
        await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)

    async def _recheck_forever(self) -> None:
        """Now and then, ask again: the sign-in may have ended, or the user lost access, without a push saying so."""
        while self.group is not None:
            await asyncio.sleep(getattr(settings, "WATCH_RECHECK_SECONDS", 15))
            try:
                if await database_sync_to_async(self._group)() is None:
                    await self._refuse()
                    return
                await self._join_groups()  # Redis forgets memberships on a restart; renewing is idempotent
            except Exception as exc:
                log.warning("watch socket: recheck failed: %s", type(exc).__name__)

    async def _refuse(self) -> None:
        await self._leave_groups()
        await self.close(CLOSE_FORBIDDEN)

    def _group(self) -> str | None:
        user = self.user_from_scope()
        if user is None:
            return None
        self.user_id = user.pk
        return self.group_for(user, **self.scope["url_route"]["kwargs"])

    async def disconnect(self, code):
        if self.watchdog is not None and self.watchdog is not asyncio.current_task():
            self.watchdog.cancel()
        await self._leave_groups()

    async def _leave_groups(self) -> None:
        from response_platform.accounts.sockets import user_group

        if not self.group:
            return
        for group in (self.group, user_group(self.user_id)):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as exc:
                log.warning("watch socket: group_discard failed: %s", type(exc).__name__)
        self.group = None

    async def receive(self, text_data=None, bytes_data=None):
        # Watching needs nothing from the page; anything it sends is ignored.
        return

    async def user_disabled(self, event):
        await self._refuse()

    async def panel_changed(self, event):
        panel = event.get("panel")
        if isinstance(panel, str):
            await self.send(text_data=json.dumps({"type": "changed", "panel": panel}))
