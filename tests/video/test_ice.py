"""ICE servers handed to each participant: coturn REST credentials, STUN-only, or nothing."""

import json
import time

import pytest

from video.ice import ice_servers

TURN_UDP = "turn:turn.example.test:3478?transport=udp"
TURN_TCP = "turn:turn.example.test:3478?transport=tcp"
TURNS = "turns:turn.example.test:5349?transport=tcp"
SECRET = "s3cret-shared-with-coturn"


@pytest.fixture
def coturn(settings):
    settings.TURN_URLS = [TURN_UDP, TURN_TCP, TURNS]
    settings.TURN_SECRET = SECRET
    settings.TURN_CREDENTIAL_TTL = 600
    return settings


def relay(servers: list[dict]) -> dict:
    [turn] = [server for server in servers if "credential" in server]
    return turn


def test_each_join_gets_a_credential_coturn_will_accept(coturn):
    servers = ice_servers("participant-7", now=1_800_000_000)
    turn = relay(servers)
    assert turn["urls"] == [TURN_UDP, TURN_TCP, TURNS]
    assert turn["username"] == "1800000600:participant-7"
    # Computed independently with:
    #   printf '%s' '1800000600:participant-7' | openssl dgst -sha1 -hmac 's3cret-shared-with-coturn' -binary | base64
    assert turn["credential"] == "AIB1Tc9qwU1hrwJYX4a7InBO/vQ="
    assert SECRET not in json.dumps(servers)


def test_the_credential_expires_one_ttl_from_now(coturn):
    before = int(time.time())
    username = relay(ice_servers("participant-7"))["username"]
    after = int(time.time())
    expiry, identity = username.split(":")
    assert before + 600 <= int(expiry) <= after + 600
    assert identity == "participant-7"


def test_two_participants_never_share_a_credential(coturn):
    first = relay(ice_servers("participant-7", now=1_800_000_000))
    second = relay(ice_servers("participant-8", now=1_800_000_000))
    assert first["username"] != second["username"]
    assert first["credential"] != second["credential"]


def test_the_turn_hosts_also_serve_stun(coturn):
    servers = ice_servers("participant-7")
    assert {"urls": ["stun:turn.example.test:3478"]} in servers


def test_without_the_secret_only_stun_is_offered(settings):
    settings.TURN_URLS = [TURN_UDP, TURNS]
    settings.TURN_SECRET = ""
    assert ice_servers("participant-7") == [{"urls": ["stun:turn.example.test:3478"]}]


def test_with_neither_nothing_is_offered_and_the_browser_uses_host_candidates(settings):
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""
    assert ice_servers("participant-7") == []
