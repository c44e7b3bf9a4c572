"""Every WebSocket route. Each consumer checks who may connect; anything unmatched is refused."""

from channels.security.websocket import WebsocketDenier
from django.urls import path, re_path

from control_room.consumers import DashboardConsumer
from referrals.consumers import PortalInboxConsumer, PortalReferralConsumer
from response_platform.cases.consumers import CaseConsumer
from video.consumers import SessionConsumer

websocket_urlpatterns = [
    path("ws/sessions/<uuid:session_id>/", SessionConsumer.as_asgi()),
    path("ws/cases/<uuid:case_id>/", CaseConsumer.as_asgi()),
    path("ws/portal/", PortalInboxConsumer.as_asgi()),
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
    path("ws/portal/referrals/<uuid:referral_id>/", PortalReferralConsumer.as_asgi()),
    # URLRouter raises on a path it cannot match; a scanner probing /ws/anything
    # gets a refused handshake instead of a traceback in the log.
    re_path(r"", WebsocketDenier.as_asgi()),
]
