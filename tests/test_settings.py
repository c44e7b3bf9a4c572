"""Start-up under production settings: complete, it passes Django's deploy checks; incomplete, it refuses by name."""

import asyncio
import json

import pytest
from django.utils.module_loading import import_string

from response_platform import settings as project_settings
from response_platform.sms.tasks import MAX_SEND_ATTEMPTS
from tests.production import PRODUCTION, REDIS_URL, manage, production_env

DEV_SECRETS = project_settings._DEV_SECRETS


def refusal(result) -> str:
    assert result.returncode != 0, "start-up should have been refused"
    return result.stderr


def test_a_complete_production_env_passes_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bare_machine_starts_on_the_embedded_defaults():
    env = {name: value for name, value in production_env().items() if name not in PRODUCTION}
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "BLIND_INDEX_KEY",
        "ALLOWED_HOSTS",
        "PUBLIC_BASE_URL",
        "DATABASE_URL",
        "REDIS_URL",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
    ],
)
def test_production_refuses_to_start_without_and_names(name):
    assert name in refusal(manage("check", env=production_env(**{name: None})))


def test_production_refuses_to_start_without_a_twilio_sender():
    stderr = refusal(manage("check", env=production_env(TWILIO_FROM_NUMBER=None)))
    assert "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID" in stderr


def test_a_messaging_service_can_stand_in_for_a_sender_number():
    env = production_env(TWILIO_FROM_NUMBER=None, TWILIO_MESSAGING_SERVICE_SID="MGtest0000000000000000000000000")
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_production_refuses_the_public_development_value_of(name):
    stderr = refusal(manage("check", env=production_env(**{name: DEV_SECRETS[name]})))
    assert f"{name} is the public development value" in stderr


def test_the_development_encryption_key_cannot_hide_among_rotated_keys():
    keys = f"{PRODUCTION['FIELD_ENCRYPTION_KEYS']},{DEV_SECRETS['FIELD_ENCRYPTION_KEYS']}"
    stderr = refusal(manage("check", env=production_env(FIELD_ENCRYPTION_KEYS=keys)))
    assert "FIELD_ENCRYPTION_KEYS is the public development value" in stderr


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_malformed_encryption_key_is_refused_by_name_without_echoing_it(debug):
    keys = f"{PRODUCTION['FIELD_ENCRYPTION_KEYS']},not-a-fernet-key"
    stderr = refusal(manage("check", env=production_env(DEBUG=debug, FIELD_ENCRYPTION_KEYS=keys)))
    assert "FIELD_ENCRYPTION_KEYS: key 2 of 2 is not a Fernet key" in stderr
    assert "not-a-fernet-key" not in stderr


def test_production_refuses_a_public_address_without_tls():
    stderr = refusal(manage("check", env=production_env(PUBLIC_BASE_URL="http://respond.example.test")))
    assert "PUBLIC_BASE_URL must be an https:// URL" in stderr


def test_production_refuses_a_public_address_its_allowed_hosts_would_reject():
    stderr = refusal(manage("check", env=production_env(ALLOWED_HOSTS="other.example.test")))
    assert "ALLOWED_HOSTS must include the host of PUBLIC_BASE_URL" in stderr


@pytest.mark.parametrize(("present", "missing"), [("TURN_URLS", "TURN_SECRET"), ("TURN_SECRET", "TURN_URLS")])
def test_production_refuses_half_a_turn_configuration(present, missing):
    stderr = refusal(manage("check", env=production_env(**{missing: None})))
    assert f"{missing} must be set with {present}" in stderr


def test_turn_urls_that_are_not_turn_urls_are_refused():
    stderr = refusal(manage("check", env=production_env(TURN_URLS="https://turn.example.test")))
    assert "TURN_URLS must list turn: or turns: URLs" in stderr


def show(code: str, env: dict[str, str]):
    """Run code that sets `result` in a fresh process with env, and return result."""
    script = f"import json\n{code}\nprint(json.dumps(result))"
    completed = manage("shell", "--no-imports", "--command", script, env=env)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_production_celery_uses_redis_and_redelivers_a_lost_sms_within_minutes():
    conf = show(
        "from response_platform.celery import app\n"
        "conf = app.conf\n"
        "result = [conf.broker_url, conf.broker_transport_options, conf.broker_connection_retry_on_startup]",
        production_env(),
    )
    broker_url, options, retry_on_startup = conf
    assert broker_url == REDIS_URL
    assert retry_on_startup is True
    longest_retry_countdown = 5 * 2 ** (MAX_SEND_ATTEMPTS - 2)
    # Long enough that a waiting retry is not handed out twice, short enough not to hold a link back for an hour.
    assert longest_retry_countdown < options["visibility_timeout"] < 3600


def test_production_cookies_are_secure_and_csrf_trusts_only_the_public_origin():
    session_secure, csrf_secure, origins = show(
        "from django.conf import settings\n"
        "result = [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.CSRF_TRUSTED_ORIGINS]",
        production_env(PUBLIC_BASE_URL="https://respond.example.test/"),
    )
    assert session_secure and csrf_secure
    assert origins == ["https://respond.example.test"]


@pytest.mark.timeout(60)
def test_a_production_socket_that_sits_quiet_still_receives_its_next_message():
    layer_settings = show(
        "from django.conf import settings\nresult = settings.CHANNEL_LAYERS['default']", production_env()
    )

    async def quiet_then_message():
        layer = import_string(layer_settings["BACKEND"])(**layer_settings["CONFIG"])
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(6)  # longer than one of channels_redis' 5 s blocking pops
        await layer.send(channel, {"type": "peer.joined"})
        try:
            return await asyncio.wait_for(receiving, 10)
        finally:
            await layer.flush()

    assert asyncio.run(quiet_then_message()) == {"type": "peer.joined"}
