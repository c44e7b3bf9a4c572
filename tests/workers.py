"""Run Celery tasks the way production does: eagerly-but-honestly, or in a real worker process.

`run_like_a_worker` is for unit tests. pytest.ini sets CELERY_TASK_ALWAYS_EAGER, and settings
set CELERY_TASK_EAGER_PROPAGATES, so in Celery 5.7 an eager `self.retry()` does not re-run
the task: the tracer re-raises `celery.exceptions.Retry` to the caller (celery/app/trace.py,
`on_error`: `if propagate: raise`). Only with propagation off does `Task.apply` re-run the
retry inline, and then at once, ignoring the countdown. So this helper plays the worker:
it runs the task, and for every Retry it records the wait asked for and runs the retry's
own signature (which carries the incremented `retries`) straight away.

`celery_worker` starts `.venv/bin/celery worker` against the test database and the
configured broker, for tests marked `@pytest.mark.django_db(transaction=True)` (the worker
is another process and only sees committed rows).
"""

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.db import connection

from response_platform.celery import app

CELERY = settings.BASE_DIR / ".venv" / "bin" / "celery"
MAX_EAGER_RUNS = 20


def run_like_a_worker(task, *args, **kwargs) -> list[float]:
    """Run `task` to the end, following each retry at once. Returns the waits (s) asked for."""
    waits: list[float] = []
    signature = task.s(*args, **kwargs)
    for _ in range(MAX_EAGER_RUNS):
        try:
            signature.apply()
        except Retry as retry:
            waits.append(retry.when)
            signature = retry.sig
        else:
            return waits
    raise AssertionError(f"{task.name} was still retrying after {MAX_EAGER_RUNS} runs")


def require_redis() -> str:
    """The Redis URL, or a skip on a laptop without one; in CI a missing Redis is a failure."""
    if settings.REDIS_URL:
        return settings.REDIS_URL
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("REDIS_URL is not set: CI must run the tests that need Redis.")
    pytest.skip("REDIS_URL is not set")


def broker_is_filesystem() -> bool:
    return settings.CELERY_BROKER_URL.startswith("filesystem://")


def database_url_for_workers() -> str:
    """DATABASE_URL naming the database this test runs on (test_<name>, or the SQLite test file)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("a worker process cannot share an in-memory SQLite database")
        return f"sqlite:///{Path(name).resolve()}"
    user = quote(db["USER"] or "", safe="")
    password = ":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def _ensure_filesystem_broker_folders() -> None:
    # kombu's filesystem transport does not create its folders.
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def _worker_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_for_workers(),
        CELERY_TASK_ALWAYS_EAGER="false",
        PYTHONPATH=str(settings.BASE_DIR),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def celery_worker(
    *, queues: str = "sms,default,referrals,followups", env: dict[str, str] | None = None, ready_within: float = 60
):
    """A real worker process on the test database and the configured broker; always stopped.

    Yields the worker's log file. Old messages in its queues are purged first, so a task
    left over from an earlier run cannot act on this test's rows.
    """
    if broker_is_filesystem():
        _ensure_filesystem_broker_folders()
    log_path = Path(settings.VAR_DIR) / f"worker-{uuid.uuid4().hex[:8]}.log"
    command = [
        str(CELERY),
        "-A",
        "response_platform",
        "worker",
        "--pool",
        "solo",
        "--queues",
        queues,
        "--hostname",
        f"test-{uuid.uuid4().hex[:8]}@%h",
        "--loglevel",
        "INFO",
        "--purge",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    with open(log_path, "wb") as log:
        # cwd is VAR_DIR: kombu's filesystem transport writes a relative "control" folder.
        process = subprocess.Popen(
            command, cwd=settings.VAR_DIR, env=_worker_env(env or {}), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: " ready." in _read(log_path) or process.poll() is not None, within=ready_within)
        if process.poll() is not None:
            raise AssertionError(f"the Celery worker exited with {process.returncode}:\n{_read(log_path)[-3000:]}")
        yield log_path
    finally:
        stop(process)
    # Kept when the test failed (the exception skips this line), for whoever reads the failure.
    log_path.unlink(missing_ok=True)


def stop(process: subprocess.Popen, *, grace: float = 15) -> None:
    """SIGTERM (warm shutdown: the current task finishes), then SIGKILL."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


@contextmanager
def tasks_sent_to_the_broker() -> Iterator[None]:
    """Let this process publish tasks to the broker instead of running them eagerly."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def wait_until(condition: Callable[[], bool], *, within: float, every: float = 0.2) -> bool:
    """Poll until `condition()` holds; a bound on a wait, not a timing assertion."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def worker_log(path: Path) -> str:
    return _read(path)


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
