"""Packaging: docker-compose.yml validated by a real Compose implementation, and the image's build step run for real.

There is no Docker engine here, but `docker-compose config` (Debian's package)
or `docker compose config` (the v2 plugin) parses, interpolates and validates
the file against the Compose schema without one.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.production import BASE_DIR, PUBLIC_HOST, daphne, get, production_env

STACK = {"postgres", "redis", "web", "worker", "beat", "coturn", "proxy"}
# Required in the env file; compose must stop, naming each, when one is missing.
SECRETS = [
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "BLIND_INDEX_KEY",
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "TWILIO_AUTH_TOKEN",
    "TURN_SECRET",
]
REQUIRED = [*SECRETS, "ALLOWED_HOSTS", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID", "TURN_URLS"]
INSTALL = "apt-get install -y --no-install-recommends docker-compose"


def compose_command() -> list[str]:
    plugin = shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True)
    if plugin and plugin.returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    message = f"No Compose implementation to validate docker-compose.yml with; install one: {INSTALL}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def env_file_values() -> dict[str, str]:
    """A filled-in deploy/.env, each value unique so the test can see where it ends up."""
    values = {name: f"sentinel{name.lower().replace('_', '')}0123456789abcdef" for name in SECRETS}
    return values | {
        "FIELD_ENCRYPTION_KEYS": "c2VudGluZWwtZmllbGQta2V5LTAxMjM0NTY3ODlhYmM=",
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}",
        "TWILIO_ACCOUNT_SID": "ACtest00000000000000000000000000",
        "TWILIO_FROM_NUMBER": "+447700900000",
        "TURN_URLS": "turn:turn.example.test:3478?transport=udp",
    }


def compose(values: dict[str, str], *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env_file = tmp_path / "deploy.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    # A bare environment: the test run's own variables must not fill a gap in the env file.
    return subprocess.run(
        [*compose_command(), "--env-file", str(env_file), "--file", "docker-compose.yml", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def resolved(tmp_path: Path) -> dict:
    result = compose(env_file_values(), "config", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_compose_file_is_valid_and_runs_the_whole_stack(tmp_path):
    result = compose(env_file_values(), "config", "--quiet", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    services = compose(env_file_values(), "config", "--services", tmp_path=tmp_path).stdout.split()
    assert STACK <= set(services)


@pytest.mark.parametrize("name", REQUIRED)
def test_compose_refuses_to_start_without_and_names(name, tmp_path):
    values = env_file_values()
    del values[name]
    result = compose(values, "config", "--quiet", tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"set {name} (see deploy/env.example)" in result.stderr


def test_secrets_reach_the_services_only_from_the_env_file(tmp_path):
    values = env_file_values()
    services = resolved(tmp_path)["services"]
    app_env = services["web"]["environment"]
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "TWILIO_AUTH_TOKEN", "TURN_SECRET"):
        assert app_env[name] == values[name]
    assert f":{values['POSTGRES_PASSWORD']}@postgres:5432/" in app_env["DATABASE_URL"]
    assert f":{values['REDIS_PASSWORD']}@redis:6379/" in app_env["REDIS_URL"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == values["POSTGRES_PASSWORD"]
    assert services["redis"]["environment"]["REDIS_PASSWORD"] == values["REDIS_PASSWORD"]
    # coturn and the app sign and check TURN credentials with the same secret.
    assert services["coturn"]["environment"]["TURN_SECRET"] == app_env["TURN_SECRET"]
    for service in ("worker", "beat", "migrate"):
        assert services[service]["environment"] == app_env


def test_no_secret_value_is_written_in_the_deployment_files():
    compose_text = (BASE_DIR / "docker-compose.yml").read_text()
    for name in SECRETS:
        for value in re.findall(rf"^\s*{name}:\s*(.+)$", compose_text, flags=re.MULTILINE):
            assert value.startswith(f"${{{name}:?"), f"{name} in docker-compose.yml must come from the environment"
    turnserver_conf = (BASE_DIR / "deploy/coturn/turnserver.conf").read_text()
    assert not re.search(r"^\s*static-auth-secret", turnserver_conf, flags=re.MULTILINE)
    example = dict(
        line.split("=", 1) for line in (BASE_DIR / "deploy/env.example").read_text().splitlines() if "=" in line
    )
    assert all(example[name] == "" for name in SECRETS if name in example)


def caddyfile_directives() -> list[list[str]]:
    """The Caddyfile's lines as lists of tokens, comments and blank lines left out."""
    text = (BASE_DIR / "deploy/caddy/Caddyfile").read_text()
    return [line.split() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_web_runs_as_several_replicas_reached_only_through_the_tls_proxy(tmp_path):
    services = resolved(tmp_path)["services"]
    assert services["web"]["deploy"]["replicas"] > 1
    assert "ports" not in services["web"], "replicas share no host port: the proxy is the way in"
    proxy = services["proxy"]
    assert {port["target"] for port in proxy["ports"]} >= {443}
    assert any(volume.endswith(":/etc/caddy/Caddyfile:ro") for volume in proxy["volumes"])
    # The site the proxy serves is the public https address the app builds its links from.
    assert proxy["environment"]["SITE_ADDRESS"] == env_file_values()["PUBLIC_BASE_URL"].rstrip("/")
    assert proxy["environment"]["SITE_ADDRESS"].startswith("https://")


def test_the_proxy_terminates_tls_and_forwards_every_path_websockets_included_to_every_replica():
    directives = caddyfile_directives()
    assert directives[0] == ["{$SITE_ADDRESS}", "{"]
    assert ["tls", "{$TLS:internal}"] in directives
    proxies = [d for d in directives if d[0] == "reverse_proxy"]
    # No path matcher before the block: /ws/ goes to the app like every other path.
    assert proxies == [["reverse_proxy", "{"]]
    assert not any(d[0] in ("handle", "handle_path", "route", "respond", "redir") for d in directives)
    assert ["name", "web"] in directives and ["port", "8000"] in directives  # every replica, by DNS
    assert ["health_uri", "/healthz"] in directives


def test_the_web_health_check_probes_healthz(tmp_path):
    check = resolved(tmp_path)["services"]["web"]["healthcheck"]["test"]
    assert any("http://127.0.0.1:8000/healthz" in part for part in check)


def build_env() -> dict[str, str]:
    lines = (BASE_DIR / "deploy/build.env").read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {"PATH": os.environ["PATH"], "VAR_DIR": production_env()["VAR_DIR"], **values}


def test_the_image_build_step_makes_the_static_files_production_serves():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert ". deploy/build.env" in dockerfile and "collectstatic" in dockerfile
    # The same command the Dockerfile runs, with the same placeholder environment.
    build = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr

    with daphne(production_env()) as port:
        behind_tls = {"X-Forwarded-Proto": "https"}
        page = get(port, "/login/", host=PUBLIC_HOST, headers=behind_tls)
        stylesheet = re.search(r'href="(/static/css/staff\.[0-9a-f]{12}\.css)"', page.body.decode())
        assert page.status == 200, page.body
        assert stylesheet, "the login page should link the hashed stylesheet"
        css = get(port, stylesheet.group(1), host=PUBLIC_HOST, headers=behind_tls)
    assert css.status == 200
    assert "immutable" in css.getheader("Cache-Control", "")
    cookies = page.headers.get_all("Set-Cookie") or []
    assert cookies and all("Secure" in cookie for cookie in cookies)
    assert "max-age=31536000" in page.getheader("Strict-Transport-Security", "")


def test_the_env_example_lists_every_variable_compose_requires():
    lines = (BASE_DIR / "docker-compose.yml").read_text().splitlines()
    required = {
        name for line in lines if not line.lstrip().startswith("#") for name in re.findall(r"\$\{(\w+):\?", line)
    }
    example = (BASE_DIR / "deploy/env.example").read_text()
    listed = set(re.findall(r"^(\w+)=", example, flags=re.MULTILINE))
    assert set(REQUIRED) <= required
    assert required <= listed
